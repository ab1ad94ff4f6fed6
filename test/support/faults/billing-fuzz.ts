/**
 * The billing crash-fuzz (test/integration/faults/transformer-crash*.test.ts): BOOKINGS
 * booking.created events on a topic of 6 partitions, three billing processes
 * (./billing-child.ts) in one group, one of them SIGKILLed at random moments `kills` times and
 * replaced, then a `read_committed` audit that counts the confirmations of every booking.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRANSPORTS, type TransportName } from '../../../src/kafka/transport';
import { createProducer } from '../../../src/producer';
import { bookingInputs } from '../bookings-fixtures';
import { readCommitted } from '../read-committed';
import type { ConsumerProcess } from './consumer-process';
import { reportFigures } from './figures';
import type { FaultScenario } from './scenario';
import { waitUntil } from './stream';

export const BOOKINGS = Number(process.env.FUZZ_BOOKINGS ?? 1_500);
export const KILLS = Number(process.env.FUZZ_KILLS ?? 30);
/** The transports the fuzz runs on: both in npm test; FUZZ_TRANSPORTS=kafkajs (or platformatic) for one. */
export const FUZZ_TRANSPORTS: TransportName[] = process.env.FUZZ_TRANSPORTS
  ? (process.env.FUZZ_TRANSPORTS.split(',') as TransportName[])
  : [...TRANSPORTS];
/** By hand: keep every billing process's log (JSON lines on stderr) there, one file per process. */
const LOG_DIR = process.env.FUZZ_LOG_DIR;
const PROCESSES = 3;

export interface FuzzOptions {
  mode: 'transformer' | 'plain';
  prefix: string;
  transport: TransportName;
  kills?: number;
  /** Called after each kill (the count so far): a scenario adds its own fault there. */
  afterKill?(killed: number): Promise<void>;
  /** Names the figures' scenario. */
  name?: string;
  /** What else was done, for the figures' fault line. */
  alsoDone?: string;
}

export interface FuzzResult {
  duplicates: number;
  missing: number;
  kills: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Publishes BOOKINGS booking.created events (ids C-0…) to a new topic of 6 partitions; returns it. */
async function bookingsTopic(scenario: FaultScenario, prefix: string) {
  const setup = await scenario.topic(prefix, { partitions: 6 });
  const producer = createProducer({ contract: setup.contract, brokers: scenario.brokers, registry: setup.registry });
  await producer.connect();
  const ids = Array.from({ length: BOOKINGS }, (_, i) => `C-${i}`);
  for (let i = 0; i < ids.length; i += 500) {
    await producer.publishBatch(
      ids
        .slice(i, i + 500)
        .map((id) => ({ eventType: 'booking.created' as const, payload: bookingInputs(id)['booking.created'] })),
    );
  }
  await producer.disconnect();
  return { setup, ids };
}

let kept = 0;
function keepLog(member: ConsumerProcess | undefined): void {
  if (!LOG_DIR || !member) return;
  mkdirSync(LOG_DIR, { recursive: true });
  writeFileSync(join(LOG_DIR, `billing-${String(++kept).padStart(3, '0')}.log`), member.stderr());
}

/** Runs the kill loop on PROCESSES billing processes of `mode`, then lets the survivors finish; returns the audit. */
export async function fuzz(scenario: FaultScenario, options: FuzzOptions): Promise<FuzzResult> {
  const { mode, prefix, transport } = options;
  const kills = options.kills ?? KILLS;
  const began = Date.now();
  const { setup, ids } = await bookingsTopic(scenario, prefix);
  const groupId = `billing-${mode}-${randomUUID()}`;
  const start = () =>
    scenario.consumerProcess(
      {
        groupId,
        script: 'billing-child.ts',
        env: { FAULTS_MODE: mode, FAULTS_WORK_MS: '20', CONTRACTS_LOG_FORMAT: 'json', CONTRACTS_TRANSPORT: transport },
      },
      setup,
    );
  // kills do not wait for the replacement to be up: one of the running members is killed every
  // 0.1–0.7 s while the replacements start, so 30 kills take seconds, not 30 start-ups
  const members: Array<ConsumerProcess | undefined> = [];
  const starting = new Set<Promise<void>>();
  /** Starts a member again, as an orchestrator would: a start that fails (no broker) is tried again a second later. */
  const startUntilUp = async (): Promise<ConsumerProcess> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await start();
      } catch (error) {
        if (attempt >= 60) throw error;
        await sleep(1_000);
      }
    }
  };
  const replace = (slot: number) => {
    const started: Promise<void> = startUntilUp().then((m) => {
      members[slot] = m;
      starting.delete(started);
    });
    starting.add(started);
  };
  for (let i = 0; i < PROCESSES; i++) replace(i);
  await Promise.all(starting);

  let killed = 0;
  let random = 0x2545f491;
  const next = () => (random = (random * 1103515245 + 12345) >>> 0) / 2 ** 32;
  while (killed < kills) {
    await sleep(100 + next() * 600);
    const up = members.flatMap((m, slot) => (m ? [slot] : []));
    if (up.length === 0) {
      await Promise.race(starting);
      continue;
    }
    const slot = up[Math.floor(next() * up.length)]!;
    const member = members[slot]!;
    members[slot] = undefined;
    member.child.kill('SIGKILL');
    await member.exited();
    keepLog(member);
    killed += 1;
    await options.afterKill?.(killed);
    replace(slot);
  }
  await Promise.all(starting);

  // the survivors finish: the group has committed every partition to its end (outputs and markers
  // included, as it reads its own topic), twice in a row
  const admin = setup.kafka.admin();
  await admin.connect();
  let caughtUp = 0;
  let where = '';
  try {
    await waitUntil(
      async () => {
        const [ends, committed] = await Promise.all([
          admin.fetchTopicOffsets(setup.contract.topic),
          scenario.committed(groupId, setup),
        ]);
        const done = ends.every((e) => committed[e.partition] === e.high);
        where = ends.map((e) => `${committed[e.partition]}/${e.high}`).join(' ');
        caughtUp = done ? caughtUp + 1 : 0;
        return caughtUp >= 2;
      },
      () =>
        `the group to commit to the end (${where}); billing processes said:\n${members.map((m) => m?.stderr().slice(-1_500)).join('\n---\n')}`,
      Number(process.env.FUZZ_FINISH_MS ?? 300_000),
    );
  } finally {
    await admin.disconnect();
  }
  for (const m of members) {
    m!.child.kill('SIGTERM');
    await m!.exited();
    keepLog(m);
  }
  const records = await readCommitted(scenario.brokers, setup.contract.topic, 500);
  const counts = new Map<string, number>();
  for (const r of records) if (r.eventType === 'booking.confirmed') counts.set(r.key!, (counts.get(r.key!) ?? 0) + 1);
  const duplicates = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
  const missing = ids.filter((id) => !counts.has(id)).length;
  if (duplicates > 0) {
    // where the extra confirmations went, to find them in the processes' logs (FUZZ_LOG_DIR)
    const twice = new Set([...counts].filter(([, n]) => n > 1).map(([id]) => id));
    const where = records.filter((r) => r.eventType === 'booking.confirmed' && twice.has(r.key!));
    console.log(
      `duplicated confirmations (first 20): ${where
        .slice(0, 20)
        .map((r) => `${r.key}@${r.partition}:${r.offset}`)
        .join(' ')}`,
    );
  }
  reportFigures({
    scenario: options.name ?? `transformer-crash-${mode}-${transport}`,
    fault: `${killed} SIGKILLs of one of ${PROCESSES} billing processes (${mode}, ${transport})${options.alsoDone ? `, ${options.alsoDone}` : ''}`,
    sent: BOOKINGS,
    handled: counts.size,
    duplicates,
    deadLettered: 0,
    lost: missing,
    details: { kills: killed, transport },
    durationMs: Date.now() - began,
  });
  return { duplicates, missing, kills: killed };
}
