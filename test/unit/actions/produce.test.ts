/**
 * Producing an event of a config topic (src/actions/produce.ts) without Kafka: the contract built
 * from the config validates and encodes as the generated one does (the same bytes but for the
 * envelope's own fields), a dry run sends nothing, what does not fit is the typed producer's
 * EventValidationError, and `revive` turns the JSON of a form into what the validators take.
 */
import { join, resolve } from 'node:path';
import type { Kafka } from 'kafkajs';
import { createContractProducers, revive } from '../../../src/actions';
import { loadConfig } from '../../../src/config';
import { EventValidationError, UnknownEventTypeError, UsageError } from '../../../src/errors';
import { bookingsContract } from '../../../src/generated/bookings';
import { bookingsProtoContract } from '../../../src/generated/bookings-proto';
import { createProducer } from '../../../src/producer';
import { createInMemoryRegistry, registerContract } from '../../../src/registry';
import { bookingInputs } from '../../support/bookings-fixtures';

const ROOT = resolve(__dirname, '..', '..', '..');
const config = loadConfig(join(ROOT, 'contracts.config.json'));
/** A Kafka that must not be used: a dry run never connects. */
const noKafka = () => ({ producer: () => ({}), admin: () => ({}) }) as unknown as Kafka;

async function setUp() {
  const registry = createInMemoryRegistry({ compatibility: 'NONE' });
  await registerContract(bookingsContract, registry);
  return { registry, producers: createContractProducers({ config, registry, kafka: noKafka }) };
}

/** The fixture's event as a form sends it: JSON, so the timestamps are ISO 8601 text. */
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

describe('createContractProducers', () => {
  it('produces on its kafkajs client when CONTRACTS_TRANSPORT names platformatic for the services of the process', async () => {
    const saved = process.env.CONTRACTS_TRANSPORT;
    process.env.CONTRACTS_TRANSPORT = 'platformatic';
    try {
      const { producers } = await setUp();
      const input = bookingInputs('B-ENV')['booking.created'];
      const record = await producers.produce({
        topic: 'bookings',
        eventType: 'booking.created',
        payload: asJson(input),
        dryRun: true,
      });
      expect(record.dryRun).toBe(true);
      expect(record.key).toBe('B-ENV');
    } finally {
      if (saved === undefined) delete process.env.CONTRACTS_TRANSPORT;
      else process.env.CONTRACTS_TRANSPORT = saved;
    }
  });

  it("gives a topic's form: each event type with its subject and the validator's schema", async () => {
    const { producers } = await setUp();
    const form = producers.form('bookings');
    expect(form).toMatchObject({ topic: 'bookings', format: 'AVRO', key: 'bookingId', discriminator: 'eventType' });
    expect(form.autoFields).toEqual(['eventId', 'timestamp', 'source']);
    expect(form.events.map((e) => e.eventType)).toEqual(Object.keys(bookingsContract.events));
    expect(form.events[0]!.schema).toHaveProperty('properties.data');
    expect(() => producers.form('nope')).toThrow(UsageError);
  });

  it('encodes a dry run as the generated contract does: key, headers, schema ID, the same bytes', async () => {
    const { registry, producers } = await setUp();
    const input = bookingInputs('B-UI')['booking.created'];
    const record = await producers.produce({
      topic: 'bookings',
      eventType: 'booking.created',
      payload: asJson({ ...input, eventId: '2f1a0c1e-6b5f-4c43-9a55-0d8d9f6c8e01', source: 'test' }),
      dryRun: true,
    });
    const generated = createProducer({ contract: bookingsContract, kafka: noKafka(), transport: 'kafkajs', registry });
    const expected = await generated.encode('booking.created', {
      ...input,
      eventId: '2f1a0c1e-6b5f-4c43-9a55-0d8d9f6c8e01',
      source: 'test',
      timestamp: (record.event as { timestamp: Date }).timestamp,
    });
    expect(record).toMatchObject({
      topic: 'bookings',
      key: 'B-UI',
      headers: { 'event-type': 'booking.created' },
      schemaId: expected.schemaId,
      subject: 'bookings-value',
      eventId: '2f1a0c1e-6b5f-4c43-9a55-0d8d9f6c8e01',
      dryRun: true,
      partition: null,
    });
    expect(record.bytes.hex).toBe(expected.value.toString('hex'));
  });

  it('does the same for a Protobuf topic: the bytes of the generated contract', async () => {
    const registry = createInMemoryRegistry({ compatibility: 'NONE' });
    await registerContract(bookingsProtoContract, registry);
    const producers = createContractProducers({ config, registry, kafka: noKafka });
    const payload = {
      eventId: '2f1a0c1e-6b5f-4c43-9a55-0d8d9f6c8e01',
      timestamp: '2026-12-01T13:00:00.000Z',
      source: 'test',
      bookingId: 'B-P',
      userId: 'u',
      type: 'BOOKING_TYPE_CAR',
      itemId: 'C1',
      data: { reasonCode: 'FAILURE_REASON_TIMEOUT', message: 'm', stage: 'FAILURE_STAGE_PAYMENT', retryable: true },
    };
    const record = await producers.produce({
      topic: 'bookings-proto',
      eventType: 'booking.failed',
      payload,
      dryRun: true,
    });
    const generated = createProducer({
      contract: bookingsProtoContract,
      kafka: noKafka(),
      transport: 'kafkajs',
      registry,
    });
    const expected = await generated.encode('booking.failed', {
      ...payload,
      timestamp: new Date(payload.timestamp),
    } as never);
    expect(record).toMatchObject({ key: 'B-P', subject: 'bookings-proto-value', schemaId: expected.schemaId });
    expect(record.bytes.hex).toBe(expected.value.toString('hex'));
  });

  it('fills the envelope, and keeps what it filled when the same event is produced again', async () => {
    const { producers } = await setUp();
    const input = asJson(bookingInputs('B-2')['booking.failed']);
    delete input.eventId;
    delete input.timestamp;
    delete input.source;
    const first = await producers.produce({
      topic: 'bookings',
      eventType: 'booking.failed',
      payload: input,
      dryRun: true,
    });
    const event = first.event as Record<string, unknown>;
    expect(event.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.source).toBe('contracts-ui');
    const again = await producers.produce({
      topic: 'bookings',
      eventType: 'booking.failed',
      payload: asJson(event),
      dryRun: true,
    });
    expect(again.bytes.hex).toBe(first.bytes.hex);
  });

  it("refuses an event that does not fit with the typed producer's error, and an unknown event type", async () => {
    const { producers } = await setUp();
    const input = asJson(bookingInputs('B-3')['booking.created']);
    (input.data as Record<string, unknown>).quantity = 'two';
    await expect(
      producers.produce({ topic: 'bookings', eventType: 'booking.created', payload: input, dryRun: true }),
    ).rejects.toThrow(EventValidationError);
    await expect(
      producers.produce({ topic: 'bookings', eventType: 'booking.moved', payload: {}, dryRun: true }),
    ).rejects.toThrow(UnknownEventTypeError);
  });
});

describe('revive', () => {
  const find = () => undefined;
  it('turns ISO text and ms into a Date, hex into bytes, digits into a 64-bit integer, through unions and arrays', () => {
    const schema = {
      type: 'object',
      properties: {
        at: { 'x-js-date': true },
        maybe: { anyOf: [{ type: 'null' }, { 'x-js-date': true }] },
        bytes: { 'x-js-buffer': true },
        big: { 'x-js-int64': 'signed' },
        list: { type: 'array', items: { 'x-js-date': true } },
        text: { type: 'string' },
      },
    };
    const out = revive(
      schema,
      {
        at: '2026-12-01T13:00:00Z',
        maybe: 1764594000000,
        bytes: '0x00ff',
        big: '9007199254740993',
        list: ['2026-12-01T13:00:00Z'],
        text: '2026-12-01T13:00:00Z',
      },
      find,
    ) as Record<string, unknown>;
    expect(out.at).toEqual(new Date('2026-12-01T13:00:00Z'));
    expect(out.maybe).toEqual(new Date(1764594000000));
    expect(out.bytes).toEqual(Buffer.from([0, 255]));
    expect(out.big).toBe(9007199254740993n);
    expect(out.list).toEqual([new Date('2026-12-01T13:00:00Z')]);
    expect(out.text).toBe('2026-12-01T13:00:00Z');
  });

  it('leaves what it cannot read for the validator to name', () => {
    expect(revive({ 'x-js-date': true }, 'soon', find)).toBe('soon');
    expect(revive({ 'x-js-buffer': true }, 'not hex', find)).toBe('not hex');
  });
});
