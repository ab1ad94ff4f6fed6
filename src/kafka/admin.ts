import type { Admin, Kafka } from 'kafkajs';
import type { TopicContract } from '../contract';
import { TopicNotFoundError } from '../errors';
import { toKafkaError } from './client';

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
    if (topics.length > 0) await admin.createTopics({ topics, waitForLeaders: true });
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
