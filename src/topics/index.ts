/**
 * Topics as code: the config says which topics exist, with how many partitions, which replication
 * factor and which topic configs, and which dead-letter topic goes with each. `planTopics` compares
 * that with the cluster; `applyTopics` carries the plan out (create, add partitions, set configs).
 * Both are idempotent: a second apply finds everything unchanged. What Kafka cannot do in place
 * (fewer partitions, another replication factor) is reported, never attempted.
 */
import { ConfigResourceTypes, type Admin, type Kafka } from 'kafkajs';
import type { TopicConfig } from '../config';
import { createTopicsReady } from '../kafka/admin';
import { toKafkaError } from '../kafka/client';

export type TopicRole = 'topic' | 'dead-letter';
export type TopicAction = 'create' | 'update' | 'unchanged';

export interface TopicConfigChange {
  name: string;
  /** undefined: not set on the topic (the broker's default applies). */
  current: string | undefined;
  wanted: string;
}

export interface TopicPlanEntry {
  topic: string;
  role: TopicRole;
  /** The config topic this entry belongs to (itself for role `topic`). */
  configTopic: string;
  action: TopicAction;
  partitions: { current: number | undefined; wanted: number };
  replicationFactor: { current: number | undefined; wanted: number };
  configChanges: TopicConfigChange[];
  /** What the plan will not change, and why (e.g. fewer partitions than the topic has). */
  warnings: string[];
}

export interface TopicPlan {
  entries: TopicPlanEntry[];
  /** True when applying would change something. */
  changes: boolean;
}

/** The topics a config asks for: each topic and its dead-letter topic (1 partition). */
export function wantedTopics(topics: readonly TopicConfig[]): Array<
  Omit<TopicPlanEntry, 'action' | 'configChanges' | 'warnings' | 'partitions' | 'replicationFactor'> & {
    partitions: number;
    replicationFactor: number;
    configs: Record<string, string>;
  }
> {
  return topics.flatMap((t) => [
    {
      topic: t.name,
      role: 'topic' as const,
      configTopic: t.name,
      partitions: t.partitions,
      replicationFactor: t.replicationFactor,
      configs: t.topicConfig,
    },
    {
      topic: t.deadLetterTopic,
      role: 'dead-letter' as const,
      configTopic: t.name,
      partitions: 1,
      replicationFactor: t.replicationFactor,
      configs: { [MAX_MESSAGE_BYTES]: String(deadLetterMaxBytes(t)), ...t.deadLetterTopicConfig },
    },
  ]);
}

const MAX_MESSAGE_BYTES = 'max.message.bytes';
/** Kafka's default `max.message.bytes` (`message.max.bytes` of the broker): 1 MiB and a batch header. */
const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
/** Room for the `dlq.*` headers (error message capped at 1,000 characters) and the record's framing. */
const DEAD_LETTER_HEADROOM_BYTES = 64 * 1024;

/**
 * A dead letter is its message plus the `dlq.*` headers: its topic takes what the source topic
 * takes and that headroom, so a message near the source's limit is dead-lettered whole, not as a
 * bounded record (src/dlq/headers.ts). A `max.message.bytes` in deadLetterTopicConfig wins.
 */
export function deadLetterMaxBytes(topic: Pick<TopicConfig, 'topicConfig'>): number {
  const source = Number(topic.topicConfig[MAX_MESSAGE_BYTES] ?? KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
  return (Number.isFinite(source) ? source : KAFKA_DEFAULT_MAX_MESSAGE_BYTES) + DEAD_LETTER_HEADROOM_BYTES;
}

export async function planTopics(kafka: Kafka, topics: readonly TopicConfig[]): Promise<TopicPlan> {
  return withAdmin(kafka, 'reading topics', (admin) => planWith(admin, topics));
}

export async function applyTopics(kafka: Kafka, topics: readonly TopicConfig[]): Promise<TopicPlan> {
  return withAdmin(kafka, 'applying topics', async (admin) => {
    const plan = await planWith(admin, topics);
    const create = plan.entries.filter((e) => e.action === 'create');
    if (create.length > 0) {
      await createTopicsReady(
        admin,
        create.map((e) => ({
          topic: e.topic,
          numPartitions: e.partitions.wanted,
          replicationFactor: e.replicationFactor.wanted,
          configEntries: e.configChanges.map((c) => ({ name: c.name, value: c.wanted })),
        })),
      );
    }
    const grow = plan.entries.filter((e) => e.action === 'update' && (e.partitions.current ?? 0) < e.partitions.wanted);
    if (grow.length > 0) {
      await admin.createPartitions({
        topicPartitions: grow.map((e) => ({ topic: e.topic, count: e.partitions.wanted })),
      });
    }
    for (const entry of plan.entries.filter((e) => e.action === 'update' && e.configChanges.length > 0)) {
      // kafkajs has no incremental alter: send the topic's own settings with ours on top, since
      // AlterConfigs resets every setting it is not given
      const own = await topicOwnConfigs(admin, entry.topic);
      for (const change of entry.configChanges) own[change.name] = change.wanted;
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: entry.topic,
            configEntries: Object.entries(own).map(([name, value]) => ({ name, value })),
          },
        ],
      });
    }
    return plan;
  });
}

async function planWith(admin: Admin, topics: readonly TopicConfig[]): Promise<TopicPlan> {
  const existing = new Set(await admin.listTopics());
  const wanted = wantedTopics(topics);
  const present = wanted.filter((w) => existing.has(w.topic)).map((w) => w.topic);
  const metadata = present.length > 0 ? await admin.fetchTopicMetadata({ topics: present }) : { topics: [] };
  const entries: TopicPlanEntry[] = [];
  for (const w of wanted) {
    const meta = metadata.topics.find((t) => t.name === w.topic);
    if (!meta) {
      entries.push({
        topic: w.topic,
        role: w.role,
        configTopic: w.configTopic,
        action: 'create',
        partitions: { current: undefined, wanted: w.partitions },
        replicationFactor: { current: undefined, wanted: w.replicationFactor },
        configChanges: Object.entries(w.configs).map(([name, value]) => ({ name, current: undefined, wanted: value })),
        warnings: [],
      });
      continue;
    }
    const partitions = meta.partitions.length;
    const replicationFactor = meta.partitions[0]?.replicas.length ?? 0;
    const own = Object.keys(w.configs).length > 0 ? await topicOwnConfigs(admin, w.topic) : {};
    const configChanges = Object.entries(w.configs)
      .filter(([name, value]) => own[name] !== value)
      .map(([name, value]) => ({ name, current: own[name], wanted: value }));
    const warnings: string[] = [];
    if (partitions > w.partitions) {
      warnings.push(
        `has ${partitions} partitions, more than the ${w.partitions} of the config: Kafka cannot remove partitions (left as is)`,
      );
    }
    if (replicationFactor !== w.replicationFactor) {
      warnings.push(
        `has replication factor ${replicationFactor}, the config says ${w.replicationFactor}: changing it is a partition reassignment (kafka-reassign-partitions), not done here`,
      );
    }
    const changes = partitions < w.partitions || configChanges.length > 0;
    entries.push({
      topic: w.topic,
      role: w.role,
      configTopic: w.configTopic,
      action: changes ? 'update' : 'unchanged',
      partitions: { current: partitions, wanted: w.partitions },
      replicationFactor: { current: replicationFactor, wanted: w.replicationFactor },
      configChanges,
      warnings,
    });
  }
  return { entries, changes: entries.some((e) => e.action !== 'unchanged') };
}

/** Settings made on the topic itself (not broker or built-in defaults). */
async function topicOwnConfigs(admin: Admin, topic: string): Promise<Record<string, string>> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
  });
  const own: Record<string, string> = {};
  // configSource 1 = DYNAMIC_TOPIC_CONFIG
  for (const entry of described.resources[0]?.configEntries ?? []) {
    if (entry.configSource === 1 && !entry.isSensitive) own[entry.configName] = entry.configValue;
  }
  return own;
}

async function withAdmin<T>(kafka: Kafka, action: string, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await work(admin);
  } catch (error) {
    throw toKafkaError(error, action);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
