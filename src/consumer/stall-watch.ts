/**
 * The watch over health() while the consumer runs: health() is computed when asked, so without a
 * watch a partition that stalls, or a move between running and degraded, would go unsaid until a
 * probe asked. It emits each move between the two as a state change and logs each stall once
 * (and again after the partition moved and stalled anew).
 */
import { CONSUMER_EVENTS, type ConsumerEmitter } from './events';
import type { ConsumerHealth } from './health';
import type { ConsumerLog } from './log';

export interface StallWatchOptions {
  groupId: string;
  topic: string;
  stallAfterMs: number;
  health(): ConsumerHealth;
  events: ConsumerEmitter;
  log: ConsumerLog;
}

export interface StallWatch {
  start(): void;
  stop(): void;
  /** Forgets what it saw, so a new run starts from `running` with no stall logged. */
  forget(): void;
}

export function createStallWatch(options: StallWatchOptions): StallWatch {
  const { events, log } = options;
  /** Partitions whose stall was logged, so each stall is one line (and a new one after it moved). */
  const stallsLogged = new Set<string>();
  /** What the last watch saw: running or degraded, so a change between them is one event. */
  let watched: 'running' | 'degraded' = 'running';
  let interval: NodeJS.Timeout | undefined;

  const stateChanged = (now: ConsumerHealth) => {
    if ((now.state !== 'running' && now.state !== 'degraded') || now.state === watched) return;
    const [first] = now.problems;
    events.emit(CONSUMER_EVENTS.STATE_CHANGED, {
      groupId: options.groupId,
      topic: options.topic,
      state: now.state,
      previous: watched,
      error: first ? new Error(`${first.kind} ${first.topic}[${first.partition}]: ${first.why}`) : undefined,
      restarts: now.restarts,
    });
    watched = now.state;
  };

  const logStalls = (now: ConsumerHealth) => {
    const stalled = now.problems.filter((p) => p.kind === 'stalled');
    const stalledNow = new Set(stalled.map((p) => `${p.topic}:${p.partition}`));
    for (const key of stallsLogged) if (!stalledNow.has(key)) stallsLogged.delete(key);
    for (const p of stalled) {
      const key = `${p.topic}:${p.partition}`;
      if (stallsLogged.has(key)) continue;
      stallsLogged.add(key);
      log.stalled(p.topic, p.partition, p.offset ?? '?', Date.now() - p.since, p.why);
    }
  };

  const watch = () => {
    const now = options.health();
    stateChanged(now);
    logStalls(now);
  };

  return {
    start() {
      interval = setInterval(watch, Math.max(100, Math.min(10_000, options.stallAfterMs / 2)));
      interval.unref();
    },
    stop: () => clearInterval(interval),
    forget() {
      stallsLogged.clear();
      watched = 'running';
    },
  };
}
