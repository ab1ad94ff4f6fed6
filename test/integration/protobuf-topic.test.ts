/**
 * A Protobuf topic end to end on the real stack: the generated bookings-proto contract's typed
 * producer and consumer carry the four booking events (plain values: Dates, bigints, enum names),
 * a poison message and an event another writer left incomplete go to the dead-letter topic with
 * their reasons while the consumer carries on, `contracts tail` decodes the topic by the writer's
 * schema alone, and the UI's TypeScript view and subject diff read the registered .proto files.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { createConsumer, type Consumer } from '../../src/consumer';
import { DLQ_HEADERS } from '../../src/dlq';
import { encodeProtobufMessage } from '../../src/formats/protobuf';
import { bookingsProtoContract } from '../../src/generated/bookings-proto';
import { BookingCreatedSchema } from '../../src/generated-protobuf/travel/bookings/v1/booking_created_pb';
import { BookingEventSchema } from '../../src/generated-protobuf/travel/bookings/v1/bookings_value_pb';
import { createProducer, type Producer } from '../../src/producer';
import { buildUiApp } from '../../src/ui/server';
import { loadConfig } from '../../src/config';
import { encodeProtobufFrame } from '../../src/wire/message-indexes';
import { protobufPlainEvents } from '../support/protobuf-fixtures';
import { readRecords, setUpTopic, waitFor, type ItContext } from '../support/it-helpers';

jest.setTimeout(120_000);
const exec = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');

type Contract = typeof bookingsProtoContract;
let it0: ItContext<Contract>;
let producer: Producer<Contract>;
let consumer: Consumer<Contract> | undefined;

beforeAll(async () => {
  it0 = await setUpTopic('bookings-it-proto', bookingsProtoContract);
  producer = createProducer({ contract: it0.contract, brokers: it0.env.brokers, registry: it0.registry });
  await producer.connect();
});
afterAll(async () => {
  await consumer?.stop().catch(() => undefined);
  await producer?.disconnect().catch(() => undefined);
});

const valueId = async () => (await it0.registry.getSubjectVersion(it0.contract.valueSubject!, 'latest')).id;

describe('a Protobuf topic on the real stack', () => {
  const bookingId = `B-${randomUUID().slice(0, 8)}`;
  const events = protobufPlainEvents(bookingId);

  it('carries the four events from the typed producer to the typed consumer; poison goes to the DLQ', async () => {
    for (const [type, event] of Object.entries(events)) {
      const { eventId: _id, timestamp: _ts, source: _src, ...input } = event;
      await producer.publish(type as 'booking.created', input as never);
    }
    // a body that is no BookingEvent, and a BookingEvent whose event another writer left incomplete
    const id = await valueId();
    const incomplete = create(BookingEventSchema, {
      event: {
        case: 'created',
        value: create(BookingCreatedSchema, {
          eventId: randomUUID(),
          eventType: 'booking.created',
          timestamp: timestampFromDate(new Date()),
          bookingId,
        }),
      },
    });
    const raw = it0.kafka.producer();
    await raw.connect();
    await raw.send({
      topic: it0.contract.topic,
      messages: [
        { key: 'poison', value: encodeProtobufFrame(id, [0], Buffer.from([0x0a, 0xff, 0xff])) },
        { key: 'incomplete', value: encodeProtobufMessage(id, BookingEventSchema, incomplete) },
      ],
    });
    await raw.disconnect();

    const received: Array<{ type: string; event: unknown }> = [];
    const record = (type: string) => async (event: unknown) => {
      received.push({ type, event });
    };
    consumer = createConsumer({
      contract: it0.contract,
      groupId: `g-${randomUUID()}`,
      brokers: it0.env.brokers,
      registry: it0.registry,
      fromBeginning: true,
      stopOnSignals: [],
      handlers: {
        'booking.created': record('booking.created'),
        'booking.confirmed': record('booking.confirmed'),
        'booking.cancelled': record('booking.cancelled'),
        'booking.failed': record('booking.failed'),
      },
    });
    await consumer.start();
    await waitFor(() => received.length === 4, 'the four events');
    for (const { type, event } of received) {
      const sent = events[type as keyof typeof events];
      const { eventId, timestamp, source, ...rest } = event as typeof sent;
      const { eventId: _e, timestamp: _t, source: _s, ...expected } = sent;
      expect(rest).toEqual(expected);
      expect(typeof eventId).toBe('string');
      expect(timestamp).toBeInstanceOf(Date);
      expect(source.length).toBeGreaterThan(0);
    }
    expect((received[0]!.event as (typeof events)['booking.created']).data.price).toEqual({
      amountMinor: 129_99n,
      currency: 'EUR',
    });

    const dead = await readRecords(it0, it0.contract.deadLetterTopic, 2);
    const byKey = new Map(dead.map((r) => [r.key, r]));
    expect(byKey.get('poison')!.headers[DLQ_HEADERS.ERROR_CODE]).toBe('DECODE_FAILED');
    expect(byKey.get('incomplete')!.headers[DLQ_HEADERS.ERROR_MESSAGE]).toMatch(
      /leaves source, userId, type, itemId, data unset/,
    );
  });

  it('contracts tail decodes every event by its writer schema alone', async () => {
    const { stdout } = await exec(
      process.execPath,
      ['bin/contracts.js', 'tail', it0.contract.topic, '--from-beginning', '--format', 'json', '-n', '6'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          KAFKA_BROKERS: it0.env.brokers.join(','),
          SCHEMA_REGISTRY_URL: it0.env.registryUrl,
          NO_COLOR: '1',
        },
        timeout: 60_000,
      },
    );
    const records = stdout
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            key: string;
            eventType?: string;
            value?: { bookingId?: string };
            error?: { code: string };
          },
      );
    const decoded = records.filter((r) => r.key === bookingId);
    expect(decoded.map((r) => r.eventType).sort()).toEqual([
      'booking.cancelled',
      'booking.confirmed',
      'booking.created',
      'booking.failed',
    ]);
    expect(decoded.every((r) => r.value?.bookingId === bookingId)).toBe(true);
    expect(records.find((r) => r.key === 'poison')!.error?.code).toBe('DECODE_FAILED');
  });

  it("the UI's TypeScript view and subject diff read the registered .proto files", async () => {
    const app = await buildUiApp({
      registry: it0.registry,
      config: loadConfig(resolve(ROOT, 'contracts.config.json')),
    });
    try {
      const typescript = await app.inject({
        url: `/api/subjects/${encodeURIComponent('travel/bookings/v1/booking_created.proto')}/versions/latest/typescript`,
      });
      expect(typescript.statusCode).toBe(200);
      const ts = (typescript.json() as { typescript: string }).typescript;
      expect(ts).toMatch(/export interface BookingCreated \{/);
      expect(ts).toMatch(/timestamp\?: Date;/);
      expect(ts).toMatch(/amountMinor: bigint;/);

      const diff = await app.inject({
        url: `/api/subjects/${encodeURIComponent('travel/bookings/v1/money.proto')}/diff?to=local`,
      });
      expect(diff.statusCode).toBe(200);
      expect(diff.json()).toMatchObject({ format: 'PROTOBUF', verdict: { compatible: true }, changes: [] });
    } finally {
      await app.close();
    }
  });
});
