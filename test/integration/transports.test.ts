/**
 * What choosing a transport means beyond one client, on the real stack: a running group switches
 * from kafkajs to @platformatic/kafka one member at a time (both kinds share the group, and the
 * new member resumes from the group's committed offsets), partitions handled side by side on both,
 * and a service on platformatic, chosen with CONTRACTS_TRANSPORT, prints no process warning.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { createConsumer, type Consumer } from '../../src/consumer';
import type { bookingsContract } from '../../src/generated/bookings';
import { TRANSPORT_ENV, TRANSPORTS, type TransportName } from '../../src/kafka/transport';
import { createProducer } from '../../src/producer';
import { bookingInputs } from '../support/bookings-fixtures';
import { consumerBase, setUpTopic, waitFor, type ItContext } from '../support/it-helpers';

jest.setTimeout(120_000);
const exec = promisify(execFile);
const rootDir = resolve(__dirname, '..', '..');

type Bookings = typeof bookingsContract;
let it0: ItContext<Bookings>;
const running: Array<{ stop?(): Promise<void>; disconnect?(): Promise<void> }> = [];

beforeAll(async () => {
  it0 = await setUpTopic('bookings-it-transports');
});
afterAll(async () => {
  for (const c of running.reverse()) await (c.stop?.() ?? c.disconnect?.())?.catch(() => undefined);
});

interface Handled {
  bookingId: string;
  partition: number;
}

function member(transport: TransportName, groupId: string, handled: Handled[]): Consumer<Bookings> {
  const consumer = createConsumer({
    ...consumerBase(it0, groupId),
    transport,
    handlers: {
      'booking.created': async (event, ctx) => {
        handled.push({ bookingId: event.bookingId, partition: ctx.partition });
      },
      'booking.confirmed': 'ignore',
      'booking.cancelled': 'ignore',
      'booking.failed': 'ignore',
    },
  });
  running.push(consumer);
  return consumer;
}

const assigned = (c: Consumer<Bookings>) => c.health().partitions.map((p) => p.partition);

it('switches a running group from kafkajs to platformatic one member at a time, resuming from the committed offsets', async () => {
  const producer = createProducer({ contract: it0.contract, brokers: it0.env.brokers, registry: it0.registry });
  running.push(producer);
  const publish = async (prefix: string, count: number) => {
    const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
    await producer.publishBatch(
      ids.map((id) => ({ eventType: 'booking.created', payload: bookingInputs(id)['booking.created'] })),
    );
    return ids;
  };
  const groupId = `g-${randomUUID()}`;
  const byOld: Handled[] = [];
  const byNew: Handled[] = [];
  const old = member('kafkajs', groupId, byOld);
  await old.start();
  const before = await publish('BEFORE', 12);
  await waitFor(() => byOld.length >= before.length, 'the kafkajs member to handle the first events');

  // the new member joins beside the old one: the group rebalances and each gets a share
  const next = member('platformatic', groupId, byNew);
  await next.start();
  await waitFor(
    () => assigned(old).length > 0 && assigned(next).length > 0 && assigned(old).length + assigned(next).length === 3,
    'both members to share the three partitions',
  );
  expect(assigned(old).filter((p) => assigned(next).includes(p))).toEqual([]);
  const during = await publish('DURING', 30);
  const handledDuring = () => [...byOld, ...byNew].filter((h) => h.bookingId.startsWith('DURING')).length;
  await waitFor(() => handledDuring() >= during.length, 'the events published while both are members');
  // each handled only its own partitions' events
  expect(byNew.filter((h) => !assigned(next).includes(h.partition))).toEqual([]);
  expect(byNew.length).toBeGreaterThan(0);

  // the old member leaves (stop() commits what it handled): the new one takes every partition from
  // the offsets the group committed
  await old.stop();
  const newBeforeLeave = byNew.length;
  await waitFor(() => assigned(next).length === 3, 'the platformatic member to take every partition');
  const after = await publish('AFTER', 12);
  await waitFor(() => after.every((id) => byNew.some((h) => h.bookingId === id)), 'the events published after');
  // nothing the old member handled (and so committed) was handled again by the new one
  const byOldIds = new Set(byOld.map((h) => h.bookingId));
  expect(byNew.slice(newBeforeLeave).filter((h) => byOldIds.has(h.bookingId))).toEqual([]);
  expect(byNew.filter((h) => h.bookingId.startsWith('BEFORE'))).toEqual([]);
});

it.each(TRANSPORTS)(
  'handles partitions side by side with partitionsConsumedConcurrently, each in order, on %s',
  async (transport) => {
    const ctx = await setUpTopic(`bookings-it-concurrent-${transport}`);
    const producer = createProducer({ contract: ctx.contract, brokers: ctx.env.brokers, registry: ctx.registry });
    running.push(producer);
    const ids = Array.from({ length: 30 }, (_, i) => `PAR-${i}`);
    await producer.publishBatch(
      ids.map((id) => ({ eventType: 'booking.created', payload: bookingInputs(id)['booking.created'] })),
    );
    let inFlight = 0;
    let most = 0;
    const handled: Array<{ partition: number; offset: bigint }> = [];
    const consumer = createConsumer({
      ...consumerBase(ctx, `g-${randomUUID()}`),
      transport,
      partitionsConsumedConcurrently: 3,
      handlers: {
        'booking.created': async (_event, c) => {
          most = Math.max(most, ++inFlight);
          await new Promise((r) => setTimeout(r, 30));
          inFlight -= 1;
          handled.push({ partition: c.partition, offset: BigInt(c.offset) });
        },
        'booking.confirmed': 'ignore',
        'booking.cancelled': 'ignore',
        'booking.failed': 'ignore',
      },
    });
    running.push(consumer);
    await consumer.start();
    await waitFor(() => handled.length === ids.length, 'every event');
    expect(most).toBeGreaterThan(1);
    for (const p of new Set(handled.map((h) => h.partition))) {
      const offsets = handled.filter((h) => h.partition === p).map((h) => h.offset);
      expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : 1)));
    }
  },
);

it.each(TRANSPORTS)(
  'moves the group past a transaction that was aborted (a fetch of only aborted records and a marker), on %s',
  async (transport) => {
    const ctx = await setUpTopic(`bookings-it-markers-${transport}`);
    const { topic } = ctx.contract;
    const producer = createProducer({ contract: ctx.contract, brokers: ctx.env.brokers, registry: ctx.registry });
    running.push(producer);
    const handled: string[] = [];
    const groupId = `g-${randomUUID()}`;
    const consumer = createConsumer({
      ...consumerBase(ctx, groupId),
      transport,
      handlers: {
        'booking.created': async (event) => void handled.push(event.bookingId),
        'booking.confirmed': 'ignore',
        'booking.cancelled': 'ignore',
        'booking.failed': 'ignore',
      },
    });
    running.push(consumer);
    await consumer.start();
    const ids = ['MARK-0', 'MARK-1', 'MARK-2', 'MARK-3', 'MARK-4', 'MARK-5'];
    await producer.publishBatch(
      ids.map((id) => ({ eventType: 'booking.created', payload: bookingInputs(id)['booking.created'] })),
    );
    await waitFor(() => handled.length === ids.length, 'the events');
    // then, on every partition, records of a transaction that aborts: a read_committed fetch gets
    // them and the abort marker, and delivers nothing
    const aborting = ctx.kafka.producer({
      transactionalId: `markers-${randomUUID()}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await aborting.connect();
    try {
      const transaction = await aborting.transaction();
      await transaction.send({ topic, messages: [0, 1, 2].map((partition) => ({ partition, value: 'never seen' })) });
      await transaction.abort();
    } finally {
      await aborting.disconnect();
    }
    const admin = ctx.kafka.admin();
    await admin.connect();
    try {
      const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
      const committed = async () =>
        new Map(
          (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.map((p) => [p.partition, p.offset]),
        );
      await waitFor(
        async () => {
          const now = await committed();
          return [...ends].every(([p, end]) => now.get(p) === end);
        },
        'the group to commit past the aborted transaction on every partition',
        20_000,
      ).catch(async (error: Error) => {
        throw new Error(
          `${error.message}: ends ${JSON.stringify([...ends])}, committed ${JSON.stringify([...(await committed())])}`,
        );
      });
      await waitFor(() => consumer.health().partitions.every((p) => p.lag === 0), 'no lag in health()', 10_000);
      expect(handled).toEqual(expect.arrayContaining(ids));
      expect(handled).toHaveLength(ids.length);
    } finally {
      await admin.disconnect();
    }
  },
);

it('joins a group with the consumer group protocol (KIP-848) on platformatic: two members share the partitions', async () => {
  const ctx = await setUpTopic('bookings-it-kip848');
  const producer = createProducer({ contract: ctx.contract, brokers: ctx.env.brokers, registry: ctx.registry });
  running.push(producer);
  const groupId = `g-${randomUUID()}`;
  const handled: Handled[] = [];
  const members = [0, 1].map((i) => {
    const consumer = createConsumer({
      ...consumerBase(ctx, groupId),
      transport: 'platformatic',
      membership: { protocol: 'consumer', instanceId: `${groupId}-${i}` },
      handlers: {
        'booking.created': async (event, c) =>
          void handled.push({ bookingId: event.bookingId, partition: c.partition }),
        'booking.confirmed': 'ignore',
        'booking.cancelled': 'ignore',
        'booking.failed': 'ignore',
      },
    });
    running.push(consumer);
    return consumer;
  });
  for (const m of members) await m.start();
  await waitFor(
    () => members.every((m) => assigned(m).length > 0) && members.reduce((n, m) => n + assigned(m).length, 0) === 3,
    'both members to share the three partitions',
  );
  const ids = Array.from({ length: 24 }, (_, i) => `KIP848-${i}`);
  await producer.publishBatch(
    ids.map((id) => ({ eventType: 'booking.created', payload: bookingInputs(id)['booking.created'] })),
  );
  await waitFor(() => ids.every((id) => handled.some((h) => h.bookingId === id)), 'every event');
  expect(handled).toHaveLength(ids.length);
  // the broker knows the group as a consumer-protocol group, each member under its instance id
  const admin = ctx.kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    expect(groups.find((g) => g.groupId === groupId)).toEqual({ groupId, protocolType: 'consumer' });
  } finally {
    await admin.disconnect();
  }
});

it('refuses static membership and the consumer group protocol on kafkajs, with a typed error', () => {
  const options = {
    ...consumerBase(it0, 'g-refused'),
    handlers: {
      'booking.created': 'ignore',
      'booking.confirmed': 'ignore',
      'booking.cancelled': 'ignore',
      'booking.failed': 'ignore',
    },
  } as const;
  expect(() => createConsumer({ ...options, transport: 'kafkajs', membership: { instanceId: 'billing-0' } })).toThrow(
    expect.objectContaining({ code: 'TRANSPORT_UNSUPPORTED', message: expect.stringContaining('static membership') }),
  );
  expect(() => createConsumer({ ...options, transport: 'kafkajs', membership: { protocol: 'consumer' } })).toThrow(
    expect.objectContaining({
      code: 'TRANSPORT_UNSUPPORTED',
      message: expect.stringContaining('consumer group protocol'),
    }),
  );
});

it('a service on platformatic (CONTRACTS_TRANSPORT) publishes and consumes without a process warning', async () => {
  // a child process, so that no warning an earlier test file raised in this worker hides one
  const script = `
    require('tsx/cjs');
    let warnings = 0;
    process.on('warning', () => { warnings += 1; });
    const { createConsumer, createProducer } = require('./src');
    const { bookingsContract } = require('./src/generated/bookings');
    const { withTopic } = require('./test/support/contracts');
    const { bookingInputs } = require('./test/support/bookings-fixtures');
    (async () => {
      const contract = withTopic(bookingsContract, process.env.TOPIC);
      const producer = createProducer({ contract });
      await producer.publish('booking.created', bookingInputs('QUIET')['booking.created']);
      const handled = [];
      const consumer = createConsumer({
        contract, groupId: process.env.GROUP, fromBeginning: true, stopOnSignals: [],
        handlers: {
          'booking.created': async (e) => { handled.push(e.bookingId); },
          'booking.confirmed': 'ignore', 'booking.cancelled': 'ignore', 'booking.failed': 'ignore',
        },
      });
      await consumer.start();
      while (!handled.includes('QUIET')) await new Promise((r) => setTimeout(r, 50));
      await consumer.stop();
      await producer.disconnect();
      console.log(JSON.stringify({ handled, warnings }));
    })().catch((error) => { console.error(error); process.exit(1); });
  `;
  const quiet = await setUpTopic('bookings-it-quiet');
  const { stdout, stderr } = await exec(process.execPath, ['-e', script], {
    cwd: rootDir,
    env: {
      ...process.env,
      [TRANSPORT_ENV.TRANSPORT]: 'platformatic',
      KAFKA_BROKERS: it0.env.brokers.join(','),
      SCHEMA_REGISTRY_URL: it0.env.registryUrl,
      TOPIC: quiet.contract.topic,
      GROUP: `g-${randomUUID()}`,
    },
  });
  expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({ handled: ['QUIET'], warnings: 0 });
  expect(stderr).not.toMatch(/Warning/);
});
