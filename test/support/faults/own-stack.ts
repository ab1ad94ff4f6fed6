/**
 * A local stack of a fault scenario's own (its own folder and ports), for scenarios that kill or
 * restart servers, need three brokers or a SASL listener: the shared stack that the other test
 * files use is never touched. Jars are shared through `.cache/stack`.
 */
import { join } from 'node:path';
import { isContractsError } from '../../../src/errors';
import { createLocalStack, type LocalStack } from '../../../src/stack';
import { isOurProcess, isPortListening, processMarker, readPidFile } from '../../../src/stack/processes';
import { saslPort, type SaslPlainOptions } from '../../../src/stack/sasl';
import { ROOT } from '../bookings-samples';

export interface OwnStack {
  stack: LocalStack;
  brokers: string[];
  registryUrl: string;
  kafkaPort: number;
  registryPort: number;
  logDir: string;
  /** SIGKILLs one Kafka node. */
  killBroker(nodeId: number): Promise<void>;
  /**
   * Starts a node again once its ports can be bound: right after a SIGKILL the kernel keeps the
   * dead broker's connections (FIN-WAIT) on its port for a moment, and `startBroker` refuses a
   * port in use. Returns how long the ports stayed taken.
   */
  startBroker(nodeId: number): Promise<{ portWaitMs: number }>;
  /** Starts the registry again once its port can be bound (after a SIGKILL it stays taken for a moment). */
  startRegistry(): Promise<{ portWaitMs: number }>;
  /** SIGSTOPs one Kafka node's java process: a stalled VM, a long GC pause, a partition, to its clients. */
  freezeBroker(nodeId: number): Promise<void>;
  /** SIGCONTs it. */
  thawBroker(nodeId: number): Promise<void>;
  down(): Promise<void>;
}

export interface OwnStackOptions {
  /** Folder `.stack/faults-<name>`. */
  name: string;
  kafkaPort: number;
  registryPort: number;
  brokers?: 1 | 3;
  saslPlain?: SaslPlainOptions;
  /** Another Apicurio release than the stack's default (e.g. a newer one on a newer Java). */
  registryVersion?: string;
}

/** Starts a fresh stack (anything left by an aborted earlier run of the same scenario is purged first). */
export async function startOwnStack(options: OwnStackOptions): Promise<OwnStack> {
  const stackDir = join(ROOT, '.stack', `faults-${options.name}`);
  const stack = createLocalStack({
    rootDir: ROOT,
    stackDir,
    brokers: options.brokers ?? 1,
    kafkaPort: options.kafkaPort,
    registryPort: options.registryPort,
    saslPlain: options.saslPlain,
    registryVersion: options.registryVersion,
    startTimeoutMs: 150_000,
  });
  await stack.down({ purge: true });
  // connections of an earlier run's servers can hold these ports for a moment after they stopped
  const brokers = options.brokers ?? 1;
  const ports = [
    options.registryPort,
    ...Array.from({ length: (options.saslPlain ? 3 : 2) * brokers }, (_, i) => options.kafkaPort + i),
  ];
  await waitForFreePorts(ports, 30_000);
  try {
    const { env } = await stack.up();
    return {
      stack,
      brokers: env.KAFKA_BROKERS.split(','),
      registryUrl: env.SCHEMA_REGISTRY_URL,
      kafkaPort: options.kafkaPort,
      registryPort: options.registryPort,
      logDir: join(stackDir, 'logs'),
      killBroker: (nodeId) => stack.stopBroker(nodeId, { signal: 'SIGKILL' }),
      startBroker: async (nodeId) => {
        const brokers = options.brokers ?? 1;
        const ports = [options.kafkaPort + nodeId - 1, options.kafkaPort + brokers + nodeId - 1];
        if (options.saslPlain) ports.push(saslPort(options.kafkaPort, brokers, nodeId));
        const portWaitMs = await waitForFreePorts(ports, 60_000);
        await stack.startBroker(nodeId);
        return { portWaitMs };
      },
      startRegistry: async () => {
        // as for a broker: a killed registry's connections hold its port for a moment
        const portWaitMs = await waitForFreePorts([options.registryPort], 60_000);
        await stack.startRegistry();
        return { portWaitMs };
      },
      freezeBroker: (nodeId) => signalBroker(stackDir, nodeId, 'SIGSTOP'),
      thawBroker: (nodeId) => signalBroker(stackDir, nodeId, 'SIGCONT'),
      down: async () => {
        // a frozen broker would not stop on SIGTERM
        for (let nodeId = 1; nodeId <= brokers; nodeId++)
          await signalBroker(stackDir, nodeId, 'SIGCONT').catch(() => undefined);
        await stack.down({ purge: true });
      },
    };
  } catch (error) {
    await stack.down({ purge: true }).catch(() => undefined);
    const reason = isContractsError(error) ? error.describe() : String(error);
    throw new Error(
      `the fault scenario "${options.name}" needs a stack of its own, and it could not start:\n${reason}`,
      { cause: error },
    );
  }
}

/** By the stack's pid file: status() would ask the frozen broker and wait for its answer. */
async function signalBroker(stackDir: string, nodeId: number, signal: 'SIGSTOP' | 'SIGCONT'): Promise<void> {
  const pid = readPidFile(join(stackDir, 'pids', `kafka-${nodeId}.pid`));
  if (pid === undefined || !isOurProcess(pid, processMarker(`kafka-${nodeId}`, stackDir)))
    throw new Error(`Kafka node ${nodeId} is not running, so it cannot get ${signal}`);
  process.kill(pid, signal);
}

/** Waits (bounded) until nothing holds the ports; returns how long that took. */
async function waitForFreePorts(ports: number[], timeoutMs: number): Promise<number> {
  const began = Date.now();
  while (Date.now() - began < timeoutMs) {
    const taken = await Promise.all(ports.map((port) => isPortListening(port)));
    if (!taken.includes(true)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return Date.now() - began;
}
