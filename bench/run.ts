/**
 * `npm run bench`: every benchmark in sequence, then one summary table; `npm run bench -- serde e2e`
 * runs only the named ones (codegen, compat, json, protobuf, serde, perf, e2e, otel, latency, memory, transformer). Offline
 * ones first (codegen, compatibility, JSON decode, Protobuf serde), then the runtime ones against Kafka and the Schema Registry
 * (KAFKA_BROKERS + SCHEMA_REGISTRY_URL when both are set, else the local stack, started for the
 * run and stopped afterwards when it was not already running). Speed figures are ratios against
 * baselines measured in the same run; nothing here is a pass/fail test, but the exit code is 1
 * when a benchmark could not run.
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchCodegen } from './codegen.bench';
import { benchEndToEnd } from './e2e.bench';
import { benchTelemetry } from './telemetry.bench';
import { benchKafkaPerf, type BrokerCeiling } from './kafka-perf.bench';
import { benchLatency } from './latency.bench';
import { benchJsonDecode } from './json-decode.bench';
import { benchMemory } from './memory.bench';
import { benchProtobuf } from './protobuf.bench';
import { benchRuntime } from './runtime.bench';
import { benchTransformer } from './transformer.bench';
import { printReport, type BenchReport } from './support/results';
import { acquireServers, type BenchServers } from './support/stack';

const BENCHMARKS = [
  'codegen',
  'compat',
  'json',
  'protobuf',
  'serde',
  'perf',
  'e2e',
  'otel',
  'latency',
  'memory',
  'transformer',
] as const;
type Benchmark = (typeof BENCHMARKS)[number];

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((a) => !(BENCHMARKS as readonly string[]).includes(a));
  if (unknown.length > 0) {
    console.error(`bench: unknown benchmark ${unknown.join(', ')}; choose from ${BENCHMARKS.join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const wanted = (name: Benchmark) => asked.length === 0 || asked.includes(name);
  const started = performance.now();
  const cores = cpus();
  console.log(
    `bench: ${new Date().toISOString()}, Node ${process.version}, ${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown CPU'}), ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  const reports: BenchReport[] = [];
  const failures: string[] = [];
  const step = async (name: string, run: () => Promise<BenchReport | void>) => {
    const t = performance.now();
    console.log(`\n== ${name}`);
    try {
      const report = await run();
      if (report) {
        printReport(report);
        reports.push(report);
      }
    } catch (error) {
      failures.push(name);
      console.error(
        `bench: ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
    console.log(`(${name}: ${((performance.now() - t) / 1000).toFixed(1)} s)`);
  };

  if (wanted('codegen')) await step('codegen', benchCodegen);
  if (wanted('compat')) await step('compatibility', () => runScript(join(__dirname, 'compat.bench.ts')));
  if (wanted('json')) await step('JSON Schema decode against the writer schema', benchJsonDecode);
  if (wanted('protobuf')) await step('Protobuf serde (encode, decode, peers)', benchProtobuf);

  const online: Benchmark[] = ['serde', 'perf', 'e2e', 'otel', 'latency', 'memory', 'transformer'];
  let servers: BenchServers | undefined;
  if (online.some(wanted)) {
    await step('servers', async () => {
      servers = await acquireServers();
      console.log(`bench: Kafka ${servers.brokers.join(',')}, registry ${servers.registryUrl} (${servers.origin})`);
    });
  }
  if (servers) {
    const s = servers;
    try {
      if (wanted('serde')) await step('serde (encode, decode, peers, registry calls)', () => benchRuntime(s));
      let ceiling: BrokerCeiling | undefined;
      if (wanted('perf')) {
        await step("the broker's ceiling: Kafka's own perf tools", async () => {
          ceiling = await benchKafkaPerf(s);
          return ceiling.report;
        });
      }
      if (wanted('e2e')) await step('end to end through the broker', () => benchEndToEnd(s, ceiling));
      if (wanted('otel'))
        await step("end to end with the kit's OpenTelemetry off, API only, SDK", () => benchTelemetry(s));
      if (wanted('latency')) await step('publish latency, one event at a time', () => benchLatency(s));
      if (wanted('memory')) await step('consumer memory over a million messages', () => benchMemory(s));
      if (wanted('transformer'))
        await step('exactly once: transformer vs consumer + producer', () => benchTransformer(s));
    } finally {
      await s
        .release()
        .catch((error: unknown) => console.error(`bench: stopping the local stack failed: ${String(error)}`));
    }
  }

  console.log('\n== summary');
  printTable(reports);
  console.log(
    `\nbench: done in ${((performance.now() - started) / 1000).toFixed(0)} s, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  if (failures.length > 0) {
    console.error(`bench: could not run: ${failures.join(', ')}`);
    process.exitCode = 1;
  }
}

/** compat.bench.ts runs on import; a child process keeps its argv and output its own. */
function runScript(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${file} exited with ${code}`))));
  });
}

function printTable(reports: BenchReport[]): void {
  const header = ['benchmark', 'measurement', 'kit', 'baseline', 'ratio', 'target', ''];
  const rows = reports.flatMap((r) =>
    r.figures.map((f) => [
      r.benchmark,
      f.name,
      f.value,
      f.baseline ?? '',
      f.ratio ?? '',
      f.target ?? '',
      f.met === undefined ? '' : f.met ? 'met' : 'MISSED',
    ]),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
