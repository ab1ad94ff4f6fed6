/**
 * Child process of bench/memory.bench.ts, run with `node --expose-gc --import tsx`: consumes
 * BENCH_TOTAL messages and samples its resident set size after warm-up and at the end, each
 * sample after a full garbage collection, then prints one `RESULT {json}` line.
 *
 * BENCH_MODE=broker: the kit's consumer (createConsumer: decode + handler + commits) on BENCH_TOPIC.
 * BENCH_MODE=decode: the consumer's per-message work without a broker: a fresh copy of a framed
 * message (as kafkajs hands over), serde.decode, the handler.
 */
import { createConsumer } from '../../src/consumer';
import { bookingsContract, type BookingsContract } from '../../src/bookings';
import type { BookingsEvent } from '../../src/generated/bookings';
import { createSchemaRegistryClient } from '../../src/registry';
import { createSerde } from '../../src/serde';

export interface RssSample {
  messages: number;
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export interface RssResult {
  mode: 'broker' | 'decode';
  total: number;
  warmup: number;
  samples: RssSample[];
  registryCalls: number;
  seconds: number;
}

const mode = process.env.BENCH_MODE === 'decode' ? 'decode' : 'broker';
const total = Number(process.env.BENCH_TOTAL ?? 1_000_000);
const warmup = Number(process.env.BENCH_WARMUP ?? 100_000);
const every = Number(process.env.BENCH_SAMPLE_EVERY ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;

function sample(messages: number): RssSample {
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  const m = process.memoryUsage();
  return { messages, rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

async function main(): Promise<void> {
  const registry = createSchemaRegistryClient({ url: process.env.SCHEMA_REGISTRY_URL! });
  const samples: RssSample[] = [];
  let handled = 0;
  let checksum = 0;
  const started = Date.now();
  let callsAfterWarmup = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));

  // the handler: a little work with the event, and the samples at the counts we want
  const handle = (event: BookingsEvent) => {
    checksum += event.bookingId.length;
    handled++;
    if (handled === warmup) {
      samples.push(sample(handled));
      callsAfterWarmup = registry.requestCount;
    } else if (handled > warmup && (handled % every === 0 || handled === total)) {
      samples.push(sample(handled));
    }
    if (handled === total) resolveDone();
  };

  if (mode === 'decode') {
    const serde = createSerde(bookingsContract, registry);
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
  } else {
    const contract: BookingsContract = {
      ...bookingsContract,
      topic: process.env.BENCH_TOPIC!,
      deadLetterTopic: `${process.env.BENCH_TOPIC!}.dlq`,
    };
    const consumer = createConsumer({
      contract,
      registry,
      brokers: process.env.KAFKA_BROKERS,
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
    await consumer.start();
    await done;
    await consumer.stop();
  }
  await done;
  const result: RssResult = {
    mode,
    total,
    warmup,
    samples,
    registryCalls: registry.requestCount - callsAfterWarmup,
    seconds: (Date.now() - started) / 1000,
  };
  process.stdout.write(`RESULT ${JSON.stringify({ ...result, checksum })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
