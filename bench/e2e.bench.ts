/**
 * End to end through the real broker: the kit's typed producer and consumer (validate, Avro with
 * the registry, at-least-once commits) against raw kafkajs with JSON.stringify / JSON.parse, at
 * the same settings: the same events and keys, batches of the same size, idempotent producer,
 * acks=-1, one in-flight request, the same partitioner, a fresh topic with the same partitions,
 * one consumer. Events/s is N divided by the time from the first send to the last event handled,
 * measured after a priming event has shown the consumer joined and fetching.
 *
 * Run with `npm run bench` or `npx tsx bench/e2e.bench.ts [events]`.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, Partitioners, type Consumer as KafkaConsumer } from 'kafkajs';
import { createConsumer } from '../src/consumer';
import { bookingsContract, type BookingsContract } from '../src/bookings';
import { createProducer, type BatchItem } from '../src/producer';
import { createSchemaRegistryClient, registerContract, type SchemaRegistryClient } from '../src/registry';
import { BENCH_EVENTS } from './support/events';
import { formatRate, formatRatio, median } from './support/measure';
import { printReport, type BenchFigure, type BenchReport } from './support/results';
import { acquireServers, type BenchServers } from './support/stack';

const EVENTS = Number(
  process.env.BENCH_E2E_EVENTS ?? (require.main === module ? process.argv[2] : undefined) ?? 50_000,
);
const BATCH = 500;
const ROUNDS = 2;
const TARGET = 1.0;
const RUN_ID = randomUUID().slice(0, 8);

const WARMUP_EVENTS = 5_000;

/** kit: the kit's defaults; kit-batch-commit: commits once per fetched batch, as raw kafkajs does. */
type Variant = 'kit' | 'kit-batch-commit' | 'raw';
const VARIANTS: Variant[] = ['kit', 'kit-batch-commit', 'raw'];

interface RunResult {
  eventsPerSecond: number;
  /** Events/s of the producer alone (until the last send was acknowledged). */
  producedPerSecond: number;
  registryCalls: number;
}

export async function benchEndToEnd(servers?: BenchServers): Promise<BenchReport> {
  const own = servers ? undefined : await acquireServers();
  const { brokers, registryUrl } = servers ?? own!;
  const kafka = new Kafka({ clientId: `bench-e2e-${RUN_ID}`, brokers, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  const topics: string[] = [];
  try {
    const registry = createSchemaRegistryClient({ url: registryUrl });
    await registerContract(bookingsContract, registry);
    const rates: Record<Variant, number[]> = { kit: [], 'kit-batch-commit': [], raw: [] };
    const producing: Record<Variant, number[]> = { kit: [], 'kit-batch-commit': [], raw: [] };
    const ratios: Record<Variant, number[]> = { kit: [], 'kit-batch-commit': [], raw: [] };
    let kitCalls = 0;
    let kitMessages = 0;
    const once = async (variant: Variant, label: string, events: number): Promise<RunResult> => {
      const topic = `bench-e2e-${RUN_ID}-${variant}-${label}`;
      topics.push(topic, `${topic}.dlq`);
      await admin.createTopics({
        topics: [
          { topic, numPartitions: bookingsContract.partitions, replicationFactor: 1 },
          { topic: `${topic}.dlq`, numPartitions: 1, replicationFactor: 1 },
        ],
        waitForLeaders: true,
      });
      return variant === 'raw'
        ? runRaw(kafka, topic, events)
        : runKit(kafka, registry, topic, events, variant === 'kit-batch-commit');
    };
    // warm-up: every path JIT-compiled and every connection type opened once before measuring
    for (const variant of VARIANTS) await once(variant, 'warmup', WARMUP_EVENTS);
    // rotate the order each round: no variant always runs first
    for (let round = 0; round < ROUNDS; round++) {
      const thisRound: Partial<Record<Variant, number>> = {};
      for (let k = 0; k < VARIANTS.length; k++) {
        const variant = VARIANTS[(k + round) % VARIANTS.length]!;
        const result = await once(variant, String(round), EVENTS);
        if (variant !== 'raw') {
          kitCalls += result.registryCalls;
          kitMessages += 2 * EVENTS;
        }
        rates[variant].push(result.eventsPerSecond);
        producing[variant].push(result.producedPerSecond);
        thisRound[variant] = result.eventsPerSecond;
        process.stderr.write(
          `e2e: round ${round + 1} ${variant}: ${formatRate(result.eventsPerSecond)} end to end, producer ${formatRate(result.producedPerSecond)}\n`,
        );
      }
      for (const variant of VARIANTS) ratios[variant].push(thisRound[variant]! / thisRound.raw!);
    }
    const ratio = median(ratios.kit);
    const figures: BenchFigure[] = [
      {
        name: `end to end produce → consume, ${EVENTS.toLocaleString('en-US')} events`,
        value: `${formatRate(median(rates.kit))} events`,
        baseline: `raw kafkajs + JSON ${formatRate(median(rates.raw))} events`,
        ratio: formatRatio(ratio),
        target: `≥ ${TARGET.toFixed(1)}×`,
        met: ratio >= TARGET,
      },
      {
        name: 'end to end, kit committing once per batch (commitEvery ≥ batch)',
        value: `${formatRate(median(rates['kit-batch-commit']))} events`,
        baseline: `raw kafkajs + JSON ${formatRate(median(rates.raw))} events`,
        ratio: formatRatio(median(ratios['kit-batch-commit'])),
      },
      {
        name: 'producer alone (until the last batch is acknowledged)',
        value: `${formatRate(median(producing.kit))} events`,
        baseline: `raw kafkajs + JSON ${formatRate(median(producing.raw))} events`,
        ratio: formatRatio(median(producing.kit) / median(producing.raw)),
      },
      {
        name: 'registry HTTP calls per message after warm-up (producer + consumer)',
        value: `${kitCalls} calls / ${kitMessages.toLocaleString('en-US')} messages (sent + received) = ${(kitCalls / kitMessages).toFixed(6)}`,
        target: '0',
        met: kitCalls === 0,
      },
    ];
    const notes = [
      `settings: ${EVENTS.toLocaleString('en-US')} events per run, batches of ${BATCH} (publishBatch / producer.send), idempotent, acks=-1, maxInFlightRequests 1, DefaultPartitioner, key bookingId, ${bookingsContract.partitions} partitions, RF 1, one consumer (partitionsConsumedConcurrently 1), fresh topic and group per run; ${ROUNDS} rounds rotating the order; ratio = median of per-round ratios`,
      'consumers: the kit commits handled messages at the end of each batch (its at-least-once default); raw kafkajs uses eachMessage with its default auto-commit (once per batch)',
      `per-round events/s: ${VARIANTS.map((v) => `${v} ${rates[v].map(formatRate).join(', ')}`).join('; ')}; a warm-up run of ${WARMUP_EVENTS.toLocaleString('en-US')} events per variant first`,
    ];
    return { benchmark: 'e2e', figures, notes };
  } finally {
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await own?.release();
  }
}

/** The n-th event's input: the benchmark events in turn, each booking its own key. */
function inputOf(n: number): BatchItem<BookingsContract> {
  const { eventId: _id, timestamp: _ts, ...rest } = BENCH_EVENTS[n & 3]!;
  return { eventType: rest.eventType, payload: { ...rest, bookingId: `BOOK-${n}` } } as BatchItem<BookingsContract>;
}

/** Resolves when `count()` reaches `target` (checked on every handled message by the caller). */
function waiter(target: number): { tick(seen: number): void; done: Promise<void> } {
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  return { tick: (seen) => (seen >= target ? resolve() : undefined), done };
}

async function runKit(
  kafka: Kafka,
  registry: SchemaRegistryClient,
  topic: string,
  events: number,
  batchCommit: boolean,
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
  const consumer = createConsumer({
    contract,
    kafka,
    registry,
    groupId: `${topic}-group`,
    fromBeginning: true,
    stopOnSignals: [],
    ...(batchCommit ? { commitEvery: 1_000_000 } : {}),
    handlers: {
      'booking.created': handle,
      'booking.confirmed': handle,
      'booking.cancelled': handle,
      'booking.failed': handle,
    },
  });
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

async function runRaw(kafka: Kafka, topic: string, events: number): Promise<RunResult> {
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
      eventId: randomUUID(),
      timestamp: new Date(),
      source: 'bench',
    };
    return { key: String(event.bookingId), value: JSON.stringify(event), headers: { 'event-type': eventType } };
  };
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const event = JSON.parse(message.value!.toString('utf8')) as { eventType?: unknown };
        if (typeof event.eventType !== 'string') throw new Error('not an event');
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
