/**
 * Jest global setup of the projects that need servers. With KAFKA_BROKERS and SCHEMA_REGISTRY_URL
 * set (a docker-compose stack, Confluent Cloud) it uses those servers, and the teardown removes
 * what the run left there (test/support/leftovers.ts). Otherwise it starts the suite's own local
 * stack (test/support/test-stack.ts: fresh, purged when the run ends; one kept with
 * CONTRACTS_STACK_KEEP=1 is reused) and exports its addresses through process.env, which the test
 * workers inherit. It also makes the tests' Python environment (test/support/python.ts) once.
 * When no stack can start it throws: the integration tests fail, never skip.
 */
import { isContractsError } from '../../src/errors';
import { snapshotLeftovers } from './leftovers';
import { ensurePython } from './python';
import { ROOT, testStack } from './test-stack';

const say = (line: string) => process.stderr.write(`\nintegration: ${line}\n`);

export default async function globalSetup(): Promise<void> {
  // the kit's warn lines (dead letters, retries, pauses) are what the tests provoke on purpose;
  // a test that reads them sets its own level and sink. CONTRACTS_LOG_LEVEL=warn shows them.
  process.env.CONTRACTS_LOG_LEVEL ??= 'error';
  ensurePython(say);
  const brokers = process.env.KAFKA_BROKERS;
  const registry = process.env.SCHEMA_REGISTRY_URL;
  if (brokers && registry) {
    process.env.CONTRACTS_STACK_LOCAL = process.env.CONTRACTS_STACK_LOCAL ?? '0';
    say(`using KAFKA_BROKERS=${brokers} SCHEMA_REGISTRY_URL=${registry}`);
    setStackOwnership({ rootDir: ROOT, started: [], before: await snapshotLeftovers(brokers.split(','), registry) });
    return;
  }
  if (brokers || registry) {
    throw new Error(
      `integration: ${brokers ? 'KAFKA_BROKERS' : 'SCHEMA_REGISTRY_URL'} is set but ${brokers ? 'SCHEMA_REGISTRY_URL' : 'KAFKA_BROKERS'} is not; set both to use your servers, or neither to start the local stack`,
    );
  }
  const stack = testStack((line) => process.stderr.write(`\nstack: ${line}`));
  try {
    const kept = process.env.CONTRACTS_STACK_KEEP === '1' && (await stack.status()).state === 'running';
    if (!kept) await stack.down({ purge: true }); // what a killed run left
    const result = await stack.up();
    say(
      `the suite's own stack (${stack.stackDir}) ${result.reused ? 'already running, reused' : `started in ${(result.durationMs / 1000).toFixed(1)} s`}`,
    );
    process.env.KAFKA_BROKERS = result.env.KAFKA_BROKERS;
    process.env.SCHEMA_REGISTRY_URL = result.env.SCHEMA_REGISTRY_URL;
    process.env.CONTRACTS_STACK_LOCAL = '1';
    setStackOwnership({ rootDir: ROOT, started: result.started });
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
  /** On servers of the user's: what was there before the run, so the teardown removes only what the run made. */
  before?: Awaited<ReturnType<typeof snapshotLeftovers>>;
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
