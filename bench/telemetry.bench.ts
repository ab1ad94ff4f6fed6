/**
 * What the kit's OpenTelemetry costs end to end (the e2e benchmark's kit run: publish, consume,
 * commit through the broker), in three settings measured in the same run, rounds rotating:
 *   off: CONTRACTS_TELEMETRY=off (the kit never touches OpenTelemetry)
 *   api: @opentelemetry/api installed, no SDK registered (what a service gets by default)
 *   sdk: an SDK registered that samples 10 % of traces (ParentBased(TraceIdRatio 0.1)) into a batch
 *        span processor, and a meter provider with a reader
 *   instrumentation: the kit's telemetry off and OpenTelemetry's own kafkajs instrumentation under
 *        the same SDK (a child process: it must load before kafkajs), the ecosystem's baseline
 * Targets (issue): api within the spread of off; sdk at most 10 % below off.
 *
 * Run with `npm run bench -- otel` (BENCH_ROUNDS, default 5; BENCH_E2E_EVENTS, default 50,000).
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { bookingsContract } from '../src/bookings';
import { createSchemaRegistryClient, registerContract } from '../src/registry';
import { TELEMETRY_ENV } from '../src/telemetry';
import { createBenchTopic, runKit, type RunResult } from './e2e.bench';
import { registerSampledSdk } from './support/otel-sdk';
import { formatRatioSpread, formatSpread, median } from './support/measure';
import type { BenchFigure, BenchReport } from './support/results';
import { acquireServers, type BenchServers } from './support/stack';
import { deleteBenchTopics } from './support/cleanup';

const EVENTS = Number(process.env.BENCH_E2E_EVENTS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SETTINGS = ['off', 'api', 'sdk', 'instrumentation'] as const;
type Setting = (typeof SETTINGS)[number];

function use(setting: Exclude<Setting, 'instrumentation'>): () => Promise<unknown> {
  if (setting === 'off') {
    process.env[TELEMETRY_ENV] = 'off';
    return async () => void delete process.env[TELEMETRY_ENV];
  }
  if (setting === 'api') return async () => undefined;
  return registerSampledSdk();
}

/** A run with OpenTelemetry's kafkajs instrumentation, in a process of its own (see otel-instrumented-run.ts). */
function runInstrumented(
  brokers: string[],
  registryUrl: string,
  warmup: string,
  topic: string,
  events: number,
): RunResult {
  const script = resolve(__dirname, 'support', 'otel-instrumented-run.ts');
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', script, brokers.join(','), registryUrl, warmup, topic, String(events)],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const result = JSON.parse(out.trim().split('\n').pop()!) as RunResult & { spans: number };
  // the instrumentation was there: about a tenth of the publish and process spans were exported
  if (result.spans === 0) throw new Error('the kafkajs instrumentation exported no span: it did not patch kafkajs');
  return result;
}

export async function benchTelemetry(servers?: BenchServers): Promise<BenchReport> {
  const own = servers ? undefined : await acquireServers();
  const { brokers, registryUrl } = servers ?? own!;
  const runId = randomUUID().slice(0, 8);
  const kafka = new Kafka({ clientId: `bench-otel-${runId}`, brokers, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  const topics: string[] = [];
  try {
    const registry = createSchemaRegistryClient({ url: registryUrl });
    await registerContract(bookingsContract, registry);
    const rates: Record<Setting, number[]> = { off: [], api: [], sdk: [], instrumentation: [] };
    const ratios = {
      api: [] as number[],
      sdk: [] as number[],
      instrumentation: [] as number[],
      sdkVsInstrumentation: [] as number[],
    };
    const once = async (setting: Setting, label: string, events: number) => {
      const topic = `bench-otel-${runId}-${setting}-${label}`;
      topics.push(topic, `${topic}.dlq`);
      await createBenchTopic(admin, topic);
      if (setting === 'instrumentation') {
        const warmup = `${topic}-warmup`;
        topics.push(warmup, `${warmup}.dlq`);
        await createBenchTopic(admin, warmup);
        return runInstrumented(brokers, registryUrl, warmup, topic, events);
      }
      const restore = use(setting);
      try {
        return await runKit(kafka, registry, topic, events);
      } finally {
        await restore();
      }
    };
    for (const setting of SETTINGS) await once(setting, 'warmup', 5_000);
    for (let round = 0; round < ROUNDS; round++) {
      const thisRound = {} as Record<Setting, number>;
      for (let k = 0; k < SETTINGS.length; k++) {
        const setting = SETTINGS[(k + round) % SETTINGS.length]!;
        thisRound[setting] = (await once(setting, String(round), EVENTS)).eventsPerSecond;
        rates[setting].push(thisRound[setting]);
        process.stderr.write(
          `otel: round ${round + 1}/${ROUNDS} ${setting}: ${thisRound[setting].toFixed(0)} events/s\n`,
        );
      }
      ratios.api.push(thisRound.api / thisRound.off);
      ratios.sdk.push(thisRound.sdk / thisRound.off);
      ratios.instrumentation.push(thisRound.instrumentation / thisRound.off);
      ratios.sdkVsInstrumentation.push(thisRound.sdk / thisRound.instrumentation);
    }
    const figures: BenchFigure[] = [
      {
        name: `end to end with @opentelemetry/api and no SDK, ${EVENTS.toLocaleString('en-US')} events`,
        value: `${formatSpread(rates.api)} events`,
        baseline: `telemetry off ${formatSpread(rates.off)}`,
        ratio: formatRatioSpread(ratios.api),
        target: 'within the spread of off',
        met: Math.min(...rates.api) <= Math.max(...rates.off) && Math.max(...rates.api) >= Math.min(...rates.off),
      },
      {
        name: 'end to end with an SDK sampling 10 % (batch span processor, meter provider)',
        value: `${formatSpread(rates.sdk)} events`,
        baseline: `telemetry off ${formatSpread(rates.off)}`,
        ratio: formatRatioSpread(ratios.sdk),
        target: '≥ 0.90×',
        met: median(ratios.sdk) >= 0.9,
      },
      {
        name: "end to end, kit telemetry off, OpenTelemetry's kafkajs instrumentation under the same SDK",
        value: `${formatSpread(rates.instrumentation)} events`,
        baseline: `telemetry off ${formatSpread(rates.off)}`,
        ratio: formatRatioSpread(ratios.instrumentation),
      },
      {
        name: "the kit's telemetry vs OpenTelemetry's kafkajs instrumentation, same SDK",
        value: `${formatSpread(rates.sdk)} events`,
        baseline: `instrumentation ${formatSpread(rates.instrumentation)}`,
        ratio: formatRatioSpread(ratios.sdkVsInstrumentation),
      },
    ];
    return {
      benchmark: 'otel',
      figures,
      notes: [
        `the e2e benchmark's kit run (batches of 500, idempotent, acks=-1, one consumer committing per batch) in four settings, ${ROUNDS} rounds rotating the order; a ratio is the median of the per-round ratios, with their min–max`,
      ],
    };
  } finally {
    await deleteBenchTopics(admin, topics);
    await admin.disconnect().catch(() => undefined);
    await own?.release();
  }
}

if (require.main === module) {
  void benchTelemetry().then(
    (report) => console.log(JSON.stringify(report, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
