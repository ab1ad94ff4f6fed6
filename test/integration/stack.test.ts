/**
 * Smoke test of the real stack, and the proof that kafkajs 2.2.4 (which negotiates protocol
 * versions with the broker) works against the Kafka release the stack runs: Kafka 4 removed the
 * old protocol versions (KIP-896), so produce, fetch, group membership, offsets and topic
 * administration are all exercised here.
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { loadConfig } from '../../src/config';
import { createTopicsReady } from '../../src/kafka';
import { stackEnv } from '../support/stack-env';
import { testStack } from '../support/test-stack';

// jest.config.js sets testTimeout on the project, which Jest ignores there; restarts need longer.
jest.setTimeout(120_000);

const rootDir = resolve(__dirname, '..', '..');
const env = stackEnv();
const kafka = new Kafka({ clientId: 'stack-smoke-test', brokers: env.brokers, logLevel: logLevel.NOTHING });
const runId = randomUUID().slice(0, 8);
/** Tests that restart servers need the local stack; against external servers they are reported as skipped. */
const localStackOnly = env.local ? it : it.skip;

let admin: Admin;
const opened: Array<{ disconnect(): Promise<void> }> = [];

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  opened.push(admin);
});

afterAll(async () => {
  for (const client of opened.reverse()) await client.disconnect().catch(() => undefined);
});

async function producer(): Promise<Producer> {
  const p = kafka.producer({ allowAutoTopicCreation: false });
  await p.connect();
  opened.push(p);
  return p;
}

/** Consumes `count` messages from the start of `topic` in a fresh group, then leaves it. */
async function consume(
  topic: string,
  groupId: string,
  count: number,
): Promise<Array<{ key: string; value: Buffer; partition: number; offset: string }>> {
  const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  opened.push(consumer);
  await consumer.subscribe({ topic, fromBeginning: true });
  const received: Array<{ key: string; value: Buffer; partition: number; offset: string }> = [];
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`received ${received.length}/${count} messages from ${topic} in 60 s`)),
      60_000,
    );
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          received.push({
            key: message.key?.toString() ?? '',
            value: message.value ?? Buffer.alloc(0),
            partition,
            offset: message.offset,
          });
          if (received.length === count) {
            clearTimeout(timer);
            done();
          }
        },
      })
      .catch(fail);
  });
  await consumer.disconnect(); // commits the consumed offsets and leaves the group
  return received;
}

describe('the stack serves', () => {
  it('exposes both servers through KAFKA_BROKERS and SCHEMA_REGISTRY_URL', async () => {
    expect(env.brokers.length).toBeGreaterThan(0);
    expect(env.registryUrl).toMatch(/^https?:\/\//);
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.length).toBeGreaterThan(0);
    const subjects = await fetch(`${env.registryUrl}/subjects`);
    expect(subjects.status).toBe(200);
    expect(Array.isArray(await subjects.json())).toBe(true);
  });
});

describe('smoke: bookings topic, a registered schema, one record through Kafka', () => {
  it('creates the bookings topic as contracts.config.json says, registers a schema and round-trips a record', async () => {
    const config = loadConfig('contracts.config.json', rootDir);
    const bookings = config.topics.find((t) => t.name === 'bookings');
    if (!bookings) throw new Error('contracts.config.json has no bookings topic');
    // the config's settings on a topic of this run: other tests may already have created `bookings`
    const topicName = `${bookings.name}-smoke-${Date.now().toString(36)}`;

    await createTopicsReady(admin, [
      { topic: topicName, numPartitions: bookings.partitions, replicationFactor: bookings.replicationFactor },
    ]);
    const metadata = await admin.fetchTopicMetadata({ topics: [topicName] });
    expect(metadata.topics[0]?.partitions).toHaveLength(bookings.partitions);
    for (const partition of metadata.topics[0]?.partitions ?? []) {
      expect(partition.replicas).toHaveLength(bookings.replicationFactor);
    }

    // Register through the Confluent-compatible API with the Confluent client library.
    const registry = new SchemaRegistry({ host: env.registryUrl });
    const subject = `stack-smoke-${runId}-value`;
    const schema = JSON.stringify({
      type: 'record',
      name: 'StackSmoke',
      namespace: 'test.stack',
      fields: [
        { name: 'bookingId', type: 'string' },
        { name: 'amountMinor', type: 'long' },
      ],
    });
    const { id } = await registry.register({ type: SchemaType.AVRO, schema }, { subject });
    expect(id).toBeGreaterThan(0);
    const byId = await fetch(`${env.registryUrl}/schemas/ids/${id}`);
    expect(byId.status).toBe(200);

    const record = { bookingId: `b-${runId}`, amountMinor: 12_345 };
    const value = await registry.encode(id, record);
    expect(value[0]).toBe(0); // Confluent framing: magic byte, then the 4-byte schema ID
    expect(value.readInt32BE(1)).toBe(id);
    const p = await producer();
    await p.send({ topic: topicName, messages: [{ key: record.bookingId, value }] });

    // The topic may hold records from earlier runs; read until ours arrives.
    const consumer = kafka.consumer({ groupId: `stack-smoke-${runId}` });
    await consumer.connect();
    opened.push(consumer);
    await consumer.subscribe({ topic: topicName, fromBeginning: true });
    const decoded = await new Promise<unknown>((done, fail) => {
      const timer = setTimeout(() => fail(new Error('our record did not arrive within 60 s')), 60_000);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            if (message.key?.toString() !== record.bookingId || !message.value) return;
            clearTimeout(timer);
            done(await registry.decode(message.value));
          },
        })
        .catch(fail);
    });
    await consumer.disconnect();
    expect(decoded).toEqual(record);

    await fetch(`${env.registryUrl}/subjects/${subject}`, { method: 'DELETE' });
    await fetch(`${env.registryUrl}/subjects/${subject}?permanent=true`, { method: 'DELETE' });
  });
});

describe('kafkajs 2.2.4 against this Kafka release', () => {
  it('administers topics: create, list, describe, fetch offsets, delete', async () => {
    const topic = `kafkajs-proof-admin-${runId}`;
    await createTopicsReady(admin, [{ topic, numPartitions: 3, replicationFactor: 1 }]);
    expect(await admin.listTopics()).toContain(topic);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
    await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
    // On a 3-node cluster the new partitions reach every broker's metadata a moment later.
    await waitFor(async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length === 4);
    expect((await admin.fetchTopicOffsets(topic)).map((o) => o.high).sort()).toEqual(['0', '0', '0', '0']);
    const configs = await admin.describeConfigs({ resources: [{ type: 2, name: topic }], includeSynonyms: false });
    expect(configs.resources[0]?.configEntries.some((e) => e.configName === 'retention.ms')).toBe(true);
    await admin.deleteTopics({ topics: [topic] });
    await waitFor(async () => !(await admin.listTopics()).includes(topic));
  });

  it('produces (idempotent, batch), consumes in a group, commits and fetches offsets', async () => {
    const topic = `kafkajs-proof-data-${runId}`;
    const groupId = `kafkajs-proof-${runId}`;
    // created, then waited for past KRaft's brief UNKNOWN_TOPIC_OR_PARTITION (kafkajs's waitForLeaders gives up on it)
    await createTopicsReady(admin, [{ topic, numPartitions: 2, replicationFactor: 1 }]);

    const idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await idempotent.connect();
    opened.push(idempotent);
    const sent = Array.from({ length: 10 }, (_, i) => ({
      key: `k${i % 4}`,
      value: `v${i}`,
      headers: { n: String(i) },
    }));
    const results = await idempotent.send({ topic, messages: sent, acks: -1 });
    expect(results.every((r) => r.errorCode === 0)).toBe(true);

    const received = await consume(topic, groupId, sent.length);
    expect(received.map((m) => m.value.toString()).sort()).toEqual(sent.map((m) => m.value).sort());
    // Same key, same partition.
    const partitionOfKey = new Map<string, number>();
    for (const m of received) {
      expect(partitionOfKey.get(m.key) ?? m.partition).toBe(m.partition);
      partitionOfKey.set(m.key, m.partition);
    }

    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committedTotal = committed[0]?.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(committedTotal).toBe(sent.length);
    const groups = await admin.describeGroups([groupId]);
    expect(groups.groups[0]?.protocolType).toBe('consumer');
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).toContain(groupId);

    await admin.deleteGroups([groupId]);
    await admin.deleteTopics({ topics: [topic] });
  });
});

describe('the local stack itself', () => {
  localStackOnly('reuses a running stack (idempotent up) and reports it as running', async () => {
    const stack = testStack();
    const result = await stack.up();
    expect(result.reused).toBe(true);
    expect(result.started).toEqual([]);
    expect(result.env).toEqual({ KAFKA_BROKERS: env.brokers.join(','), SCHEMA_REGISTRY_URL: env.registryUrl });
    const status = await stack.status();
    expect(status.state).toBe('running');
    expect(status.env?.SCHEMA_REGISTRY_URL).toBe(env.registryUrl);
    // The whole stack stays under the 2 GiB memory target.
    expect(status.totalRssBytes).toBeLessThan(2 * 1024 ** 3);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
