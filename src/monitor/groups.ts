/**
 * Consumer groups as an operator reads them: state, members with the partitions each is assigned,
 * and per partition the committed offset, the end offset and the lag. Read with the admin API only
 * (ListGroups, DescribeGroups, OffsetFetch, ListOffsets): nothing joins a group, nothing commits.
 */
import { AssignerProtocol, type Admin } from 'kafkajs';
import { retry } from '../retry';

/** The kit's own throw-away readers (tail, UI, dlq reads): not the platform's groups. */
const OWN_GROUP = /^contracts-(ui|tail|read|dlq-read|dlq-ledger|dlq-replay|monitor)-[0-9a-f]{8}$/;

export interface TopicOffsets {
  topic: string;
  partitions: Array<{ partition: number; low: string; high: string }>;
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  host: string;
  /** Topic → partitions assigned to this member (empty while the group rebalances). */
  assignment: Record<string, number[]>;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** The group's committed offset, null when it never committed on this partition. */
  committed: string | null;
  /** The partition's end offset (high watermark). */
  end: string;
  /** end − committed; null without a commit. */
  lag: number | null;
  /** memberId of the member the partition is assigned to, if any. */
  member: string | null;
}

export interface GroupState {
  groupId: string;
  /** Stable, Empty, PreparingRebalance, CompletingRebalance, Dead. */
  state: string;
  protocol: string;
  members: GroupMember[];
  partitions: PartitionLag[];
}

/** Every consumer group of the cluster but the kit's own throw-away readers. */
export async function listConsumerGroups(admin: Admin): Promise<string[]> {
  const { groups } = await admin.listGroups();
  return groups
    .filter((g) => (g.protocolType === 'consumer' || g.protocolType === '') && !OWN_GROUP.test(g.groupId))
    .map((g) => g.groupId)
    .sort();
}

const OFFSET_READERS = 4;

/** Low and high offsets of each topic's partitions; topics missing on the cluster are left out. */
export async function readTopicOffsets(admin: Admin, topics: readonly string[]): Promise<Map<string, TopicOffsets>> {
  const existing = new Set(await admin.listTopics());
  const out = new Map<string, TopicOffsets>();
  const queue = topics.filter((t) => existing.has(t));
  // a few at a time: kafkajs's fetchTopicOffsets for ~45 topics at once failed inside kafkajs
  // ("Cannot destructure property 'partitions' of 'high.pop(...)'"), and the overview with it
  const worker = async () => {
    for (let topic = queue.shift(); topic !== undefined; topic = queue.shift()) {
      // a topic created a moment ago may answer "not the leader" once: retried (retriable in kafkajs)
      const partitions = (await retry(() => admin.fetchTopicOffsets(topic), { attempts: 5, initialDelayMs: 100 }))
        .map((p) => ({ partition: p.partition, low: p.low, high: p.high }))
        .sort((a, b) => a.partition - b.partition);
      out.set(topic, { topic, partitions });
    }
  };
  await Promise.all(Array.from({ length: OFFSET_READERS }, worker));
  return out;
}

/**
 * The groups' members, assignments and committed offsets, with the lag against `offsets` (read by
 * the caller, so one ListOffsets serves every group). Topics the group neither commits on nor is
 * assigned are left out; a topic not in `offsets` is read here.
 */
export async function describeConsumerGroups(
  admin: Admin,
  groupIds: readonly string[],
  offsets: Map<string, TopicOffsets>,
): Promise<GroupState[]> {
  if (groupIds.length === 0) return [];
  const { groups } = await admin.describeGroups([...groupIds]);
  return Promise.all(
    groups.map(async (g) => {
      const members: GroupMember[] = g.members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        host: m.clientHost,
        assignment: decodeAssignment(m.memberAssignment),
      }));
      const committed = await admin.fetchOffsets({ groupId: g.groupId });
      const assignedTo = new Map<string, string>();
      for (const m of members)
        for (const [topic, partitions] of Object.entries(m.assignment))
          for (const p of partitions) assignedTo.set(`${topic}:${p}`, m.memberId);
      const topics = new Set([
        ...committed.filter((t) => t.partitions.some((p) => p.offset !== '-1')).map((t) => t.topic),
        ...members.flatMap((m) => Object.keys(m.assignment)),
      ]);
      const missing = [...topics].filter((t) => !offsets.has(t));
      if (missing.length) for (const [t, o] of await readTopicOffsets(admin, missing)) offsets.set(t, o);
      const partitions: PartitionLag[] = [];
      for (const topic of [...topics].sort()) {
        const ends = offsets.get(topic);
        if (!ends) continue;
        const commits = new Map(
          (committed.find((t) => t.topic === topic)?.partitions ?? []).map((p) => [p.partition, p.offset]),
        );
        for (const p of ends.partitions) {
          const at = commits.get(p.partition);
          const has = at !== undefined && at !== '-1';
          partitions.push({
            topic,
            partition: p.partition,
            committed: has ? at : null,
            end: p.high,
            lag: has ? Math.max(0, Number(BigInt(p.high) - BigInt(at))) : null,
            member: assignedTo.get(`${topic}:${p.partition}`) ?? null,
          });
        }
      }
      return { groupId: g.groupId, state: g.state, protocol: g.protocol, members, partitions };
    }),
  );
}

function decodeAssignment(buffer: Buffer): Record<string, number[]> {
  if (!buffer || buffer.length === 0) return {};
  try {
    const decoded = AssignerProtocol.MemberAssignment.decode(buffer);
    return decoded ? { ...decoded.assignment } : {};
  } catch {
    // a client whose assignor writes another format: no assignment to show, the rest still is
    return {};
  }
}
