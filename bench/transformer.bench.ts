/**
 * What exactly-once costs: billing as a transformer (outputs and the input offset in one
 * transaction) against the same billing as a consumer plus a producer (at-least-once), in the same
 * run, on topics of their own. Two measurements per round, variants taking turns:
 *
 * - throughput: a backlog of booking.created, decided from the first to the last (events/s);
 * - decision latency: booking.created published at a steady pace, the time from its publish until
 *   its booking.confirmed reaches a `read_committed` reader (p50 / p99), which for the transformer
 *   includes waiting for the transaction's commit.
 *
 * Run with `npm run bench -- transformer` or `npx tsx bench/transformer.bench.ts`.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { bookingsContract, type BookingsContract } from '../src/bookings';
import { createConsumer } from '../src/consumer';
import type { BookingCreated } from '../src/generated/bookings';
import { ensureTopics } from '../src/kafka';
import { createProducer } from '../src/producer';
import { createSchemaRegistryClient, registerContract } from '../src/registry';
import { createTransformer } from '../src/transformer';
import { confirmationOf } from '../test/support/bookings-fixtures';
import { BENCH_EVENTS } from './support/events';
import { formatMs, formatRatioSpread, formatSpread, median, quantile } from './support/measure';
import { printReport, type BenchReport } from './support/results';
import { acquireServers, type BenchServers } from './support/stack';
import { deleteBenchTopics } from './support/cleanup';

const BACKLOG = Number(process.env.BENCH_TRANSFORMER_EVENTS ?? 3_000);
const PACED = Number(process.env.BENCH_TRANSFORMER_PACED ?? 400);
const PACE_PER_S = 200;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

type Variant = 'transformer' | 'consumer+producer';
const VARIANTS: Variant[] = ['transformer', 'consumer+producer'];

const {
  eventId: _eventId,
  timestamp: _timestamp,
  source: _source,
  eventType: _eventType,
  ...created
} = BENCH_EVENTS.find((e) => e.eventType === 'booking.created') as BookingCreated;

export async function benchTransformer(servers?: BenchServers): Promise<BenchReport> {
  const own = servers ? undefined : await acquireServers();
  const { brokers, registryUrl } = servers ?? own!;
  const kafka = new Kafka({ clientId: 'bench-transformer', brokers, logLevel: logLevel.NOTHING });
  const registry = createSchemaRegistryClient({ url: registryUrl });
  const throughput: Record<Variant, number[]> = { transformer: [], 'consumer+producer': [] };
  const p50: Record<Variant, number[]> = { transformer: [], 'consumer+producer': [] };
  const p99: Record<Variant, number[]> = { transformer: [], 'consumer+producer': [] };
  const topics: string[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
      for (const variant of order) {
        const topic = `bench-transformer-${randomUUID().slice(0, 8)}`;
        topics.push(topic, `${topic}.dlq`);
        const contract: BookingsContract = { ...bookingsContract, topic, deadLetterTopic: `${topic}.dlq` };
        await ensureTopics(kafka, { ...contract, replicationFactor: 1 });
        await registerContract(contract, registry);
        const result = await runOnce(variant, contract, brokers, registry);
        throughput[variant].push(result.perSecond);
        p50[variant].push(result.p50);
        p99[variant].push(result.p99);
      }
    }
  } finally {
    const admin = kafka.admin();
    await admin.connect();
    await deleteBenchTopics(admin, topics);
    await admin.disconnect();
    await own?.release();
  }
  const ratios = throughput.transformer.map((t, i) => t / throughput['consumer+producer'][i]!);
  return {
    benchmark: 'transformer (exactly once) vs consumer + producer',
    figures: [
      {
        name: `billing over a backlog of ${BACKLOG.toLocaleString('en')} bookings, events/s`,
        value: formatSpread(throughput.transformer),
        baseline: `consumer + producer ${formatSpread(throughput['consumer+producer'])}`,
        ratio: formatRatioSpread(ratios),
      },
      {
        name: `decision latency p50 at ${PACE_PER_S}/s (publish → read_committed reader)`,
        value: formatSpread(p50.transformer, formatMs),
        baseline: `consumer + producer ${formatSpread(p50['consumer+producer'], formatMs)}`,
      },
      {
        name: `decision latency p99 at ${PACE_PER_S}/s`,
        value: formatSpread(p99.transformer, formatMs),
        baseline: `consumer + producer ${formatSpread(p99['consumer+producer'], formatMs)}`,
      },
    ],
    notes: [
      `${ROUNDS} rounds, the variants taking turns, each on a topic of its own (6 partitions); the transformer commits every 100 inputs and at each batch's end`,
    ],
  };
}

async function runOnce(
  variant: Variant,
  contract: BookingsContract,
  brokers: string[],
  registry: ReturnType<typeof createSchemaRegistryClient>,
): Promise<{ perSecond: number; p50: number; p99: number }> {
  const producer = createProducer({ contract, brokers, registry, source: 'bench' });
  await producer.connect();
  // the backlog first, then the paced events: ids say which is which
  const items = Array.from({ length: BACKLOG }, (_, i) => ({
    eventType: 'booking.created' as const,
    payload: { ...created, bookingId: `BL-${i}` },
  }));
  for (let i = 0; i < items.length; i += 500) await producer.publishBatch(items.slice(i, i + 500));

  const publishedAt = new Map<string, number>();
  const decidedAt = new Map<string, number>();
  // a read_committed reader of the decisions
  const readerGroup = `${contract.topic}-reader`;
  const reader = new Kafka({ clientId: 'bench-reader', brokers, logLevel: logLevel.NOTHING }).consumer({
    groupId: readerGroup,
    readUncommitted: false,
    maxWaitTimeInMs: 50,
  });
  await reader.connect();
  await reader.subscribe({ topics: [contract.topic], fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      if (message.headers?.['event-type']?.toString() !== 'booking.confirmed') return;
      const id = message.key!.toString();
      if (!decidedAt.has(id)) decidedAt.set(id, performance.now());
    },
  });

  const groupId = `${contract.topic}-billing`;
  const common = { groupId, brokers, registry, fromBeginning: true, stopOnSignals: [] as NodeJS.Signals[] };
  let stopService: () => Promise<void>;
  if (variant === 'transformer') {
    const t = createTransformer({
      ...common,
      from: contract,
      to: contract,
      handlers: {
        'booking.created': async (event, out) => {
          await out.publish('booking.confirmed', confirmationOf(event, 'BENCH1'));
        },
        'booking.confirmed': 'ignore',
        'booking.cancelled': 'ignore',
        'booking.failed': 'ignore',
      },
    });
    await t.start();
    stopService = () => t.stop();
  } else {
    const out = createProducer({ contract, brokers, registry, source: 'bench' });
    await out.connect();
    const c = createConsumer({
      ...common,
      contract,
      handlers: {
        'booking.created': async (event) => {
          await out.publish('booking.confirmed', confirmationOf(event, 'BENCH1'));
        },
        'booking.confirmed': 'ignore',
        'booking.cancelled': 'ignore',
        'booking.failed': 'ignore',
      },
    });
    await c.start();
    stopService = async () => {
      await c.stop();
      await out.disconnect();
    };
  }
  const started = performance.now();
  try {
    await until(() => items.every((i) => decidedAt.has(i.payload.bookingId)), 'the backlog decided');
    const perSecond = BACKLOG / ((Math.max(...items.map((i) => decidedAt.get(i.payload.bookingId)!)) - started) / 1000);
    for (let i = 0; i < PACED; i++) {
      const id = `P-${i}`;
      publishedAt.set(id, performance.now());
      void producer.publish('booking.created', { ...created, bookingId: id });
      await new Promise((r) => setTimeout(r, 1000 / PACE_PER_S));
    }
    await until(() => [...publishedAt.keys()].every((id) => decidedAt.has(id)), 'the paced events decided');
    const latencies = [...publishedAt].map(([id, at]) => decidedAt.get(id)! - at);
    return { perSecond, p50: median(latencies), p99: quantile(latencies, 0.99) };
  } finally {
    await stopService();
    await reader.disconnect();
    await producer.disconnect();
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

if (require.main === module) {
  benchTransformer()
    .then(printReport)
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
