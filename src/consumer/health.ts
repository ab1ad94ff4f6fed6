/**
 * The truth in health(): the supervisor says whether the consumer is in its group; this says
 * whether its partitions move. A partition paused on an environment failure, or one that has made
 * no progress for `stallAfterMs` while records wait behind it (lag > 0, or a handler still
 * running), is a problem with its offset, since when and why, and the consumer is `degraded`
 * instead of `running`. Pure: index.ts feeds it the supervisor's and the pipeline's snapshots.
 */
import type { PipelineSnapshot } from './message';
import type { ConsumerHealth as GroupHealth } from './supervisor';

export interface HealthProblem {
  /** `paused`: an environment failure holds the partition; `stalled`: no progress for stallAfterMs with records behind. */
  kind: 'paused' | 'stalled';
  topic: string;
  partition: number;
  /** The message it is held at, when known. */
  offset: string | undefined;
  /** Since when (ms since the epoch). */
  since: number;
  /** For people: `REGISTRY_UNREACHABLE (7 failures in a row)`, `the handler of booking.created has run 45 s`, … */
  why: string;
  /** The kit's error code of a pause. */
  code?: string;
}

export type ConsumerHealth = Omit<GroupHealth, 'state'> & {
  /** `degraded`: in the group, but `problems` holds partitions back. */
  state: GroupHealth['state'] | 'degraded';
  problems: HealthProblem[];
};

export function assessHealth(
  group: GroupHealth,
  pipeline: PipelineSnapshot,
  stallAfterMs: number,
  now = Date.now(),
): ConsumerHealth {
  const problems: HealthProblem[] = [];
  const key = (topic: string, partition: number) => `${topic}:${partition}`;
  const paused = new Map(pipeline.paused.map((p) => [key(p.topic, p.partition), p]));
  const handling = new Map(pipeline.handling.map((h) => [key(h.topic, h.partition), h]));
  for (const p of group.partitions) {
    const pause = paused.get(key(p.topic, p.partition));
    const handler = handling.get(key(p.topic, p.partition));
    const waiting = (p.lag ?? 0) > 0 || handler !== undefined || pause !== undefined;
    const since = p.lastProgressAt ?? group.since;
    const stalled = waiting && now - since >= stallAfterMs;
    if (!pause && !stalled) continue;
    const why = pause
      ? `paused by ${pause.code} (${pause.failures} failure(s) in a row since ${new Date(pause.since).toISOString()})`
      : handler
        ? `the handler of ${handler.eventType} at offset ${handler.offset} has run ${Math.round((now - handler.since) / 1000)} s`
        : `no message handled for ${Math.round((now - since) / 1000)} s while ${p.lag} wait`;
    problems.push({
      kind: stalled ? 'stalled' : 'paused',
      topic: p.topic,
      partition: p.partition,
      offset: pause?.offset ?? handler?.offset ?? p.nextOffset,
      since: pause && !stalled ? pause.since : since,
      why,
      ...(pause ? { code: pause.code } : {}),
    });
  }
  const state = group.state === 'running' && problems.length > 0 ? 'degraded' : group.state;
  return { ...group, state, problems };
}
