/**
 * Fault 2: a consumer service's process is killed with SIGKILL in the middle of its work, twice,
 * and started again each time (same consumer group). The child process (test/support/faults/
 * consumer-child.ts) writes every handled eventId to a file before its handler returns; lost = 0
 * means every published eventId is in that file, duplicates are the redeliveries after each kill.
 * Only a client process dies, so this runs on the shared stack with a topic of its own.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { handledIds } from '../../support/faults/consumer-process';
import { reportFigures, Tally } from '../../support/faults/figures';
import { faultScenario } from '../../support/faults/scenario';
import { makeEvents, waitUntil } from '../../support/faults/stream';

jest.setTimeout(300_000);

const EVENTS = 6_000;
const KILLS = 2;

const scenario = faultScenario({ name: 'sigkill', topic: { partitions: 3 }, workDir: true });

/** Messages the group has committed on the topic (offsets start at 0 and every message is an event). */
async function committedCount(groupId: string): Promise<number> {
  return (await scenario.committed(groupId)).reduce((sum, offset) => sum + Math.max(0, Number(offset)), 0);
}

describe('a consumer process killed mid-batch', () => {
  it(`loses none of ${EVENTS.toLocaleString('en')} events when its process is SIGKILLed ${KILLS} times and restarted`, async () => {
    const began = Date.now();
    const events = makeEvents(EVENTS);
    const published = await scenario.publish(events, { batchSize: 500 });
    const groupId = `faults-sigkill-${randomUUID()}`;
    const out = join(scenario.workDir, 'handled.txt');
    const handledAtKill: number[] = [];
    const committedAtKill: number[] = [];
    for (let run = 0; run <= KILLS; run++) {
      const { child, exited } = await scenario.consumerProcess({ groupId, out });
      if (run < KILLS) {
        // kill while the batch is being worked through: some handled offsets are not committed yet
        const target = Math.floor((EVENTS * (run + 1)) / (KILLS + 1));
        const distinct = () => new Set(handledIds(out)).size;
        await waitUntil(
          () => distinct() >= target,
          () => `${target} handled before kill ${run + 1}, ${distinct()} so far`,
          120_000,
        );
        child.kill('SIGKILL');
        await exited();
        expect(child.signalCode).toBe('SIGKILL');
        handledAtKill.push(new Set(handledIds(out)).size);
        committedAtKill.push(await committedCount(groupId));
      } else {
        await waitUntil(
          () => new Set(handledIds(out)).size >= EVENTS,
          () => `all ${EVENTS} handled, ${new Set(handledIds(out)).size} so far`,
          180_000,
        );
        child.kill('SIGTERM');
        await exited();
        expect(child.exitCode).toBe(0);
      }
    }

    const tally = new Tally();
    for (const id of handledIds(out)) tally.add(id);
    const lost = tally.missing(published.acknowledged).length;
    reportFigures({
      scenario: 'consumer-sigkill',
      fault: `the consumer's process SIGKILLed ${KILLS} times mid-batch and restarted`,
      sent: published.acknowledged.length,
      handled: tally.distinct,
      duplicates: tally.duplicates,
      deadLettered: 0,
      lost,
      details: {
        kills: KILLS,
        handledWhenKilled: handledAtKill.join(' / '),
        committedWhenKilled: committedAtKill.join(' / '),
        deliveries: tally.deliveries,
      },
      durationMs: Date.now() - began,
    });
    expect(published.acknowledged).toHaveLength(EVENTS);
    expect(lost).toBe(0);
    expect(tally.distinct).toBe(EVENTS);
    // each kill landed mid-stream, before everything was handled
    for (const n of handledAtKill) expect(n).toBeLessThan(EVENTS);
  });
});
