/**
 * A stream of events with a stall in the middle, for the scenarios that freeze a broker or a
 * consumer's process (SIGSTOP, then SIGCONT): what a stalled VM, a long GC pause or a network
 * partition looks like to the other side. The stall starts a third of the way into the stream; the
 * publisher carries on through it (its sends time out after the producer's deliveryTimeoutMs and
 * are sent again), and the scenario then waits, bounded from the end of the stall, until every
 * acknowledged event is handled.
 */
import type { ConsumerHealth } from '../../../src/consumer';
import type { BatchItem, Producer } from '../../../src/producer';
import { reportFigures } from './figures';
import type { FaultScenario } from './scenario';
import {
  describeProgress,
  makeEvents,
  publishStream,
  waitUntil,
  type Bookings,
  type PublishFigures,
  type TallyingConsumer,
  type TopicSetup,
} from './stream';

export interface StallOptions {
  makeProducer: () => Producer<Bookings>;
  events: Array<BatchItem<Bookings> & { eventId: string }>;
  batchSize: number;
  /** Pause between batches, so the stream is still flowing when the stall starts and ends. */
  pauseMs: number;
  stallMs: number;
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /** Runs while frozen, right after the freeze (a probe of what a client sees then). */
  whileFrozen?(): Promise<void>;
  /** Distinct events handled so far, by eventId. */
  handled(id: string): boolean;
  /** Longest wait after the thaw for every acknowledged event to be handled. */
  boundMs: number;
  /** Offsets and counters, for the message when the bound is exceeded. */
  progress(): Promise<string>;
}

export interface StallFigures {
  published: PublishFigures;
  /** Acknowledged events already handled when the stall began. */
  handledAtFreeze: number;
  /** From the thaw until every acknowledged event was handled (the backlog of the stall worked off). */
  recoveryMs: number;
  /** From the thaw until the first event was handled after it (-1: none within the bound). */
  resumedMs: number;
}

export async function streamThroughStall(options: StallOptions): Promise<StallFigures> {
  let stall: Promise<void> | undefined;
  let stallError: unknown;
  let thawedAt = 0;
  let handledAtFreeze = 0;
  let resumed: Promise<number> | undefined;
  let caughtUp = false;
  const handledCount = () => options.events.filter((e) => options.handled(e.eventId)).length;
  const acknowledgedSoFar: string[] = [];
  const freezeAt = Math.floor(options.events.length / options.batchSize / 3);
  try {
    const published = await publishStream(options.makeProducer, options.events, {
      batchSize: options.batchSize,
      beforeBatch: async (index) => {
        if (stallError) throw stallError;
        if (index === freezeAt) {
          acknowledgedSoFar.push(...options.events.slice(0, index * options.batchSize).map((e) => e.eventId));
          handledAtFreeze = acknowledgedSoFar.filter((id) => options.handled(id)).length;
          await options.freeze();
          stall = (async () => {
            await Promise.all([
              options.whileFrozen?.(),
              new Promise((resolve) => setTimeout(resolve, options.stallMs)),
            ]);
          })()
            .catch((error: unknown) => {
              stallError = error;
            })
            .finally(async () => {
              const before = handledCount();
              await options.thaw();
              thawedAt = Date.now();
              resumed = (async () => {
                // 0 when nothing was waiting any more (another member had taken it all over)
                while (!caughtUp) {
                  if (handledCount() > before) return Date.now() - thawedAt;
                  await new Promise((resolve) => setTimeout(resolve, 20));
                }
                return handledCount() > before ? Date.now() - thawedAt : 0;
              })();
            });
        }
        await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
      },
    });
    await stall;
    if (stallError) throw stallError;
    const pending = () => published.acknowledged.filter((id) => !options.handled(id)).length;
    await waitUntil(
      () => pending() === 0,
      () => `every acknowledged event handled, ${pending()} still not`,
      options.boundMs,
    ).catch(async (error: Error) => {
      throw new Error(
        `${error.message} within ${options.boundMs} ms of the end of the stall; ${await options.progress()}`,
      );
    });
    const recoveryMs = Date.now() - thawedAt;
    caughtUp = true;
    return { published, handledAtFreeze, recoveryMs, resumedMs: await resumed! };
  } finally {
    caughtUp = true;
    // never leave a process frozen behind a failed assertion
    await stall;
  }
}

export interface BrokerStallOptions {
  scenario: string;
  fault: string;
  /** A scenario with a stack of its own, whose node `victim` is frozen. */
  on: FaultScenario;
  setup: TopicSetup;
  /** The node to freeze, chosen once the consumer has joined its group. */
  victim(groupId: string): Promise<number>;
  events: number;
  stallMs: number;
  sessionTimeoutMs: number;
  boundMs: number;
  /** deliveryTimeoutMs of a probe publish made while the node is frozen; no probe when undefined. */
  probeTimeoutMs?: number;
}

export interface BrokerStallRun {
  figures: StallFigures;
  member: TallyingConsumer;
  health: ConsumerHealth;
  lost: number;
  /** What the probe publish returned, how long it waited, and whether the node was thawed by then. */
  probe: { error: unknown; waitedMs: number; thawed: boolean } | undefined;
}

/**
 * One kit consumer (committing every message, ~2 ms of work per event: a commit is in flight
 * when the node freezes, and after a stall longer than the session that commit meets the expired
 * session, the crash kafkajs does not restart from) through a stream in which the victim node is
 * frozen for `stallMs`. Reports the figures; the caller asserts.
 */
/** stallAfterMs of the consumer in a broker stall: a third of the recovery bound the scenarios use. */
export const STALL_AFTER_MS = 20_000;

export async function brokerStallScenario(options: BrokerStallOptions): Promise<BrokerStallRun> {
  const began = Date.now();
  const { on: scenario, setup } = options;
  const consumerConfig = { sessionTimeout: options.sessionTimeoutMs, heartbeatInterval: 1_000 };
  // a partition kafkajs stops fetching after the thaw shows in health (degraded) well within the bound
  const member = scenario.consumer(setup, { consumerConfig, commitEvery: 1, stallAfterMs: STALL_AFTER_MS }, 2);
  let probe: BrokerStallRun['probe'];
  let thawed = false;
  const probeTimeoutMs = options.probeTimeoutMs;
  await member.consumer.start();
  const nodeId = await options.victim(member.groupId);
  // the probe is connected and its schema looked up before the freeze: on a loaded machine those
  // took longer than a 4 s stall, and the probe then published after the thaw (no timeout to see)
  const probeEvent = makeEvents(1)[0]!.payload as never;
  const probeProducer =
    probeTimeoutMs === undefined ? undefined : scenario.producer(setup, { deliveryTimeoutMs: probeTimeoutMs })();
  if (probeProducer) {
    await probeProducer.connect();
    await probeProducer.encode('booking.created', probeEvent);
  }
  let figures: StallFigures;
  try {
    figures = await streamThroughStall({
      makeProducer: scenario.producer(setup, { deliveryTimeoutMs: 5_000 }),
      events: makeEvents(options.events),
      batchSize: 50,
      pauseMs: 20,
      stallMs: options.stallMs,
      freeze: () => scenario.own.freezeBroker(nodeId),
      thaw: async () => {
        await scenario.own.thawBroker(nodeId);
        thawed = true;
      },
      whileFrozen:
        probeProducer === undefined
          ? undefined
          : async () => {
              const started = Date.now();
              const error = await probeProducer.publish('booking.created', probeEvent).then(
                () => undefined,
                (e: unknown) => e,
              );
              probe = { error, waitedMs: Date.now() - started, thawed };
              void probeProducer.disconnect().catch(() => undefined);
            },
      handled: (id) => member.tally.has(id),
      boundMs: options.boundMs,
      // what the consumer itself reported, so a stuck partition's failure shows whether health saw it
      progress: async () => {
        const health = member.consumer.health();
        return (
          `${await describeProgress(setup.kafka, member.groupId, setup.contract.topic)}; states ${member.states.join(' > ')}; ` +
          `health ${health.state}, problems ${JSON.stringify(health.problems)}, partitions ${JSON.stringify(health.partitions)}`
        );
      },
    });
    // health, once caught up: nothing left to handle on any assigned partition
    await waitUntil(
      () => member.consumer.health().partitions.every((p) => p.lag === 0),
      () => `lag 0 on every partition, health ${JSON.stringify(member.consumer.health())}`,
      10_000,
    );
  } finally {
    await member.consumer.stop();
  }
  const health = member.consumer.health();
  const lost = member.tally.missing(figures.published.acknowledged).length;
  reportFigures({
    scenario: options.scenario,
    fault: options.fault,
    sent: figures.published.acknowledged.length,
    handled: figures.published.acknowledged.filter((id) => member.tally.has(id)).length,
    duplicates: member.tally.duplicates,
    deadLettered: member.counts.deadLettered,
    lost,
    details: {
      frozenNode: nodeId,
      stallMs: options.stallMs,
      sessionTimeoutMs: options.sessionTimeoutMs,
      recoveryMs: figures.recoveryMs,
      resumedMs: figures.resumedMs,
      handledWhenFrozen: figures.handledAtFreeze,
      consumerCrashes: member.counts.crashed,
      crashesKafkajsDidNotRestart: member.counts.crashedForGood,
      supervisedRestarts: health.restarts,
      states: member.states.join(' > '),
      // whether a partition went without progress for stallAfterMs after the thaw, and health said so
      degradedSeen: member.states.includes('degraded'),
      batchRetries: figures.published.batchRetries,
      ...(probe ? { publishTimedOutAfterMs: probe.waitedMs } : {}),
    },
    durationMs: Date.now() - began,
  });
  return { figures, member, health, lost, probe };
}

/** What every broker stall must show: nothing lost, the stall mid-stream, every given-up crash rebuilt. */
export function expectStallSurvived(run: BrokerStallRun, events: number): void {
  expect(run.figures.published.acknowledged).toHaveLength(events);
  expect(run.lost).toBe(0);
  expect(run.figures.handledAtFreeze).toBeLessThan(events);
  expect(run.health.state).toBe('stopped');
  expect(run.member.states).toContain('running');
  expect(run.health.restarts).toBeGreaterThanOrEqual(run.member.counts.crashedForGood);
}
