/**
 * Fault 2: a consumer service's process is killed with SIGKILL in the middle of its work, twice,
 * and started again each time (same consumer group). The child process (test/support/faults/
 * consumer-child.ts) writes every handled eventId to a file before its handler returns; lost = 0
 * means every published eventId is in that file, duplicates are the redeliveries after each kill.
 * Only a client process dies, so this runs on the shared stack with a topic of its own.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handledIds, startConsumerProcess, type ConsumerProcess } from '../../support/faults/consumer-process';
import { reportFigures, Tally } from '../../support/faults/figures';
import {
  kitProducer,
  makeEvents,
  publishStream,
  setUpFaultTopic,
  waitUntil,
  type TopicSetup,
} from '../../support/faults/stream';
import { stackEnv } from '../../support/stack-env';

jest.setTimeout(300_000);

const EVENTS = 6_000;
const KILLS = 2;

let setup: TopicSetup;
let workDir: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  const env = stackEnv();
  setup = await setUpFaultTopic('faults-sigkill', env.brokers, env.registryUrl, { partitions: 3 });
  workDir = mkdtempSync(join(tmpdir(), 'faults-sigkill-'));
});
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(workDir, { recursive: true, force: true });
});

async function startChild(groupId: string, out: string): Promise<ConsumerProcess> {
  const env = stackEnv();
  const consumer = await startConsumerProcess({
    brokers: env.brokers,
    registryUrl: env.registryUrl,
    topic: setup.contract.topic,
    groupId,
    out,
  });
  children.add(consumer.child);
  return consumer;
}

/** Messages the group has committed on the topic (offsets start at 0 and every message is an event). */
async function committedCount(groupId: string): Promise<number> {
  const admin = setup.kafka.admin();
  await admin.connect();
  try {
    const [topic] = await admin.fetchOffsets({ groupId, topics: [setup.contract.topic] });
    return (topic?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('a consumer process killed mid-batch', () => {
  it(`loses none of ${EVENTS.toLocaleString('en')} events when its process is SIGKILLed ${KILLS} times and restarted`, async () => {
    const began = Date.now();
    const events = makeEvents(EVENTS);
    const published = await publishStream(kitProducer(setup, stackEnv().brokers), events, { batchSize: 500 });
    const groupId = `faults-sigkill-${randomUUID()}`;
    const out = join(workDir, 'handled.txt');
    const handledAtKill: number[] = [];
    const committedAtKill: number[] = [];
    for (let run = 0; run <= KILLS; run++) {
      const { child, exited } = await startChild(groupId, out);
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
