/**
 * A viewer never receives a tagged field: against the real registry and Kafka, a record whose
 * writer schema tags `email` with PII is read through the UI's messages and dead-letter routes by
 * a viewer (masked, no raw bytes, and the address nowhere in the response) and by an operator (as
 * written). The response bodies are what the page's network would carry.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { parseAvroSchemas } from '../../../src/formats/avro/types';
import { createTopicsReady } from '../../../src/kafka/admin';
import { createSchemaRegistryClient } from '../../../src/registry';
import { createUiServer, type UiServer } from '../../../src/ui';
import { encodeFrame } from '../../../src/wire';
import { stackEnv } from '../../support/stack-env';
import { writeUsersFile } from '../../support/ui-users';

jest.setTimeout(90_000);

const EMAIL = `ana.${randomBytes(3).toString('hex')}@example.com`;
const topic = `masking-${randomBytes(4).toString('hex')}`;
const schema = {
  type: 'record',
  name: 'Signup',
  namespace: `it.masking.t${randomBytes(3).toString('hex')}`,
  fields: [
    { name: 'eventType', type: 'string' },
    { name: 'userId', type: 'string' },
    { name: 'email', type: 'string', 'confluent:tags': ['PII'] },
  ],
};

let ui: UiServer;
let kafka: Kafka;

beforeAll(async () => {
  const env = stackEnv();
  kafka = new Kafka({ clientId: 'masking-it', brokers: env.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsReady(admin, [
    { topic, numPartitions: 1, replicationFactor: 1 },
    { topic: `${topic}.dlq`, numPartitions: 1, replicationFactor: 1 },
  ]);
  await admin.disconnect();
  const registry = createSchemaRegistryClient({ url: env.registryUrl });
  const { id } = await registry.register(`${topic}-value`, { schema: JSON.stringify(schema) });
  const body = parseAvroSchemas([schema]).types[0]!.toBuffer({
    eventType: 'user.signed-up',
    userId: 'u-1',
    email: EMAIL,
  });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ key: 'u-1', value: encodeFrame(id, body) }] });
  // the same record dead-lettered, as a consumer of the kit writes it
  await producer.send({
    topic: `${topic}.dlq`,
    messages: [
      {
        key: 'u-1',
        value: encodeFrame(id, body),
        headers: { 'dlq.reason': 'handler-failed', 'dlq.original.topic': topic, 'dlq.consumer.group': 'signups' },
      },
    ],
  });
  await producer.disconnect();
  const users = writeUsersFile([
    { name: 'ana', role: 'operator', password: 'operator pass' },
    { name: 'vic', role: 'viewer', password: 'viewer pass' },
  ]);
  ui = await createUiServer({ port: 0, registry: env.registryUrl, brokers: env.brokers.join(','), users });
});

afterAll(async () => {
  await ui?.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
  await admin.disconnect();
});

async function cookieOf(name: string, password: string): Promise<string> {
  const reply = await fetch(`${ui.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ui.url },
    body: new URLSearchParams({ name, password }).toString(),
  });
  return reply.headers.get('set-cookie')!.split(';')[0]!;
}

const get = async (cookie: string, path: string) => {
  const reply = await fetch(`${ui.url}${path}`, { headers: { cookie } });
  expect(reply.status).toBe(200);
  return reply.text();
};

describe('masking for viewers', () => {
  it('shows a viewer the messages with the tagged field masked, and nothing of the address', async () => {
    const text = await get(await cookieOf('vic', 'viewer pass'), `/api/topics/${topic}/messages?order=oldest`);
    expect(text).not.toContain(EMAIL);
    const page = JSON.parse(text) as { records: Array<{ value: Record<string, string>; masked?: string[] }> };
    expect(page.records).toHaveLength(1);
    expect(page.records[0]!.value).toEqual({ eventType: 'user.signed-up', userId: 'u-1', email: '••• masked' });
    expect(page.records[0]!.masked).toEqual(['email']);
  });

  it('shows a viewer the dead letter masked, without its bytes', async () => {
    const text = await get(await cookieOf('vic', 'viewer pass'), `/api/topics/${topic}/dead-letters`);
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain(Buffer.from(EMAIL).toString('hex').slice(0, 16));
    const view = JSON.parse(text) as {
      records: Array<{ bytes?: unknown; decoded: { value: Record<string, string> } }>;
    };
    expect(view.records).toHaveLength(1);
    expect(view.records[0]!.bytes).toBeUndefined();
    expect(view.records[0]!.decoded.value.email).toBe('••• masked');
  });

  it('shows an operator the record as written', async () => {
    const cookie = await cookieOf('ana', 'operator pass');
    expect(await get(cookie, `/api/topics/${topic}/messages?order=oldest`)).toContain(EMAIL);
    expect(await get(cookie, `/api/topics/${topic}/dead-letters`)).toContain(EMAIL);
  });
});
