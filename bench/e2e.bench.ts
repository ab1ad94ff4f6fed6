/**
 * End to end through the real broker: the kit's typed producer and consumer (validate, Avro with
 * the registry, at-least-once commits) against two baselines on raw kafkajs: JSON.stringify /
 * JSON.parse (what the platform sends today) and raw avsc with the 5-byte header (the same bytes
 * as the kit, without contracts). All at the same settings: the same events and keys, batches of
 * the same size, idempotent producer, acks=-1, one in-flight request, the same partitioner, a
 * fresh topic with the same partitions, one consumer. Events/s is N divided by the time from the
 * first send to the last event handled, measured after a priming event has shown the consumer
 * joined and fetching.
 *
 * Run with `npm run bench -- e2e` or `npx tsx bench/e2e.bench.ts [events]` (BENCH_ROUNDS, default 5).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, Partitioners, type Admin, type Consumer as KafkaConsumer } from 'kafkajs';
import { createConsumer, type Consumer } from '../src/consumer';
import { bookingsContract, type BookingsContract } from '../src/bookings';
import { createProducer, type BatchItem } from '../src/producer';
import { createSchemaRegistryClient, registerContract, type SchemaRegistryClient } from '../src/registry';
import { parseAvroSchemas } from '../src/formats/avro/types';
import type { BookingsEventType } from '../src/generated/bookings';
import { encodeHeader, HEADER_SIZE } from '../src/wire';
import type { BrokerCeiling } from './kafka-perf.bench';
import { BENCH_EVENTS, RECORD_NAMES } from './support/events';
import { formatRate, formatRatioSpread, formatSpread, median } from './support/measure';
import { printReport, type BenchFigure, type BenchReport } from './support/results';
import { acquireServers, type BenchServers } from './support/stack';
import { deleteBenchTopics } from './support/cleanup';

const EVENTS = Number(
  process.env.BENCH_E2E_EVENTS ?? (require.main === module ? process.argv[2] : undefined) ?? 50_000,
);
export const BATCH = 500;

/** A bench topic with the bookings contract's partitions and its dead-letter topic. */
export async function createBenchTopic(admin: Admin, topic: string): Promise<void> {
  await admin.createTopics({
    topics: [
      { topic, numPartitions: bookingsContract.partitions, replicationFactor: 1 },
      { topic: `${topic}.dlq`, numPartitions: 1, replicationFactor: 1 },
    ],
    waitForLeaders: true,
  });
}
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TARGET = 1.0;
const RUN_ID = randomUUID().slice(0, 8);

const WARMUP_EVENTS = 5_000;

/** kit: the kit's defaults; raw: kafkajs + JSON; raw-avro: kafkajs + avsc + the 5-byte header. */
type Variant = 'kit' | 'raw' | 'raw-avro';
const VARIANTS: Variant[] = ['kit', 'raw', 'raw-avro'];

export interface RunResult {
  eventsPerSecond: number;
  /** Events/s of the producer alone (until the last send was acknowledged). */
  producedPerSecond: number;
  registryCalls: number;
}

export async function benchEndToEnd(servers?: BenchServers, ceiling?: BrokerCeiling): Promise<BenchReport> {
  const own = servers ? undefined : await acquireServers();
  const { brokers, registryUrl } = servers ?? own!;
  const kafka = new Kafka({ clientId: `bench-e2e-${RUN_ID}`, brokers, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  const topics: string[] = [];
  try {
    const registry = createSchemaRegistryClient({ url: registryUrl });
    const registered = await registerContract(bookingsContract, registry);
    const rawAvro = rawAvroCodec(registered[bookingsContract.valueSubject!]!.id);
    const rates: Record<Variant, number[]> = { kit: [], raw: [], 'raw-avro': [] };
    const producing: Record<Variant, number[]> = { kit: [], raw: [], 'raw-avro': [] };
    /** Per-round ratios of the kit against each baseline, end to end and producer alone. */
    const ratios = { raw: [] as number[], 'raw-avro': [] as number[] };
    const producerRatios = { raw: [] as number[], 'raw-avro': [] as number[] };
    let kitCalls = 0;
    let kitMessages = 0;
    const once = async (variant: Variant, label: string, events: number): Promise<RunResult> => {
      const topic = `bench-e2e-${RUN_ID}-${variant}-${label}`;
      topics.push(topic, `${topic}.dlq`);
      await createBenchTopic(admin, topic);
      if (variant === 'kit') return runKit(kafka, registry, topic, events);
      return runRaw(kafka, topic, events, variant === 'raw' ? rawJson : rawAvro);
    };
    // warm-up: every path JIT-compiled and every connection type opened once before measuring
    for (const variant of VARIANTS) await once(variant, 'warmup', WARMUP_EVENTS);
    // rotate the order each round: no variant always runs first
    for (let round = 0; round < ROUNDS; round++) {
      const thisRound = {} as Record<Variant, RunResult>;
      for (let k = 0; k < VARIANTS.length; k++) {
        const variant = VARIANTS[(k + round) % VARIANTS.length]!;
        const result = await once(variant, String(round), EVENTS);
        if (variant === 'kit') {
          kitCalls += result.registryCalls;
          kitMessages += 2 * EVENTS;
        }
        rates[variant].push(result.eventsPerSecond);
        producing[variant].push(result.producedPerSecond);
        thisRound[variant] = result;
        process.stderr.write(
          `e2e: round ${round + 1}/${ROUNDS} ${variant}: ${formatRate(result.eventsPerSecond)} end to end, producer ${formatRate(result.producedPerSecond)}\n`,
        );
      }
      for (const base of ['raw', 'raw-avro'] as const) {
        ratios[base].push(thisRound.kit.eventsPerSecond / thisRound[base].eventsPerSecond);
        producerRatios[base].push(thisRound.kit.producedPerSecond / thisRound[base].producedPerSecond);
      }
    }
    const ratio = median(ratios.raw);
    const producerRatio = median(producerRatios.raw);
    const figures: BenchFigure[] = [
      {
        name: `end to end produce → consume, ${EVENTS.toLocaleString('en-US')} events`,
        value: `${formatSpread(rates.kit)} events`,
        baseline: `raw kafkajs + JSON ${formatSpread(rates.raw)}`,
        ratio: formatRatioSpread(ratios.raw),
        target: `≥ ${TARGET.toFixed(1)}×`,
        met: ratio >= TARGET,
      },
      {
        name: 'end to end, against raw kafkajs + raw avsc (the same bytes without contracts)',
        value: `${formatSpread(rates.kit)} events`,
        baseline: `raw kafkajs + avsc ${formatSpread(rates['raw-avro'])}`,
        ratio: formatRatioSpread(ratios['raw-avro']),
      },
      {
        name: 'producer alone (until the last batch is acknowledged)',
        value: `${formatSpread(producing.kit)} events`,
        baseline: `raw kafkajs + JSON ${formatSpread(producing.raw)}`,
        ratio: formatRatioSpread(producerRatios.raw),
        target: `≥ ${TARGET.toFixed(1)}×`,
        met: producerRatio >= TARGET,
      },
      {
        name: 'producer alone, against raw kafkajs + raw avsc',
        value: `${formatSpread(producing.kit)} events`,
        baseline: `raw kafkajs + avsc ${formatSpread(producing['raw-avro'])}`,
        ratio: formatRatioSpread(producerRatios['raw-avro']),
      },
    ];
    if (ceiling) {
      const java = ceiling.produced.median;
      const javaConsumer = ceiling.consumed.median;
      figures.push(
        {
          name: "producer alone as a fraction of the broker's ceiling (kafka-producer-perf-test, same broker)",
          value: `${formatRate(median(producing.kit))} events`,
          baseline: `Java ProducerPerformance ${formatRate(java)} (raw kafkajs + JSON ${formatRate(median(producing.raw))} = ${percent(median(producing.raw) / java)})`,
          ratio: percent(median(producing.kit) / java),
        },
        {
          name: "end to end as a fraction of the broker's ceiling (the slower of the Java producer and consumer)",
          value: `${formatRate(median(rates.kit))} events`,
          baseline: `Java perf tools min(${formatRate(java)}, ${formatRate(javaConsumer)}) (raw kafkajs + JSON ${percent(median(rates.raw) / Math.min(java, javaConsumer))})`,
          ratio: percent(median(rates.kit) / Math.min(java, javaConsumer)),
        },
      );
    }
    figures.push({
      name: 'registry HTTP calls per message after warm-up (producer + consumer)',
      value: `${kitCalls} calls / ${kitMessages.toLocaleString('en-US')} messages (sent + received) = ${(kitCalls / kitMessages).toFixed(6)}`,
      target: '0',
      met: kitCalls === 0,
    });
    const notes = [
      `settings (every variant): ${EVENTS.toLocaleString('en-US')} events per run, batches of ${BATCH} (publishBatch / producer.send), idempotent, acks=-1, maxInFlightRequests 1, DefaultPartitioner (murmur2), key bookingId, header event-type, ${bookingsContract.partitions} partitions, RF 1, one consumer (partitionsConsumedConcurrently 1, kafkajs's default fetch sizes), fresh topic and group per run; ${ROUNDS} rounds rotating the order; a ratio is the median of the per-round ratios, with their min–max`,
      "consumers: the kit commits handled messages at the end of each batch (its at-least-once default); the raw variants use eachMessage with kafkajs's default auto-commit",
      `a warm-up run of ${WARMUP_EVENTS.toLocaleString('en-US')} events per variant first; the raw variants fill eventId (randomUUID), timestamp and source as the kit does`,
    ];
    return { benchmark: 'e2e', figures, notes };
  } finally {
    await deleteBenchTopics(admin, topics);
    await admin.disconnect().catch(() => undefined);
    await own?.release();
  }
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(0)} %`;
}

/** The n-th event's input: the benchmark events in turn, each booking its own key. */
/** The kit's consumer of a benchmark topic from the beginning, calling `handle` for every event type. */
export function benchConsumer(
  kafka: Kafka,
  registry: SchemaRegistryClient,
  contract: BookingsContract,
  handle: () => void,
): Consumer<BookingsContract> {
  return createConsumer({
    contract,
    kafka,
    registry,
    groupId: `${contract.topic}-group`,
    fromBeginning: true,
    stopOnSignals: [],
    handlers: {
      'booking.created': handle,
      'booking.confirmed': handle,
      'booking.cancelled': handle,
      'booking.failed': handle,
    },
  });
}

export function inputOf(n: number): BatchItem<BookingsContract> {
  const { eventId: _id, timestamp: _ts, ...rest } = BENCH_EVENTS[n & 3]!;
  return { eventType: rest.eventType, payload: { ...rest, bookingId: `BOOK-${n}` } } as BatchItem<BookingsContract>;
}

/** Resolves when `count()` reaches `target` (checked on every handled message by the caller). */
function waiter(target: number): { tick(seen: number): void; done: Promise<void> } {
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  return { tick: (seen) => (seen >= target ? resolve() : undefined), done };
}

export async function runKit(
  kafka: Kafka,
  registry: SchemaRegistryClient,
  topic: string,
  events: number,
): Promise<RunResult> {
  const contract: BookingsContract = { ...bookingsContract, topic, deadLetterTopic: `${topic}.dlq` };
  const producer = createProducer({ contract, kafka, registry, source: 'bench' });
  let seen = 0;
  const primed = waiter(1);
  const all = waiter(events + 1);
  const handle = () => {
    seen++;
    primed.tick(seen);
    all.tick(seen);
  };
  const consumer = benchConsumer(kafka, registry, contract, handle);
  try {
    await producer.connect();
    await consumer.start();
    // priming: resolves the schema ID, loads the read plan, and shows the consumer is fetching
    await producer.publish('booking.failed', inputOf(3).payload as never);
    await primed.done;
    const callsBefore = registry.requestCount;
    const started = performance.now();
    for (let n = 0; n < events; n += BATCH) {
      const items: Array<BatchItem<BookingsContract>> = [];
      for (let i = n; i < Math.min(n + BATCH, events); i++) items.push(inputOf(i));
      await producer.publishBatch(items);
    }
    const producedMs = performance.now() - started;
    await all.done;
    const ms = performance.now() - started;
    return {
      eventsPerSecond: (events / ms) * 1000,
      producedPerSecond: (events / producedMs) * 1000,
      registryCalls: registry.requestCount - callsBefore,
    };
  } finally {
    await consumer.stop();
    await producer.disconnect();
  }
}

/** How a raw variant turns an event into a message value and checks it on the way back. */
export interface RawCodec {
  encode(event: Record<string, unknown>): Buffer | string;
  /** Returns the event type; throws when the value is not an event. */
  decode(value: Buffer): string;
}

export const rawJson: RawCodec = {
  encode: (event) => JSON.stringify(event),
  decode: (value) => {
    const event = JSON.parse(value.toString('utf8')) as { eventType?: unknown };
    if (typeof event.eventType !== 'string') throw new Error('not an event');
    return event.eventType;
  },
};

/** raw avsc: the union the kit registers, parsed with the kit's options, framed with its schema ID. */
export function rawAvroCodec(schemaId: number): RawCodec {
  const { types } = parseAvroSchemas(bookingsContract.schemas.map((s) => JSON.parse(s.schema) as unknown));
  const union = types[types.length - 1]!;
  const header = encodeHeader(schemaId);
  return {
    encode: (event) =>
      Buffer.concat([header, union.toBuffer({ [RECORD_NAMES[event.eventType as BookingsEventType]]: event })]),
    decode: (value) => {
      const wrapped = union.fromBuffer(value.subarray(HEADER_SIZE)) as Record<string, { eventType?: unknown }>;
      const event = Object.values(wrapped)[0];
      if (typeof event?.eventType !== 'string') throw new Error('not an event');
      return event.eventType;
    },
  };
}

async function runRaw(kafka: Kafka, topic: string, events: number, codec: RawCodec): Promise<RunResult> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer: KafkaConsumer = kafka.consumer({ groupId: `${topic}-group` });
  let seen = 0;
  const primed = waiter(1);
  const all = waiter(events + 1);
  const toMessage = (n: number) => {
    const { eventType, payload } = inputOf(n);
    const event: Record<string, unknown> = {
      ...(payload as unknown as Record<string, unknown>),
      eventType,
      eventId: randomUUID(),
      timestamp: new Date(),
      source: 'bench',
    };
    return { key: String(event.bookingId), value: codec.encode(event), headers: { 'event-type': eventType } };
  };
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        codec.decode(message.value!);
        seen++;
        primed.tick(seen);
        all.tick(seen);
      },
    });
    await producer.send({ topic, acks: -1, messages: [toMessage(3)] });
    await primed.done;
    const started = performance.now();
    for (let n = 0; n < events; n += BATCH) {
      const messages = [];
      for (let i = n; i < Math.min(n + BATCH, events); i++) messages.push(toMessage(i));
      await producer.send({ topic, acks: -1, messages });
    }
    const producedMs = performance.now() - started;
    await all.done;
    const ms = performance.now() - started;
    return { eventsPerSecond: (events / ms) * 1000, producedPerSecond: (events / producedMs) * 1000, registryCalls: 0 };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
}

if (require.main === module) {
  benchEndToEnd().then(printReport, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
