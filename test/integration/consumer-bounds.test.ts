/**
 * What used to stall a partition without a sound, on the real stack: a record too large for the
 * dead-letter topic, a poison record with a huge key, a handler that never returns, two replays of
 * the same dead letters started together, and a proxy's plain 404 for a referenced schema. Each must end in a dead letter (or a typed
 * stop), a log line, and the partition moving on.
 */
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { createConsumer, CONSUMER_EVENTS, type Consumer, type Handlers } from '../../src/consumer';
import { DLQ_HEADERS, headerString, replayDeadLetters, DEAD_LETTER_PREFIX_BYTES } from '../../src/dlq';
import { bookingsContract } from '../../src/generated/bookings';
import { bookingsProtoContract } from '../../src/generated/bookings-proto';
import { createProducer } from '../../src/producer';
import { createTopicsReady } from '../../src/kafka';
import { configureLogging, type LogEntry } from '../../src/log';
import { createSchemaRegistryClient, registerContract } from '../../src/registry';
import { createSerde } from '../../src/serde';
import { bookingEvents } from '../support/bookings-fixtures';
import { uniqueTopic, withTopic } from '../support/contracts';
import { waitFor } from '../support/it-helpers';
import { protobufPlainEvents } from '../support/protobuf-fixtures';
import { startRouteFilterProxy } from '../support/route-filter-proxy';
import { stackEnv } from '../support/stack-env';

jest.setTimeout(120_000);

type Bookings = typeof bookingsContract;
const env = stackEnv();
const kafka = new Kafka({ clientId: 'bounds-it', brokers: env.brokers, logLevel: logLevel.NOTHING });
const registry = createSchemaRegistryClient({ url: env.registryUrl });
const consumers: Consumer<Bookings>[] = [];
const logged: LogEntry[] = [];

/** A topic that takes records up to 3 MB, and its dead-letter topic with the broker's default (1 MB); 3 partitions each. */
async function topicPair(prefix: string) {
  const contract = withTopic(bookingsContract, uniqueTopic(prefix));
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsReady(admin, [
    {
      topic: contract.topic,
      numPartitions: 3,
      configEntries: [{ name: 'max.message.bytes', value: String(3 * 1024 * 1024) }],
    },
    { topic: contract.deadLetterTopic, numPartitions: 3 },
  ]);
  await admin.disconnect();
  await registerContract(contract, registry);
  return { contract, serde: createSerde(contract, registry) };
}

/** Raw records onto one partition (no key hashing, no validation): what a broken producer sends. */
async function sendRaw(topic: string, partition: number, messages: Array<{ key?: Buffer | string; value: Buffer }>) {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: messages.map((m) => ({ ...m, partition })) });
  await producer.disconnect();
}

async function readAll(topic: string, partitions = 3): Promise<Array<KafkaMessage & { partition: number }>> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = ends.reduce((n, p) => n + Number(p.high), 0);
  const out: Array<KafkaMessage & { partition: number }> = [];
  if (total === 0) return out;
  const reader = kafka.consumer({ groupId: `bounds-read-${randomUUID()}` });
  await reader.connect();
  await reader.subscribe({ topic, fromBeginning: true });
  await reader.run({ eachMessage: async ({ partition, message }) => void out.push({ ...message, partition }) });
  await waitFor(() => out.length >= total, `${total} records of ${topic} (of ${partitions} partitions)`, 60_000);
  await reader.disconnect();
  return out;
}

type Options = Parameters<typeof createConsumer<Bookings>>[0];

function consumer(contract: Bookings, handlers: Partial<Handlers<Bookings>>, extra: Partial<Options> = {}) {
  const c = createConsumer<Bookings>({
    contract,
    groupId: `bounds-${randomUUID()}`,
    brokers: env.brokers,
    registry,
    fromBeginning: true,
    stopOnSignals: [],
    retry: { attempts: 2, initialDelayMs: 10 },
    handlers: {
      'booking.created': async () => undefined,
      'booking.confirmed': async () => undefined,
      'booking.cancelled': async () => undefined,
      'booking.failed': async () => undefined,
      ...handlers,
    },
    ...extra,
  });
  consumers.push(c);
  return c;
}

beforeAll(() => configureLogging({ level: 'warn', sink: (entry) => logged.push(entry) }));
afterAll(async () => {
  configureLogging({ sink: undefined });
  for (const c of consumers) await c.stop().catch(() => undefined);
});

describe('a record too large for the dead-letter topic', () => {
  it('is dead-lettered as a bounded record, and the events behind it are handled', async () => {
    const { contract, serde } = await topicPair('bounds-large');
    const events = bookingEvents(`LARGE-${randomUUID().slice(0, 6)}`);
    const good = [await serde.encode(events['booking.created']), await serde.encode(events['booking.confirmed'])];
    const huge = Buffer.alloc(1_500_000, 0x41); // not framed: poison, and larger than the DLQ's 1 MB
    await sendRaw(contract.topic, 0, [{ key: 'k', value: huge }, ...good.map((value) => ({ key: 'k', value }))]);

    const handled: string[] = [];
    const c = consumer(contract as Bookings, {
      'booking.created': async (e) => void handled.push(e.eventType),
      'booking.confirmed': async (e) => void handled.push(e.eventType),
    });
    await c.start();
    await waitFor(() => handled.length === 2, 'both events behind the large record');
    expect(c.health().state).toBe('running');

    const dead = await readAll(contract.deadLetterTopic);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.partition).toBe(0);
    expect(dead[0]!.value!.length).toBe(DEAD_LETTER_PREFIX_BYTES);
    expect(headerString(dead[0]!.headers, DLQ_HEADERS.TRUNCATED)).toBe('true');
    expect(headerString(dead[0]!.headers, DLQ_HEADERS.ORIGINAL_VALUE_SIZE)).toBe('1500000');
    expect(headerString(dead[0]!.headers, DLQ_HEADERS.REASON)).toBe('undecodable');
    expect(logged.some((l) => l.message.includes('writing a truncated record instead'))).toBe(true);
    expect(logged.some((l) => l.message.startsWith(`dead-lettered ${contract.topic}[0]@0`))).toBe(true);
  });
});

describe('a poison record with a huge key', () => {
  it('is dead-lettered once, to the partition it came from, without hashing the key', async () => {
    const { contract } = await topicPair('bounds-key');
    await sendRaw(contract.topic, 2, [{ key: Buffer.alloc(900 * 1024, 0x6b), value: Buffer.from('not an event') }]);
    const delay = monitorEventLoopDelay({ resolution: 20 });
    const c = consumer(contract as Bookings, {});
    const dead: number[] = [];
    c.on(CONSUMER_EVENTS.DEAD_LETTERED, (e) => dead.push(e.partition));
    delay.enable();
    await c.start();
    await waitFor(() => dead.length === 1, 'the dead letter');
    delay.disable();
    const records = await readAll(contract.deadLetterTopic);
    expect(records.map((r) => r.partition)).toEqual([2]);
    expect(records[0]!.key!.length).toBe(900 * 1024);
    // the figure for the record: kafkajs's murmur2 over this key blocked the event loop for ~2 minutes
    process.stdout.write(`huge key: event loop blocked at most ${(delay.max / 1e6).toFixed(0)} ms\n`);
  });
});

describe('a handler that never returns', () => {
  it('times out (HANDLER_TIMEOUT), is retried, then dead-lettered; the partitions behind it carry on', async () => {
    const { contract, serde } = await topicPair('bounds-hang');
    const hang = bookingEvents(`HANG-${randomUUID().slice(0, 6)}`)['booking.created'];
    const others = Array.from({ length: 6 }, (_, i) => bookingEvents(`OK-${i}`)['booking.confirmed']);
    await sendRaw(contract.topic, 0, [{ value: await serde.encode(hang) }]);
    const encoded = await Promise.all(others.map((e) => serde.encode(e)));
    await sendRaw(
      contract.topic,
      1,
      encoded.slice(0, 3).map((value) => ({ value })),
    );
    await sendRaw(
      contract.topic,
      2,
      encoded.slice(3).map((value) => ({ value })),
    );
    const handled: string[] = [];
    const aborted: unknown[] = [];
    const c = consumer(
      contract as Bookings,
      {
        'booking.created': (_e, ctx) =>
          new Promise<void>(() => {
            ctx.signal.addEventListener('abort', () => aborted.push(ctx.signal.reason));
          }),
        'booking.confirmed': async (e) => void handled.push(e.bookingId),
      },
      { handlerTimeoutMs: 400 },
    );
    const dead: Array<{ code?: string }> = [];
    c.on(CONSUMER_EVENTS.DEAD_LETTERED, (e) => dead.push((e.error as { cause?: { code?: string } }).cause ?? {}));
    await c.start();
    await waitFor(() => handled.length === 6 && dead.length === 1, 'the other events and the dead letter');
    expect(dead[0]!.code).toBe('HANDLER_TIMEOUT');
    expect(aborted).toHaveLength(2);
    expect(logged.some((l) => l.message.includes('did not finish within 400 ms'))).toBe(true);
  });

  it('is reported by health() as a stall (degraded, the partition, offset and why) and logged; stop() does not wait for it, and the message stays uncommitted', async () => {
    const { contract, serde } = await topicPair('bounds-stop');
    await sendRaw(contract.topic, 0, [{ value: await serde.encode(bookingEvents('STOP-1')['booking.created']) }]);
    let started = false;
    const c = consumer(
      contract as Bookings,
      {
        'booking.created': () => {
          started = true;
          return new Promise<void>(() => undefined);
        },
      },
      { handlerTimeoutMs: Infinity, stallAfterMs: 500 },
    );
    const { groupId } = c.health();
    await c.start();
    await waitFor(() => started, 'the handler to start');
    await waitFor(() => c.health().state === 'degraded', 'health to say degraded', 10_000);
    expect(c.health().problems).toEqual([
      expect.objectContaining({
        kind: 'stalled',
        topic: contract.topic,
        partition: 0,
        offset: '0',
        why: expect.stringMatching(/^the handler of booking\.created at offset 0 has run \d+ s$/),
      }),
    ]);
    await waitFor(
      () => logged.some((l) => l.message.startsWith(`${contract.topic}[0] has made no progress`)),
      'the stall line',
      10_000,
    );
    const began = Date.now();
    await c.stop();
    process.stdout.write(`stop() with a hung handler returned in ${Date.now() - began} ms\n`);
    const admin = kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [contract.topic] });
    await admin.disconnect();
    expect(offsets!.partitions.find((p) => p.partition === 0)?.offset).toBe('-1');
  });
});

describe('two replays of the same dead letters started together', () => {
  it('deliver each record once in all', async () => {
    const { contract, serde } = await topicPair('bounds-replay');
    const groupId = `bounds-replay-${randomUUID()}`;
    const ids = Array.from({ length: 20 }, (_, i) => `REPLAY-${i}`);
    const values = await Promise.all(ids.map((id) => serde.encode(bookingEvents(id)['booking.created'])));
    await sendRaw(
      contract.topic,
      1,
      values.map((value) => ({ value })),
    );
    let failing = true;
    const seen: string[] = [];
    const make = () =>
      consumer(
        contract as Bookings,
        {
          'booking.created': async (e) => {
            if (failing) throw new Error('billing is down');
            seen.push(e.bookingId);
          },
        },
        { groupId, retry: { attempts: 1 } },
      );
    const first = make();
    let deadLettered = 0;
    first.on(CONSUMER_EVENTS.DEAD_LETTERED, () => (deadLettered += 1));
    await first.start();
    await waitFor(() => deadLettered === 20, '20 dead letters');
    failing = false;

    const runs = await Promise.allSettled(
      [0, 1].map(() => replayDeadLetters({ contract, group: groupId, brokers: env.brokers })),
    );
    const replayed = runs.map((r) => (r.status === 'fulfilled' ? r.value.replayed : 0));
    process.stdout.write(
      `overlapping replays: ${runs.map((r) => (r.status === 'fulfilled' ? `replayed ${r.value.replayed}` : `refused: ${(r.reason as Error).message.slice(0, 120)}`)).join(' | ')}\n`,
    );
    expect(replayed.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(20);
    // what a run left undone (fenced by the other) is sent by a third, never twice
    await replayDeadLetters({ contract, group: groupId, brokers: env.brokers });
    await waitFor(() => new Set(seen).size === 20, 'every dead letter handled after the replays');
    await new Promise((r) => setTimeout(r, 2_000)); // a second copy would arrive by now: none may
    expect(seen.sort()).toEqual([...ids].sort());
  });
});

describe('a proxy answering a reference lookup with a plain 404', () => {
  it('pauses the partition (the environment), dead-letters nothing, and handles every event once it answers again', async () => {
    const contract = withTopic(bookingsProtoContract, uniqueTopic('bounds-404'));
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsReady(admin, [
      { topic: contract.topic, numPartitions: 3 },
      { topic: contract.deadLetterTopic, numPartitions: 3 },
    ]);
    await admin.disconnect();
    await registerContract(contract, registry);
    let broken = true;
    const proxy = await startRouteFilterProxy(env.registryUrl, [
      {
        // a proxy's own page for one referenced subject: no registry error code in it
        matches: (method, path) => broken && method === 'GET' && path.includes('money.proto'),
        status: 404,
        body: '<html><body>404 Not Found</body></html>',
      },
    ]);
    try {
      const producer = createProducer({ contract, brokers: env.brokers, registry });
      await producer.connect();
      const events = protobufPlainEvents(`P404-${randomUUID().slice(0, 6)}`);
      for (const type of ['booking.created', 'booking.confirmed', 'booking.failed'] as const)
        await producer.publish(type, events[type] as never);
      await producer.disconnect();

      const handled: string[] = [];
      const dead: string[] = [];
      const c = createConsumer({
        contract,
        groupId: `bounds-404-${randomUUID()}`,
        brokers: env.brokers,
        registry: createSchemaRegistryClient({ url: proxy.url }),
        fromBeginning: true,
        stopOnSignals: [],
        transientRetry: { initialDelayMs: 100, maxDelayMs: 300 },
        // the health watch runs every stallAfterMs / 2 (at most every 10 s)
        stallAfterMs: 2_000,
        handlers: {
          'booking.created': (e) => void handled.push(e.eventType),
          'booking.confirmed': (e) => void handled.push(e.eventType),
          'booking.cancelled': (e) => void handled.push(e.eventType),
          'booking.failed': (e) => void handled.push(e.eventType),
        },
      });
      c.on(CONSUMER_EVENTS.DEAD_LETTERED, (e) => dead.push(e.offset));
      const states: string[] = [];
      c.on(CONSUMER_EVENTS.STATE_CHANGED, (e) => states.push(e.state));
      await c.start();
      try {
        await waitFor(() => c.health().problems.some((p) => p.kind === 'paused'), 'a paused partition', 30_000);
        expect(c.health().state).toBe('degraded');
        expect(c.health().problems[0]).toMatchObject({ code: 'REGISTRY_HTTP' });
        expect(handled).toEqual([]);
        expect(dead).toEqual([]);
        expect(logged.some((l) => l.message.includes("not a schema registry's answer"))).toBe(true);
        await waitFor(() => states.includes('degraded'), 'the degraded event', 10_000);
        broken = false;
        await waitFor(() => handled.length === 3, 'the three events once the proxy answers', 30_000);
        await waitFor(() => states.at(-1) === 'running', 'the event back to running', 10_000);
        expect(dead).toEqual([]);
        expect(proxy.seen.some((r) => r.includes('money.proto'))).toBe(true);
      } finally {
        await c.stop();
      }
    } finally {
      await proxy.close();
    }
  });
});
