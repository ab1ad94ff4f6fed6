/**
 * The broker's ceiling: Apache Kafka's own Java perf tools (`kafka-producer-perf-test` and
 * `kafka-consumer-perf-test`, i.e. org.apache.kafka.tools.ProducerPerformance and
 * ConsumerPerformance) against the same local broker the other benchmarks use, run with
 * `java -cp` on the jars the local stack downloads. The tools live in the kafka-tools artifact,
 * which the stack does not need; the first run fetches it from Maven Central (with Maven, into
 * .cache/stack/kafka-tools-<version>/, like the stack's own jars).
 *
 * Records of the kit's framed size (the benchmark events average ~155 bytes), acks=all, idempotent,
 * to a fresh topic with the bookings topic's partitions; then one consumer reads them all.
 *
 * Run with `npm run bench -- perf` or `npx tsx bench/kafka-perf.bench.ts [records]`.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { bookingsContract } from '../src/bookings';
import { KAFKA_VERSION, MAVEN_DEPENDENCY_PLUGIN } from '../src/stack/versions';
import { formatRate, formatSpread, spreadOf, type Spread } from './support/measure';
import { printReport, type BenchReport } from './support/results';
import { acquireServers, type BenchServers } from './support/stack';
import { deleteBenchTopics } from './support/cleanup';

const ROOT = resolve(__dirname, '..');
const CACHE = join(ROOT, '.cache', 'stack');
const RECORDS = Number(
  process.env.BENCH_PERF_RECORDS ?? (require.main === module ? process.argv[2] : undefined) ?? 300_000,
);
const ROUNDS = Number(process.env.BENCH_PERF_ROUNDS ?? process.env.BENCH_ROUNDS ?? 5);
/** The benchmark events' mean framed size (160, 164, 147, 149 bytes). */
export const RECORD_SIZE = 155;

export interface BrokerCeiling {
  report: BenchReport;
  /** Records/s per round. */
  produced: Spread;
  consumed: Spread;
}

export async function benchKafkaPerf(servers?: BenchServers): Promise<BrokerCeiling> {
  const own = servers ? undefined : await acquireServers();
  const { brokers } = servers ?? own!;
  const java = process.env.JAVA ?? 'java';
  const classpath = [toolsLibs(), kafkaLibs()].map((dir) => join(dir, '*')).join(':');
  const kafka = new Kafka({ clientId: 'bench-perf', brokers, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  const topics: string[] = [];
  try {
    const produced: number[] = [];
    const consumed: number[] = [];
    const latency: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const topic = `bench-perf-${randomUUID().slice(0, 8)}`;
      topics.push(topic);
      await admin.createTopics({
        topics: [{ topic, numPartitions: bookingsContract.partitions, replicationFactor: 1 }],
        waitForLeaders: true,
      });
      const out = runJava(java, classpath, 'org.apache.kafka.tools.ProducerPerformance', [
        '--topic',
        topic,
        '--num-records',
        String(RECORDS),
        '--record-size',
        String(RECORD_SIZE),
        '--throughput',
        '-1',
        '--command-property',
        `bootstrap.servers=${brokers.join(',')}`,
        'acks=all',
        'enable.idempotence=true',
      ]);
      // last line: "300000 records sent, 98765.4 records/sec (14.6 MB/sec), 12.3 ms avg latency, …, 3 ms 50th, …"
      const summary = out.split('\n').filter((l) => l.includes(`${RECORDS} records sent`));
      const line = summary[summary.length - 1];
      const rate = line ? /([\d.]+) records\/sec/.exec(line)?.[1] : undefined;
      if (!rate) throw new Error(`ProducerPerformance printed no summary:\n${out.slice(-2000)}`);
      produced.push(Number(rate));
      latency.push(/([\d.]+ ms avg latency)/.exec(line!)?.[1] ?? '');
      const consumer = runJava(java, classpath, 'org.apache.kafka.tools.ConsumerPerformance', [
        '--bootstrap-server',
        brokers.join(','),
        '--topic',
        topic,
        '--num-records',
        String(RECORDS),
        '--group',
        `${topic}-group`,
        '--hide-header',
      ]);
      // CSV: start, end, MB, MB/s, records, records/s, rebalance ms, fetch ms, fetch MB/s, fetch records/s
      const row = consumer
        .split('\n')
        .map((l) => l.split(',').map((c) => c.trim()))
        .find((cells) => cells.length >= 10 && Number(cells[4]) === RECORDS);
      if (!row) throw new Error(`ConsumerPerformance printed no result:\n${consumer.slice(-2000)}`);
      // fetch records/s: the time fetching, without the group join (the kit's figures start after it too)
      consumed.push(Number(row[9]));
      process.stderr.write(
        `perf: round ${round + 1}: producer ${formatRate(produced[round]!)}, consumer ${formatRate(consumed[round]!)} (Java perf tools)\n`,
      );
    }
    const report: BenchReport = {
      benchmark: 'broker ceiling',
      figures: [
        { name: `kafka-producer-perf-test, ${RECORDS.toLocaleString('en-US')} records`, value: formatSpread(produced) },
        { name: `kafka-consumer-perf-test, same records`, value: formatSpread(consumed) },
      ],
      notes: [
        `Apache Kafka ${KAFKA_VERSION}'s ProducerPerformance / ConsumerPerformance (java -cp, ${java}), ${RECORDS.toLocaleString('en-US')} records of ${RECORD_SIZE} bytes (the kit's mean framed size), --throughput -1, acks=all, enable.idempotence=true, the Java client's other defaults (linger, batch.size, 5 in flight); a fresh ${bookingsContract.partitions}-partition topic per round; consumer rate = fetch records/s (after the group join)`,
        `producer latency per round: ${latency.join(', ')}`,
      ],
    };
    return { report, produced: spreadOf(produced), consumed: spreadOf(consumed) };
  } finally {
    await deleteBenchTopics(admin, topics);
    await admin.disconnect().catch(() => undefined);
    await own?.release();
  }
}

function runJava(java: string, classpath: string, main: string, args: string[]): string {
  const result = spawnSync(java, ['-cp', classpath, main, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 10 * 60_000,
  });
  if (result.error) throw new Error(`${java} ${main}: ${result.error.message}`);
  const out = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`${main} exited with ${result.status}:\n${out.slice(-2000)}`);
  return out;
}

function kafkaLibs(): string {
  const dir = join(CACHE, `kafka-${KAFKA_VERSION}`, 'libs');
  if (!existsSync(dir)) throw new Error(`no Kafka jars in ${dir}: run \`npx contracts stack up\` once first`);
  return dir;
}

/** kafka-tools and its runtime dependencies, fetched once with Maven (the stack's own way of fetching). */
function toolsLibs(): string {
  const home = join(CACHE, `kafka-tools-${KAFKA_VERSION}`);
  const libs = join(home, 'libs');
  if (existsSync(libs) && readdirSync(libs).some((f) => f.startsWith('kafka-tools-'))) return libs;
  process.stderr.write(`perf: fetching org.apache.kafka:kafka-tools:${KAFKA_VERSION} from Maven Central (once)\n`);
  const work = `${home}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(
    join(work, 'pom.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by bench/kafka-perf.bench.ts to fetch Kafka's perf tools; safe to delete. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.contracts.bench</groupId>
  <artifactId>kafka-tools</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>${KAFKA_VERSION}</version></dependency>
  </dependencies>
</project>
`,
  );
  const result = spawnSync(
    'mvn',
    [
      '-B',
      '-q',
      '-f',
      join(work, 'pom.xml'),
      `-Dmaven.repo.local=${join(CACHE, 'm2')}`,
      `${MAVEN_DEPENDENCY_PLUGIN}:copy-dependencies`,
      '-DincludeScope=runtime',
      `-DoutputDirectory=${join(work, 'libs')}`,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.status !== 0) {
    throw new Error(
      `Maven could not fetch kafka-tools: ${result.error?.message ?? ''}${result.stdout}${result.stderr}`,
    );
  }
  rmSync(home, { recursive: true, force: true });
  renameSync(work, home);
  return libs;
}

if (require.main === module) {
  benchKafkaPerf().then(
    (c) => printReport(c.report),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
