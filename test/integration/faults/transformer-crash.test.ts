/**
 * Crash-fuzz of exactly-once billing: three billing processes (test/support/faults/billing-child.ts)
 * in one group turn booking.created into booking.confirmed while one of them, chosen at random, is
 * SIGKILLed at a random moment and started again, FUZZ_KILLS times (default 30; a longer run by
 * hand: FUZZ_KILLS=300). Then a `read_committed` audit of the topic counts the confirmations of
 * every booking: as a transformer, exactly one each — 0 duplicates, 0 missing. The same kills on
 * the at-least-once variant (a consumer plus a producer) count the duplicates the transformer
 * removes. On each transport (FUZZ_TRANSPORTS to choose; figures in docs/runtime.md).
 */
import { randomUUID } from 'node:crypto';
import type { ConsumerProcess } from '../../support/faults/consumer-process';
import { reportFigures } from '../../support/faults/figures';
import { faultScenario } from '../../support/faults/scenario';
import { waitUntil } from '../../support/faults/stream';
import { bookingInputs } from '../../support/bookings-fixtures';
import { readCommitted } from '../../support/read-committed';
import { createProducer } from '../../../src/producer';
import { TRANSPORTS, type TransportName } from '../../../src/kafka/transport';

jest.setTimeout(600_000);

const BOOKINGS = Number(process.env.FUZZ_BOOKINGS ?? 1_500);
const KILLS = Number(process.env.FUZZ_KILLS ?? 30);
/** The at-least-once variant only shows what the transformer removes: fewer kills keep the suite short. */
const PLAIN_KILLS = Number(process.env.FUZZ_PLAIN_KILLS ?? 10);
const PROCESSES = 3;

const scenario = faultScenario({ name: 'transformer-crash', workDir: true });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Publishes BOOKINGS booking.created events (ids C-0…) to a new topic of 6 partitions; returns it. */
async function bookingsTopic(prefix: string) {
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

/** Runs the kill loop on PROCESSES billing processes of `mode`, then lets the survivors finish; returns the audit. */
async function fuzz(mode: 'transformer' | 'plain', prefix: string, transport: TransportName, kills = KILLS) {
  const began = Date.now();
  const { setup, ids } = await bookingsTopic(prefix);
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
  const replace = (slot: number) => {
    const started: Promise<void> = start().then((m) => {
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
    killed += 1;
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
  }
  const records = await readCommitted(scenario.brokers, setup.contract.topic, 500);
  const counts = new Map<string, number>();
  for (const r of records) if (r.eventType === 'booking.confirmed') counts.set(r.key!, (counts.get(r.key!) ?? 0) + 1);
  const duplicates = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
  const missing = ids.filter((id) => !counts.has(id)).length;
  reportFigures({
    scenario: `transformer-crash-${mode}-${transport}`,
    fault: `${killed} SIGKILLs of one of ${PROCESSES} billing processes (${mode}, ${transport})`,
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

const FUZZ_TRANSPORTS = (process.env.FUZZ_TRANSPORTS ?? TRANSPORTS.join(',')).split(',') as TransportName[];

describe.each(FUZZ_TRANSPORTS)('billing under SIGKILLs, on %s', (transport) => {
  it(`confirms each of ${BOOKINGS.toLocaleString('en')} bookings exactly once as a transformer, through ${KILLS} kills`, async () => {
    const { duplicates, missing, kills } = await fuzz('transformer', `fuzz-tx-${transport}`, transport);
    expect(kills).toBe(KILLS);
    expect(missing).toBe(0);
    expect(duplicates).toBe(0);
  });
});

describe('billing under SIGKILLs, at least once', () => {
  it('loses nothing but may confirm twice as a consumer plus a producer (the duplicates the transformer removes)', async () => {
    const { missing, kills } = await fuzz('plain', 'fuzz-plain', 'kafkajs', PLAIN_KILLS);
    expect(kills).toBe(PLAIN_KILLS);
    // at-least-once: nothing lost; its duplicates are in the figures (FAULTS line, .artifacts)
    expect(missing).toBe(0);
  });
});

describe.each(TRANSPORTS)('a billing process frozen past its session, on %s', (transport) => {
  it('is fenced when it wakes up: TRANSACTION_FENCED in its log, the booking confirmed once', async () => {
    const setup = await scenario.topic(`fuzz-zombie-${transport}`, { partitions: 1 });
    const producer = createProducer({ contract: setup.contract, brokers: scenario.brokers, registry: setup.registry });
    await producer.connect();
    const id = `Z-${randomUUID().slice(0, 6)}`;
    await producer.publish('booking.created', bookingInputs(id)['booking.created']);
    await producer.disconnect();
    const groupId = `billing-zombie-${randomUUID()}`;
    const env = { FAULTS_MODE: 'transformer', CONTRACTS_LOG_FORMAT: 'json', CONTRACTS_TRANSPORT: transport };
    const zombie = await scenario.consumerProcess(
      { groupId, script: 'billing-child.ts', env: { ...env, FAULTS_HOLD: id, FAULTS_HOLD_MS: '3000' } },
      setup,
    );
    await waitUntil(
      () => zombie.stdout().includes(`holding ${id}`),
      () => 'the zombie to take the booking',
      60_000,
    );
    // frozen with its output held: its heartbeats stop, the group moves on without it
    zombie.child.kill('SIGSTOP');
    const survivor = await scenario.consumerProcess({ groupId, script: 'billing-child.ts', env }, setup);
    const admin = setup.kafka.admin();
    await admin.connect();
    try {
      await waitUntil(
        async () => {
          const [[end], [committed]] = await Promise.all([
            admin.fetchTopicOffsets(setup.contract.topic),
            scenario.committed(groupId, setup),
          ]);
          return committed !== '-1' && committed === end!.high;
        },
        () => 'the survivor to confirm the booking and commit',
        90_000,
      );
    } finally {
      await admin.disconnect();
    }
    zombie.child.kill('SIGCONT');
    await waitUntil(
      () => zombie.stderr().includes('"code":"TRANSACTION_FENCED"'),
      () => `the woken zombie to be fenced; it said:\n${zombie.stderr().slice(-2_000)}`,
      60_000,
    );
    for (const m of [zombie, survivor]) {
      m.child.kill('SIGTERM');
      await m.exited();
    }
    const records = await readCommitted(scenario.brokers, setup.contract.topic, 500);
    const confirmations = records.filter((r) => r.eventType === 'booking.confirmed' && r.key === id);
    expect(confirmations).toHaveLength(1);
  });
});
