/**
 * Resetting a consumer group's committed offsets on one topic: to the earliest or latest offset, to
 * the first record at or after a time, or to a given offset, per partition; only while the group is
 * empty (a running member would commit over the reset). The plan (old → new per partition) is
 * computed the same way whether it is applied or not, so a dry run shows exactly what applying does.
 * It reads with the monitor's admin calls (src/monitor/groups.ts) and writes with kafkajs's
 * `admin.setOffsets`, which itself refuses a group with running members.
 */
import type { Admin, Kafka } from 'kafkajs';
import { GroupNotEmptyError, TopicNotFoundError, UsageError } from '../errors';
import { toKafkaError } from '../kafka/client';
import { describeConsumerGroups, readTopicOffsets, type GroupMember } from '../monitor';

/** Where to move the group: the partition's start or end, the first record at or after `timestamp` (ms), or `offset`. */
export type OffsetTarget =
  { to: 'earliest' } | { to: 'latest' } | { to: 'timestamp'; timestamp: number } | { to: 'offset'; offset: string };

export const OFFSET_TARGETS = ['earliest', 'latest', 'timestamp', 'offset'] as const;

export interface OffsetResetRequest {
  kafka: Kafka;
  group: string;
  topic: string;
  target: OffsetTarget;
  /** Only these partitions; default every partition of the topic. */
  partitions?: readonly number[];
  /** Compute the plan, change nothing. */
  dryRun: boolean;
}

export interface OffsetResetPlan {
  group: string;
  topic: string;
  /** The group's state when it was read (Empty, or Dead for a group with no commits left). */
  state: string;
  /** `earliest`, `latest`, `2026-12-01T13:00:00.000Z`, `offset 12`. */
  target: string;
  partitions: Array<{
    partition: number;
    /** The committed offset before the reset; null when the group never committed there. */
    from: string | null;
    to: string;
    /** The partition's start and end offsets when it was read. */
    low: string;
    high: string;
  }>;
  /** How many partitions move (from ≠ to). */
  changes: number;
  dryRun: boolean;
}

/** Plans the reset and, unless `dryRun`, applies it. Throws GroupNotEmptyError while the group has members. */
export async function resetGroupOffsets(request: OffsetResetRequest): Promise<OffsetResetPlan> {
  const { group, topic, target } = request;
  if (!group) throw new UsageError('a reset needs the consumer group', 'name the group whose offsets to move');
  const admin = request.kafka.admin();
  try {
    await admin.connect();
    const plan = await planReset(admin, request);
    if (request.dryRun || plan.changes === 0) return plan;
    const moving = plan.partitions.filter((p) => p.from !== p.to);
    try {
      await admin.setOffsets({
        groupId: group,
        topic,
        partitions: moving.map((p) => ({ partition: p.partition, offset: p.to })),
      });
    } catch (error) {
      // a member joined between the plan and the write: kafkajs refuses, and so do we, by name
      await assertEmpty(admin, group);
      throw error;
    }
    return { ...plan, dryRun: false, target: describeTarget(target) };
  } catch (error) {
    throw toKafkaError(error, `resetting the offsets of group ${group}`, topic);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function planReset(admin: Admin, request: OffsetResetRequest): Promise<OffsetResetPlan> {
  const { group, topic, target } = request;
  const state = await assertEmpty(admin, group);
  const offsets = await readTopicOffsets(admin, [topic]);
  const ends = offsets.get(topic);
  if (!ends) throw new TopicNotFoundError(topic, undefined);
  const unknown = (request.partitions ?? []).filter((p) => !ends.partitions.some((e) => e.partition === p));
  if (unknown.length)
    throw new UsageError(
      `topic ${topic} has no partition ${unknown.join(', ')}`,
      `its partitions: ${ends.partitions.map((p) => p.partition).join(', ')}`,
    );
  const [described] = await describeConsumerGroups(admin, [group], offsets);
  const committed = new Map(
    (described?.partitions ?? []).filter((p) => p.topic === topic).map((p) => [p.partition, p.committed]),
  );
  const chosen = ends.partitions.filter((p) => !request.partitions?.length || request.partitions.includes(p.partition));
  const byTime =
    target.to === 'timestamp'
      ? new Map((await admin.fetchTopicOffsetsByTimestamp(topic, target.timestamp)).map((p) => [p.partition, p.offset]))
      : undefined;
  const partitions = chosen.map((p) => {
    let to: string;
    if (target.to === 'earliest') to = p.low;
    else if (target.to === 'latest') to = p.high;
    else if (target.to === 'timestamp') to = byTime!.get(p.partition) ?? p.high;
    else to = checkedOffset(target.offset, topic, p);
    return { partition: p.partition, from: committed.get(p.partition) ?? null, to, low: p.low, high: p.high };
  });
  return {
    group,
    topic,
    state,
    target: describeTarget(target),
    partitions,
    changes: partitions.filter((p) => p.from !== p.to).length,
    dryRun: true,
  };
}

/** The group's state; GroupNotEmptyError while it has members. */
async function assertEmpty(admin: Admin, group: string): Promise<string> {
  const { groups } = await admin.describeGroups([group]);
  const found = groups[0];
  const members: Array<Pick<GroupMember, 'memberId' | 'clientId' | 'host'>> = (found?.members ?? []).map((m) => ({
    memberId: m.memberId,
    clientId: m.clientId,
    host: m.clientHost,
  }));
  const state = found?.state ?? 'Dead';
  if (members.length > 0 || (state !== 'Empty' && state !== 'Dead'))
    throw new GroupNotEmptyError(group, state, members);
  return state;
}

function checkedOffset(text: string, topic: string, p: { partition: number; low: string; high: string }): string {
  if (!/^\d+$/.test(text)) throw new UsageError(`offset "${text}" is not a whole number`, 'give an offset such as 12');
  const offset = BigInt(text);
  if (offset < BigInt(p.low) || offset > BigInt(p.high))
    throw new UsageError(
      `offset ${text} is outside ${topic}/${p.partition}, which holds ${p.low} to ${p.high}`,
      `give an offset from ${p.low} (the earliest) to ${p.high} (the end: after the last record)`,
    );
  return offset.toString();
}

function describeTarget(target: OffsetTarget): string {
  if (target.to === 'timestamp') return new Date(target.timestamp).toISOString();
  if (target.to === 'offset') return `offset ${target.offset}`;
  return target.to;
}
