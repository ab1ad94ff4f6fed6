import type { Admin, ITopicConfig, Kafka } from 'kafkajs';
import type { TopicContract } from '../contract';
import { KafkaError, TopicNotFoundError } from '../errors';
import { retry } from '../retry';
import { toKafkaError } from './client';

/**
 * Creates topics and waits until every partition has a leader. kafkajs's own `waitForLeaders` gives
 * up on the first UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers for a moment after a
 * creation while its metadata catches up (seen under load); here that answer is waited out.
 */
export async function createTopicsReady(admin: Admin, topics: ITopicConfig[]): Promise<void> {
  if (topics.length === 0) return;
  await admin.createTopics({ topics, waitForLeaders: false });
  const names = topics.map((t) => t.topic);
  await retry(
    async () => {
      const metadata = await admin.fetchTopicMetadata({ topics: names });
      const waiting = metadata.topics.filter(
        (t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0),
      );
      if (waiting.length > 0) {
        throw new KafkaError(`no leader yet for ${waiting.map((t) => t.name).join(', ')}`, waiting[0]!.name, {
          retriable: true,
        });
      }
    },
    { attempts: 30, initialDelayMs: 100, maxDelayMs: 1_000 },
  );
}

/** Creates the contract's topic and its dead-letter topic when missing (partitions from the contract). */
export async function ensureTopics(
  kafka: Kafka,
  contract: Pick<TopicContract, 'topic' | 'deadLetterTopic' | 'partitions' | 'replicationFactor'>,
): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const topics = [
      { topic: contract.topic, numPartitions: contract.partitions },
      { topic: contract.deadLetterTopic, numPartitions: 1 },
    ]
      .filter((t) => !existing.has(t.topic))
      .map((t) => ({ ...t, replicationFactor: contract.replicationFactor }));
    await createTopicsReady(admin, topics);
  } catch (error) {
    throw toKafkaError(error, 'creating topics', contract.topic);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** For read-only commands: a missing topic is an error, never auto-created by a metadata request. */
export async function assertTopicsExist(
  admin: Admin,
  topics: readonly string[],
  brokers?: readonly string[],
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.find((topic) => !existing.has(topic));
  if (missing !== undefined) throw new TopicNotFoundError(missing, brokers);
}
