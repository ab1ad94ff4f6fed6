/**
 * End to end through the real broker: the kit's typed producer and consumer (validate, Avro with
 * the registry, at-least-once commits) against two baselines on raw kafkajs: JSON.stringify /
 * JSON.parse (what the platform sends today) and raw avsc with the 5-byte header (the same bytes
 * as the kit, without contracts). On Node.js 22.22 and newer, the kit on its platformatic
 * transport too, with raw @platformatic/kafka + JSON (the library's defaults) as its own baseline. All at the same settings: the same events and keys, batches of
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
import { nodeRunsPlatformatic, platformatic } from '../src/kafka/platformatic';
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
/** Batches sent without waiting for the earlier ones' acknowledgements (BENCH_E2E_IN_FLIGHT, default 1: each awaited). */
const IN_FLIGHT = Math.max(1, Number(process.env.BENCH_E2E_IN_FLIGHT ?? 1));

/**
 * Batches in flight in the producer-only runs (BENCH_PRODUCER_IN_FLIGHT, default 5: the Java
 * producer's max.in.flight.requests.per.connection, which ProducerPerformance runs with).
 */
const PRODUCER_IN_FLIGHT = Math.max(1, Number(process.env.BENCH_PRODUCER_IN_FLIGHT ?? 5));

/** Sends `events` in batches of BATCH, at most `inFlight` unacknowledged at a time, in order. */
async function sendBatches(
  events: number,
  send: (from: number, to: number) => Promise<unknown>,
  inFlight = IN_FLIGHT,
): Promise<void> {
  const pending = new Set<Promise<unknown>>();
  for (let n = 0; n < events; n += BATCH) {
    if (pending.size >= inFlight) await Promise.race(pending);
    const sent = send(n, Math.min(n + BATCH, events));
    pending.add(sent);
    void sent.then(
      () => pending.delete(sent),
      () => undefined,
    );
  }
  await Promise.all(pending);
}

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
/** Events of each producer-only run (BENCH_PRODUCER_EVENTS). */
const PRODUCER_EVENTS = Number(process.env.BENCH_PRODUCER_EVENTS ?? 200_000);
const TARGET = 1.0;
const RUN_ID = randomUUID().slice(0, 8);

const WARMUP_EVENTS = 5_000;

/**
 * kit: the kit's defaults; raw: kafkajs + JSON; raw-avro: kafkajs + avsc + the 5-byte header;
 * kit-platformatic: the kit on `transport: 'platformatic'`; raw-platformatic: @platformatic/kafka + JSON.
 */
type Variant = 'kit' | 'raw' | 'raw-avro' | 'kit-platformatic' | 'raw-platformatic';
const PLATFORMATIC = nodeRunsPlatformatic(process.versions.node);
const VARIANTS: Variant[] = [
  'kit',
  'raw',
  'raw-avro',
  ...(PLATFORMATIC ? (['kit-platformatic', 'raw-platformatic'] as const) : []),
];

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
    const perVariant = () => Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]])) as Record<Variant, number[]>;
    const rates = perVariant();
    const producing = perVariant();
    /** Per-round ratios of a kit variant against a baseline, end to end and producer alone. */
    const ratios = { raw: [] as number[], 'raw-avro': [] as number[], pRaw: [] as number[], pPlat: [] as number[] };
    const producerRatios = {
      raw: [] as number[],
      'raw-avro': [] as number[],
      pRaw: [] as number[],
      pPlat: [] as number[],
    };
    let kitCalls = 0;
    let kitMessages = 0;
    const once = async (variant: Variant, label: string, events: number): Promise<RunResult> => {
      const topic = `bench-e2e-${RUN_ID}-${variant}-${label}`;
      topics.push(topic, `${topic}.dlq`);
      await createBenchTopic(admin, topic);
      if (variant === 'kit') return runKit(kafka, registry, topic, events);
      if (variant === 'kit-platformatic') return runKit(kafka, registry, topic, events, brokers);
      if (variant === 'raw-platformatic') return runRawPlatformatic(brokers, topic, events);
      return runRaw(kafka, topic, events, variant === 'raw' ? rawJson : rawAvro);
    };
    const producingVariants = PRODUCING.filter((v) => VARIANTS.includes(v));
    const alone = Object.fromEntries(producingVariants.map((v) => [v, [] as number[]])) as Record<Producing, number[]>;
    const aloneRatios = { raw: [] as number[], pRaw: [] as number[], pPlat: [] as number[] };
    const produceAlone = async (variant: Producing, label: string, events: number) => {
      const topic = `bench-e2e-${RUN_ID}-alone-${variant}-${label}`;
      topics.push(topic, `${topic}.dlq`);
      await createBenchTopic(admin, topic);
      return produceOnly(variant, kafka, registry, brokers, topic, events);
    };
    // warm-up: every path JIT-compiled and every connection type opened once before measuring
    for (const variant of VARIANTS) await once(variant, 'warmup', WARMUP_EVENTS);
    for (const variant of producingVariants) await produceAlone(variant, 'warmup', WARMUP_EVENTS);
    // rotate the order each round: no variant always runs first
    for (let round = 0; round < ROUNDS; round++) {
      const thisRound = {} as Record<Variant, RunResult>;
      for (let k = 0; k < VARIANTS.length; k++) {
        const variant = VARIANTS[(k + round) % VARIANTS.length]!;
        const result = await once(variant, String(round), EVENTS);
        if (variant === 'kit' || variant === 'kit-platformatic') {
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
      const pair = (key: keyof typeof ratios, kit: RunResult, base: RunResult) => {
        ratios[key].push(kit.eventsPerSecond / base.eventsPerSecond);
        producerRatios[key].push(kit.producedPerSecond / base.producedPerSecond);
      };
      pair('raw', thisRound.kit, thisRound.raw);
      pair('raw-avro', thisRound.kit, thisRound['raw-avro']);
      if (PLATFORMATIC) {
        pair('pRaw', thisRound['kit-platformatic'], thisRound.raw);
        pair('pPlat', thisRound['kit-platformatic'], thisRound['raw-platformatic']);
      }
      // the producers again, each alone in the process, as the Java ProducerPerformance runs
      const aloneRound = {} as Record<Producing, number>;
      for (let k = 0; k < producingVariants.length; k++) {
        const variant = producingVariants[(k + round) % producingVariants.length]!;
        aloneRound[variant] = await produceAlone(variant, String(round), PRODUCER_EVENTS);
        alone[variant].push(aloneRound[variant]);
        process.stderr.write(
          `e2e: round ${round + 1}/${ROUNDS} ${variant}: producer alone ${formatRate(aloneRound[variant])}\n`,
        );
      }
      aloneRatios.raw.push(aloneRound.kit / aloneRound.raw);
      if (PLATFORMATIC) {
        aloneRatios.pRaw.push(aloneRound['kit-platformatic'] / aloneRound.raw);
        aloneRatios.pPlat.push(aloneRound['kit-platformatic'] / aloneRound['raw-platformatic']);
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
        name: 'producer, the consumer running beside it in the process (until the last batch is acknowledged)',
        value: `${formatSpread(producing.kit)} events`,
        baseline: `raw kafkajs + JSON ${formatSpread(producing.raw)}`,
        ratio: formatRatioSpread(producerRatios.raw),
        target: `≥ ${TARGET.toFixed(1)}×`,
        met: producerRatio >= TARGET,
      },
      {
        name: 'producer, the consumer beside it, against raw kafkajs + raw avsc',
        value: `${formatSpread(producing.kit)} events`,
        baseline: `raw kafkajs + avsc ${formatSpread(producing['raw-avro'])}`,
        ratio: formatRatioSpread(producerRatios['raw-avro']),
      },
    ];
    if (PLATFORMATIC) figures.push(...platformaticFigures(rates, producing, ratios, producerRatios));
    figures.push(...producerAloneFigures(alone, aloneRatios, ceiling));
    if (ceiling) {
      const java = ceiling.produced.median;
      const javaConsumer = ceiling.consumed.median;
      figures.push({
        name: "end to end as a fraction of the broker's ceiling (the slower of the Java producer and consumer)",
        value: `${formatRate(median(rates.kit))} events`,
        baseline: `Java perf tools min(${formatRate(java)}, ${formatRate(javaConsumer)}) (raw kafkajs + JSON ${percent(median(rates.raw) / Math.min(java, javaConsumer))})`,
        ratio: percent(median(rates.kit) / Math.min(java, javaConsumer)),
      });
    }
    figures.push({
      name: 'registry HTTP calls per message after warm-up (producer + consumer)',
      value: `${kitCalls} calls / ${kitMessages.toLocaleString('en-US')} messages (sent + received) = ${(kitCalls / kitMessages).toFixed(6)}`,
      target: '0',
      met: kitCalls === 0,
    });
    const notes = [
      `settings (every variant): ${EVENTS.toLocaleString('en-US')} events per run, batches of ${BATCH} (publishBatch / producer.send), ${IN_FLIGHT === 1 ? 'each awaited before the next' : `${IN_FLIGHT} in flight (BENCH_E2E_IN_FLIGHT)`}, idempotent, acks=-1, maxInFlightRequests 1, DefaultPartitioner (murmur2), key bookingId, header event-type, ${bookingsContract.partitions} partitions, RF 1, one consumer (partitionsConsumedConcurrently 1, kafkajs's default fetch sizes), fresh topic and group per run; ${ROUNDS} rounds rotating the order; a ratio is the median of the per-round ratios, with their min–max`,
      "consumers: the kit commits handled messages at the end of each batch (its at-least-once default); the raw variants use eachMessage with kafkajs's default auto-commit",
      `a warm-up run of ${WARMUP_EVENTS.toLocaleString('en-US')} events per variant first; the raw variants fill eventId (randomUUID), timestamp and source as the kit does`,
      PLATFORMATIC
        ? "platformatic: the kit with transport 'platformatic' (its producer idempotent, acks=all, murmur2 placement; its consumer commits per batch); raw @platformatic/kafka + JSON with the library's defaults (idempotent, acks=all, its own partitioner, autocommit)"
        : `platformatic rows skipped: Node.js ${process.versions.node} (the transport needs 22.22 or newer)`,
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
  client: { kafka: Kafka } | { brokers: string[]; transport: 'platformatic' },
  registry: SchemaRegistryClient,
  contract: BookingsContract,
  handle: () => void,
): Consumer<BookingsContract> {
  return createConsumer({
    contract,
    ...client,
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

/** The kit end to end; with `platformaticBrokers`, on the platformatic transport (else kafkajs through `kafka`). */
export async function runKit(
  kafka: Kafka,
  registry: SchemaRegistryClient,
  topic: string,
  events: number,
  platformaticBrokers?: string[],
): Promise<RunResult> {
  const contract: BookingsContract = { ...bookingsContract, topic, deadLetterTopic: `${topic}.dlq` };
  const client = platformaticBrokers ? { brokers: platformaticBrokers, transport: 'platformatic' as const } : { kafka };
  const producer = createProducer({ contract, ...client, registry, source: 'bench' });
  let seen = 0;
  const primed = waiter(1);
  const all = waiter(events + 1);
  const handle = () => {
    seen++;
    primed.tick(seen);
    all.tick(seen);
  };
  const consumer = benchConsumer(client, registry, contract, handle);
  try {
    await producer.connect();
    await consumer.start();
    // priming: resolves the schema ID, loads the read plan, and shows the consumer is fetching
    await producer.publish('booking.failed', inputOf(3).payload as never);
    await primed.done;
    const callsBefore = registry.requestCount;
    const started = performance.now();
    await sendBatches(events, (from, to) => {
      const items: Array<BatchItem<BookingsContract>> = [];
      for (let i = from; i < to; i++) items.push(inputOf(i));
      return producer.publishBatch(items);
    });
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

/** The producer-only rows: the kit on each transport against the raw clients, and against Kafka's own producer. */
function producerAloneFigures(
  alone: Record<Producing, number[]>,
  ratios: Record<'raw' | 'pRaw' | 'pPlat', number[]>,
  ceiling: BrokerCeiling | undefined,
): BenchFigure[] {
  const events = `${PRODUCER_EVENTS.toLocaleString('en-US')} events, ${PRODUCER_IN_FLIGHT} batches in flight, no consumer in the process`;
  const figures: BenchFigure[] = [
    {
      name: `producer only (${events})`,
      value: `${formatSpread(alone.kit)} events`,
      baseline: `raw kafkajs + JSON ${formatSpread(alone.raw)}`,
      ratio: formatRatioSpread(ratios.raw),
    },
  ];
  if (PLATFORMATIC) {
    figures.push(
      {
        name: `producer only on the platformatic transport (${events}), against raw kafkajs + JSON`,
        value: `${formatSpread(alone['kit-platformatic'])} events`,
        baseline: `raw kafkajs + JSON ${formatSpread(alone.raw)}`,
        ratio: formatRatioSpread(ratios.pRaw),
      },
      {
        name: 'producer only on the platformatic transport, against raw @platformatic/kafka + JSON',
        value: `${formatSpread(alone['kit-platformatic'])} events`,
        baseline: `raw @platformatic/kafka + JSON ${formatSpread(alone['raw-platformatic'])}`,
        ratio: formatRatioSpread(ratios.pPlat),
      },
    );
  }
  if (!ceiling) return figures;
  const java = ceiling.produced.median;
  const share = (variant: Producing) => median(alone[variant]) / java;
  figures.push({
    name: "producer only as a fraction of the broker's ceiling (kafka-producer-perf-test, alone too, same broker)",
    value: `${formatRate(median(alone.kit))} events`,
    baseline: `Java ProducerPerformance ${formatRate(java)} (raw kafkajs + JSON = ${percent(share('raw'))})`,
    ratio: percent(share('kit')),
  });
  if (PLATFORMATIC) {
    figures.push({
      name: "producer only on the platformatic transport, as a fraction of the broker's ceiling",
      value: `${formatRate(median(alone['kit-platformatic']))} events`,
      baseline: `Java ProducerPerformance ${formatRate(java)} (raw @platformatic/kafka + JSON = ${percent(share('raw-platformatic'))})`,
      ratio: percent(share('kit-platformatic')),
      target: '≥ 50 %',
      met: share('kit-platformatic') >= 0.5,
    });
  }
  return figures;
}

/** The platformatic transport's rows: the kit on it against raw kafkajs + JSON (the goal) and against raw platformatic. */
function platformaticFigures(
  rates: Record<Variant, number[]>,
  producing: Record<Variant, number[]>,
  ratios: Record<'pRaw' | 'pPlat', number[]>,
  producerRatios: Record<'pRaw' | 'pPlat', number[]>,
): BenchFigure[] {
  const kit = formatSpread(rates['kit-platformatic']);
  const kitProducing = formatSpread(producing['kit-platformatic']);
  return [
    {
      name: 'end to end on the platformatic transport, against raw kafkajs + JSON',
      value: `${kit} events`,
      baseline: `raw kafkajs + JSON ${formatSpread(rates.raw)}`,
      ratio: formatRatioSpread(ratios.pRaw),
      target: '≥ 2.0×',
      met: median(ratios.pRaw) >= 2,
    },
    {
      name: 'end to end on the platformatic transport, against raw @platformatic/kafka + JSON',
      value: `${kit} events`,
      baseline: `raw @platformatic/kafka + JSON ${formatSpread(rates['raw-platformatic'])}`,
      ratio: formatRatioSpread(ratios.pPlat),
    },
    {
      name: 'producer on the platformatic transport, the consumer beside it, against raw kafkajs + JSON',
      value: `${kitProducing} events`,
      baseline: `raw kafkajs + JSON ${formatSpread(producing.raw)}`,
      ratio: formatRatioSpread(producerRatios.pRaw),
    },
    {
      name: 'producer on the platformatic transport, the consumer beside it, against raw @platformatic/kafka + JSON',
      value: `${kitProducing} events`,
      baseline: `raw @platformatic/kafka + JSON ${formatSpread(producing['raw-platformatic'])}`,
      ratio: formatRatioSpread(producerRatios.pPlat),
    },
  ];
}

/** The n-th event as a raw variant sends it: the kit's fields filled as the kit fills them. */
function rawEvent(n: number): { key: string; eventType: string; event: Record<string, unknown> } {
  const { eventType, payload } = inputOf(n);
  const event = { ...(payload as object), eventType, eventId: randomUUID(), timestamp: new Date(), source: 'bench' };
  return { key: payload.bookingId, eventType, event };
}

function kafkajsMessage(codec: RawCodec, n: number) {
  const { key, eventType, event } = rawEvent(n);
  return { key, value: codec.encode(event), headers: { 'event-type': eventType } };
}

function platformaticMessage(topic: string, n: number) {
  const { key, eventType, event } = rawEvent(n);
  return { topic, key, value: rawJson.encode(event) as string, headers: { 'event-type': eventType } };
}

function rawPlatformaticProducer(brokers: string[], clientId: string) {
  const { Producer, ProduceAcks, stringSerializers } = platformatic();
  return new Producer({
    clientId,
    bootstrapBrokers: brokers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    serializers: stringSerializers,
  });
}

function rawKafkajsProducer(kafka: Kafka) {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

/** A variant that produces in the producer-only runs. */
export type Producing = 'kit' | 'raw' | 'kit-platformatic' | 'raw-platformatic';
const PRODUCING: Producing[] = ['kit', 'raw', 'kit-platformatic', 'raw-platformatic'];

/**
 * The producer with no consumer in the process (events/s until the last batch is acknowledged):
 * what Kafka's ProducerPerformance, which runs alone, is compared with.
 */
export async function produceOnly(
  variant: Producing,
  kafka: Kafka,
  registry: SchemaRegistryClient,
  brokers: string[],
  topic: string,
  events: number,
): Promise<number> {
  const timed = async (send: (from: number, to: number) => Promise<unknown>) => {
    await send(3, 4); // priming: connections, metadata, the schema ID
    const started = performance.now();
    await sendBatches(events, send, PRODUCER_IN_FLIGHT);
    return (events / (performance.now() - started)) * 1000;
  };
  if (variant === 'kit' || variant === 'kit-platformatic') {
    const contract: BookingsContract = { ...bookingsContract, topic, deadLetterTopic: `${topic}.dlq` };
    const client = variant === 'kit' ? { kafka } : { brokers, transport: 'platformatic' as const };
    const producer = createProducer({ contract, ...client, registry, source: 'bench' });
    await producer.connect();
    try {
      return await timed((from, to) => {
        const items: Array<BatchItem<BookingsContract>> = [];
        for (let i = from; i < to; i++) items.push(inputOf(i));
        return producer.publishBatch(items);
      });
    } finally {
      await producer.disconnect();
    }
  }
  if (variant === 'raw') {
    const producer = rawKafkajsProducer(kafka);
    await producer.connect();
    try {
      return await timed((from, to) => {
        const messages = [];
        for (let i = from; i < to; i++) messages.push(kafkajsMessage(rawJson, i));
        return producer.send({ topic, acks: -1, messages });
      });
    } finally {
      await producer.disconnect();
    }
  }
  const producer = rawPlatformaticProducer(brokers, `${topic}-producer`);
  try {
    return await timed((from, to) => {
      const messages = [];
      for (let i = from; i < to; i++) messages.push(platformaticMessage(topic, i));
      return producer.send({ messages });
    });
  } finally {
    await producer.close();
  }
}

/** Raw @platformatic/kafka + JSON with the library's defaults: the platformatic transport's baseline. */
export async function runRawPlatformatic(brokers: string[], topic: string, events: number): Promise<RunResult> {
  const { Consumer, MessagesStreamModes, stringDeserializers } = platformatic();
  const producer = rawPlatformaticProducer(brokers, `${topic}-producer`);
  const consumer = new Consumer({
    clientId: `${topic}-consumer`,
    groupId: `${topic}-group`,
    bootstrapBrokers: brokers,
    deserializers: stringDeserializers,
  });
  let seen = 0;
  const primed = waiter(1);
  const all = waiter(events + 1);
  const toMessage = (n: number) => platformaticMessage(topic, n);
  try {
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST });
    stream.on('data', (message) => {
      rawJson.decode(Buffer.from(message.value));
      seen++;
      primed.tick(seen);
      all.tick(seen);
    });
    await producer.send({ messages: [toMessage(3)] });
    await primed.done;
    const started = performance.now();
    await sendBatches(events, (from, to) => {
      const messages = [];
      for (let i = from; i < to; i++) messages.push(toMessage(i));
      return producer.send({ messages });
    });
    const producedMs = performance.now() - started;
    await all.done;
    const ms = performance.now() - started;
    return { eventsPerSecond: (events / ms) * 1000, producedPerSecond: (events / producedMs) * 1000, registryCalls: 0 };
  } finally {
    await consumer.close(true).catch(() => undefined);
    await producer.close().catch(() => undefined);
  }
}

async function runRaw(kafka: Kafka, topic: string, events: number, codec: RawCodec): Promise<RunResult> {
  const producer = rawKafkajsProducer(kafka);
  const consumer: KafkaConsumer = kafka.consumer({ groupId: `${topic}-group` });
  let seen = 0;
  const primed = waiter(1);
  const all = waiter(events + 1);
  const toMessage = (n: number) => kafkajsMessage(codec, n);
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
    await sendBatches(events, (from, to) => {
      const messages = [];
      for (let i = from; i < to; i++) messages.push(toMessage(i));
      return producer.send({ topic, acks: -1, messages });
    });
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
