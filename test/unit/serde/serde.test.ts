import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseAvroSchemas } from '../../../src/formats/avro/types';
import type { TopicContract } from '../../../src/contract';
import { DecodeError, RegistryError, SchemaNotFoundError, UnknownEventTypeError } from '../../../src/errors';
import { bookingsContract } from '../../../src/generated/bookings';
import { createInMemoryRegistry, registerContract, type SchemaRegistryClient } from '../../../src/registry';
import { createSerde } from '../../../src/serde';
import { decodeFrame, encodeFrame } from '../../../src/wire';
import { bookingEvents } from '../../support/bookings-fixtures';
import { withEvolvedSchema, withSubjectPrefix } from '../../support/contracts';

const FAILED = 'travel.bookings.BookingFailed';
const addChannel = (schema: { fields: Array<Record<string, unknown>> }) => {
  schema.fields.push({ name: 'channel', type: 'string', default: 'web' });
};

async function setUp(contract = bookingsContract) {
  const registry = createInMemoryRegistry({ compatibility: 'NONE' });
  const ids = await registerContract(contract, registry);
  return { registry, ids, serde: createSerde(contract, registry) };
}

describe('serde (Avro, TopicNameStrategy)', () => {
  it('round-trips every event type of the contract', async () => {
    const { serde, ids } = await setUp();
    for (const [eventType, event] of Object.entries(bookingEvents())) {
      const bytes = await serde.encode(event);
      expect(decodeFrame(bytes).schemaId).toBe(ids['bookings-value']!.id);
      const decoded = await serde.decode(bytes);
      expect(decoded.eventType).toBe(eventType);
      expect(decoded.event).toEqual(event);
    }
  });

  it('fills Avro defaults for fields left out (quantity defaults to 1)', async () => {
    const { serde } = await setUp();
    const created = bookingEvents()['booking.created'];
    const { quantity: _q, hotel: _h, car: _c, ...data } = created.data;
    const decoded = await serde.decode(await serde.encode({ ...created, data } as typeof created));
    expect(decoded.event).toMatchObject({ data: { quantity: 1, hotel: null, car: null } });
  });

  it('makes no registry call per message once warm', async () => {
    const { serde, registry } = await setUp();
    const events = Object.values(bookingEvents());
    for (const e of events) await serde.decode(await serde.encode(e));
    const warm = registry.requestCount;
    for (let i = 0; i < 200; i++) await serde.decode(await serde.encode(events[i % events.length]!));
    expect(registry.requestCount).toBe(warm);
  });

  it('reads messages written with a newer schema (writer v2, reader v1)', async () => {
    const { serde, registry } = await setUp();
    const v2 = withEvolvedSchema(bookingsContract, FAILED, addChannel);
    const ids = await registerContract(v2, registry);
    // the v1 validators would refuse the new field: write it with avsc as a v2 producer would
    const { types } = parseAvroSchemas(v2.schemas.map((s) => JSON.parse(s.schema) as unknown));
    const event = { ...bookingEvents()['booking.failed'], channel: 'app' };
    const bytes = encodeFrame(ids['bookings-value']!.id, types[types.length - 1]!.toBuffer({ [FAILED]: event }));
    const decoded = await serde.decode(bytes);
    expect(decodeFrame(bytes).schemaId).not.toBe(await serde.schemaIdFor('booking.failed'));
    expect(decoded.event).toEqual(bookingEvents()['booking.failed']);
  });

  it('reads messages written with an older schema (writer v1, reader v2) with the default', async () => {
    const { serde: writer, registry } = await setUp();
    const v2 = withEvolvedSchema(bookingsContract, FAILED, addChannel);
    await registerContract(v2, registry);
    const reader = createSerde(v2 as TopicContract as typeof bookingsContract, registry);
    const decoded = await reader.decode(await writer.encode(bookingEvents()['booking.failed']));
    expect(decoded.event).toMatchObject({ channel: 'web', eventType: 'booking.failed' });
  });

  it('decodes a message framed with an event subject (a single record, as RecordNameStrategy writes)', async () => {
    const { serde, ids } = await setUp();
    const union = await serde.encode(bookingEvents()['booking.confirmed']);
    // the union index of the 2nd branch is one byte (2); what follows is the record alone
    const record = encodeFrame(ids['travel.bookings.BookingConfirmed']!.id, decodeFrame(union).body.subarray(1));
    expect((await serde.decode(record)).event).toEqual(bookingEvents()['booking.confirmed']);
  });

  it('refuses a record whose discriminator disagrees with its record type', async () => {
    const { serde } = await setUp();
    const failed = { ...bookingEvents()['booking.failed'] } as Record<string, unknown>;
    const bytes = await serde.encode(failed as never);
    // encode with a validator-free path: patch the string in the body (same length)
    const patched = Buffer.from(bytes.toString('latin1').replace('booking.failed', 'booking.faile!'), 'latin1');
    await expect(serde.decode(patched)).rejects.toThrow(DecodeError);
  });

  it('reports an unknown schema ID as SCHEMA_NOT_FOUND, not retriable', async () => {
    const { serde } = await setUp();
    const error = await serde.decode(encodeFrame(9999, Buffer.from([2]))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaNotFoundError);
    expect(error).toBeInstanceOf(DecodeError);
    expect(error).toMatchObject({ code: 'SCHEMA_NOT_FOUND', retriable: false, schemaId: 9999 });
  });

  it('passes on a registry outage as a retriable RegistryError and recovers afterwards', async () => {
    const { registry, serde: writer } = await setUp();
    let down = true;
    const flaky: SchemaRegistryClient = Object.create(registry, {
      getSchemaById: {
        value: (id: number) =>
          down
            ? Promise.reject(
                new RegistryError('http://registry', undefined, undefined, 'connection refused', { retriable: true }),
              )
            : registry.getSchemaById(id),
      },
    });
    const reader = createSerde(bookingsContract, flaky);
    const bytes = await writer.encode(bookingEvents()['booking.created']);
    await expect(reader.decode(bytes)).rejects.toMatchObject({ code: 'REGISTRY_UNREACHABLE', retriable: true });
    down = false;
    expect((await reader.decode(bytes)).eventType).toBe('booking.created');
  });

  it('reports an event type the reader does not know as UnknownEventTypeError', async () => {
    const { registry, serde } = await setUp();
    // a writer whose union has a 5th event, BookingRebooked
    const rebooked = {
      type: 'record',
      name: 'BookingRebooked',
      namespace: 'travel.bookings',
      fields: [
        { name: 'eventType', type: 'string' },
        { name: 'bookingId', type: 'string' },
      ],
    };
    await registry.register('travel.bookings.BookingRebooked', { schema: JSON.stringify(rebooked) });
    // registerContract gave the subject the contract's FULL_TRANSITIVE, which refuses a union that
    // old readers cannot read: this writer does not follow the contract's level
    await registry.setCompatibility('NONE', 'bookings-value');
    const refs = ['BookingCreated', 'BookingConfirmed', 'BookingCancelled', 'BookingFailed', 'BookingRebooked'].map(
      (n) => ({
        name: `travel.bookings.${n}`,
        subject: `travel.bookings.${n}`,
        version: 1,
      }),
    );
    const { id } = await registry.register('bookings-value', {
      schema: JSON.stringify(refs.map((r) => r.name)),
      references: refs,
    });
    // branch 4, then eventType and bookingId strings
    const body = Buffer.concat([Buffer.from([8]), avroString('booking.rebooked'), avroString('B-1')]);
    const error = await serde.decode(encodeFrame(id, body)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownEventTypeError);
    expect(error).toMatchObject({ eventType: 'booking.rebooked' });
  });
});

describe('serde (JSON Schema topic)', () => {
  const root = resolve(__dirname, '..', '..', '..');
  let contract: TopicContract;

  beforeAll(() => {
    execFileSync(
      process.execPath,
      ['bin/contracts.js', '-c', 'test/fixtures/configs/bookings-json.config.json', 'generate'],
      { cwd: root },
    );
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    contract = (require(resolve(root, '.scratch/generated-json/bookings')) as { bookingsContract: TopicContract })
      .bookingsContract;
  });

  it('frames UTF-8 JSON with the value subject ID and validates on both sides', async () => {
    const registry = createInMemoryRegistry({ compatibility: 'NONE' });
    const ids = await registerContract(contract, registry);
    const serde = createSerde(contract, registry);
    const event = { ...bookingEvents()['booking.created'], timestamp: '2025-01-15T10:30:00.000Z' } as Record<
      string,
      unknown
    >;
    (event.data as Record<string, unknown>).flight = {
      ...(event.data as { flight: object }).flight,
      departureTime: '2025-02-01T09:00:00.000Z',
    };
    const bytes = await serde.encode(event as never);
    const { schemaId, body } = decodeFrame(bytes);
    expect(schemaId).toBe(ids['bookings-value']!.id);
    expect(JSON.parse(body.toString('utf8'))).toEqual(event);
    expect((await serde.decode(bytes)).event).toEqual(event);
    const invalid = encodeFrame(schemaId, Buffer.from(JSON.stringify({ ...event, userId: 7 })));
    await expect(serde.decode(invalid)).rejects.toThrow(/\/userId/);
    await expect(serde.decode(encodeFrame(schemaId, Buffer.from('{oops')))).rejects.toThrow(DecodeError);
  });

  it('refuses an Avro-framed message on a JSON topic', async () => {
    const registry = createInMemoryRegistry({ compatibility: 'NONE' });
    await registerContract(contract, registry);
    const avroIds = await registerContract(withSubjectPrefix(bookingsContract, 'avro.'), registry);
    const serde = createSerde(contract, registry);
    await expect(serde.decode(encodeFrame(avroIds['avro.bookings-value']!.id, Buffer.from([0])))).rejects.toThrow(
      /AVRO/,
    );
  });
});

function avroString(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([bytes.length * 2]), bytes]);
}
