/**
 * What the kit's OpenTelemetry costs end to end (the e2e benchmark's kit run: publish, consume,
 * commit through the broker), in three settings measured in the same run, rounds rotating:
 *   off: CONTRACTS_TELEMETRY=off (the kit never touches OpenTelemetry)
 *   api: @opentelemetry/api installed, no SDK registered (what a service gets by default)
 *   sdk: an SDK registered that samples 10 % of traces (ParentBased(TraceIdRatio 0.1)) into a batch
 *        span processor, and a meter provider with a reader
 * Targets (issue): api within the spread of off; sdk at most 10 % below off.
 *
 * Run with `npm run bench -- otel` (BENCH_ROUNDS, default 5; BENCH_E2E_EVENTS, default 50,000).
 */
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator, type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { bookingsContract } from '../src/bookings';
import { createSchemaRegistryClient, registerContract } from '../src/registry';
import { TELEMETRY_ENV } from '../src/telemetry';
import { createBenchTopic, runKit } from './e2e.bench';
import { formatRatioSpread, formatSpread, median } from './support/measure';
import type { BenchFigure, BenchReport } from './support/results';
import { acquireServers, type BenchServers } from './support/stack';

const EVENTS = Number(process.env.BENCH_E2E_EVENTS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SETTINGS = ['off', 'api', 'sdk'] as const;
type Setting = (typeof SETTINGS)[number];

/** Takes batches of spans and drops them: the cost of an exporter without the network. */
class DroppingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.exported += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
class IdleReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

function use(setting: Setting): () => Promise<void> {
  if (setting === 'off') {
    process.env[TELEMETRY_ENV] = 'off';
    return async () => void delete process.env[TELEMETRY_ENV];
  }
  if (setting === 'api') return async () => undefined;
  const processor = new BatchSpanProcessor(new DroppingExporter());
  const tracerProvider = new BasicTracerProvider({
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0.1) }),
    spanProcessors: [processor],
  });
  const meterProvider = new MeterProvider({ readers: [new IdleReader()] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  return async () => {
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
    trace.disable();
    metrics.disable();
    propagation.disable();
    context.disable();
  };
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
    const rates: Record<Setting, number[]> = { off: [], api: [], sdk: [] };
    const ratios = { api: [] as number[], sdk: [] as number[] };
    const once = async (setting: Setting, label: string, events: number) => {
      const topic = `bench-otel-${runId}-${setting}-${label}`;
      topics.push(topic, `${topic}.dlq`);
      await createBenchTopic(admin, topic);
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
    ];
    return {
      benchmark: 'otel',
      figures,
      notes: [
        `the e2e benchmark's kit run (batches of 500, idempotent, acks=-1, one consumer committing per batch) in three settings, ${ROUNDS} rounds rotating the order; a ratio is the median of the per-round ratios, with their min–max`,
      ],
    };
  } finally {
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
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
