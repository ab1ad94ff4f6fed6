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
 */
import type { Consumer as KafkaConsumer } from 'kafkajs';
import { ConsumerFailedError, KafkaError } from '../errors';
import { retry } from '../retry';

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

export interface PartitionHealth {
  topic: string;
  partition: number;
  /** Messages after the next one to handle, as of the last fetch; undefined before the first fetch. */
  lag: number | undefined;
  /** Offset of the next message to handle (what the group commits once it is handled). */
  nextOffset: string | undefined;
  /** End of the partition when it was last fetched. */
  highWatermark: string | undefined;
  /** When lag was last computed (ms since the epoch). */
  updatedAt: number | undefined;
  /** When a message of it was last handled, ignored or dead-lettered, else when it was assigned. */
  lastProgressAt: number | undefined;
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
  /** A new kafkajs consumer (not connected). */
  create(): KafkaConsumer;
  /** Connects, subscribes and runs it; rejects when it cannot start. */
  run(consumer: KafkaConsumer): Promise<void>;
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

/** Notes that the message at `offset` of a batch's partition was handled. */
export type Progressed = (offset: string) => void;

const DEFAULTS = { giveUpAfterMs: 5 * 60_000, initialDelayMs: 1_000, maxDelayMs: 30_000 };

export function createSupervisor(hooks: SupervisorHooks): Supervisor {
  const policy = {
    giveUpAfterMs: hooks.options?.giveUpAfterMs ?? DEFAULTS.giveUpAfterMs,
    initialDelayMs: hooks.options?.initialDelayMs ?? DEFAULTS.initialDelayMs,
    maxDelayMs: hooks.options?.maxDelayMs ?? DEFAULTS.maxDelayMs,
    exitOnFailure: hooks.options?.exitOnFailure ?? false,
  };
  const { groupId, topic } = hooks;
  let state: ConsumerState = 'stopped';
  let since = Date.now();
  let current: KafkaConsumer | undefined;
  let stopped = true;
  let restarts = 0;
  let lastProgressAt: number | undefined;
  let lastHeartbeatAt: number | undefined;
  let failure: ConsumerFailedError | undefined;
  let lastError: unknown;
  /** Set while the consumer is out of its group: when it left, and the give-up timer. */
  let outage: { since: number; timer: NodeJS.Timeout | undefined; abort: AbortController } | undefined;
  let rebuilding: Promise<void> | undefined;
  /** Per assigned partition; `handled` is the last handled offset not yet folded into nextOffset and lag. */
  const partitions = new Map<string, PartitionHealth & { handled?: string }>();

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
    if (!outage) {
      const abort = new AbortController();
      const timer = Number.isFinite(policy.giveUpAfterMs)
        ? setTimeout(() => void giveUp(policy.giveUpAfterMs), policy.giveUpAfterMs)
        : undefined;
      timer?.unref();
      outage = { since: Date.now(), timer, abort };
    }
    moveTo('rejoining', error);
  };

  const backInGroup = (consumer: KafkaConsumer, assignment: Record<string, number[]>) => {
    if (consumer !== current || stopped) return;
    if (outage) {
      clearTimeout(outage.timer);
      outage = undefined;
    }
    const assigned = new Set((assignment[topic] ?? []).map((p) => `${topic}:${p}`));
    for (const key of [...partitions.keys()]) if (!assigned.has(key)) partitions.delete(key);
    for (const p of assignment[topic] ?? []) {
      const key = `${topic}:${p}`;
      if (!partitions.has(key))
        partitions.set(key, {
          topic,
          partition: p,
          lag: undefined,
          nextOffset: undefined,
          highWatermark: undefined,
          updatedAt: undefined,
          lastProgressAt: Date.now(),
          handled: undefined,
        });
    }
    moveTo('running');
  };

  /** Resolves when `consumer` has joined; rejects on a crash it will not restart from, or when the budget is spent. */
  const joined = (consumer: KafkaConsumer, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      const offJoin = consumer.on(consumer.events.GROUP_JOIN, () => settle());
      const offCrash = consumer.on(consumer.events.CRASH, (e) => {
        if (!e.payload.restart) settle(e.payload.error);
      });
      const onAbort = () => settle(lastError);
      signal.addEventListener('abort', onAbort, { once: true });
      function settle(error?: unknown) {
        offJoin();
        offCrash();
        signal.removeEventListener('abort', onAbort);
        if (error === undefined) resolve();
        else reject(rejoinError(error));
      }
    });

  const watch = (consumer: KafkaConsumer) => {
    consumer.on(consumer.events.GROUP_JOIN, (e) => backInGroup(consumer, e.payload.memberAssignment));
    consumer.on(consumer.events.HEARTBEAT, () => {
      if (consumer === current) lastHeartbeatAt = Date.now();
    });
    consumer.on(consumer.events.CRASH, (e) => {
      if (consumer !== current || stopped) return;
      leftGroup(e.payload.error);
      // kafkajs restarts by itself after a retriable crash; a rebuild in progress handles its own crashes
      if (!e.payload.restart && !rebuilding) {
        rebuilding = rebuild().finally(() => {
          rebuilding = undefined;
        });
      }
    });
  };

  /** Disconnects the consumer in use, if any (kafkajs waits for the batch in progress). */
  const release = async () => {
    const consumer = current;
    current = undefined;
    await consumer?.disconnect().catch(() => undefined);
  };

  const launch = async (signal?: AbortSignal) => {
    const consumer = hooks.create();
    current = consumer;
    watch(consumer);
    const join = signal ? joined(consumer, signal) : undefined;
    join?.catch(() => undefined);
    await hooks.run(consumer);
    await join;
  };

  const rebuild = async () => {
    const signal = outage!.abort.signal;
    try {
      await retry(
        async () => {
          if (stopped) return;
          // kafkajs has already disconnected it; this only makes sure nothing of it lingers
          await release();
          restarts += 1;
          try {
            await launch(signal);
          } catch (error) {
            await release();
            throw rejoinError(error);
          }
        },
        {
          attempts: Number.MAX_SAFE_INTEGER,
          initialDelayMs: policy.initialDelayMs,
          maxDelayMs: policy.maxDelayMs,
          jitter: 0.5,
          signal,
          onRetry: ({ error }) => {
            lastError = error;
          },
        },
      );
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
    if (outage) {
      clearTimeout(outage.timer);
      outage.abort.abort();
      outage = undefined;
    }
    stopped = true;
    partitions.clear();
    await release();
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
        await launch();
      } catch (error) {
        stopped = true;
        await release();
        moveTo('stopped', error);
        throw error;
      }
    },
    async stop() {
      stopped = true;
      if (outage) {
        clearTimeout(outage.timer);
        outage.abort.abort();
        outage = undefined;
      }
      await rebuilding;
      await release();
      partitions.clear();
      if (state !== 'failed') moveTo('stopped');
    },
    fetched(t, partition, firstOffset, highWatermark) {
      const entry = partitions.get(`${t}:${partition}`);
      if (entry) {
        fold(entry);
        entry.highWatermark = highWatermark;
        entry.nextOffset ??= firstOffset;
        if (BigInt(firstOffset) > BigInt(entry.nextOffset)) entry.nextOffset = firstOffset;
        entry.lag = lagOf(entry);
        entry.updatedAt = Date.now();
      }
      // per message: only note it; the offsets are compared (BigInt) when health() or fetched() reads them
      return (offset) => {
        lastProgressAt = Date.now();
        if (!entry) return;
        entry.handled = offset;
        entry.updatedAt = lastProgressAt;
        entry.lastProgressAt = lastProgressAt;
      };
    },
    health() {
      return {
        state,
        groupId,
        topic,
        since,
        lastProgressAt,
        lastHeartbeatAt,
        restarts,
        partitions: [...partitions.values()]
          .map((p) => {
            fold(p);
            const { handled: _handled, ...health } = p;
            return health;
          })
          .sort((a, b) => a.partition - b.partition),
        error: failure,
      };
    },
  };
}

/** Folds the last handled offset into the next offset and the lag. */
function fold(p: PartitionHealth & { handled?: string }): void {
  if (p.handled === undefined) return;
  p.nextOffset = (BigInt(p.handled) + 1n).toString();
  p.handled = undefined;
  p.lag = lagOf(p);
}

function lagOf(p: PartitionHealth): number | undefined {
  if (p.highWatermark === undefined || p.nextOffset === undefined) return undefined;
  const lag = BigInt(p.highWatermark) - BigInt(p.nextOffset);
  return Number(lag > 0n ? lag : 0n);
}

/**
 * Rejoining heals what a stall or a lost session breaks, so any failure is worth another try,
 * except one that will be the same next time: refused credentials or permissions.
 */
function rejoinError(error: unknown): KafkaError {
  if (error instanceof KafkaError && error.retriable === !isFinal(error)) return error;
  const e = error as { name?: string; message?: string } | undefined;
  return new KafkaError(
    `rejoining the group failed: ${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`,
    undefined,
    {
      retriable: !isFinal(error),
      cause: error,
    },
  );
}

function isFinal(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const { name, type } = current as { name?: unknown; type?: unknown };
    if (name === 'KafkaJSSASLAuthenticationError') return true;
    if (typeof type === 'string' && type.endsWith('_AUTHORIZATION_FAILED')) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The failure worth showing: the kafkajs error rather than the kit's rejoin wrapper around it. */
function unwrap(error: unknown): unknown {
  return error instanceof KafkaError &&
    error.message.startsWith('rejoining the group failed') &&
    error.cause !== undefined
    ? error.cause
    : error;
}
