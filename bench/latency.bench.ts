/**
 * Publish latency of single events, one at a time: the seed's `publishBookingEvent` path (the
 * shared producer's connect check, then `publish`: envelope, validation, Avro, send, acks=all)
 * against raw kafkajs sending one JSON message (and one raw avsc message) per `send`, with the
 * same producer settings (idempotent, acks=-1, one in flight, murmur2). The variants take turns
 * event by event (the order rotating), so a moment of load on the machine hits all of them alike;
 * p50 / p99 per round, the ratio per round, then the median over the rounds with the spread.
 *
 * It publishes to a fresh topic rather than `bookings` (publishBookingEvent's), so a benchmark
 * never writes into a real topic; the call path is the same.
 *
 * Run with `npm run bench -- latency` or `npx tsx bench/latency.bench.ts [events per round]`.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, Partitioners, type Producer as KafkaProducer } from 'kafkajs';
import { parseAvroSchemas } from '../src/formats/avro/types';
import { bookingsContract, type BookingsContract } from '../src/bookings';
import type { BookingsEventInputMap, BookingsEventType } from '../src/generated/bookings';
import { createProducer } from '../src/producer';
import { createSchemaRegistryClient, registerContract } from '../src/registry';
import { encodeHeader } from '../src/wire';
import { BENCH_EVENTS, RECORD_NAMES } from './support/events';
import { formatMs, formatRatioSpread, formatSpread, median, quantile } from './support/measure';
import { printReport, type BenchFigure, type BenchReport } from './support/results';
import { acquireServers, type BenchServers } from './support/stack';
import { deleteBenchTopics } from './support/cleanup';

const EVENTS = Number(
  process.env.BENCH_LATENCY_EVENTS ?? (require.main === module ? process.argv[2] : undefined) ?? 500,
);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARMUP = 200;
const TARGET = 1.05;

type Variant = 'kit' | 'raw' | 'raw-avro';
const VARIANTS: Variant[] = ['kit', 'raw', 'raw-avro'];

export async function benchLatency(servers?: BenchServers): Promise<BenchReport> {
  const own = servers ? undefined : await acquireServers();
  const { brokers, registryUrl } = servers ?? own!;
  const runId = randomUUID().slice(0, 8);
  const kafka = new Kafka({ clientId: `bench-latency-${runId}`, brokers, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  const topics = VARIANTS.map((v) => `bench-latency-${runId}-${v}`);
  await admin.connect();
  const registry = createSchemaRegistryClient({ url: registryUrl });
  const registered = await registerContract(bookingsContract, registry);
  const header = encodeHeader(registered[bookingsContract.valueSubject!]!.id);
  const { types } = parseAvroSchemas(bookingsContract.schemas.map((s) => JSON.parse(s.schema) as unknown));
  const union = types[types.length - 1]!;
  // kafkajs's waitForLeaders retries "leader not available" but not a busy broker's "does not host
  // this topic-partition" answer to its metadata request: try again (the topics exist by then)
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.createTopics({
        topics: topics.map((topic) => ({ topic, numPartitions: bookingsContract.partitions, replicationFactor: 1 })),
        waitForLeaders: true,
      });
      break;
    } catch (error) {
      if (attempt >= 10 || (error as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
  const contract: BookingsContract = { ...bookingsContract, topic: topics[0]!, deadLetterTopic: `${topics[0]!}.dlq` };
  const kit = createProducer({ contract, kafka, registry, source: 'bench' });
  const raws: KafkaProducer[] = [1, 2].map(() =>
    kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner }),
  );
  try {
    await kit.connect();
    await Promise.all(raws.map((p) => p.connect()));
    const rawEvent = (n: number) => {
      const { eventType, payload } = inputOf(n);
      return { ...payload, eventType, eventId: randomUUID(), timestamp: new Date(), source: 'bench' } as Record<
        string,
        unknown
      > & { eventType: BookingsEventType; bookingId: string };
    };
    const send: Record<Variant, (n: number) => Promise<unknown>> = {
      // publishBookingEvent: `await connectProducer()` (a no-op once connected), then publish
      kit: async (n) => {
        const { eventType, payload } = inputOf(n);
        await kit.connect();
        return kit.publish(eventType, payload as never);
      },
      raw: (n) => {
        const event = rawEvent(n);
        return raws[0]!.send({
          topic: topics[1]!,
          acks: -1,
          messages: [
            { key: event.bookingId, value: JSON.stringify(event), headers: { 'event-type': event.eventType } },
          ],
        });
      },
      'raw-avro': (n) => {
        const event = rawEvent(n);
        const value = Buffer.concat([header, union.toBuffer({ [RECORD_NAMES[event.eventType]]: event })]);
        return raws[1]!.send({
          topic: topics[2]!,
          acks: -1,
          messages: [{ key: event.bookingId, value, headers: { 'event-type': event.eventType } }],
        });
      },
    };
    const timeRound = async (events: number, offset: number) => {
      const samples: Record<Variant, number[]> = { kit: [], raw: [], 'raw-avro': [] };
      for (let n = 0; n < events; n++) {
        for (let k = 0; k < VARIANTS.length; k++) {
          const variant = VARIANTS[(k + n) % VARIANTS.length]!;
          const started = performance.now();
          await send[variant](offset + n);
          samples[variant].push(performance.now() - started);
        }
      }
      return samples;
    };
    await timeRound(WARMUP, 0);
    const p50: Record<Variant, number[]> = { kit: [], raw: [], 'raw-avro': [] };
    const p99: Record<Variant, number[]> = { kit: [], raw: [], 'raw-avro': [] };
    const ratio50 = { raw: [] as number[], 'raw-avro': [] as number[] };
    const ratio99 = { raw: [] as number[], 'raw-avro': [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const samples = await timeRound(EVENTS, WARMUP + round * EVENTS);
      for (const v of VARIANTS) {
        p50[v].push(quantile(samples[v], 0.5));
        p99[v].push(quantile(samples[v], 0.99));
      }
      for (const base of ['raw', 'raw-avro'] as const) {
        ratio50[base].push(p50.kit[round]! / p50[base][round]!);
        ratio99[base].push(p99.kit[round]! / p99[base][round]!);
      }
      process.stderr.write(
        `latency: round ${round + 1}/${ROUNDS}: p50 ${VARIANTS.map((v) => `${v} ${formatMs(p50[v][round]!)}`).join(', ')}; p99 ${VARIANTS.map((v) => `${v} ${formatMs(p99[v][round]!)}`).join(', ')}\n`,
      );
    }
    const figures: BenchFigure[] = [
      {
        name: 'publish latency p50, one event at a time (publishBookingEvent path)',
        value: formatSpread(p50.kit, formatMs),
        baseline: `raw kafkajs + JSON ${formatSpread(p50.raw, formatMs)}`,
        ratio: formatRatioSpread(ratio50.raw),
        target: `≤ ${TARGET}×`,
        met: median(ratio50.raw) <= TARGET,
      },
      {
        name: 'publish latency p99, one event at a time',
        value: formatSpread(p99.kit, formatMs),
        baseline: `raw kafkajs + JSON ${formatSpread(p99.raw, formatMs)}`,
        ratio: formatRatioSpread(ratio99.raw),
        target: `≤ ${TARGET}×`,
        met: median(ratio99.raw) <= TARGET,
      },
      {
        name: 'publish latency p50 / p99, against raw kafkajs + raw avsc',
        value: `${formatMs(median(p50.kit))} / ${formatMs(median(p99.kit))}`,
        baseline: `raw kafkajs + avsc ${formatMs(median(p50['raw-avro']))} / ${formatMs(median(p99['raw-avro']))}`,
        ratio: `${formatRatioSpread(ratio50['raw-avro'])} / ${formatRatioSpread(ratio99['raw-avro'])}`,
      },
    ];
    const notes = [
      `${EVENTS.toLocaleString('en-US')} events per variant per round, ${ROUNDS} rounds after ${WARMUP} warm-up events; the variants alternate event by event (rotating order), each awaiting its send before the next; idempotent, acks=-1, maxInFlightRequests 1, murmur2, ${bookingsContract.partitions} partitions; a ratio is the median of the per-round ratios (min–max)`,
    ];
    return { benchmark: 'latency', figures, notes };
  } finally {
    await kit.disconnect().catch(() => undefined);
    await Promise.all(raws.map((p) => p.disconnect().catch(() => undefined)));
    await deleteBenchTopics(admin, topics);
    await admin.disconnect().catch(() => undefined);
    await own?.release();
  }
}

/** The n-th event's input: the benchmark events in turn, each booking its own key. */
function inputOf<K extends BookingsEventType>(n: number): { eventType: K; payload: BookingsEventInputMap[K] } {
  const { eventId: _id, timestamp: _ts, source: _source, ...rest } = BENCH_EVENTS[n & 3]!;
  return { eventType: rest.eventType as K, payload: { ...rest, bookingId: `BOOK-${n}` } as never };
}

if (require.main === module) {
  benchLatency().then(printReport, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
