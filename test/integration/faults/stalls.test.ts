/**
 * Stalls, on a one-broker stack of this file's own: the broker's process frozen (SIGSTOP) for less
 * and for more than the consumers' session timeout, then a consumer's process frozen while a second
 * member of its group takes over, and last a consumer that cannot get back (the broker killed) and
 * must give up loudly. The long broker stall is the one kafkajs does not survive alone: when the
 * broker resumes, the member's session has expired and kafkajs stops the consumer for good
 * ("The coordinator is not aware of this member", restart: false); the kit's supervisor rebuilds it.
 * Each scenario asserts lost = 0 and every event handled within a bound after the stall ends.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ConsumerState } from '../../../src/consumer';
import { ConsumerFailedError, DeliveryTimeoutError } from '../../../src/errors';
import { handledIds } from '../../support/faults/consumer-process';
import { reportFigures, Tally } from '../../support/faults/figures';
import { faultScenario } from '../../support/faults/scenario';
import { brokerStallScenario, expectStallSurvived, streamThroughStall } from '../../support/faults/stall';
import { describeProgress, makeEvents, waitUntil, type PublishFigures } from '../../support/faults/stream';

jest.setTimeout(240_000);

const EVENTS = 3_000;
const BATCH = 50;
/** Short, so a stall longer than it keeps the suite fast; the broker's minimum is 6 s. */
const SESSION_TIMEOUT_MS = 10_000;
const SHORT_STALL_MS = 4_000;
const LONG_STALL_MS = 20_000;
/** Every event must be handled this soon after the stall ends (publishing the rest included). */
const RECOVERY_BOUND_MS = 60_000;
const DELIVERY_TIMEOUT_MS = 3_000;

const scenario = faultScenario({
  name: 'stalls',
  ownStack: { kafkaPort: 19400, registryPort: 18400 },
  workDir: true,
});

const topicSetup = (name: string) => scenario.topic(`faults-${name}`);

describe.each([
  { name: 'broker-stall-short', stallMs: SHORT_STALL_MS, longer: false },
  { name: 'broker-stall-long', stallMs: LONG_STALL_MS, longer: true },
])('the only broker frozen', ({ name, stallMs, longer }) => {
  it(`${name}: ${stallMs / 1000} s (${longer ? 'longer' : 'shorter'} than the ${SESSION_TIMEOUT_MS / 1000} s session timeout), no event lost, all handled within ${RECOVERY_BOUND_MS / 1000} s of the thaw`, async () => {
    const run = await brokerStallScenario({
      scenario: name,
      fault: `the only broker frozen (SIGSTOP) for ${stallMs / 1000} s, ${longer ? 'longer' : 'shorter'} than the ${SESSION_TIMEOUT_MS / 1000} s session timeout, during a ${EVENTS.toLocaleString('en')}-event stream`,
      on: scenario,
      setup: await topicSetup(name),
      victim: async () => 1,
      events: EVENTS,
      stallMs,
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      boundMs: RECOVERY_BOUND_MS,
      probeTimeoutMs: DELIVERY_TIMEOUT_MS,
    });
    expectStallSurvived(run, EVENTS);
    // the producer's side of the stall: a typed, retriable error while the broker was still frozen
    expect(run.probe?.error).toBeInstanceOf(DeliveryTimeoutError);
    expect(run.probe?.error).toMatchObject({
      code: 'DELIVERY_TIMEOUT',
      retriable: true,
      timeoutMs: DELIVERY_TIMEOUT_MS,
    });
    expect(run.probe?.thawed).toBe(false);
  });
});

describe('a consumer process frozen while a second member takes over', () => {
  it(`consumer-stall: frozen ${LONG_STALL_MS / 1000} s (session ${SESSION_TIMEOUT_MS / 1000} s), the other member takes its partitions, the thawed one rejoins; no event lost`, async () => {
    const began = Date.now();
    const setup = await topicSetup('consumer-stall');
    const groupId = `faults-consumer-stall-${randomUUID()}`;
    const out = join(scenario.workDir, 'consumer-stall.txt');
    const frozen = await scenario.consumerProcess(
      { groupId, out, env: { FAULTS_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS) } },
      setup,
    );
    const member = scenario.consumer(setup, {
      groupId,
      consumerConfig: { sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 1_000 },
    });
    await member.consumer.start();
    const childTally = () => {
      const tally = new Tally();
      for (const id of handledIds(out)) tally.add(id);
      return tally;
    };
    // the child's file, read at most every 200 ms
    let childSeen = { at: 0, ids: new Set<string>() };
    const handledByEither = (id: string) => {
      if (Date.now() - childSeen.at > 200) childSeen = { at: Date.now(), ids: new Set(handledIds(out)) };
      return childSeen.ids.has(id) || member.tally.has(id);
    };
    let thawedAt = 0;
    let figures;
    let rejoinedMs: number;
    let wave: PublishFigures | undefined;
    let childHandledAfterThaw: number;
    try {
      await waitUntil(
        () => scenario.groupMembers(groupId, setup).then((n) => n === 2),
        () => 'both members in the group',
        30_000,
      );
      figures = await streamThroughStall({
        makeProducer: scenario.producer(setup),
        events: makeEvents(EVENTS),
        batchSize: BATCH,
        pauseMs: 100,
        stallMs: LONG_STALL_MS,
        freeze: async () => {
          frozen.child.kill('SIGSTOP');
        },
        thaw: async () => {
          frozen.child.kill('SIGCONT');
          thawedAt = Date.now();
        },
        handled: handledByEither,
        boundMs: RECOVERY_BOUND_MS,
        progress: async () => describeProgress(setup.kafka, groupId, setup.contract.topic),
      });
      // the thawed process is a member again, and handles events again
      await waitUntil(
        () => scenario.groupMembers(groupId, setup).then((n) => n === 2),
        () => 'the thawed member back in the group',
        RECOVERY_BOUND_MS,
      );
      rejoinedMs = Date.now() - thawedAt;
      const childBefore = childTally().distinct;
      const published = await scenario.publish(makeEvents(400), { batchSize: BATCH }, setup);
      wave = published;
      const pending = () => published.acknowledged.filter((id) => !handledByEither(id)).length;
      await waitUntil(
        () => pending() === 0,
        () => `the wave after the thaw handled, ${pending()} still not`,
        RECOVERY_BOUND_MS,
      );
      childHandledAfterThaw = childTally().distinct - childBefore;
    } finally {
      frozen.child.kill('SIGCONT');
      frozen.child.kill('SIGTERM');
      await frozen.exited();
      await member.consumer.stop();
    }
    const all = childTally().merge(member.tally);
    const sent = [...figures.published.acknowledged, ...wave!.acknowledged];
    const lost = sent.filter((id) => !all.has(id)).length;
    reportFigures({
      scenario: 'consumer-stall',
      fault: `a consumer's process frozen (SIGSTOP) for ${LONG_STALL_MS / 1000} s (session ${SESSION_TIMEOUT_MS / 1000} s) while a second member took over, then thawed`,
      sent: sent.length,
      handled: sent.filter((id) => all.has(id)).length,
      duplicates: all.duplicates,
      deadLettered: member.counts.deadLettered,
      lost,
      details: {
        stallMs: LONG_STALL_MS,
        sessionTimeoutMs: SESSION_TIMEOUT_MS,
        recoveryMs: figures.recoveryMs,
        resumedMs: figures.resumedMs,
        rejoinedAfterThawMs: rejoinedMs,
        frozenMemberStates: stateLines(frozen.stdout()),
        handledByFrozenProcessAfterThaw: childHandledAfterThaw,
        takeoverMemberStates: member.states.join(' > '),
      },
      durationMs: Date.now() - began,
    });
    expect(lost).toBe(0);
    expect(frozen.child.exitCode).toBe(0);
    expect(childHandledAfterThaw).toBeGreaterThan(0);
  });
});

describe('a consumer that cannot get back into its group', () => {
  it('gives up after its budget with a typed error and exits non-zero (exitOnFailure), instead of idling in a live process', async () => {
    const setup = await topicSetup('give-up');
    const out = join(scenario.workDir, 'give-up.txt');
    const consumer = await scenario.consumerProcess(
      {
        groupId: `faults-give-up-${randomUUID()}`,
        out,
        env: { FAULTS_SESSION_TIMEOUT_MS: '6000', FAULTS_GIVE_UP_AFTER_MS: '3000', FAULTS_EXIT_ON_FAILURE: '1' },
      },
      setup,
    );
    const killedAt = Date.now();
    await scenario.own.killBroker(1);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      consumer.exited(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the consumer did not exit:\n${consumer.stdout()}\n${consumer.stderr()}`)),
          150_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    const exitedAfterMs = Date.now() - killedAt;
    process.stdout.write(
      `FAULTS give-up: exited ${consumer.child.exitCode} ${exitedAfterMs} ms after the broker was killed; ${stateLines(consumer.stdout())}\n`,
    );
    expect(consumer.child.exitCode).toBe(1);
    // the application is told twice: the error event, and the promise it holds
    const code = new ConsumerFailedError('g', 't', 0, 0, undefined).code;
    expect(consumer.stderr()).toContain(`consumer failed: ${code}`);
    expect(consumer.stderr()).toContain(`done() rejected: ${code}`);
    expect(stateLines(consumer.stdout()).split(' > ')).toEqual(
      expect.arrayContaining<ConsumerState>(['running', 'rejoining', 'failed']),
    );
  });
});

function stateLines(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('state '))
    .map((line) => line.slice('state '.length))
    .join(' > ');
}
