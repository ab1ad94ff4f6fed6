/**
 * Starting test/support/faults/consumer-child.ts (a consumer service in a process of its own) and
 * reading what it handled, for the scenarios that kill or freeze a consumer's process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../bookings-samples';

const CHILD = join(ROOT, 'test', 'support', 'faults', 'consumer-child.ts');

export interface ConsumerProcess {
  child: ChildProcess;
  /** Everything it printed on stdout (`ready`, `state <name>` lines). */
  stdout(): string;
  stderr(): string;
  /** Resolves when it has exited. */
  exited(): Promise<void>;
}

export interface ConsumerProcessOptions {
  brokers: string[];
  registryUrl: string;
  topic: string;
  groupId: string;
  /** File it appends every handled eventId to (consumer-child.ts). */
  out?: string;
  /** Another child script under test/support/faults (default consumer-child.ts). */
  script?: string;
  /** Extra FAULTS_* settings of consumer-child.ts. */
  env?: Record<string, string>;
}

/** Spawns the consumer process and waits until it prints `ready` (it runs in its group). */
export async function startConsumerProcess(options: ConsumerProcessOptions): Promise<ConsumerProcess> {
  const script = options.script ? join(ROOT, 'test', 'support', 'faults', options.script) : CHILD;
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: {
      ...process.env,
      KAFKA_BROKERS: options.brokers.join(','),
      SCHEMA_REGISTRY_URL: options.registryUrl,
      FAULTS_TOPIC: options.topic,
      FAULTS_GROUP: options.groupId,
      ...(options.out ? { FAULTS_OUT: options.out } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', () => {
      if (stdout.includes('ready')) resolve();
    });
    void exit.then(() =>
      reject(
        new Error(
          `the consumer process exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${stderr}`,
        ),
      ),
    );
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited: () => exit };
}

/** The eventIds a consumer process has handled so far, one per delivery. */
export function handledIds(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}
