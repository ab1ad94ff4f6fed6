/**
 * The supervisor's partition tracking, for health(): the partitions assigned to this member, and
 * per partition the next offset to handle, the end of the partition as last fetched, the lag
 * between them and when it last moved. The batch loop notes each handled message with one field
 * write; the offsets are compared (BigInt) only when a fetch or health() reads them.
 */

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

/** Notes that the message at `offset` of a batch's partition was handled, at `now` (ms since the epoch, the caller's clock read). */
export type Progressed = (offset: string, now: number) => void;

export interface PartitionTracker {
  /** The group's assignment to this member: partitions of the topic (others are forgotten, new ones start now). */
  assign(partitions: number[]): void;
  /** Out of the group, or stopped: no partitions. */
  clear(): void;
  /** A batch was fetched (see Supervisor.fetched). */
  fetched(topic: string, partition: number, firstOffset: string, highWatermark: string): Progressed;
  /** Every assigned partition, by partition number. */
  list(): PartitionHealth[];
  /** Last message handled, ignored or dead-lettered on any partition (ms since the epoch). */
  lastProgressAt(): number | undefined;
}

/** `handled` is the last handled offset not yet folded into nextOffset and lag. */
type Tracked = PartitionHealth & { handled?: string };

export function createPartitionTracker(topic: string): PartitionTracker {
  const partitions = new Map<string, Tracked>();
  let lastProgressAt: number | undefined;

  return {
    assign(assigned) {
      const keys = new Set(assigned.map((p) => `${topic}:${p}`));
      for (const key of [...partitions.keys()]) if (!keys.has(key)) partitions.delete(key);
      for (const p of assigned) {
        const key = `${topic}:${p}`;
        if (!partitions.has(key)) partitions.set(key, assignedNow(topic, p));
      }
    },
    clear: () => partitions.clear(),
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
      return (offset, now) => {
        lastProgressAt = now;
        if (!entry) return;
        entry.handled = offset;
        entry.updatedAt = lastProgressAt;
        entry.lastProgressAt = lastProgressAt;
      };
    },
    list: () =>
      [...partitions.values()]
        .map((p) => {
          fold(p);
          const { handled: _handled, ...health } = p;
          return health;
        })
        .sort((a, b) => a.partition - b.partition),
    lastProgressAt: () => lastProgressAt,
  };
}

function assignedNow(topic: string, partition: number): Tracked {
  return {
    topic,
    partition,
    lag: undefined,
    nextOffset: undefined,
    highWatermark: undefined,
    updatedAt: undefined,
    lastProgressAt: Date.now(),
    handled: undefined,
  };
}

/** Folds the last handled offset into the next offset and the lag. */
function fold(p: Tracked): void {
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
