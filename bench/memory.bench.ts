/**
 * Consumer memory over a million messages, against raw kafkajs in the same run: produces
 * BENCH_RSS_MESSAGES small events (default 1,000,000) to a fresh topic, then consumes all of them
 * in child processes started with --expose-gc, each sampling process.memoryUsage() after a full
 * GC every 5 % of the messages: BENCH_RSS_ROUNDS rounds (default 3) of the kit's consumer and of
 * raw kafkajs with the same consumer settings (eachBatch, a commit per batch, raw avsc decode), in
 * alternating order; then once the consumer's per-message path without the broker (fresh buffer →
 * serde.decode → handler).
 *
 * The warm-up is fixed by rule, not by the curve: growth is measured from the sample at 10 % of the
 * messages to the last one. Through the broker, every kafkajs consumer's RSS climbs for the first
 * ~300k messages while V8's young generation grows to its maximum (see docs/benchmarks.md,
 * Memory), so the target is judged on what the kit adds: its growth minus raw kafkajs's in the
 * same round, the median over the rounds.
 *
 * BENCH_CONSUMER_CONFIG (JSON kafkajs consumer settings: maxBytes, maxBytesPerPartition, minBytes,
 * maxWaitTimeInMs), BENCH_CONCURRENCY (partitionsConsumedConcurrently) and BENCH_RSS_NODE_FLAGS
 * (e.g. --max-semi-space-size=16) apply to both sides alike.
 *
 * Run with `npm run bench -- memory` or `npx tsx bench/memory.bench.ts`.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, Partitioners, type Message } from 'kafkajs';
import { bookingsContract } from '../src/generated/bookings';
import { createSchemaRegistryClient, registerContract } from '../src/registry';
import { createSerde } from '../src/serde';
import { createBenchTopic } from './e2e.bench';
import { smallFailedInput } from './support/events';
import { formatMb, formatRate, formatRatioSpread, formatSpread, median } from './support/measure';
import { printReport, type BenchFigure, type BenchReport } from './support/results';
import type { RssMode, RssResult, RssSample } from './support/rss-child';
import { acquireServers, type BenchServers } from './support/stack';
import { deleteBenchTopics } from './support/cleanup';

const MESSAGES = Number(process.env.BENCH_RSS_MESSAGES ?? 1_000_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_RSS_ROUNDS ?? 3));
/** The warm-up rule: the first 10 % of the messages; a sample every 5 %. */
const WARMUP_SHARE = 0.1;
const SAMPLE_EVERY = Math.max(1, Math.floor(MESSAGES / 20));
const NODE_FLAGS = (process.env.BENCH_RSS_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
const TARGET_MB = 30;
const MB = 1024 * 1024;
const PRODUCE_BATCH = 5_000;
const PRODUCE_PARALLEL = 4;
const CHILD = join(__dirname, 'support', 'rss-child.ts');

interface Run {
  result: RssResult;
  warm: RssSample;
  half: RssSample;
  last: RssSample;
  peak: number;
  growth: number;
}

function analyse(result: RssResult): Run {
  const { samples, total } = result;
  const warm = samples.find((s) => s.messages >= total * WARMUP_SHARE) ?? samples[0]!;
  const half = samples.find((s) => s.messages >= total / 2) ?? warm;
  const last = samples[samples.length - 1]!;
  return { result, warm, half, last, peak: Math.max(...samples.map((s) => s.rss)), growth: last.rss - warm.rss };
}

const cpuPerMessage = (run: Run) => (run.result.cpuSeconds * 1e6) / run.result.total;
const formatMicros = (µs: number) => `${µs.toFixed(2)} µs`;
const signedMb = (bytes: number) => `${bytes >= 0 ? '+' : '−'}${formatMb(Math.abs(bytes))}`;
const mbSpread = (values: number[]) => formatSpread(values, signedMb);

export async function benchMemory(servers?: BenchServers): Promise<BenchReport> {
  const own = servers ? undefined : await acquireServers();
  const { brokers, registryUrl } = servers ?? own!;
  const topic = `bench-rss-${randomUUID().slice(0, 8)}`;
  const kafka = new Kafka({ clientId: topic, brokers, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  const loadAtStart = loadavg()[0]!;
  try {
    const registry = createSchemaRegistryClient({ url: registryUrl });
    await registerContract(bookingsContract, registry);
    await createBenchTopic(admin, topic);
    const produced = await produce(kafka, registry, topic);
    process.stderr.write(
      `memory: produced ${MESSAGES.toLocaleString('en-US')} events in ${produced.seconds.toFixed(1)} s (${produced.bytesEach.toFixed(0)} bytes each)\n`,
    );

    const env = {
      KAFKA_BROKERS: brokers.join(','),
      SCHEMA_REGISTRY_URL: registryUrl,
      BENCH_TOPIC: topic,
      BENCH_TOTAL: String(MESSAGES),
      BENCH_SAMPLE_EVERY: String(SAMPLE_EVERY),
    };
    const kit: Run[] = [];
    const raw: Run[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order: RssMode[] = round % 2 === 0 ? ['kit', 'raw'] : ['raw', 'kit'];
      for (const mode of order) {
        const run = analyse(await runChild({ ...env, BENCH_MODE: mode }));
        (mode === 'kit' ? kit : raw).push(run);
        process.stderr.write(
          `memory: round ${round + 1} ${mode}: growth ${signedMb(run.growth)}, peak ${formatMb(run.peak)}, ${formatRate(MESSAGES / run.result.seconds)}\n`,
        );
      }
    }
    const decode = analyse(await runChild({ ...env, BENCH_MODE: 'decode' }));
    const loadAtEnd = loadavg()[0]!;

    const perRound = <T>(f: (k: Run, r: Run) => T) => kit.map((k, i) => f(k, raw[i]!));
    const added = perRound((k, r) => k.growth - r.growth);
    const window = `${kit[0]!.warm.messages.toLocaleString('en-US')} → ${MESSAGES.toLocaleString('en-US')} messages`;
    const figures: BenchFigure[] = [
      {
        name: `RSS growth the kit adds over raw kafkajs (same settings, same round), ${window}`,
        value: mbSpread(added),
        target: `< ${TARGET_MB} MB`,
        met: median(added) < TARGET_MB * MB,
      },
      {
        name: `RSS growth through the broker, ${window}`,
        value: `kit ${mbSpread(kit.map((k) => k.growth))}`,
        baseline: `raw kafkajs ${mbSpread(raw.map((r) => r.growth))}`,
      },
      {
        name: 'RSS growth over the second half (a leak would show here)',
        value: `kit ${mbSpread(kit.map((k) => k.last.rss - k.half.rss))}`,
        baseline: `raw kafkajs ${mbSpread(raw.map((r) => r.last.rss - r.half.rss))}`,
      },
      {
        name: 'RSS peak through the broker',
        value: `kit ${formatSpread(
          kit.map((k) => k.peak),
          formatMb,
        )}`,
        baseline: `raw kafkajs ${formatSpread(
          raw.map((r) => r.peak),
          formatMb,
        )}`,
        ratio: `kit − raw ${mbSpread(perRound((k, r) => k.peak - r.peak))}`,
      },
      {
        name: 'JavaScript heap used after GC at the end',
        value: `kit ${formatSpread(
          kit.map((k) => k.last.heapUsed),
          formatMb,
        )}`,
        baseline: `raw kafkajs ${formatSpread(
          raw.map((r) => r.last.heapUsed),
          formatMb,
        )}`,
      },
      {
        name: `consumer rate over ${MESSAGES.toLocaleString('en-US')} messages (first → last handled)`,
        value: `kit ${formatSpread(kit.map((k) => MESSAGES / k.result.seconds))}`,
        baseline: `raw kafkajs ${formatSpread(raw.map((r) => MESSAGES / r.result.seconds))}`,
        ratio: formatRatioSpread(perRound((k, r) => r.result.seconds / k.result.seconds)),
      },
      {
        name: 'consumer CPU per message (process CPU time, first → last handled)',
        value: `kit ${formatSpread(
          kit.map((k) => cpuPerMessage(k)),
          formatMicros,
        )}`,
        baseline: `raw kafkajs ${formatSpread(
          raw.map((r) => cpuPerMessage(r)),
          formatMicros,
        )}`,
        ratio: `kit ÷ raw ${formatRatioSpread(perRound((k, r) => cpuPerMessage(k) / cpuPerMessage(r)))}`,
      },
      {
        name: `RSS growth, per-message path without the broker, ${window}`,
        value: signedMb(decode.growth),
        target: `< ${TARGET_MB} MB`,
        met: decode.growth < TARGET_MB * MB,
      },
      {
        name: 'registry calls after the first sample (kit)',
        value: `${kit.reduce((n, k) => n + k.result.registryCalls, 0)}`,
        target: '0',
        met: kit.every((k) => k.result.registryCalls === 0),
      },
    ];
    const curve = (run: Run, key: keyof RssSample) =>
      run.result.samples
        .filter((_, i) => i % 2 === 1)
        .map((s) => `${(s.messages / 1000).toFixed(0)}k ${formatMb(s[key])}`)
        .join(', ');
    const notes: string[] = [
      `produced ${MESSAGES.toLocaleString('en-US')} booking.failed events (${produced.bytesEach.toFixed(0)} bytes framed) to a fresh ${bookingsContract.partitions}-partition topic in ${produced.seconds.toFixed(1)} s, before the consumers started; each consumer reads all of them in a fresh group`,
      `settings of both sides: consumerConfig ${process.env.BENCH_CONSUMER_CONFIG ?? '{} (kafkajs defaults: maxBytes 10 MB, maxBytesPerPartition 1 MB, minBytes 1, maxWaitTimeInMs 5000)'}, partitionsConsumedConcurrently ${process.env.BENCH_CONCURRENCY ?? 1}, node flags ${NODE_FLAGS.join(' ') || 'none'}; the largest batch kafkajs handed over: ${raw[0]!.result.largestBatch.messages.toLocaleString('en-US')} messages (${formatMb(raw[0]!.result.largestBatch.bytes)})`,
      `warm-up rule: the sample at ${WARMUP_SHARE * 100} % of the messages (fixed, not read off the curve); a sample every ${SAMPLE_EVERY.toLocaleString('en-US')} messages, each right after global.gc(); rounds alternate which side runs first`,
      `round 1, kit: RSS ${curve(kit[0]!, 'rss')}`,
      `round 1, raw kafkajs: RSS ${curve(raw[0]!, 'rss')}`,
      `round 1, kit: V8 heap committed ${curve(kit[0]!, 'heapTotal')}; of it the young generation ${formatMb(kit[0]!.warm.newSpace)} at the warm-up sample, ${formatMb(kit[0]!.last.newSpace)} at the end (without the broker: ${formatMb(decode.last.newSpace)}); external ${formatMb(kit[0]!.warm.external)} → ${formatMb(kit[0]!.last.external)}`,
      `without the broker: RSS ${formatMb(decode.warm.rss)} → ${formatMb(decode.last.rss)}, heap used ${formatMb(decode.last.heapUsed)}, ${formatRate(MESSAGES / decode.result.seconds)}`,
      `load average (1 min) ${loadAtStart.toFixed(1)} at the start, ${loadAtEnd.toFixed(1)} at the end`,
    ];
    return { benchmark: 'memory', figures, notes };
  } finally {
    await deleteBenchTopics(admin, [topic, `${topic}.dlq`]);
    await admin.disconnect().catch(() => undefined);
    await own?.release();
  }
}

/**
 * Fills the topic fast: the kit's serde encodes each event (the same bytes its producer sends),
 * and a plain kafkajs producer sends big batches, several at a time. Not what is measured.
 */
export async function produce(
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
    const child = spawn(process.execPath, ['--expose-gc', ...NODE_FLAGS, '--import', 'tsx', CHILD], {
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
