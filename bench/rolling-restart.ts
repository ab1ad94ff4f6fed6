/**
 * The rolling-restart experiment: what a deploy costs a consumer group on each way of joining it.
 * 48 partitions, 6 consumer processes in one group (bench/support/rolling-child.ts), a steady load
 * of booking events; each process in turn is stopped with SIGTERM (graceful: handled events
 * committed), a new one started in its place (the same instance id when static), and the next
 * one restarted only once the new one has partitions and 2 s have passed, as a deploy waits on a
 * readiness probe. Then the load stops and the group drains.
 *
 * For each row: the longest time a partition went without handling anything while events were
 * being published to it (its longest gap between handled events), the sum of every such gap longer
 * than 1 s (partition-seconds), duplicates (events handled more than once) and lost events (sent,
 * never handled). Rows: kafkajs (classic protocol, eager), platformatic with static membership,
 * platformatic with Kafka 4's consumer group protocol (KIP-848, static ids too).
 *
 *   npm run experiment:rolling-restart [-- kafkajs platformatic-static platformatic-kip848]
 *   ROLL_SIGNAL=SIGKILL npm run experiment:rolling-restart   (each process killed instead: a crash)
 *
 * On the local stack (started for the run when KAFKA_BROKERS / SCHEMA_REGISTRY_URL are not set).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { bookingsContract } from '../src/generated/bookings';
import { ensureTopics } from '../src/kafka';
import { createProducer } from '../src/producer';
import { createSchemaRegistryClient, registerContract } from '../src/registry';
import { bookingInputs } from '../test/support/bookings-fixtures';
import { uniqueTopic, withTopic } from '../test/support/contracts';
import { deleteBenchTopics } from './support/cleanup';
import { acquireServers, type BenchServers } from './support/stack';

const PARTITIONS = 48;
const MEMBERS = 6;
/** Events per second, published in batches every 50 ms: about 20 a second per partition, so a gap over 1 s is a pause, not chance. */
const RATE = Number(process.env.ROLL_RATE ?? 1000);
const SETTLE_MS = 2_000;
/** How each process is stopped: SIGTERM (a deploy: graceful) or SIGKILL (a crash, an OOM kill). */
const SIGNAL = (process.env.ROLL_SIGNAL ?? 'SIGTERM') as NodeJS.Signals;
const ROOT = resolve(__dirname, '..');

interface Row {
  name: string;
  transport: 'kafkajs' | 'platformatic';
  static: boolean;
  protocol?: 'consumer';
}

const ROWS: Row[] = [
  { name: 'kafkajs', transport: 'kafkajs', static: false },
  { name: 'platformatic-static', transport: 'platformatic', static: true },
  { name: 'platformatic-kip848', transport: 'platformatic', static: true, protocol: 'consumer' },
];

interface Member {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<void>;
}

function startMember(row: Row, index: number, env: Record<string, string>, log: string[]): Member {
  // kafkajs's known warning on Node 24 (docs/runtime.md, Known upstream issues) is not this experiment's
  const flags = ['--disable-warning=TimeoutNegativeWarning', '--import', 'tsx'];
  const child = spawn(process.execPath, [...flags, join(__dirname, 'support', 'rolling-child.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...env,
      ROLL_TRANSPORT: row.transport,
      ROLL_INSTANCE_ID: row.static ? `${env.ROLL_GROUP}-member-${index}` : '',
      ROLL_PROTOCOL: row.protocol ?? '',
      ROLL_OUT: join(env.ROLL_DIR!, `member-${index}-${randomUUID().slice(0, 8)}.log`),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = new Promise<void>((resolveReady, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolveReady();
    });
    // 'close': after its output, so the error carries what it said
    child.once('close', (code) =>
      reject(new Error(`member ${index} exited (${code}) before it was ready: ${said.join(' ').slice(-2000)}`)),
    );
  });
  const said: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => {
    said.push(chunk.toString().trim());
    log.push(`member ${index}: ${chunk.toString().trim()}`);
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  ready.catch(() => undefined);
  return { child, ready, exited };
}

interface Handled {
  partition: number;
  at: number;
}

async function runRow(row: Row, servers: BenchServers): Promise<Record<string, string | number>> {
  const kafka = new Kafka({ clientId: 'rolling-restart', brokers: servers.brokers, logLevel: logLevel.NOTHING });
  const registry = createSchemaRegistryClient({ url: servers.registryUrl });
  const contract = withTopic(bookingsContract, uniqueTopic(`roll-${row.name}`));
  const topic = contract.topic;
  await ensureTopics(kafka, { ...contract, partitions: PARTITIONS, replicationFactor: 1 });
  await registerContract(contract, registry);
  const dir = mkdtempSync(join(tmpdir(), 'contracts-rolling-'));
  const env = {
    ROLL_TOPIC: topic,
    ROLL_GROUP: `${topic}-group`,
    ROLL_DIR: dir,
    KAFKA_BROKERS: servers.brokers.join(','),
    SCHEMA_REGISTRY_URL: servers.registryUrl,
  };
  const log: string[] = [];
  const members: Member[] = [];
  const producer = createProducer({ contract, brokers: servers.brokers, registry, transport: 'kafkajs' });
  const sent = new Set<string>();
  let publishing = true;
  try {
    for (let i = 0; i < MEMBERS; i++) members.push(startMember(row, i, env, log));
    await Promise.all(members.map((m) => m.ready));
    await producer.connect();
    const load = (async () => {
      // one batch per 50 ms tick of a fixed schedule: the rate holds whatever a publish takes
      const began = Date.now();
      for (let tick = 1; publishing; tick++) {
        // a booking of its own per event: keys spread over every partition
        const batch = Array.from({ length: Math.max(1, Math.round(RATE / 20)) }, () => {
          const eventId = randomUUID();
          const payload = { ...bookingInputs(`B-${eventId.slice(0, 8)}`)['booking.created'], eventId };
          return { eventType: 'booking.created' as const, payload, eventId };
        });
        await producer.publishBatch(batch);
        for (const event of batch) sent.add(event.eventId);
        await new Promise((r) => setTimeout(r, Math.max(0, began + tick * 50 - Date.now())));
      }
    })();
    await new Promise((r) => setTimeout(r, 5_000)); // a steady state first
    const rollStarted = Date.now();
    for (let i = 0; i < MEMBERS; i++) {
      members[i]!.child.kill(SIGNAL);
      await members[i]!.exited;
      members[i] = startMember(row, i, env, log);
      await members[i]!.ready;
      await new Promise((r) => setTimeout(r, SETTLE_MS));
    }
    const rollEnded = Date.now();
    await new Promise((r) => setTimeout(r, 5_000));
    publishing = false;
    await load;
    // drain: every sent event handled, or 60 s
    const deadline = Date.now() + 60_000;
    let handled = readHandled(dir);
    while ([...sent].some((id) => !handled.has(id)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      handled = readHandled(dir);
    }
    return figures(row, sent, handled, rollStarted, rollEnded);
  } finally {
    publishing = false;
    for (const m of members) m.child.kill('SIGTERM');
    await Promise.all(members.map((m) => m.exited));
    await producer.disconnect().catch(() => undefined);
    const admin = kafka.admin();
    await admin.connect();
    await deleteBenchTopics(admin, [topic, contract.deadLetterTopic]);
    await admin.disconnect();
    if (process.env.ROLL_KEEP) console.error(`${row.name}: the members' logs are in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
    if (log.length > 0) console.error(`${row.name}: stderr of the members:\n  ${log.slice(0, 20).join('\n  ')}`);
  }
}

function readHandled(dir: string): Map<string, Handled[]> {
  const handled = new Map<string, Handled[]>();
  for (const file of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const [id, partition, at] = line.split(' ');
      if (!id || !at) continue;
      const list = handled.get(id) ?? [];
      list.push({ partition: Number(partition), at: Number(at) });
      handled.set(id, list);
    }
  }
  return handled;
}

function figures(
  row: Row,
  sent: Set<string>,
  handled: Map<string, Handled[]>,
  rollStarted: number,
  rollEnded: number,
): Record<string, string | number> {
  const byPartition = new Map<number, number[]>();
  let duplicates = 0;
  for (const list of handled.values()) {
    duplicates += list.length - 1;
    for (const h of list) {
      const times = byPartition.get(h.partition) ?? [];
      times.push(h.at);
      byPartition.set(h.partition, times);
    }
  }
  let longest = 0;
  let paused = 0;
  for (const times of byPartition.values()) {
    times.sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) {
      // only the gaps of the rolling restart and the settling after it
      if (times[i]! < rollStarted || times[i - 1]! > rollEnded + 5_000) continue;
      const gap = times[i]! - times[i - 1]!;
      longest = Math.max(longest, gap);
      if (gap > 1_000) paused += gap;
    }
  }
  const lost = [...sent].filter((id) => !handled.has(id)).length;
  return {
    row: row.name,
    sent: sent.size,
    'longest pause (s)': (longest / 1000).toFixed(1),
    'paused, partition-s (gaps > 1 s)': (paused / 1000).toFixed(0),
    duplicates,
    lost,
    'roll (s)': ((rollEnded - rollStarted) / 1000).toFixed(0),
  };
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const rows = asked.length === 0 ? ROWS : ROWS.filter((r) => asked.includes(r.name));
  if (rows.length === 0 || rows.length !== (asked.length || ROWS.length)) {
    console.error(`rolling-restart: choose rows from ${ROWS.map((r) => r.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const servers = await acquireServers();
  const results: Array<Record<string, string | number>> = [];
  try {
    for (const row of rows) {
      console.error(`rolling-restart: ${row.name} …`);
      results.push(await runRow(row, servers));
      console.error(`rolling-restart: ${JSON.stringify(results[results.length - 1])}`);
    }
  } finally {
    await servers.release();
  }
  console.log(
    `rolling restart (${SIGNAL}), ${new Date().toISOString()}, Node ${process.version}, ${PARTITIONS} partitions, ${MEMBERS} processes, ${RATE} events/s (${servers.origin})`,
  );
  console.table(results);
  if (results.some((r) => r.lost !== 0)) process.exitCode = 1;
}

void main();
