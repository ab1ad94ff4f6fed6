/**
 * The platform at a glance: each topic with its partitions, message counts and retention, the
 * consumer groups that read it with their lag and its trend, and the dead letters of its
 * dead-letter topic per group and reason. One admin connection per read; the dead-letter topic is
 * read again only when its end offsets moved.
 */
import { ConfigResourceTypes, type Admin, type Kafka } from 'kafkajs';
import { readDeadLetters, replayLedgerTopic } from '../dlq/read';
import { toKafkaError } from '../kafka/client';
import { countDeadLetters, replayCommand, type DeadLetterCount } from './dead-letters';
import {
  describeConsumerGroups,
  listConsumerGroups,
  readTopicOffsets,
  type GroupState,
  type PartitionLag,
  type TopicOffsets,
} from './groups';
import { createCommitTimeReader, type CommitTimes } from './commits';
import type { LagTrend, TrendTracker } from './trend';

export interface MonitoredTopic {
  topic: string;
  deadLetterTopic: string;
  /** Where the page knows the topic from: the config, a `<topic>-value` subject, or only the cluster. */
  sources: Array<'config' | 'registry' | 'cluster'>;
}

/** Kafka's own topics (`__consumer_offsets`, `__transaction_state`, …). */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}

/**
 * The topics of the cluster that `known` does not name, as topics of their own (source
 * `cluster`): not a dead-letter topic (a known topic's, or `<topic>.dlq` of a topic on the
 * cluster) nor a replay ledger (`<dead-letter topic>.replayed`), which show with their topic;
 * Kafka's internal `__…` topics only when asked.
 */
export function clusterOnlyTopics(
  names: readonly string[],
  known: readonly MonitoredTopic[],
  options: { internal?: boolean } = {},
): MonitoredTopic[] {
  const present = new Set(names);
  const named = new Set(known.map((t) => t.topic));
  const deadLetterTopics = new Set(known.map((t) => t.deadLetterTopic));
  for (const name of names) if (present.has(`${name}.dlq`)) deadLetterTopics.add(`${name}.dlq`);
  const ledgers = new Set([...deadLetterTopics].map(replayLedgerTopic));
  return names
    .filter((n) => !named.has(n) && !deadLetterTopics.has(n) && !ledgers.has(n))
    .filter((n) => options.internal || !isInternalTopic(n))
    .sort()
    .map((topic) => ({ topic, deadLetterTopic: `${topic}.dlq`, sources: ['cluster'] }));
}

export interface TopicGroup {
  groupId: string;
  state: string;
  members: number;
  /** Total lag over the partitions with a commit; null when the group never committed here. */
  lag: number | null;
  partitions: PartitionLag[];
  trend: LagTrend;
}

export interface TopicOverview {
  topic: string;
  sources: MonitoredTopic['sources'];
  exists: boolean;
  partitions: Array<{ partition: number; low: string; high: string; messages: number }>;
  /** Records held: end minus start offset, summed (compaction and transaction markers make it an upper bound). */
  messages: number;
  retentionMs: string | null;
  cleanupPolicy: string | null;
  groups: TopicGroup[];
  /**
   * `counts` per group and reason for a topic of the config or the registry; a topic known only
   * from the cluster has its dead-letter topic's record count alone (`counted: false`), so that an
   * overview of a large cluster does not read every dead-letter topic to its end.
   */
  deadLetters: { topic: string; exists: boolean; records: number; counts: DeadLetterCount[]; counted: boolean };
}

export interface GroupSummary {
  groupId: string;
  state: string;
  members: number;
  topics: string[];
  lag: number | null;
  stalled: boolean;
}

export interface ClusterOverview {
  /** ISO 8601: when Kafka was read. */
  at: string;
  topics: TopicOverview[];
  /** Every consumer group, the ones reading no shown topic too. */
  groups: GroupSummary[];
}

export interface OverviewReadOptions {
  /** Also every other topic of the cluster (clusterOnlyTopics). */
  cluster?: boolean;
  /** With `cluster`: Kafka's internal `__…` topics too. */
  internal?: boolean;
}

export interface OverviewReader {
  read(topics: readonly MonitoredTopic[], options?: OverviewReadOptions): Promise<ClusterOverview>;
  /** One group in full, with the trend of each topic it reads and when it last committed (the broker's record). */
  group(groupId: string): Promise<(GroupState & { trends: Record<string, LagTrend>; commits: CommitTimes }) | null>;
  /** Waits for the background reads (the commit times) to end. */
  close(): Promise<void>;
}

export interface OverviewOptions {
  kafka: Kafka;
  trends: TrendTracker;
  /** How the CLI is started where the UI runs, for the replay commands. */
  cli: string;
  timeoutMs?: number;
}

export function createOverviewReader(options: OverviewOptions): OverviewReader {
  const { kafka, trends } = options;
  const deadLetterCache = new Map<string, { ends: string; counts: DeadLetterCount[]; records: number }>();
  const commitTimes = createCommitTimeReader(kafka);

  const withAdmin = async <T>(action: string, run: (admin: Admin) => Promise<T>): Promise<T> => {
    const admin = kafka.admin();
    try {
      await admin.connect();
      return await run(admin);
    } catch (error) {
      throw toKafkaError(error, action);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };

  const deadLettersOf = async (topic: MonitoredTopic, offsets: TopicOffsets | undefined) => {
    if (!offsets) return { topic: topic.deadLetterTopic, exists: false, records: 0, counts: [], counted: true };
    if (topic.sources.length === 1 && topic.sources[0] === 'cluster') {
      const records = offsets.partitions.reduce((sum, p) => sum + Number(BigInt(p.high) - BigInt(p.low)), 0);
      return { topic: topic.deadLetterTopic, exists: true, records, counts: [], counted: false };
    }
    const ends = offsets.partitions.map((p) => `${p.low}-${p.high}`).join(',');
    let hit = deadLetterCache.get(topic.deadLetterTopic);
    if (!hit || hit.ends !== ends) {
      const entries = await readDeadLetters(kafka, topic.deadLetterTopic, options.timeoutMs ?? 30_000);
      const counts = countDeadLetters(entries, (group, reason) =>
        replayCommand(options.cli, topic.topic, group, reason),
      );
      hit = { ends, counts, records: entries.length };
      deadLetterCache.set(topic.deadLetterTopic, hit);
    }
    return { topic: topic.deadLetterTopic, exists: true, records: hit.records, counts: hit.counts, counted: true };
  };

  const read = async (known: readonly MonitoredTopic[], how: OverviewReadOptions = {}): Promise<ClusterOverview> => {
    let topics = known;
    const { offsets, groups, configs } = await withAdmin('reading the cluster', async (admin) => {
      if (how.cluster) topics = [...known, ...clusterOnlyTopics(await admin.listTopics(), known, how)];
      const names = [...new Set(topics.flatMap((t) => [t.topic, t.deadLetterTopic]))];
      const offsets = await readTopicOffsets(admin, names);
      const groups = await describeConsumerGroups(admin, await listConsumerGroups(admin), offsets);
      const present = topics.map((t) => t.topic).filter((t) => offsets.has(t));
      const configs = new Map<string, Record<string, string>>();
      if (present.length) {
        const described = await admin.describeConfigs({
          includeSynonyms: false,
          resources: present.map((name) => ({
            type: ConfigResourceTypes.TOPIC,
            name,
            configNames: ['retention.ms', 'cleanup.policy'],
          })),
        });
        for (const r of described.resources)
          configs.set(r.resourceName, Object.fromEntries(r.configEntries.map((e) => [e.configName, e.configValue])));
      }
      return { offsets, groups, configs };
    });
    const stalledGroups = new Set<string>();
    const overviews: TopicOverview[] = [];
    for (const t of topics) {
      const o = offsets.get(t.topic);
      const reading: TopicGroup[] = [];
      for (const g of groups) {
        const partitions = g.partitions.filter((p) => p.topic === t.topic);
        if (partitions.length === 0) continue;
        const trend = trends.observe(g.groupId, t.topic, partitions);
        if (trend.stalled) stalledGroups.add(g.groupId);
        const committed = partitions.filter((p) => p.lag !== null);
        reading.push({
          groupId: g.groupId,
          state: g.state,
          members: g.members.length,
          lag: committed.length ? committed.reduce((sum, p) => sum + p.lag!, 0) : null,
          partitions,
          trend,
        });
      }
      const partitions = (o?.partitions ?? []).map((p) => ({
        ...p,
        messages: Number(BigInt(p.high) - BigInt(p.low)),
      }));
      overviews.push({
        topic: t.topic,
        sources: t.sources,
        exists: o !== undefined,
        partitions,
        messages: partitions.reduce((sum, p) => sum + p.messages, 0),
        retentionMs: configs.get(t.topic)?.['retention.ms'] ?? null,
        cleanupPolicy: configs.get(t.topic)?.['cleanup.policy'] ?? null,
        groups: reading,
        deadLetters: await deadLettersOf(t, offsets.get(t.deadLetterTopic)),
      });
    }
    return {
      at: new Date().toISOString(),
      topics: overviews,
      groups: groups.map((g) => {
        const committed = g.partitions.filter((p) => p.lag !== null);
        return {
          groupId: g.groupId,
          state: g.state,
          members: g.members.length,
          topics: [...new Set(g.partitions.map((p) => p.topic))],
          lag: committed.length ? committed.reduce((sum, p) => sum + p.lag!, 0) : null,
          stalled: stalledGroups.has(g.groupId),
        };
      }),
    };
  };

  const group = async (groupId: string) =>
    withAdmin(`reading group ${groupId}`, async (admin) => {
      const known = await listConsumerGroups(admin);
      if (!known.includes(groupId)) return null;
      const [state] = await describeConsumerGroups(admin, [groupId], new Map());
      if (!state) return null;
      const trendsByTopic: Record<string, LagTrend> = {};
      for (const topic of new Set(state.partitions.map((p) => p.topic)))
        trendsByTopic[topic] = trends.observe(
          groupId,
          topic,
          state.partitions.filter((p) => p.topic === topic),
        );
      return { ...state, trends: trendsByTopic, commits: await commitTimes.read(groupId) };
    });

  return { read, group, close: () => commitTimes.close() };
}
