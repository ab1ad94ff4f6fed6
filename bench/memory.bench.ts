/**
 * Consumer memory over a million messages: produces BENCH_RSS_MESSAGES small events (default
 * 1,000,000) to a fresh topic, then runs the kit's consumer (decode + handler + commits) in a
 * child process started with --expose-gc, which samples process.memoryUsage().rss after a full
 * GC once warm (100,000 messages) and at the end. A second child runs the same million messages
 * through the consumer's per-message path without the broker (fresh buffer → serde.decode →
 * handler), which isolates the kit's own code from kafkajs's fetch buffers.
 *
 * Run with `npm run bench` or `npx tsx bench/memory.bench.ts`.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, Partitioners, type Message } from 'kafkajs';
import { bookingsContract } from '../src/generated/bookings';
import { createSchemaRegistryClient, registerContract } from '../src/registry';
import { createSerde } from '../src/serde';
import { smallFailedInput } from './support/events';
import { formatMb, formatRate } from './support/measure';
import { printReport, type BenchFigure, type BenchReport } from './support/results';
import type { RssResult } from './support/rss-child';
import { acquireServers, type BenchServers } from './support/stack';

const MESSAGES = Number(process.env.BENCH_RSS_MESSAGES ?? 1_000_000);
const WARMUP = Math.min(100_000, Math.floor(MESSAGES / 10));
const TARGET_MB = 30;
const PRODUCE_BATCH = 5_000;
const PRODUCE_PARALLEL = 4;
const CHILD = join(__dirname, 'support', 'rss-child.ts');

export async function benchMemory(servers?: BenchServers): Promise<BenchReport> {
  const own = servers ? undefined : await acquireServers();
  const { brokers, registryUrl } = servers ?? own!;
  const topic = `bench-rss-${randomUUID().slice(0, 8)}`;
  const kafka = new Kafka({ clientId: topic, brokers, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const registry = createSchemaRegistryClient({ url: registryUrl });
    await registerContract(bookingsContract, registry);
    await admin.createTopics({
      topics: [
        { topic, numPartitions: bookingsContract.partitions, replicationFactor: 1 },
        { topic: `${topic}.dlq`, numPartitions: 1, replicationFactor: 1 },
      ],
      waitForLeaders: true,
    });
    const produced = await produce(kafka, registry, topic);
    process.stderr.write(
      `memory: produced ${MESSAGES.toLocaleString('en-US')} events in ${produced.seconds.toFixed(1)} s (${produced.bytesEach.toFixed(0)} bytes each)\n`,
    );

    const env = {
      KAFKA_BROKERS: brokers.join(','),
      SCHEMA_REGISTRY_URL: registryUrl,
      BENCH_TOPIC: topic,
      BENCH_TOTAL: String(MESSAGES),
      BENCH_WARMUP: String(WARMUP),
    };
    const broker = await runChild({ ...env, BENCH_MODE: 'broker' });
    const decode = await runChild({ ...env, BENCH_MODE: 'decode' });

    const figures: BenchFigure[] = [];
    const notes: string[] = [
      `produced ${MESSAGES.toLocaleString('en-US')} booking.failed events (${produced.bytesEach.toFixed(0)} bytes framed) to a fresh ${bookingsContract.partitions}-partition topic in ${produced.seconds.toFixed(1)} s, before the consumer started`,
    ];
    for (const result of [broker, decode]) {
      const first = result.samples[0]!;
      const last = result.samples[result.samples.length - 1]!;
      const growth = last.rss - first.rss;
      const label =
        result.mode === 'broker'
          ? 'kit consumer through the broker'
          : 'per-message path without the broker (fresh buffer → decode → handler)';
      figures.push({
        name: `RSS growth, ${label}, ${first.messages.toLocaleString('en-US')} → ${last.messages.toLocaleString('en-US')} messages`,
        value: `${growth >= 0 ? '+' : ''}${formatMb(growth)} (${formatMb(first.rss)} → ${formatMb(last.rss)})`,
        target: `< ${TARGET_MB} MB`,
        met: growth < TARGET_MB * 1024 * 1024,
      });
      // a leak grows with every message; a plateau of kafkajs's fetch buffers and the allocator
      // (reached after the warm-up sample on a slow machine) does not grow in the second half
      const half = result.samples.find((s) => s.messages >= result.total / 2);
      if (half && half !== last) {
        figures.push({
          name: `RSS growth over the second half, ${result.mode === 'broker' ? 'through the broker' : 'without the broker'}, ${half.messages.toLocaleString('en-US')} → ${last.messages.toLocaleString('en-US')} messages (a leak would show here)`,
          value: `${last.rss - half.rss >= 0 ? '+' : ''}${formatMb(last.rss - half.rss)}`,
        });
      }
      const peak = Math.max(...result.samples.map((s) => s.rss));
      figures.push({
        name: `RSS peak above the warm-up sample, ${result.mode === 'broker' ? 'through the broker' : 'without the broker'}`,
        value: `+${formatMb(Math.max(0, peak - first.rss))} (peak ${formatMb(peak)})`,
      });
      notes.push(
        `${result.mode}: ${result.total.toLocaleString('en-US')} messages in ${result.seconds.toFixed(1)} s (${formatRate(result.total / result.seconds)}); ` +
          `RSS by messages handled: ${result.samples.map((s) => `${(s.messages / 1000).toFixed(0)}k ${formatMb(s.rss)}`).join(', ')}; ` +
          `heap used ${formatMb(first.heapUsed)} → ${formatMb(last.heapUsed)}; registry calls after warm-up: ${result.registryCalls}`,
      );
    }
    notes.push(
      'each sample is taken in the handler right after global.gc() (node --expose-gc); growth = last sample − the sample after warm-up',
    );
    return { benchmark: 'memory', figures, notes };
  } finally {
    await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await own?.release();
  }
}

/**
 * Fills the topic fast: the kit's serde encodes each event (the same bytes its producer sends),
 * and a plain kafkajs producer sends big batches, several at a time. Not what is measured.
 */
async function produce(
  kafka: Kafka,
  registry: ReturnType<typeof createSchemaRegistryClient>,
  topic: string,
): Promise<{ seconds: number; bytesEach: number }> {
  const serde = createSerde(bookingsContract, registry);
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const started = performance.now();
  let bytes = 0;
  let next = 0;
  const worker = async () => {
    while (next < MESSAGES) {
      const from = next;
      const to = Math.min(from + PRODUCE_BATCH, MESSAGES);
      next = to;
      const messages: Message[] = [];
      for (let n = from; n < to; n++) {
        const input = smallFailedInput(n);
        const value = await serde.encode({
          ...input,
          eventType: 'booking.failed',
          eventId: randomUUID(),
          timestamp: new Date(),
          source: 'bench',
        } as never);
        bytes += value.length;
        messages.push({ key: input.bookingId, value });
      }
      await producer.send({ topic, acks: 1, messages });
    }
  };
  try {
    await Promise.all(Array.from({ length: PRODUCE_PARALLEL }, worker));
  } finally {
    await producer.disconnect();
  }
  return { seconds: (performance.now() - started) / 1000, bytesEach: bytes / MESSAGES };
}

function runChild(env: Record<string, string>): Promise<RssResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) {
        reject(new Error(`the ${env.BENCH_MODE} child exited with ${code}: ${out.slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(line.slice('RESULT '.length)) as RssResult);
    });
  });
}

if (require.main === module) {
  benchMemory().then(printReport, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
