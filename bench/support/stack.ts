/**
 * The servers the runtime benchmarks talk to: KAFKA_BROKERS and SCHEMA_REGISTRY_URL when both are
 * set, else the local stack (`createLocalStack`), reused when it already runs. `release()` stops
 * only the processes this run started, so a stack someone else started stays up.
 */
import { resolve } from 'node:path';
import { createLocalStack } from '../../src/stack';

export interface BenchServers {
  brokers: string[];
  registryUrl: string;
  /** Where the servers came from, for the report. */
  origin: string;
  release(): Promise<void>;
}

const ROOT = resolve(__dirname, '..', '..');

export async function acquireServers(): Promise<BenchServers> {
  const brokers = process.env.KAFKA_BROKERS?.trim();
  const registryUrl = process.env.SCHEMA_REGISTRY_URL?.trim();
  if (brokers && registryUrl) {
    return {
      brokers: splitBrokers(brokers),
      registryUrl,
      origin: 'KAFKA_BROKERS / SCHEMA_REGISTRY_URL',
      release: async () => undefined,
    };
  }
  if (brokers || registryUrl) {
    throw new Error(
      'set both KAFKA_BROKERS and SCHEMA_REGISTRY_URL to benchmark against your servers, or neither to use the local stack',
    );
  }
  const stack = createLocalStack({ rootDir: ROOT, log: (line) => process.stderr.write(`stack: ${line}\n`) });
  const up = await stack.up();
  const started = up.started;
  return {
    brokers: splitBrokers(up.env.KAFKA_BROKERS),
    registryUrl: up.env.SCHEMA_REGISTRY_URL,
    origin: up.reused
      ? 'local stack (already running, reused)'
      : `local stack (started for this run in ${(up.durationMs / 1000).toFixed(1)} s)`,
    async release() {
      if (started.length === 0) return;
      const status = await stack.status();
      const everything = [...status.brokers.map((b) => b.name), status.registry.name];
      if (everything.every((name) => started.includes(name))) {
        await stack.down();
        return;
      }
      for (const name of started) {
        if (name === 'registry') await stack.stopRegistry();
        else await stack.stopBroker(Number(name.replace('kafka-', '')));
      }
    },
  };
}

function splitBrokers(value: string): string[] {
  return value
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}
