/**
 * The set-up every fault scenario shares: the stack it runs on (one of its own on fixed ports, for
 * scenarios that kill, freeze or restart servers; otherwise the shared stack of the global setup,
 * on a topic of its own), the bookings contract on new topics, the kit's producers and tallying
 * consumers on that stack, consumer processes, a temp folder, and the clean-up of all of it.
 *
 * `faultScenario()` is called once at the top of a test file: it registers the beforeAll that
 * starts what the scenario needs and the afterAll that stops it again, in this order: tallying
 * consumers still running, consumer processes, the scenario's extra servers (`after`), its own
 * stack, the temp folder; then, with `settle`, the check that no socket outlives the file.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { ConsumerOptions } from '../../../src/consumer';
import type { Producer, ProducerOptions } from '../../../src/producer';
import { expectSettled, openSockets } from '../settle';
import { stackEnv } from '../stack-env';
import { reportFigures, type ScenarioFigures } from './figures';
import { startConsumerProcess, type ConsumerProcess, type ConsumerProcessOptions } from './consumer-process';
import { startOwnStack, type OwnStack, type OwnStackOptions } from './own-stack';
import {
  describeProgress,
  kitProducer,
  publishStream,
  setUpFaultTopic,
  tallyingConsumer,
  waitUntil,
  type Bookings,
  type PublishFigures,
  type TallyingConsumer,
  type TopicOptions,
  type TopicSetup,
} from './stream';

export interface ScenarioOptions {
  /** Names the own stack's folder (`.stack/faults-<name>`), the temp folder and the first topic. */
  name: string;
  /** A stack of the scenario's own (its ports must not be any other scenario's); else the shared stack. */
  ownStack?: Omit<OwnStackOptions, 'name'>;
  /** Sets up the bookings contract on a topic of its own (`faults-<name>`) in beforeAll: `scenario.setup`. */
  topic?: TopicOptions;
  /** Makes a temp folder (`scenario.workDir`), removed in afterAll. */
  workDir?: boolean;
  /** Fails afterAll when a TCP socket opened since beforeAll is still open (test/support/settle.ts). */
  settle?: boolean;
  /** More servers, once the stack is up (a proxy in front of the registry). */
  before?(scenario: FaultScenario): Promise<void>;
  /** Stops what `before` started. */
  after?(): Promise<void>;
}

export interface FaultScenario {
  brokers: string[];
  registryUrl: string;
  /** The scenario's own stack (only with `ownStack`). */
  own: OwnStack;
  /** The topic set up in beforeAll (only with `topic`). */
  setup: TopicSetup;
  /** The temp folder (only with `workDir`). */
  workDir: string;
  /** The bookings contract on a new topic of this stack, its topics created and schemas registered. */
  topic(prefix: string, options?: TopicOptions): Promise<TopicSetup>;
  /** Makes the kit's producers on this stack (what `publishStream` needs). */
  producer(setup?: TopicSetup, extra?: Partial<ProducerOptions<Bookings>>): () => Producer<Bookings>;
  /** `publishStream` through the kit's producer on this stack. */
  publish(
    events: Parameters<typeof publishStream>[1],
    options: Parameters<typeof publishStream>[2],
    setup?: TopicSetup,
  ): Promise<PublishFigures>;
  /** A tallying kit consumer on this stack; afterAll stops it if it still runs. */
  consumer(setup?: TopicSetup, extra?: Partial<ConsumerOptions<Bookings>>, workMs?: number): TallyingConsumer;
  /** A consumer service in a process of its own, on this stack; afterAll kills it if it still runs. */
  consumerProcess(
    options: Omit<ConsumerProcessOptions, 'brokers' | 'registryUrl' | 'topic'>,
    setup?: TopicSetup,
  ): Promise<ConsumerProcess>;
  /** Waits (bounded) until the consumer handled `expected` distinct events; the error tells its group's offsets. */
  waitForHandled(c: TallyingConsumer, expected: number, timeoutMs: number, setup?: TopicSetup): Promise<void>;
  /** Members of a group when it is Stable, else -1. */
  groupMembers(groupId: string, setup?: TopicSetup): Promise<number>;
  /** Offsets the group committed on the topic, per partition ('-1': none). */
  committed(groupId: string, setup?: TopicSetup): Promise<string[]>;
  /** Leader node of each of the topic's partitions, by partition number. */
  leaders(topic: string, setup?: TopicSetup): Promise<number[]>;
}

export interface StreamReport {
  scenario: string;
  fault: string;
  member: TallyingConsumer;
  published: PublishFigures;
  batchSize: number;
  /** Scenario-specific figures, beside the stream's own. */
  details: ScenarioFigures['details'];
  began: number;
}

/**
 * Reports the figures of a stream that one tallying consumer read through a fault: what was
 * acknowledged, handled, delivered twice, dead-lettered and lost, with the producer's retries and
 * the consumer's recovered crashes. Returns `lost`.
 */
export function reportStream(report: StreamReport): number {
  const { member, published } = report;
  const lost = member.tally.missing(published.acknowledged).length;
  reportFigures({
    scenario: report.scenario,
    fault: report.fault,
    sent: published.acknowledged.length,
    handled: member.tally.distinct,
    duplicates: member.tally.duplicates,
    deadLettered: member.counts.deadLettered,
    lost,
    details: {
      batches: published.batches,
      batchSize: report.batchSize,
      batchRetries: published.batchRetries,
      producerRestarts: published.producerRestarts,
      consumerCrashesRecovered: member.counts.crashed,
      ...report.details,
    },
    durationMs: Date.now() - report.began,
  });
  return lost;
}

export function faultScenario(options: ScenarioOptions): FaultScenario {
  let own: OwnStack | undefined;
  let setup: TopicSetup | undefined;
  let workDir: string | undefined;
  let env: { brokers: string[]; registryUrl: string } | undefined;
  let socketsBefore = 0;
  const consumers: TallyingConsumer[] = [];
  const children = new Set<ChildProcess>();

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the fault scenario "${options.name}" has no ${what}`);
    return value;
  };
  const topicOf = (given: TopicSetup | undefined) => given ?? started(setup, 'topic (options.topic)');
  const onStack = () => started(env, 'stack yet (used before beforeAll)');

  const scenario: FaultScenario = {
    get brokers() {
      return onStack().brokers;
    },
    get registryUrl() {
      return onStack().registryUrl;
    },
    get own() {
      return started(own, 'stack of its own (options.ownStack)');
    },
    get setup() {
      return topicOf(undefined);
    },
    get workDir() {
      return started(workDir, 'temp folder (options.workDir)');
    },
    topic: (prefix, topic = { partitions: 3 }) =>
      setUpFaultTopic(prefix, scenario.brokers, scenario.registryUrl, topic),
    producer: (given, extra = {}) => kitProducer(topicOf(given), scenario.brokers, undefined, extra),
    publish: (events, publishOptions, given) => publishStream(scenario.producer(given), events, publishOptions),
    consumer: (given, extra = {}, workMs = 0) => {
      const c = tallyingConsumer(topicOf(given), scenario.brokers, extra, workMs);
      consumers.push(c);
      return c;
    },
    consumerProcess: async (processOptions, given) => {
      const consumer = await startConsumerProcess({
        ...processOptions,
        brokers: scenario.brokers,
        registryUrl: scenario.registryUrl,
        topic: topicOf(given).contract.topic,
      });
      children.add(consumer.child);
      return consumer;
    },
    waitForHandled: async (c, expected, timeoutMs, given) => {
      const { kafka, contract } = topicOf(given);
      await waitUntil(
        () => c.tally.distinct >= expected,
        () => `${expected} events handled, ${c.tally.distinct} so far`,
        timeoutMs,
      ).catch(async (error: Error) => {
        throw new Error(
          `${error.message}; ${await describeProgress(kafka, c.groupId, contract.topic)}; consumer ${JSON.stringify(c.counts)}`,
        );
      });
    },
    groupMembers: (groupId, given) =>
      withAdmin(topicOf(given).kafka, async (admin) => {
        const { groups } = await admin.describeGroups([groupId]);
        return groups[0]?.state === 'Stable' ? groups[0].members.length : -1;
      }).catch(() => -1),
    committed: (groupId, given) => {
      const { kafka, contract } = topicOf(given);
      return withAdmin(kafka, async (admin) => {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [contract.topic] });
        return (offsets?.partitions ?? []).map((p) => p.offset);
      });
    },
    leaders: (topic, given) =>
      withAdmin(topicOf(given).kafka, async (admin) => {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        const out: number[] = [];
        for (const p of topics[0]!.partitions) out[p.partitionId] = p.leader;
        return out;
      }),
  };

  beforeAll(async () => {
    socketsBefore = openSockets();
    if (options.workDir) workDir = mkdtempSync(join(tmpdir(), `faults-${options.name}-`));
    if (options.ownStack) {
      own = await startOwnStack({ name: options.name, ...options.ownStack });
      env = { brokers: own.brokers, registryUrl: own.registryUrl };
    } else {
      const shared = stackEnv();
      env = { brokers: shared.brokers, registryUrl: shared.registryUrl };
    }
    await options.before?.(scenario);
    if (options.topic) setup = await scenario.topic(`faults-${options.name}`, options.topic);
  });

  afterAll(async () => {
    for (const c of consumers) if (c.consumer.health().state !== 'stopped') await c.consumer.stop();
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        // a frozen one is thawed first, so that nothing is left stopped
        child.kill('SIGCONT');
        child.kill('SIGKILL');
      }
    }
    await options.after?.();
    await own?.down();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    if (options.settle) await expectSettled(socketsBefore);
  });

  return scenario;
}

/** Runs `use` with a connected admin client of `kafka`, disconnected afterwards whatever happens. */
export async function withAdmin<T>(kafka: Kafka, use: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await use(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
