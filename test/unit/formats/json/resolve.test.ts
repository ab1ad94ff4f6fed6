/**
 * JSON Schema decoding against the writer's schema, projected onto the reader's contract: the rules
 * of src/formats/json/resolve.ts on the in-memory registry, with the JSON fixture contracts (closed
 * objects at every level) and versions of booking.created evolved from them.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { TopicContract } from '../../../../src/contract';
import { DecodeError, UnknownEventTypeError } from '../../../../src/errors';
import { createInMemoryRegistry, registerContract, type InMemorySchemaRegistry } from '../../../../src/registry';
import { createSerde, type SerdeOptions } from '../../../../src/serde';
import { encodeFrame } from '../../../../src/wire';
import { bookingEvents } from '../../../support/bookings-fixtures';
import { withEvolvedSchema, withSubjectPrefix } from '../../../support/contracts';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
type Schema = Record<string, unknown> & { properties: Record<string, Record<string, unknown>>; required?: string[] };

function generated(config: string, output: string): TopicContract {
  execFileSync(process.execPath, ['bin/contracts.js', '-c', `test/fixtures/configs/${config}`, 'generate'], {
    cwd: ROOT,
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(resolve(ROOT, `.scratch/${output}/bookings`)) as { bookingsContract: TopicContract })
    .bookingsContract;
}

let referencing: TopicContract;
let bundled: TopicContract;

beforeAll(() => {
  referencing = generated('bookings-json.config.json', 'generated-json');
  bundled = generated('bookings-json-bundle.config.json', 'generated-json-bundle');
});

/** booking.created with its `data` object changed: in its own subject's schema and, bundled, in the topic union's copy. */
function evolveData(contract: TopicContract, change: (data: Schema) => void): TopicContract {
  const subject = contract.events['booking.created']!.subject;
  const evolved = withEvolvedSchema(contract, subject, (schema) =>
    change((schema as unknown as Schema).properties.data as Schema),
  );
  if (contract.schemas.some((s) => s.references.length > 0)) return evolved;
  return withEvolvedSchema(evolved, contract.valueSubject!, (schema) => {
    const definitions = (schema as unknown as { definitions: Record<string, Schema> }).definitions;
    change(definitions.BookingCreated!.properties.data as Schema);
  });
}

const withPromoCode = (contract: TopicContract) =>
  evolveData(contract, (data) => {
    data.properties.promoCode = { type: ['string', 'null'], description: 'A promotion the user entered.' };
  });

const withChannel = (contract: TopicContract, defaultValue?: string) =>
  evolveData(contract, (data) => {
    data.properties.channel = { type: 'string', ...(defaultValue === undefined ? {} : { default: defaultValue }) };
    data.required = [...(data.required ?? []), 'channel'];
  });

/** A booking.created as JSON carries it (date-times as strings). */
function created(data: Record<string, unknown> = {}): Record<string, unknown> {
  const event = bookingEvents()['booking.created'];
  return {
    ...event,
    timestamp: '2025-01-15T10:30:00.000Z',
    data: { ...event.data, flight: { ...event.data.flight!, departureTime: '2025-02-01T09:00:00.000Z' }, ...data },
  };
}

/** Registers the contract (v1 first, then the evolved one: new versions of the same subjects). */
async function registered(registry: InMemorySchemaRegistry, contract: TopicContract): Promise<number> {
  const ids = await registerContract(contract, registry);
  return ids[contract.valueSubject!]!.id;
}

const frame = (id: number, event: unknown) => encodeFrame(id, Buffer.from(JSON.stringify(event), 'utf8'));

describe.each([
  ['schema references', () => referencing],
  ['bundled schemas', () => bundled],
])('JSON decode against the writer schema (%s)', (_name, contractOf) => {
  let v1: TopicContract;
  let registry: InMemorySchemaRegistry;

  beforeEach(() => {
    v1 = withSubjectPrefix(contractOf(), `${Math.random().toString(36).slice(2)}.`);
    registry = createInMemoryRegistry({ compatibility: 'NONE' });
  });

  const reader = (contract: TopicContract, options?: SerdeOptions) => createSerde(contract, registry, options);

  it('a v1 reader drops a property only the v2 writer knows', async () => {
    await registered(registry, v1);
    const v2Id = await registered(registry, withPromoCode(v1));
    const decoded = await reader(v1).decode(frame(v2Id, created({ promoCode: 'WINTER' })));
    expect(decoded.schemaId).toBe(v2Id);
    expect(decoded.event).toEqual(created());
    expect((decoded.event as { data: object }).data).not.toHaveProperty('promoCode');
  });

  it("keeps it with unknownProperties: 'keep'", async () => {
    await registered(registry, v1);
    const v2Id = await registered(registry, withPromoCode(v1));
    const decoded = await reader(v1, { unknownProperties: 'keep' }).decode(frame(v2Id, created({ promoCode: 'W' })));
    expect(decoded.event).toEqual(created({ promoCode: 'W' }));
  });

  it('a v2 reader reads v1 events: the new optional property stays absent, optional defaults are not filled', async () => {
    const v1Id = await registered(registry, v1);
    const v2 = withPromoCode(v1);
    await registered(registry, v2);
    const { quantity: _quantity, ...data } = created().data as Record<string, unknown>;
    const decoded = await reader(v2).decode(frame(v1Id, { ...created(), data }));
    expect(decoded.event).toEqual({ ...created(), data });
  });

  it("a property the reader requires and the writer lacks takes the reader's default", async () => {
    const v1Id = await registered(registry, v1);
    const decoded = await reader(withChannel(v1, 'web')).decode(frame(v1Id, created()));
    expect(decoded.event).toEqual(created({ channel: 'web' }));
  });

  it('without a default it is refused with a DecodeError that names the property and the fix', async () => {
    const v1Id = await registered(registry, v1);
    const error = await reader(withChannel(v1))
      .decode(frame(v1Id, created()))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect(error).toMatchObject({ code: 'DECODE_FAILED', schemaId: v1Id, retriable: false });
    expect((error as Error).message).toMatch(
      /booking\.created written with schema \d+ .* at \/data\/channel: is required/,
    );
    expect((error as DecodeError).hint).toMatch(/default/);
  });

  it("a value the writer's schema allows and the reader's does not is refused (a widened type)", async () => {
    await registered(registry, v1);
    const wider = evolveData(v1, (data) => {
      data.properties.quantity = { type: ['integer', 'string'] };
    });
    const widerId = await registered(registry, wider);
    const error = await reader(v1)
      .decode(frame(widerId, created({ quantity: 'three' })))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as Error).message).toMatch(
      /does not fit this consumer's contract at \/data\/quantity: must be integer/,
    );
  });

  it("validates against the writer's schema: what it refuses is refused, whatever the reader would say", async () => {
    await registered(registry, v1);
    const v2Id = await registered(registry, withPromoCode(v1));
    const serde = reader(v1, { unknownProperties: 'keep' });
    await expect(serde.decode(frame(v2Id, created({ promoCode: 7 })))).rejects.toThrow(
      /does not fit its writer's schema \d+ at \/data\/promoCode: must be string/,
    );
    // a property neither schema knows: the writer's closed object refuses it
    await expect(serde.decode(frame(v2Id, created({ coupon: 'X' })))).rejects.toThrow(
      /writer's schema \d+ at \/data\/coupon: is not in the contract/,
    );
    // an event type the writer's union does not have
    await expect(serde.decode(frame(v2Id, { ...created(), eventType: 'booking.rebooked' }))).rejects.toThrow(
      DecodeError,
    );
  });

  it('an event type the writer knows and the reader does not is an UnknownEventTypeError', async () => {
    const { ['booking.failed']: _failed, ...events } = v1.events;
    const older = { ...v1, events } as TopicContract;
    const v1Id = await registered(registry, v1);
    const failed = { ...bookingEvents()['booking.failed'], timestamp: '2025-01-15T10:30:00.000Z' };
    const error = await reader(older)
      .decode(frame(v1Id, failed))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownEventTypeError);
  });

  it('compiles each writer schema once: no registry call per message after warm-up', async () => {
    const v1Id = await registered(registry, v1);
    const v2Id = await registered(registry, withPromoCode(v1));
    const serde = reader(v1);
    const messages = [frame(v1Id, created()), frame(v2Id, created({ promoCode: 'A' }))];
    await Promise.all(messages.map((m) => serde.decode(m)));
    const warm = registry.requestCount;
    for (let i = 0; i < 100; i++) await serde.decode(messages[i % 2]!);
    expect(registry.requestCount).toBe(warm);
  });
});

describe('JSON decode options', () => {
  it('refuses an unknownProperties value that is neither drop nor keep', () => {
    const registry = createInMemoryRegistry();
    expect(() => createSerde(referencing, registry, { unknownProperties: 'ignore' as never })).toThrow(
      /'drop' or 'keep'/,
    );
  });
});
