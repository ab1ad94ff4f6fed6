/**
 * Producer and consumer on the real stack (Kafka + Apicurio's Confluent-compatible API): every
 * event type round-trips, an invalid event is refused before anything is sent, schemas evolve in
 * both directions, and the seed's API works as the seed README shows it — on each transport
 * (kafkajs, @platformatic/kafka), each on a topic of its own.
 */
import { randomUUID } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { parseAvroSchemas } from '../../src/formats/avro/types';
import { createConsumer, CONSUMER_EVENTS, type Consumer, type MessageContext } from '../../src/consumer';
import { EventValidationError } from '../../src/errors';
import { TRANSPORT_ENV, TRANSPORTS, type RecordHeaders, type TransportName } from '../../src/kafka/transport';
import { bookingsContract, type BookingsEventMap } from '../../src/generated/bookings';
import {
  connectProducer,
  createBookingConsumer,
  disconnectProducer,
  EVENT_TYPES,
  publishBookingEvent,
} from '../../src/index';
import { createProducer, MESSAGE_HEADERS } from '../../src/producer';
import { registerContract } from '../../src/registry';
import { encodeFrame } from '../../src/wire';
import { bookingInputs } from '../support/bookings-fixtures';
import { withEvolvedSchema, withSubjectPrefix } from '../support/contracts';
import { consumerBase, endOffsetSum, setUpTopic, waitFor, type ItContext } from '../support/it-helpers';

jest.setTimeout(120_000);

type Bookings = typeof bookingsContract;
let it0: ItContext<Bookings>;
/** The transport of the describe block running. */
let transport: TransportName;
const running: Array<{ stop?(): Promise<void>; disconnect?(): Promise<void> }> = [];

afterAll(async () => {
  for (const c of running.reverse()) await (c.stop?.() ?? c.disconnect?.())?.catch(() => undefined);
});

interface Received {
  eventType: string;
  event: unknown;
  context: MessageContext;
}

function collectingConsumer(
  contract: Bookings,
  received: Received[],
  extra: Partial<Parameters<typeof createConsumer<Bookings>>[0]> = {},
): Consumer<Bookings> {
  const push = (eventType: string) => async (event: unknown, context: MessageContext) => {
    received.push({ eventType, event, context });
  };
  const consumer = createConsumer({
    ...consumerBase(it0, `g-${randomUUID()}`),
    contract,
    transport,
    handlers: {
      'booking.created': push('booking.created'),
      'booking.confirmed': push('booking.confirmed'),
      'booking.cancelled': push('booking.cancelled'),
      'booking.failed': push('booking.failed'),
    },
    ...extra,
  });
  running.push(consumer);
  return consumer;
}

describe.each(TRANSPORTS)('producer → consumer through Kafka and the registry, on %s', (name) => {
  beforeAll(async () => {
    transport = name;
    it0 = await setUpTopic(`bookings-it-pc-${name}`);
  });

  it('round-trips all four event types with the envelope filled in, key and headers set', async () => {
    const { contract } = it0;
    // @platformatic/kafka announces each client it creates: proof of which transport ran
    const created: string[] = [];
    const onCreated = (m: unknown) => {
      const { type } = m as { type: string };
      if (type === 'producer' || type === 'consumer') created.push(type);
    };
    subscribe('plt:kafka:instances', onCreated);
    const producer = createProducer({
      contract,
      brokers: it0.env.brokers,
      registry: it0.registry,
      source: 'billing-service',
      transport,
    });
    running.push(producer);
    await producer.connect();
    const bookingId = `B-${randomUUID().slice(0, 8)}`;
    const inputs = bookingInputs(bookingId);
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const results = [];
    for (const eventType of Object.values(EVENT_TYPES)) {
      results.push(await producer.publish(eventType, inputs[eventType] as never, { traceparent }));
    }
    const received: Received[] = [];
    await collectingConsumer(contract, received).start();
    await waitFor(() => received.length >= 4, '4 events');

    expect(received.map((r) => r.eventType)).toEqual(Object.values(EVENT_TYPES));
    for (const [i, r] of received.entries()) {
      const event = r.event as BookingsEventMap['booking.created'];
      expect(event).toMatchObject({
        ...inputs[r.eventType as keyof typeof inputs],
        eventType: r.eventType,
        source: 'billing-service',
        bookingId,
      });
      expect(event.eventId).toBe(results[i]!.eventId);
      expect(event.timestamp).toBeInstanceOf(Date);
      expect(r.context.key).toBe(bookingId);
      expect(r.context.traceparent).toBe(traceparent);
      expect(headerOf(r.context.headers, MESSAGE_HEADERS.EVENT_TYPE)).toBe(r.eventType);
      expect(r.context.schemaId).toBe(results[i]!.schemaId);
    }
    // all four on one partition (same key), in order
    expect(new Set(received.map((r) => r.context.partition)).size).toBe(1);
    unsubscribe('plt:kafka:instances', onCreated);
    // the publishing producer, the group member and the dead-letter producer
    expect(created.sort()).toEqual(name === 'platformatic' ? ['consumer', 'producer', 'producer'] : []);
  });

  it('refuses an invalid event with an EventValidationError naming the field, and sends nothing', async () => {
    const { contract, kafka } = it0;
    const producer = createProducer({ contract, brokers: it0.env.brokers, registry: it0.registry, transport });
    running.push(producer);
    await producer.connect();
    const before = await endOffsetSum(kafka, contract.topic);
    const input = bookingInputs()['booking.created'];
    const bad = { ...input, data: { ...input.data, price: { amountMinor: 10.5, currency: 'USD' } } };
    const error = await producer.publish('booking.created', bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).issues[0]).toMatchObject({
      path: '/data/price/amountMinor',
      expected: 'integer',
    });
    const batchError = await producer
      .publishBatch([
        { eventType: 'booking.failed', payload: bookingInputs()['booking.failed'] },
        {
          eventType: 'booking.cancelled',
          payload: { ...bookingInputs()['booking.cancelled'], userId: 7 as unknown as string },
        },
      ])
      .catch((e: unknown) => e);
    expect(batchError).toBeInstanceOf(EventValidationError);
    expect(await endOffsetSum(kafka, contract.topic)).toBe(before);
  });

  it('publishes a batch in one send', async () => {
    const { contract } = it0;
    const producer = createProducer({ contract, brokers: it0.env.brokers, registry: it0.registry, transport });
    running.push(producer);
    const inputs = bookingInputs(`B-${randomUUID().slice(0, 8)}`);
    const result = await producer.publishBatch([
      { eventType: 'booking.created', payload: inputs['booking.created'] },
      { eventType: 'booking.confirmed', payload: inputs['booking.confirmed'] },
    ]);
    expect(result.events).toHaveLength(2);
    expect(result.partitions).toHaveLength(1);
  });

  it('publishes gzip-compressed batches (compression: 1, kafkajs CompressionTypes.GZIP) that a consumer reads', async () => {
    const { contract } = it0;
    const producer = createProducer({
      contract,
      brokers: it0.env.brokers,
      registry: it0.registry,
      transport,
      compression: 1,
    });
    running.push(producer);
    const bookingId = `GZ-${randomUUID().slice(0, 8)}`;
    const inputs = bookingInputs(bookingId);
    await producer.publishBatch([
      { eventType: 'booking.created', payload: inputs['booking.created'] },
      { eventType: 'booking.cancelled', payload: inputs['booking.cancelled'] },
    ]);
    const received: Received[] = [];
    await collectingConsumer(contract, received).start();
    const mine = () => received.filter((r) => (r.event as { bookingId: string }).bookingId === bookingId);
    await waitFor(() => mine().length === 2, 'the compressed events');
    expect(mine().map((r) => r.eventType)).toEqual(['booking.created', 'booking.cancelled']);
  });

  it('reads events written with a newer schema (writer v2) and an older one (reader v2)', async () => {
    const failed = 'travel.bookings.BookingFailed';
    const prefix = `${it0.contract.topic}.`;
    const v1 = withSubjectPrefix(it0.contract, prefix);
    const v2 = withEvolvedSchema(v1, `${prefix}${failed}`, (s) => {
      s.fields.push({ name: 'channel', type: 'string', default: 'web' });
    });
    await registerContract(v1, it0.registry);
    const ids = await registerContract(v2, it0.registry);

    // a newer service writes v2 (with `channel`); framed by hand since this kit's v1 validators refuse it
    const { types } = parseAvroSchemas(v2.schemas.map((s) => JSON.parse(s.schema) as unknown));
    const newer = {
      ...bookingInputs()['booking.failed'],
      eventId: randomUUID(),
      eventType: 'booking.failed',
      timestamp: new Date(),
      source: 'v2',
      channel: 'app',
    };
    const raw = it0.kafka.producer();
    await raw.connect();
    running.push(raw);
    await raw.send({
      topic: v1.topic,
      messages: [
        {
          key: 'v2',
          value: encodeFrame(ids[v2.valueSubject!]!.id, types[types.length - 1]!.toBuffer({ [failed]: newer })),
        },
      ],
    });
    // an older service writes v1
    const older = createProducer({ contract: v1, brokers: it0.env.brokers, registry: it0.registry, transport });
    running.push(older);
    await older.publish('booking.failed', bookingInputs()['booking.failed']);

    const seenByV1: Received[] = [];
    const seenByV2: Received[] = [];
    const onlyFailed = (list: Received[]) => ({
      'booking.created': 'ignore' as const,
      'booking.confirmed': 'ignore' as const,
      'booking.cancelled': 'ignore' as const,
      'booking.failed': async (event: unknown, context: MessageContext) => {
        list.push({ eventType: 'booking.failed', event, context });
      },
    });
    await collectingConsumer(v1, seenByV1, { handlers: onlyFailed(seenByV1) }).start();
    await collectingConsumer(v2 as Bookings, seenByV2, { handlers: onlyFailed(seenByV2) }).start();
    await waitFor(
      () =>
        seenByV1.filter((r) => r.context.key === 'v2').length === 1 &&
        seenByV2.filter((r) => r.context.key === 'v2').length === 1,
      'the v2 event in both readers',
    );
    await waitFor(
      () => seenByV2.some((r) => (r.event as { source: string }).source !== 'v2'),
      'the v1 event in the v2 reader',
    );

    const v2InV1 = seenByV1.find((r) => r.context.key === 'v2')!.event as Record<string, unknown>;
    expect(v2InV1.channel).toBeUndefined();
    expect(v2InV1.source).toBe('v2');
    const v1InV2 = seenByV2.find((r) => (r.event as { source: string }).source !== 'v2')!.event as Record<
      string,
      unknown
    >;
    expect(v1InV2.channel).toBe('web');
  });

  it('keeps the seed API: connectProducer, publishBookingEvent, createBookingConsumer, EVENT_TYPES', async () => {
    const { env } = it0;
    // the seed API works on the generated `bookings` contract; point it at this test's topic via env
    const saved = {
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      SCHEMA_REGISTRY_URL: process.env.SCHEMA_REGISTRY_URL,
      [TRANSPORT_ENV.TRANSPORT]: process.env[TRANSPORT_ENV.TRANSPORT],
    };
    process.env.KAFKA_BROKERS = env.brokers.join(',');
    process.env.SCHEMA_REGISTRY_URL = env.registryUrl;
    // the seed API takes no options: the environment chooses its transport
    process.env[TRANSPORT_ENV.TRANSPORT] = transport;
    try {
      await registerContract(bookingsContract, it0.registry);
      await connectProducer();
      const bookingId = `SEED-${randomUUID().slice(0, 8)}`;
      const result = await publishBookingEvent(
        EVENT_TYPES.BOOKING_CREATED,
        bookingInputs(bookingId)['booking.created'],
      );
      expect(result.topic).toBe('bookings');
      const seen: string[] = [];
      const consumer = createBookingConsumer(
        `seed-${randomUUID()}`,
        {
          [EVENT_TYPES.BOOKING_CREATED]: async (event) => {
            if (event.bookingId === bookingId) seen.push(event.data.price.currency);
          },
          [EVENT_TYPES.BOOKING_CONFIRMED]: 'ignore',
          [EVENT_TYPES.BOOKING_CANCELLED]: 'ignore',
          [EVENT_TYPES.BOOKING_FAILED]: 'ignore',
        },
        // `bookings` is shared with whoever else uses the stack: old records there may be
        // undecodable for this registry, so keep what this test dead-letters to its own topic
        { fromBeginning: true, stopOnSignals: [], deadLetterTopic: it0.contract.deadLetterTopic },
      );
      running.push(consumer);
      const handled: string[] = [];
      consumer.on(CONSUMER_EVENTS.HANDLED, (p) => handled.push(p.eventType));
      await consumer.start();
      await waitFor(() => seen.length === 1, 'the seed consumer to handle the event');
      expect(seen).toEqual(['USD']);
      expect(handled).toContain('booking.created');
      await consumer.stop();
    } finally {
      await disconnectProducer();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

function headerOf(headers: RecordHeaders, name: string): string | undefined {
  const v = headers[name];
  return v === undefined ? undefined : String(v);
}
