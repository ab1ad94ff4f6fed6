/**
 * What one read of a group's offsets cannot tell: whether its lag grows and whether it still
 * commits. Each read adds a sample per group and topic; the last few make the trend, and a group
 * whose committed offsets have not moved for `stallAfterMs` while it has lag is stalled.
 */
import type { PartitionLag } from './groups';

export interface LagTrend {
  /** Total lag at each of the last reads, oldest first (this read last). */
  totals: number[];
  /** This read's total minus the first of `totals`. */
  change: number;
  /** When the committed offsets last moved (ISO 8601), or when the monitor first saw the group (`moveSeen` false). */
  lastCommitMoveAt: string;
  /** Whether `lastCommitMoveAt` is a movement this monitor saw; false: it is when the monitor first saw the group. */
  moveSeen: boolean;
  /** Lag > 0 and no commit moved for `stallAfterMs`: the group stopped committing. */
  stalled: boolean;
}

export interface TrendOptions {
  /** Reads kept per group and topic. Default 20. */
  samples?: number;
  /** No commit movement for this long, with lag, is a stall. Default 60 s. */
  stallAfterMs?: number;
  now?: () => number;
}

export interface TrendTracker {
  /** Records this read of the group's partitions of `topic` and answers the trend. */
  observe(groupId: string, topic: string, partitions: readonly PartitionLag[]): LagTrend;
}

export function createTrendTracker(options: TrendOptions = {}): TrendTracker {
  const keep = options.samples ?? 20;
  const stallAfterMs = options.stallAfterMs ?? 60_000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, { totals: number[]; commits: string; movedAt: number; moveSeen: boolean }>();
  return {
    observe(groupId, topic, partitions) {
      const key = JSON.stringify([groupId, topic]);
      const total = partitions.reduce((sum, p) => sum + (p.lag ?? 0), 0);
      const commits = partitions.map((p) => `${p.partition}:${p.committed ?? ''}`).join(',');
      const at = now();
      let entry = seen.get(key);
      if (!entry) {
        entry = { totals: [], commits, movedAt: at, moveSeen: false };
        seen.set(key, entry);
      } else if (entry.commits !== commits) {
        entry.commits = commits;
        entry.movedAt = at;
        entry.moveSeen = true;
      }
      entry.totals.push(total);
      if (entry.totals.length > keep) entry.totals.splice(0, entry.totals.length - keep);
      return {
        totals: [...entry.totals],
        change: total - entry.totals[0]!,
        lastCommitMoveAt: new Date(entry.movedAt).toISOString(),
        moveSeen: entry.moveSeen,
        stalled: total > 0 && at - entry.movedAt >= stallAfterMs,
      };
    },
  };
}
