/**
 * The codec codegen specialises for the bookings schemas (src/generated/bookings/codec.ts) against
 * avsc's generic one, over events generated from the Avro types themselves: valid events give
 * avsc's bytes and decode to what avsc decodes; invalid ones are refused by both, with the same
 * typed error; any bytes decode to the same event or the same error.
 */
import fc from 'fast-check';
import type * as avro from 'avsc';
import { parseAvroSchemas, UUID_PATTERN } from '../../../../src/formats/avro/types';
import type { GeneratedEventCodec, TopicContract } from '../../../../src/contract';
import { bookingsContract } from '../../../../src/generated/bookings';
import { avroCodecFingerprint } from '../../../../src/formats/avro/fingerprint';
import { createInMemoryRegistry, registerContract } from '../../../../src/registry';
import { createSerde, type Serde } from '../../../../src/serde';
import { encodeFrame } from '../../../../src/wire';
import { avroValue, avscAccepts, comparable } from '../../../support/avro-arbitraries';
import { brokenVariant, outcome } from '../../../support/broken-events';

const { types, registry: named } = parseAvroSchemas(bookingsContract.schemas.map((s) => JSON.parse(s.schema)));
const union = types[types.length - 1]! as avro.types.WrappedUnionType;
const eventTypes = Object.keys(bookingsContract.events) as Array<keyof typeof bookingsContract.events>;
const recordOf = (eventType: string) => named[bookingsContract.events[eventType as 'booking.created'].name]!;
const generatedOf = (eventType: string): GeneratedEventCodec => bookingsContract.codec!.events[eventType]!;

const validEvent = fc
  .constantFrom(...eventTypes)
  .chain((eventType) =>
    avroValue(recordOf(eventType), { field: 'eventType', value: eventType }).map(
      (event) => [eventType, event as Record<string, unknown>] as const,
    ),
  );

/** A valid event with one thing broken somewhere: a value replaced, a field removed, a field added. */
const invalidEvent = validEvent.chain(([eventType, event]) =>
  brokenVariant(event).map((broken) => [eventType, broken] as const),
);

let specialised: Serde<typeof bookingsContract>;
let generic: Serde<typeof bookingsContract>;
let valueId: number;

beforeAll(async () => {
  const registry = createInMemoryRegistry();
  valueId = (await registerContract(bookingsContract, registry))['bookings-value']!.id;
  specialised = createSerde(bookingsContract, registry);
  const withoutCodec: TopicContract = { ...(bookingsContract as unknown as TopicContract), codec: undefined };
  generic = createSerde(withoutCodec as unknown as typeof bookingsContract, registry);
  for (const serde of [specialised, generic]) for (const t of eventTypes) await serde.schemaIdFor(t);
  // one message of the contract's own schema ID caches its reader in both
  const [eventType, event] = fc.sample(validEvent, { numRuns: 1, seed: 1 })[0]!;
  expect(eventType).toBeDefined();
  const framed = specialised.encodeSync(event as never)!;
  await specialised.decode(framed);
  await generic.decode(framed);
});

describe('the generated bookings codec', () => {
  it('was generated from the contract’s own schemas (the runtime uses it)', () => {
    expect(bookingsContract.codec?.format).toBe('AVRO');
    for (const t of eventTypes) expect(generatedOf(t).schema).toBe(avroCodecFingerprint(recordOf(t)));
  });

  it('writes valid events byte for byte as avsc does, and reads them back as avsc does', () => {
    const buf = Buffer.alloc(64 * 1024);
    fc.assert(
      fc.property(validEvent, ([eventType, event]) => {
        const record = recordOf(eventType);
        const expected = record.toBuffer(event);
        const end = generatedOf(eventType).write(event, buf, 0);
        expect(buf.subarray(0, end).equals(expected)).toBe(true);
        expect(comparable(generatedOf(eventType).read(expected, 0, expected.length))).toEqual(
          comparable(record.fromBuffer(expected)),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('frames and decodes valid events through the serde exactly as raw avsc', () => {
    fc.assert(
      fc.property(validEvent, ([eventType, event]) => {
        const framed = specialised.encodeSync(event as never)!;
        const body = union.toBuffer({ [recordOf(eventType).name!]: event });
        expect(framed.equals(encodeFrame(valueId, body))).toBe(true);
        const decoded = specialised.tryDecodeSync(framed)!;
        expect(decoded.eventType).toBe(eventType);
        expect(decoded.schemaId).toBe(valueId);
        const raw = union.fromBuffer(body) as Record<string, unknown>;
        expect(comparable(decoded.event)).toEqual(comparable(raw[recordOf(eventType).name!]));
      }),
      { numRuns: 500 },
    );
  });

  it('writes into a buffer too small by saying how much it needs', () => {
    const [eventType, event] = fc.sample(validEvent, { numRuns: 1, seed: 7 })[0]!;
    const expected = recordOf(eventType).toBuffer(event);
    const small = Buffer.alloc(3);
    expect(generatedOf(eventType).write(event, small, 0)).toBe(expected.length);
  });

  it('frames an event larger than the serde’s scratch buffer as avsc does', () => {
    const [eventType, event] = fc.sample(validEvent, { numRuns: 1, seed: 13 })[0]!;
    const large = { ...event, source: 'é'.repeat(40_000) };
    const body = union.toBuffer({ [recordOf(eventType).name!]: large });
    expect(specialised.encodeSync(large as never)!.equals(encodeFrame(valueId, body))).toBe(true);
  });

  it('refuses what the validator or avsc refuses, with the same typed error', () => {
    fc.assert(
      fc.property(invalidEvent, ([, event]) => {
        const withCodec = outcome(() => specialised.encodeSync(event as never));
        expect(withCodec).toEqual(outcome(() => generic.encodeSync(event as never)));
      }),
      { numRuns: 2000 },
    );
  });

  it('takes exactly the UUIDs the validator takes', () => {
    const buf = Buffer.alloc(64 * 1024);
    const [eventType, event] = fc.sample(validEvent, { numRuns: 1, seed: 9 })[0]!;
    const near = fc
      .tuple(
        fc.uuid(),
        fc.array(
          fc.tuple(
            fc.oneof(fc.nat(8), fc.nat(44)),
            fc.constantFrom(...'0189afAFgG-:\u001axUuRrNnIiDd \u212a\u0130\u000d'),
          ),
          { maxLength: 2 },
        ),
        fc.constantFrom('', 'urn:uuid:', 'URN:UUID:', 'Urn:Uuid:', 'urn:uuid', 'urn;uuid:'),
        fc.boolean(),
      )
      .map(([uuid, changes, prefix, upper]) => {
        const chars = [...(prefix + (upper ? uuid.toUpperCase() : uuid))];
        for (const [at, c] of changes) chars[at % chars.length] = c;
        return chars.join('');
      });
    fc.assert(
      fc.property(fc.oneof(near, fc.string({ maxLength: 46 })), (eventId) => {
        const accepted = generatedOf(eventType).write({ ...event, eventId }, buf, 0) >= 0;
        expect(accepted).toBe(UUID_PATTERN.test(eventId));
      }),
      { numRuns: 3000 },
    );
  });

  it('an event the generated writer refuses is refused by the validator or by avsc', () => {
    const buf = Buffer.alloc(64 * 1024);
    fc.assert(
      fc.property(invalidEvent, ([eventType, event]) => {
        if (generatedOf(eventType).write(event, buf, 0) >= 0) return;
        const validates = bookingsContract.events[eventType].validate(event);
        const avscTakes = validates && avscAccepts(recordOf(eventType), event);
        expect(avscTakes).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes any bytes after the header to the same event or the same error as avsc', () => {
    const valid = fc
      .sample(validEvent, { numRuns: 50, seed: 3 })
      .map(([eventType, event]) => union.toBuffer({ [recordOf(eventType).name!]: event }));
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      fc
        .tuple(fc.constantFrom(...valid), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }))
        .map(([body, flips]) => {
          const copy = Buffer.from(body);
          for (const [at, value] of flips) copy[at % copy.length] = value;
          return copy;
        }),
      fc.tuple(fc.constantFrom(...valid), fc.nat()).map(([body, cut]) => body.subarray(0, cut % body.length)),
    );
    fc.assert(
      fc.property(bodies, (body) => {
        const framed = encodeFrame(valueId, body);
        expect(outcome(() => specialised.tryDecodeSync(framed))).toEqual(outcome(() => generic.tryDecodeSync(framed)));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads only what avsc reads the same way: any event it returns is avsc’s', () => {
    const valid = fc.sample(validEvent, { numRuns: 50, seed: 5 }).map(([eventType, event]) => ({
      eventType,
      body: recordOf(eventType).toBuffer(event),
    }));
    fc.assert(
      fc.property(
        fc.constantFrom(...valid),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 3 }),
        ({ eventType, body }, flips) => {
          const copy = Buffer.from(body);
          for (const [at, value] of flips) copy[at % copy.length] = value;
          const read = generatedOf(eventType).read(copy, 0, copy.length);
          if (read === undefined) return;
          const { value, offset } = recordOf(eventType).decode(copy, 0);
          expect(offset).toBe(copy.length);
          expect(comparable(read)).toEqual(comparable(value));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
