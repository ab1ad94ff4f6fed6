/**
 * The schema-evolution walkthroughs (Avro and JSON Schema): a throw-away contracts project under
 * git, and services on different versions of the contract exchanging events on the real stack.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import {
  CONSUMER_EVENTS,
  createConsumer,
  createProducer,
  ensureTopics,
  type Producer,
  type TopicContract,
} from '../../src';
import type { UnknownProperties } from '../../src/serde';
import { stackEnv } from './stack-env';
import { runCli } from './temp-project';

export interface EvolutionProject {
  cli(args: string[]): { status: number | null; out: string };
  /** Commits everything (the schemas a later `check --against HEAD` compares with). */
  commit(message: string): void;
  /** Generates the contracts into `output` and loads the topic's contract. */
  generate(output: string): TopicContract;
}

/**
 * `dir` holds contracts.config.json and the schemas; it becomes a git repository with one empty
 * commit. The CLI runs against the test run's stack.
 */
export function evolutionProject(dir: string, topic: string): EvolutionProject {
  const { brokers, registryUrl } = stackEnv();
  const env = { ...process.env, KAFKA_BROKERS: brokers.join(','), SCHEMA_REGISTRY_URL: registryUrl };
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: dir });
  git('init', '-q', '-b', 'main');
  git('commit', '-q', '--allow-empty', '-m', 'empty');
  const cli = (args: string[]) => {
    const result = runCli(args, dir, env);
    return { status: result.status, out: result.stdout + result.stderr };
  };
  return {
    cli,
    commit(message) {
      git('add', '-A');
      git('commit', '-q', '-m', message);
    },
    generate(output) {
      const config = JSON.parse(readFileSync(join(dir, 'contracts.config.json'), 'utf8'));
      config.output = output;
      writeFileSync(join(dir, `${output}.config.json`), JSON.stringify(config));
      const generated = cli(['-c', `${output}.config.json`, 'generate']);
      if (generated.status !== 0) throw new Error(`contracts generate failed:\n${generated.out}`);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require(join(dir, output, topic)) as Record<string, TopicContract>;
      return module[`${topic.replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase())}Contract`]!;
    },
  };
}

export interface Reader {
  contract: TopicContract;
  unknownProperties?: UnknownProperties;
}

/**
 * Creates the topic, starts one consumer group per reader (each handling booking.created, from the beginning), lets
 * `send` publish through one producer per writer contract, and waits until every reader has
 * `expected` events or something was dead-lettered. Returns the events and the dead letters.
 */
export async function exchangeEvents(options: {
  groupPrefix: string;
  readers: Record<string, Reader>;
  writers: TopicContract[];
  send: (producers: Producer<TopicContract>[]) => Promise<void>;
  expected: number;
}): Promise<{ received: Record<string, Array<Record<string, unknown>>>; deadLettered: string[] }> {
  await ensureTopics(new Kafka({ brokers: stackEnv().brokers, logLevel: logLevel.NOTHING }), options.writers[0]!);
  const received: Record<string, Array<Record<string, unknown>>> = {};
  const deadLettered: string[] = [];
  const consumers = Object.entries(options.readers).map(([name, reader]) => {
    received[name] = [];
    const consumer = createConsumer({
      contract: reader.contract,
      groupId: `${options.groupPrefix}-${name}`,
      fromBeginning: true,
      stopOnSignals: [],
      unknownProperties: reader.unknownProperties,
      handlers: {
        'booking.created': (event: unknown) => void received[name]!.push(event as Record<string, unknown>),
        'booking.confirmed': 'ignore',
        'booking.cancelled': 'ignore',
        'booking.failed': 'ignore',
      } as never,
    });
    consumer.on(CONSUMER_EVENTS.DEAD_LETTERED, (e) => void deadLettered.push(`${name}: ${JSON.stringify(e)}`));
    return consumer;
  });
  const producers = options.writers.map((contract, i) => createProducer({ contract, source: `v${i + 1}-service` }));
  try {
    await Promise.all([...consumers.map((c) => c.start()), ...producers.map((p) => p.connect())]);
    await options.send(producers);
    const deadline = Date.now() + 60_000;
    const done = () =>
      Object.values(received).every((events) => events.length >= options.expected) || deadLettered.length > 0;
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  } finally {
    await Promise.all([...consumers.map((c) => c.stop()), ...producers.map((p) => p.disconnect())]);
  }
  return { received, deadLettered };
}
