/**
 * Child process of bench/memory.bench.ts, run with `node --expose-gc --import tsx`: consumes
 * BENCH_TOTAL messages and samples its memory every BENCH_SAMPLE_EVERY messages, each sample after
 * a full garbage collection, then prints one `RESULT {json}` line.
 *
 * BENCH_MODE=kit: the kit's consumer (createConsumer: decode + handler + commits) on BENCH_TOPIC.
 * BENCH_MODE=raw: raw kafkajs with the same consumer settings (eachBatch, no auto-commit, a commit
 * at the end of every batch, as the kit) and raw avsc `fromBuffer` after the 5-byte header: the
 * baseline whose memory the kit's is compared with.
 * BENCH_MODE=decode: the consumer's per-message work without a broker: a fresh copy of a framed
 * message (as kafkajs hands over), serde.decode, the handler.
 *
 * BENCH_CONSUMER_CONFIG (JSON: maxBytes, maxBytesPerPartition, minBytes, maxWaitTimeInMs, …) and
 * BENCH_CONCURRENCY (partitionsConsumedConcurrently) apply to both kit and raw.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { Kafka, logLevel, type ConsumerConfig } from 'kafkajs';
import { parseAvroSchemas } from '../../src/formats/avro/types';
import { bookingsContract, type BookingsEvent } from '../../src/generated/bookings';
import { HEADER_SIZE } from '../../src/wire';

export type RssMode = 'kit' | 'raw' | 'decode';

export interface RssSample {
  messages: number;
  /** ms since the first message was handled. */
  atMs: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  /** V8's young generation (new space) as committed: it grows while many objects survive scavenges. */
  newSpace: number;
  external: number;
  arrayBuffers: number;
}

export interface RssResult {
  mode: RssMode;
  total: number;
  samples: RssSample[];
  registryCalls: number;
  /** First message handled → last message handled. */
  seconds: number;
  /** CPU time of the process (user + system) over the same span: what a loaded machine does not inflate. */
  cpuSeconds: number;
  /** The largest batch handed over by kafkajs: messages and value bytes. */
  largestBatch: { messages: number; bytes: number };
  batches: number;
}

const mode: RssMode = (['kit', 'raw', 'decode'] as const).find((m) => m === process.env.BENCH_MODE) ?? 'kit';
const total = Number(process.env.BENCH_TOTAL ?? 1_000_000);
const every = Number(process.env.BENCH_SAMPLE_EVERY ?? 50_000);
const consumerConfig = JSON.parse(process.env.BENCH_CONSUMER_CONFIG ?? '{}') as Omit<ConsumerConfig, 'groupId'>;
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 1);
const gc = (globalThis as { gc?: () => void }).gc;

let firstAt = 0;
let firstCpu: NodeJS.CpuUsage | undefined;
function sample(messages: number): RssSample {
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  const m = process.memoryUsage();
  const newSpace = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
  return {
    messages,
    atMs: performance.now() - firstAt,
    rss: m.rss,
    heapTotal: m.heapTotal,
    heapUsed: m.heapUsed,
    newSpace,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
}

async function main(): Promise<void> {
  // the raw baseline loads no module of the kit's runtime (consumer, serde, registry client)
  const { createSchemaRegistryClient } =
    mode === 'raw' ? { createSchemaRegistryClient: undefined } : await import('../../src/registry');
  const registry = createSchemaRegistryClient?.({ url: process.env.SCHEMA_REGISTRY_URL! });
  const requestCount = () => registry?.requestCount ?? 0;
  const samples: RssSample[] = [];
  let handled = 0;
  let checksum = 0;
  let callsAtFirstSample = 0;
  let batches = 0;
  let seconds = 0;
  let cpuSeconds = 0;
  const largestBatch = { messages: 0, bytes: 0 };
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const topic = process.env.BENCH_TOPIC!;
  const groupId = `${topic}-${mode}-${process.pid}`;

  // the handler: a little work with the event, and the samples at the counts we want
  const handle = (event: BookingsEvent) => {
    if (handled === 0) {
      firstAt = performance.now();
      firstCpu = process.cpuUsage();
    }
    checksum += event.bookingId.length;
    handled++;
    if (handled % every === 0 || handled === total) {
      samples.push(sample(handled));
      if (samples.length === 1) callsAtFirstSample = requestCount();
    }
    if (handled === total) {
      const cpu = process.cpuUsage(firstCpu);
      cpuSeconds = (cpu.user + cpu.system) / 1e6;
      seconds = (performance.now() - firstAt) / 1000;
      resolveDone();
    }
  };
  const noteBatch = (messages: { value: Buffer | null }[]) => {
    batches++;
    if (messages.length > largestBatch.messages) {
      largestBatch.messages = messages.length;
      largestBatch.bytes = messages.reduce((n, m) => n + (m.value?.length ?? 0), 0);
    }
  };

  if (mode === 'decode') {
    const { createSerde } = await import('../../src/serde');
    const serde = createSerde(bookingsContract, registry!);
    const framed = await serde.encode({
      eventId: 'e1d7a3c9-6b2f-4e8a-9d1c-3f5b7a9e2c34',
      eventType: 'booking.failed',
      timestamp: new Date(),
      source: 'bench',
      bookingId: 'B1',
      userId: 'u1',
      type: 'car',
      itemId: 'C1',
      data: { reasonCode: 'timeout', message: 'timeout', stage: 'payment', retryable: true },
    });
    for (let i = 0; i < total; i++) {
      const incoming = Buffer.from(framed); // kafkajs hands every message over in its own buffer
      const { event } = await serde.decode(incoming);
      handle(event);
    }
  } else if (mode === 'raw') {
    const { types } = parseAvroSchemas(bookingsContract.schemas.map((s) => JSON.parse(s.schema) as unknown));
    const union = types[types.length - 1]!;
    const kafka = new Kafka({
      clientId: groupId,
      brokers: process.env.KAFKA_BROKERS!.split(','),
      logLevel: logLevel.WARN,
    });
    const consumer = kafka.consumer({ ...consumerConfig, groupId });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: concurrency,
      eachBatch: async ({ batch, resolveOffset }) => {
        noteBatch(batch.messages);
        let last: string | undefined;
        for (const message of batch.messages) {
          const wrapped = union.fromBuffer(message.value!.subarray(HEADER_SIZE)) as Record<string, BookingsEvent>;
          handle(Object.values(wrapped)[0]!);
          last = message.offset;
        }
        if (last !== undefined) {
          resolveOffset(last);
          await consumer.commitOffsets([
            { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
          ]);
        }
      },
    });
    await done;
    await consumer.disconnect();
  } else {
    const { createConsumer } = await import('../../src/consumer');
    const contract: typeof bookingsContract = { ...bookingsContract, topic, deadLetterTopic: `${topic}.dlq` };
    const counted = (event: BookingsEvent) => handle(event);
    const consumer = createConsumer({
      contract,
      registry: registry!,
      brokers: process.env.KAFKA_BROKERS,
      groupId,
      fromBeginning: true,
      stopOnSignals: [],
      partitionsConsumedConcurrently: concurrency,
      consumerConfig,
      handlers: {
        'booking.created': counted,
        'booking.confirmed': counted,
        'booking.cancelled': counted,
        'booking.failed': counted,
      },
    });
    await consumer.start();
    await done;
    await consumer.stop();
  }
  await done;
  const result: RssResult = {
    mode,
    total,
    samples,
    registryCalls: requestCount() - callsAtFirstSample,
    seconds,
    cpuSeconds,
    largestBatch,
    batches,
  };
  process.stdout.write(`RESULT ${JSON.stringify({ ...result, checksum })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
