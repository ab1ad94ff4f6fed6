/**
 * Load for the fault scenarios: valid booking events with eventIds chosen up front (so the sent set
 * is known whatever happens to a send), published in batches by the kit's producer, and a kit
 * consumer that tallies what it handles by eventId.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import {
  createConsumer,
  CONSUMER_EVENTS,
  type Consumer,
  type ConsumerOptions,
  type EventHandler,
  type Handlers,
} from '../../../src/consumer';
import { bookingsContract } from '../../../src/generated/bookings';
import { ensureTopics } from '../../../src/kafka';
import { createProducer, type BatchItem, type Producer, type ProducerOptions } from '../../../src/producer';
import { createSchemaRegistryClient, registerContract, type SchemaRegistryClient } from '../../../src/registry';
import { createTopicsReady } from '../../../src/kafka';
import { retry } from '../../../src/retry';
import { bookingInputs } from '../bookings-fixtures';
import { uniqueTopic, withTopic } from '../contracts';
import { Tally } from './figures';

export type Bookings = typeof bookingsContract;
const TYPES = ['booking.created', 'booking.confirmed', 'booking.cancelled', 'booking.failed'] as const;

/** `count` valid events, the four types in turn, 4 events per booking, each with its own eventId. */
export function makeEvents(count: number): Array<BatchItem<Bookings> & { eventId: string }> {
  const out: Array<BatchItem<Bookings> & { eventId: string }> = [];
  for (let i = 0; i < count; i++) {
    const eventType = TYPES[i % 4]!;
    const bookingId = `B-${Math.floor(i / 4)}`;
    const eventId = randomUUID();
    const payload = { ...bookingInputs(bookingId)[eventType], eventId } as never;
    out.push({ eventType, payload, eventId });
  }
  return out;
}

/** The same handler (or 'ignore') for each of the four event types. */
export function everyEvent(handler: EventHandler<{ eventId: string }> | 'ignore'): Handlers<Bookings> {
  return Object.fromEntries(TYPES.map((type) => [type, handler])) as Handlers<Bookings>;
}

export interface TopicSetup {
  contract: Bookings;
  registry: SchemaRegistryClient;
  kafka: Kafka;
}

export interface TopicOptions {
  partitions?: number;
  replicationFactor?: number;
  minInsyncReplicas?: number;
}

/** The bookings contract on a new topic, its topics created (with the given replication) and schemas registered. */
export async function setUpFaultTopic(
  prefix: string,
  brokers: string[],
  registryUrl: string,
  topic: TopicOptions = {},
): Promise<TopicSetup> {
  const kafka = new Kafka({ clientId: prefix, brokers, logLevel: logLevel.NOTHING });
  const registry = createSchemaRegistryClient({ url: registryUrl });
  const contract = withTopic(bookingsContract, uniqueTopic(prefix));
  const replicationFactor = topic.replicationFactor ?? 1;
  if (topic.minInsyncReplicas !== undefined) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const configEntries = [{ name: 'min.insync.replicas', value: String(topic.minInsyncReplicas) }];
      await createTopicsReady(admin, [
        { topic: contract.topic, numPartitions: topic.partitions ?? 3, replicationFactor, configEntries },
        { topic: contract.deadLetterTopic, numPartitions: 1, replicationFactor, configEntries },
      ]);
    } finally {
      await admin.disconnect();
    }
  } else {
    await ensureTopics(kafka, { ...contract, partitions: topic.partitions ?? 3, replicationFactor });
  }
  await registerContract(contract, registry);
  return { contract, registry, kafka };
}

export interface PublishFigures {
  /** eventIds of the events whose batch the broker acknowledged. */
  acknowledged: string[];
  batches: number;
  /** Batches sent again after a retriable failure. */
  batchRetries: number;
  /** Producers replaced after a failure kafkajs does not recover from by itself. */
  producerRestarts: number;
}

/**
 * Publishes in batches through the kit's producer. A batch whose send fails with a retriable error
 * is sent again (bounded backoff), as a service would: the idempotent producer may still write an
 * event twice across such a retry, which the consumer's tally counts as a duplicate.
 */
export async function publishStream(
  makeProducer: () => Producer<Bookings>,
  events: Array<BatchItem<Bookings> & { eventId: string }>,
  options: { batchSize: number; beforeBatch?: (index: number, batches: number) => Promise<void> | void },
): Promise<PublishFigures> {
  const figures: PublishFigures = { acknowledged: [], batches: 0, batchRetries: 0, producerRestarts: 0 };
  let producer = makeProducer();
  const batches = Math.ceil(events.length / options.batchSize);
  try {
    for (let b = 0; b < batches; b++) {
      await options.beforeBatch?.(b, batches);
      const batch = events.slice(b * options.batchSize, (b + 1) * options.batchSize);
      await retry(
        async (attempt) => {
          if (attempt > 1) figures.batchRetries += 1;
          try {
            await producer.publishBatch(batch);
          } catch (error) {
            // a fresh producer after any failure: kafkajs keeps no stale connection or sequence state
            await producer.disconnect().catch(() => undefined);
            producer = makeProducer();
            figures.producerRestarts += 1;
            throw error;
          }
        },
        { attempts: 15, initialDelayMs: 200, maxDelayMs: 2_000 },
      );
      figures.batches += 1;
      for (const e of batch) figures.acknowledged.push(e.eventId);
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  return figures;
}

export function kitProducer(
  setup: TopicSetup,
  brokers: string[],
  registryUrl?: string,
  extra: Partial<ProducerOptions<Bookings>> = {},
): () => Producer<Bookings> {
  return () =>
    createProducer({
      contract: setup.contract,
      brokers,
      registry: registryUrl ? createSchemaRegistryClient({ url: registryUrl }) : setup.registry,
      kafkaConfig: { logLevel: logLevel.NOTHING },
      ...extra,
    });
}

export interface TallyingConsumer {
  consumer: Consumer<Bookings>;
  groupId: string;
  tally: Tally;
  /** `crashedForGood`: crashes kafkajs did not restart from (restart: false), which the supervisor rebuilds. */
  counts: { crashed: number; crashedForGood: number; transient: number; deadLettered: number };
  /** Every health state the consumer entered, in order. */
  states: string[];
}

/** A kit consumer whose every handler records the eventId it handled (after `workMs` of work, when given). */
export function tallyingConsumer(
  setup: TopicSetup,
  brokers: string[],
  extra: Partial<ConsumerOptions<Bookings>> = {},
  workMs = 0,
): TallyingConsumer {
  const tally = new Tally();
  const counts = { crashed: 0, crashedForGood: 0, transient: 0, deadLettered: 0 };
  const states: string[] = [];
  const record = async (event: { eventId: string }) => {
    if (workMs > 0) await new Promise((resolve) => setTimeout(resolve, workMs));
    tally.add(event.eventId);
  };
  const groupId = extra.groupId ?? `faults-${randomUUID()}`;
  const consumer = createConsumer({
    contract: setup.contract,
    groupId,
    brokers,
    registry: setup.registry,
    fromBeginning: true,
    stopOnSignals: [],
    kafkaConfig: { logLevel: logLevel.NOTHING },
    handlers: everyEvent(record),
    ...extra,
  });
  consumer.on(CONSUMER_EVENTS.CRASHED, ({ restart }) => {
    counts.crashed += 1;
    if (!restart) counts.crashedForGood += 1;
  });
  consumer.on(CONSUMER_EVENTS.TRANSIENT_ERROR, () => (counts.transient += 1));
  consumer.on(CONSUMER_EVENTS.DEAD_LETTERED, () => (counts.deadLettered += 1));
  consumer.on(CONSUMER_EVENTS.STATE_CHANGED, ({ state }) => states.push(state));
  return { consumer, groupId, tally, counts, states };
}

/** Per partition: the group's committed offset and the end offset (for failure messages). */
export async function describeProgress(kafka: Kafka, groupId: string, topic: string): Promise<string> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return ends
      .map(
        (p) =>
          `partition ${p.partition}: committed ${committed?.partitions.find((c) => c.partition === p.partition)?.offset ?? '?'} of ${p.high}`,
      )
      .join('; ');
  } catch (error) {
    return `(progress unavailable: ${String(error)})`;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Waits (bounded) until `condition` holds; the error says what was awaited and how far it got. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Reads a topic from the beginning to its current end with a plain kafkajs consumer. */
export async function readWholeTopic(
  kafka: Kafka,
  topic: string,
  timeoutMs = 120_000,
): Promise<Array<{ partition: number; offset: string; headers: Record<string, string>; value: Buffer | null }>> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const p of await admin.fetchTopicOffsets(topic))
      if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high));
  } finally {
    await admin.disconnect();
  }
  const out: Array<{ partition: number; offset: string; headers: Record<string, string>; value: Buffer | null }> = [];
  if (ends.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `faults-read-${randomUUID()}` });
  const remaining = new Map(ends);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const end = remaining.get(partition);
        if (end === undefined || BigInt(message.offset) >= end) return;
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) {
          const first = Array.isArray(v) ? v[0] : v;
          if (first !== undefined) headers[k] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
        }
        out.push({ partition, offset: message.offset, headers, value: message.value });
        if (BigInt(message.offset) + 1n >= end) {
          remaining.delete(partition);
          if (remaining.size === 0) finish();
        }
      },
    });
    await Promise.race([
      done,
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`reading ${topic} did not reach its end within ${timeoutMs} ms`)),
          timeoutMs,
        ).unref(),
      ),
    ]);
  } finally {
    await consumer.disconnect();
  }
  return out;
}
