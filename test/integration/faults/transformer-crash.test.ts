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
import { BOOKINGS, fuzz, FUZZ_TRANSPORTS, KILLS } from '../../support/faults/billing-fuzz';
import { faultScenario } from '../../support/faults/scenario';
import { waitUntil } from '../../support/faults/stream';
import { bookingInputs } from '../../support/bookings-fixtures';
import { readCommitted } from '../../support/read-committed';
import { createProducer } from '../../../src/producer';
import { TRANSPORTS } from '../../../src/kafka/transport';

// a long run by hand (FUZZ_KILLS=300) takes longer than the suite's 10 minutes
jest.setTimeout(Math.max(600_000, KILLS * 4_000));

/** The at-least-once variant only shows what the transformer removes: fewer kills keep the suite short. */
const PLAIN_KILLS = Number(process.env.FUZZ_PLAIN_KILLS ?? 3);

const scenario = faultScenario({ name: 'transformer-crash', workDir: true });

describe.each(FUZZ_TRANSPORTS)('billing under SIGKILLs, on %s', (transport) => {
  it(`confirms each of ${BOOKINGS.toLocaleString('en')} bookings exactly once as a transformer, through ${KILLS} kills`, async () => {
    const { duplicates, missing, kills } = await fuzz(scenario, {
      mode: 'transformer',
      prefix: `fuzz-tx-${transport}`,
      transport,
    });
    expect(kills).toBe(KILLS);
    expect(missing).toBe(0);
    expect(duplicates).toBe(0);
  });
});

describe('billing under SIGKILLs, at least once', () => {
  it('loses nothing but may confirm twice as a consumer plus a producer (the duplicates the transformer removes)', async () => {
    const { missing, kills } = await fuzz(scenario, {
      mode: 'plain',
      prefix: 'fuzz-plain',
      transport: 'kafkajs',
      kills: PLAIN_KILLS,
    });
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
