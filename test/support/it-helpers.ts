/**
 * Shared set-up of the kit's integration tests: a contract on a topic of its own, its topics
 * created and its schemas registered on the real stack, and small waiting helpers.
 */
import { Kafka, logLevel } from 'kafkajs';
import type { TopicContract } from '../../src/contract';
import { bookingsContract } from '../../src/generated/bookings';
import { ensureTopics } from '../../src/kafka';
import { createSchemaRegistryClient, registerContract, type SchemaRegistryClient } from '../../src/registry';
import { tailTopic, type TailRecord } from '../../src/tail';
import { uniqueTopic, withTopic } from './contracts';
import { stackEnv } from './stack-env';

export interface ItContext<C extends TopicContract<object, object>> {
  env: ReturnType<typeof stackEnv>;
  kafka: Kafka;
  registry: SchemaRegistryClient;
  contract: C;
}

export async function setUpTopic<C extends TopicContract<object, object> = typeof bookingsContract>(
  prefix: string,
  base: C = bookingsContract as unknown as C,
): Promise<ItContext<C>> {
  const env = stackEnv();
  const kafka = new Kafka({ clientId: prefix, brokers: env.brokers, logLevel: logLevel.NOTHING });
  const registry = createSchemaRegistryClient({ url: env.registryUrl });
  const contract = withTopic(base, uniqueTopic(prefix));
  await ensureTopics(kafka, { ...contract, partitions: 3, replicationFactor: 1 });
  await registerContract(contract, registry);
  return { env, kafka, registry, contract };
}

/** Sum of the end offsets of a topic's partitions: how many records were ever written. */
export async function endOffsetSum(kafka: Kafka, topic: string): Promise<bigint> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + BigInt(p.high), 0n);
  } finally {
    await admin.disconnect();
  }
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Reads `topic` from the beginning until `count` records arrived, decoded as `contracts tail` decodes them. */
export async function readRecords<C extends TopicContract<object, object>>(
  ctx: ItContext<C>,
  topic: string,
  count: number,
): Promise<TailRecord[]> {
  const records: TailRecord[] = [];
  await tailTopic({
    topic,
    brokers: ctx.env.brokers,
    registry: ctx.registry,
    fromBeginning: true,
    maxMessages: count,
    onRecord: (r) => {
      records.push(r);
    },
  });
  return records;
}

/** What an integration test's consumer starts from: this context's servers and contract, from the beginning, no signal handlers. */
export function consumerBase<C extends TopicContract<object, object>>(ctx: ItContext<C>, groupId: string) {
  return {
    contract: ctx.contract,
    groupId,
    brokers: ctx.env.brokers,
    registry: ctx.registry,
    fromBeginning: true,
    stopOnSignals: [] as NodeJS.Signals[],
  };
}
