import type { Kafka, RecordMetadata } from 'kafkajs';
import { DeliveryTimeoutError } from '../../../src/errors';
import { configureLogging, type LogEntry } from '../../../src/log';
import { bookingsContract } from '../../../src/generated/bookings';
import { createProducer } from '../../../src/producer';
import { createInMemoryRegistry, registerContract } from '../../../src/registry';

/** A kafkajs stand-in whose sends wait until the test answers them: a broker that stalls at will. */
function stallingKafka() {
  const pending: Array<(answer: RecordMetadata[]) => void> = [];
  const kafka = {
    producer: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: ({ messages }: { messages: Array<{ partition?: number }> }) =>
        new Promise<RecordMetadata[]>((resolve) =>
          pending.push(() =>
            resolve(
              [...new Set(messages.map((m) => m.partition!))].map((partition) => ({
                topicName: bookingsContract.topic,
                partition,
                errorCode: 0,
                baseOffset: '0',
              })),
            ),
          ),
        ),
    }),
    admin: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      fetchTopicMetadata: async () => ({ topics: [{ name: bookingsContract.topic, partitions: [{}, {}, {}] }] }),
    }),
  } as unknown as Kafka;
  return { kafka, answerAll: () => pending.splice(0).forEach((answer) => answer([])) };
}

const failed = {
  bookingId: 'B1',
  userId: 'u1',
  type: 'car',
  itemId: 'C1',
  data: { reasonCode: 'timeout', message: 'timeout', stage: 'payment', retryable: true },
} as const;

async function setUp(deliveryTimeoutMs: number) {
  const registry = createInMemoryRegistry({ compatibility: 'NONE' });
  await registerContract(bookingsContract, registry);
  const broker = stallingKafka();
  // the fake is a kafkajs client: this test holds under CONTRACTS_TRANSPORT=platformatic too
  const producer = createProducer({
    contract: bookingsContract,
    kafka: broker.kafka,
    transport: 'kafkajs',
    registry,
    deliveryTimeoutMs,
  });
  await producer.connect();
  return { producer, ...broker };
}

describe('producer deliveryTimeoutMs (one deadline timer for every send in flight)', () => {
  it('rejects every send the broker leaves unanswered past its deadline, each with its own count', async () => {
    const { producer } = await setUp(150);
    const started = Date.now();
    const one = producer.publish('booking.failed', failed);
    await new Promise((r) => setTimeout(r, 60));
    const batch = producer.publishBatch([
      { eventType: 'booking.failed', payload: failed },
      { eventType: 'booking.failed', payload: { ...failed, bookingId: 'B2' } },
    ]);
    const first = await one.catch((e: unknown) => e);
    const firstAt = Date.now() - started;
    const second = await batch.catch((e: unknown) => e);
    const secondAt = Date.now() - started;
    expect(first).toBeInstanceOf(DeliveryTimeoutError);
    expect(second).toBeInstanceOf(DeliveryTimeoutError);
    expect((first as DeliveryTimeoutError).messages).toBe(1);
    expect((second as DeliveryTimeoutError).messages).toBe(2);
    // never before its own deadline: the shared timer, armed for the first send, does not cut the
    // second one (started 60 ms later) short
    expect(firstAt).toBeGreaterThanOrEqual(145);
    expect(secondAt).toBeGreaterThanOrEqual(205);
  });

  it('resolves a send answered in time, and a later stall still times out', async () => {
    const { producer, answerAll } = await setUp(150);
    const answered = producer.publish('booking.failed', failed);
    setTimeout(answerAll, 20);
    await expect(answered).resolves.toMatchObject({ topic: bookingsContract.topic });
    await expect(producer.publish('booking.failed', failed)).rejects.toBeInstanceOf(DeliveryTimeoutError);
  });

  it('says so in the log: one warn line per timed-out send, with the topic, count and code', async () => {
    const lines: LogEntry[] = [];
    configureLogging({ level: 'warn', sink: (entry) => lines.push(entry) });
    try {
      const { producer } = await setUp(50);
      await producer.publish('booking.failed', failed).catch(() => undefined);
    } finally {
      configureLogging({ sink: undefined });
    }
    const line = lines.find((l) => l.logger === 'producer' && l.fields?.code === 'DELIVERY_TIMEOUT');
    expect(line).toMatchObject({
      level: 'warn',
      fields: { topic: bookingsContract.topic, messages: 1, timeoutMs: 50 },
    });
    expect(line?.message).toMatch(/was not acknowledged within 50 ms: the broker is stalled or unreachable$/);
  });
});
