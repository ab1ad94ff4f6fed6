/**
 * The local stack the tests run on when KAFKA_BROKERS / SCHEMA_REGISTRY_URL are not set: a stack
 * of the suite's own (`.stack/test`, ports of its own), started fresh and purged when the run ends,
 * so the topics, subjects and groups the tests make never reach the stack a developer runs
 * (`npm start`, `contracts stack up`: `.stack/`, 9092 and 8081) and the next run starts empty.
 * Its ports are none of the fault scenarios' own stacks (19192–19410, 18081–18410); a second run
 * beside this one sets CONTRACTS_TEST_KAFKA_PORT / CONTRACTS_TEST_REGISTRY_PORT, and its stack is
 * then `.stack/test-<kafka port>`: a second run in the same folder sharing `.stack/test` purged the
 * first one's stack at its start (what a killed run left), killing that run's brokers under it.
 */
import { join, resolve } from 'node:path';
import { createLocalStack, type LocalStack } from '../../src/stack';

export const ROOT = resolve(__dirname, '..', '..');
export const TEST_KAFKA_PORT = Number(process.env.CONTRACTS_TEST_KAFKA_PORT ?? 19500);
export const TEST_STACK_DIR = join(
  ROOT,
  '.stack',
  process.env.CONTRACTS_TEST_KAFKA_PORT ? `test-${TEST_KAFKA_PORT}` : 'test',
);
export const TEST_REGISTRY_PORT = Number(process.env.CONTRACTS_TEST_REGISTRY_PORT ?? 18500);

export function testStack(log?: (line: string) => void): LocalStack {
  return createLocalStack({
    rootDir: ROOT,
    stackDir: TEST_STACK_DIR,
    kafkaPort: TEST_KAFKA_PORT,
    registryPort: TEST_REGISTRY_PORT,
    log,
  });
}
