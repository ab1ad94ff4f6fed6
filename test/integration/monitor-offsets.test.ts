/**
 * The monitor reads every topic's offsets for the overview and the groups pages: on a cluster
 * with many topics (the overview failed with ~45), each is read and none is dropped.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { createTopicsReady } from '../../src/kafka';
import { readTopicOffsets } from '../../src/monitor';
import { stackEnv } from '../support/stack-env';

jest.setTimeout(120_000);

const env = stackEnv();
const kafka = new Kafka({ clientId: 'monitor-offsets-it', brokers: env.brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const topics = Array.from({ length: 60 }, (_, i) => `monitor-many-${randomBytes(3).toString('hex')}-${i}`);

beforeAll(async () => {
  await admin.connect();
  await createTopicsReady(
    admin,
    topics.map((topic) => ({ topic, numPartitions: 2 })),
  );
});
afterAll(async () => {
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
});

it('reads the offsets of 60 topics at once, each with its partitions', async () => {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: topics[7]!, messages: [{ value: 'x', partition: 1 }] });
  await producer.disconnect();
  const offsets = await readTopicOffsets(admin, [...topics, 'monitor-many-missing']);
  expect([...offsets.keys()].sort()).toEqual([...topics].sort());
  for (const topic of topics) expect(offsets.get(topic)?.partitions.map((p) => p.partition)).toEqual([0, 1]);
  expect(offsets.get(topics[7]!)?.partitions[1]).toMatchObject({ low: '0', high: '1' });
});
