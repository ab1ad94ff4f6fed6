/**
 * Jest global setup of the integration project. With KAFKA_BROKERS and SCHEMA_REGISTRY_URL set
 * (a docker-compose stack, Confluent Cloud) it uses those servers. Otherwise it starts the local
 * stack (or reuses one already running) and exports its addresses through process.env, which the
 * test workers inherit. When no stack can start it throws: the integration tests fail, never skip.
 */
import { resolve } from 'node:path';
import { isContractsError } from '../../src/errors';
import { createLocalStack } from '../../src/stack';

export default async function globalSetup(): Promise<void> {
  const brokers = process.env.KAFKA_BROKERS;
  const registry = process.env.SCHEMA_REGISTRY_URL;
  if (brokers && registry) {
    process.env.CONTRACTS_STACK_LOCAL = process.env.CONTRACTS_STACK_LOCAL ?? '0';
    process.stderr.write(`\nintegration: using KAFKA_BROKERS=${brokers} SCHEMA_REGISTRY_URL=${registry}\n`);
    return;
  }
  if (brokers || registry) {
    throw new Error(
      `integration: ${brokers ? 'KAFKA_BROKERS' : 'SCHEMA_REGISTRY_URL'} is set but ${brokers ? 'SCHEMA_REGISTRY_URL' : 'KAFKA_BROKERS'} is not; set both to use your servers, or neither to start the local stack`,
    );
  }
  const rootDir = resolve(__dirname, '..', '..');
  const stack = createLocalStack({ rootDir, log: (line) => process.stderr.write(`\nstack: ${line}`) });
  try {
    const result = await stack.up();
    process.stderr.write(
      `\nintegration: local stack ${result.reused ? 'already running, reused' : `started in ${(result.durationMs / 1000).toFixed(1)} s`}\n`,
    );
    process.env.KAFKA_BROKERS = result.env.KAFKA_BROKERS;
    process.env.SCHEMA_REGISTRY_URL = result.env.SCHEMA_REGISTRY_URL;
    process.env.CONTRACTS_STACK_LOCAL = '1';
    setStackOwnership({ rootDir, started: result.started });
  } catch (error) {
    const reason = isContractsError(error) ? error.describe() : String(error);
    throw new Error(
      `integration tests need Kafka and a Schema Registry, and the local stack could not start:\n${reason}\n` +
        'Alternatively set KAFKA_BROKERS and SCHEMA_REGISTRY_URL to running servers (e.g. `docker compose up -d`).',
      { cause: error },
    );
  }
}

/*
 * Hand-over to the global teardown (Jest runs both in one process and only globals survive
 * between them): which processes the setup started, so the teardown stops those and leaves a stack
 * the developer started alone.
 */
export interface StackOwnership {
  rootDir: string;
  /** Process names the setup started, e.g. `kafka-1`, `registry`; empty when it reused a stack. */
  started: string[];
}

const KEY = Symbol.for('booking-event-contracts.test.stack-ownership');

export function setStackOwnership(ownership: StackOwnership): void {
  (globalThis as Record<symbol, unknown>)[KEY] = ownership;
}

export function takeStackOwnership(): StackOwnership | undefined {
  const holder = globalThis as Record<symbol, unknown>;
  const ownership = holder[KEY] as StackOwnership | undefined;
  delete holder[KEY];
  return ownership;
}
