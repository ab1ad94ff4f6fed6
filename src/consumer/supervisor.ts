/**
 * Supervision of the kafkajs consumer under the kit's consumer: it is never silently dead.
 *
 * kafkajs restarts its consumer by itself after a retriable crash (`restart: true`), but not after
 * one it deems final (`restart: false`): a session that expired while the broker or the process was
 * stalled ("The coordinator is not aware of this member" from a JoinGroup/SyncGroup), a generation
 * it was fenced out of, a run loop that gave up. It then disconnects and stays so, inside a live
 * process (tulios/kafkajs#1277). The supervisor answers such a crash with a fresh kafkajs consumer
 * in the same group, after a backoff with jitter, until it is back in the group; the new member
 * starts from the committed offsets, and the kit commits only handled messages, so nothing is
 * skipped (at-least-once: a batch in progress may be redelivered).
 *
 * Whoever restarts, the time out of the group is bounded by `giveUpAfterMs`; past it (or at once
 * for a failure that rejoining cannot heal: refused credentials or permissions) the consumer stops
 * for good with a ConsumerFailedError, told through `onFailed` (the consumer's `error` event and
 * its `done()` promise) and, by option, a non-zero process exit.
 *
 * It also keeps the health snapshot: state, last progress, lag per assigned partition.
 *
 * The same holds on the platformatic transport, whose member reports a broken stream or a failed
 * rejoin as a crash it does not restart from, and a dropped membership (which the library rejoins
 * by itself) as a crash with restart.
 *
 * This file is the state machine (stopped → starting → running ⇄ rejoining → failed); the group
 * member in use and its group events are ./membership.ts, the partitions it reports are tracked
 * in ./partitions.ts, and the rejoin's parts (outage, waiting to join, retrying, what cannot heal)
 * are in ./rejoin.ts.
 */
import type { GroupMember } from '../kafka/transport';
import { ConsumerFailedError } from '../errors';
import { createPartitionTracker, type PartitionHealth, type Progressed } from './partitions';
import { createMembership } from './membership';
import { closeOutage, openOutage, rejoinError, retryRejoin, unwrap, type Outage } from './rejoin';

export type { PartitionHealth, Progressed } from './partitions';

/**
 * `degraded` is never the supervisor's own: health() says it (in the group, but a partition is
 * paused or stalled), and the consumer's watch emits the change as an event.
 */
export type ConsumerState = 'stopped' | 'starting' | 'running' | 'degraded' | 'rejoining' | 'failed';

export interface SupervisionOptions {
  /**
   * Longest time out of the group (from the crash until a rebuilt member has joined) before the
   * consumer gives up. Default 5 minutes; `Infinity` never gives up.
   */
  giveUpAfterMs?: number;
  /** Delay before the first rebuild after a crash kafkajs does not restart from; doubles. Default 1 s. */
  initialDelayMs?: number;
  /** Upper bound of that delay. Default 30 s. */
  maxDelayMs?: number;
  /** Exit the process with code 1 once the consumer has given up, so an orchestrator restarts it. Default false. */
  exitOnFailure?: boolean;
}

export interface ConsumerHealth {
  state: ConsumerState;
  groupId: string;
  topic: string;
  /** When the consumer entered its state (ms since the epoch). */
  since: number;
  /** Last message handled, ignored or dead-lettered (ms since the epoch). */
  lastProgressAt: number | undefined;
  /** Last heartbeat the group coordinator accepted. */
  lastHeartbeatAt: number | undefined;
  /** kafkajs consumers the supervisor rebuilt since start(). */
  restarts: number;
  /** Partitions assigned to this member (empty while out of the group). */
  partitions: PartitionHealth[];
  /** Why the consumer failed, when `state` is `failed`. */
  error: ConsumerFailedError | undefined;
}

export interface StateChange {
  groupId: string;
  topic: string;
  state: ConsumerState;
  previous: ConsumerState;
  /** The failure that caused a move to `rejoining` or `failed`. */
  error: unknown;
  restarts: number;
}

export interface SupervisorHooks {
  groupId: string;
  topic: string;
  options: SupervisionOptions | undefined;
  /** A new group member of the consumer's transport (not connected). */
  create(): GroupMember;
  onStateChange(change: StateChange): void;
  onFailed(error: ConsumerFailedError): void;
}

export interface Supervisor {
  /** Starts the first consumer; rejects (state `stopped`) when it cannot start. */
  start(): Promise<void>;
  /** Disconnects the consumer and stops supervising (state `stopped`, or `failed` after a give-up). */
  stop(): Promise<void>;
  /**
   * A batch of a partition arrived: `firstOffset` is where handling resumes. Returns what the batch
   * loop calls when one of its messages was handled, ignored or dead-lettered (the partition's
   * entry found once per batch, not once per message).
   */
  fetched(topic: string, partition: number, firstOffset: string, highWatermark: string): Progressed;
  health(): ConsumerHealth;
}

const DEFAULTS = { giveUpAfterMs: 5 * 60_000, initialDelayMs: 1_000, maxDelayMs: 30_000 };

export function createSupervisor(hooks: SupervisorHooks): Supervisor {
  const policy = {
    giveUpAfterMs: hooks.options?.giveUpAfterMs ?? DEFAULTS.giveUpAfterMs,
    initialDelayMs: hooks.options?.initialDelayMs ?? DEFAULTS.initialDelayMs,
    maxDelayMs: hooks.options?.maxDelayMs ?? DEFAULTS.maxDelayMs,
    exitOnFailure: hooks.options?.exitOnFailure ?? false,
  };
  const { groupId, topic } = hooks;
  const partitions = createPartitionTracker(topic);
  let state: ConsumerState = 'stopped';
  let since = Date.now();
  let stopped = true;
  let restarts = 0;
  let failure: ConsumerFailedError | undefined;
  let lastError: unknown;
  let outage: Outage | undefined;
  let rebuilding: Promise<void> | undefined;

  const moveTo = (next: ConsumerState, error?: unknown) => {
    if (next === state) return;
    const previous = state;
    state = next;
    since = Date.now();
    hooks.onStateChange({ groupId, topic, state: next, previous, error, restarts });
  };

  const leftGroup = (error: unknown) => {
    lastError = error;
    partitions.clear();
    outage ??= openOutage(policy.giveUpAfterMs, (waitedMs) => void giveUp(waitedMs));
    moveTo('rejoining', error);
  };

  const backInGroup = (assignment: Record<string, number[]>) => {
    if (stopped) return;
    outage = closeOutage(outage, false);
    partitions.assign(assignment[topic] ?? []);
    moveTo('running');
  };

  const crashed = (error: unknown, restart: boolean) => {
    if (stopped) return;
    leftGroup(error);
    // kafkajs restarts by itself after a retriable crash; a rebuild in progress handles its own crashes
    if (!restart && !rebuilding) {
      rebuilding = rebuild().finally(() => {
        rebuilding = undefined;
      });
    }
  };

  const member = createMembership({
    create: hooks.create,
    joinedGroup: backInGroup,
    crashed,
    lastError: () => lastError,
  });

  /** One try at a fresh consumer in the group. */
  const relaunch = async (signal: AbortSignal) => {
    if (stopped) return;
    // kafkajs has already disconnected it; this only makes sure nothing of it lingers
    await member.release();
    restarts += 1;
    try {
      await member.launch(signal);
    } catch (error) {
      await member.release();
      throw rejoinError(error);
    }
  };

  const noteError = (error: unknown) => {
    lastError = error;
  };

  const rebuild = async () => {
    const signal = outage!.abort.signal;
    try {
      await retryRejoin(() => relaunch(signal), policy, signal, noteError);
    } catch (error) {
      // a failure rejoining cannot heal, or the budget ran out while retrying
      lastError = error;
      await giveUp();
    }
  };

  /** `waitedMs`: the budget, when its timer gives up (a timer may fire a millisecond early by Date.now). */
  const giveUp = async (waitedMs = 0) => {
    if (stopped || state === 'failed') return;
    const downForMs = outage ? Math.max(Date.now() - outage.since, waitedMs) : 0;
    outage = closeOutage(outage, true);
    stopped = true;
    partitions.clear();
    await member.release();
    failure = new ConsumerFailedError(groupId, topic, restarts, downForMs, unwrap(lastError));
    moveTo('failed', failure);
    hooks.onFailed(failure);
    if (policy.exitOnFailure) {
      process.exitCode = 1;
      // after the listeners of the error event and done() have run
      setImmediate(() => process.exit(1));
    }
  };

  return {
    async start() {
      stopped = false;
      restarts = 0;
      failure = undefined;
      lastError = undefined;
      moveTo('starting');
      try {
        await member.launch();
      } catch (error) {
        stopped = true;
        await member.release();
        moveTo('stopped', error);
        throw error;
      }
    },
    async stop() {
      stopped = true;
      outage = closeOutage(outage, true);
      await rebuilding;
      await member.release();
      partitions.clear();
      if (state !== 'failed') moveTo('stopped');
    },
    fetched: partitions.fetched,
    health: () => ({
      state,
      groupId,
      topic,
      since,
      lastProgressAt: partitions.lastProgressAt(),
      lastHeartbeatAt: member.lastHeartbeatAt(),
      restarts,
      partitions: partitions.list(),
      error: failure,
    }),
  };
}
