/**
 * The codec codegen specialises for the bookings-proto messages (src/generated/bookings-proto/codec.ts)
 * against the generic Protobuf path (plain.ts + @bufbuild/protobuf `create`/`toBinary`/`fromBinary`),
 * through the serde, over events generated from the messages themselves: valid events give the
 * same bytes and decode to the same event; broken ones are refused with the same typed error; any
 * message of the topic decodes to the same event or the same DecodeError. A stale codec.ts and
 * other writer schemas keep the generic path.
 */
import { create, toBinary, type DescMessage, type Message } from '@bufbuild/protobuf';
import fc from 'fast-check';
import type { TopicContract } from '../../../../src/contract';
import { bindContract } from '../../../../src/formats/protobuf/codec';
import { protobufCodecFingerprint } from '../../../../src/formats/protobuf/fingerprint';
import { toPlain } from '../../../../src/formats/protobuf/plain';
import { bookingsProtoContract } from '../../../../src/generated/bookings-proto';
import { createInMemoryRegistry, registerContract, type SchemaRegistryClient } from '../../../../src/registry';
import { createSerde, type Serde } from '../../../../src/serde';
import { encodeProtobufFrame } from '../../../../src/wire';
import { brokenVariant, outcome } from '../../../support/broken-events';
import { countedCodec } from '../../../support/generated-codec';
import { asCompleteEvent, messageArb } from '../../../support/protobuf-arbitraries';

type Contract = typeof bookingsProtoContract;
const contract = bookingsProtoContract as unknown as TopicContract;
const binding = bindContract(contract);
const eventTypes = Object.keys(bookingsProtoContract.events);
const messageOf = (eventType: string): DescMessage => binding.caseOfType.get(eventType)!.message;

/** Any message of an event's type (incomplete, other enum numbers), as another writer may send. */
const anyMessage = fc
  .constantFrom(...eventTypes)
  .chain((eventType) => messageArb(messageOf(eventType)).map((message) => ({ eventType, message })));

/** An event the contract takes, as its plain form. */
const validEvent = fc.constantFrom(...eventTypes).chain((eventType) =>
  messageArb(messageOf(eventType), { knownEnums: true }).map((message) => ({
    eventType,
    message: asCompleteEvent(messageOf(eventType), message, 'eventType', eventType),
    plain: toPlain(messageOf(eventType), message),
  })),
);

/** The framed message of `event` in its case, as @bufbuild/protobuf writes it. */
function framed(schemaId: number, eventType: string, event: Message): Buffer {
  const value = create(binding.value, {
    event: { case: binding.caseOfType.get(eventType)!.localName, value: event },
  } as never);
  return encodeProtobufFrame(schemaId, [0], toBinary(binding.value, value));
}

let registry: SchemaRegistryClient;
let valueId: number;
let specialised: Serde<Contract>;
let generic: Serde<Contract>;
/** How often the specialised serde called the generated functions. */
let calls: { write: number; read: number };

beforeAll(async () => {
  registry = createInMemoryRegistry({ compatibility: 'NONE' });
  valueId = (await registerContract(bookingsProtoContract, registry))['bookings-proto-value']!.id;
  const spied = countedCodec(bookingsProtoContract.codec!);
  calls = spied.calls;
  specialised = createSerde({ ...contract, codec: spied.codec } as unknown as Contract, registry);
  generic = createSerde({ ...contract, codec: undefined } as unknown as Contract, registry);
  for (const serde of [specialised, generic]) for (const t of eventTypes) await serde.schemaIdFor(t);
  // one message of the contract's own schema ID caches its reader in both
  const { message, eventType } = fc.sample(validEvent, { numRuns: 1, seed: 1 })[0]!;
  await specialised.decode(framed(valueId, eventType, message));
  await generic.decode(framed(valueId, eventType, message));
});

describe('the generated bookings-proto codec', () => {
  it('was generated from the contract’s own messages (the runtime uses it)', () => {
    for (const eventType of eventTypes) {
      const fingerprint = protobufCodecFingerprint({
        value: binding.value,
        eventCase: binding.caseOfType.get(eventType)!,
        eventType,
        discriminator: contract.discriminator,
      });
      expect(bookingsProtoContract.codec!.events[eventType]!.schema).toBe(fingerprint);
    }
  });

  it('frames and decodes valid events through the serde exactly as the generic path, with the generated functions', () => {
    const before = { ...calls };
    fc.assert(
      fc.property(validEvent, ({ eventType, message, plain }) => {
        const bytes = specialised.encodeSync(plain as never)!;
        expect(bytes.equals(generic.encodeSync(plain as never)!)).toBe(true);
        expect(bytes.equals(framed(valueId, eventType, message))).toBe(true);
        const decoded = specialised.tryDecodeSync(bytes)!;
        expect(decoded).toStrictEqual(generic.tryDecodeSync(bytes));
        expect(decoded.event).toStrictEqual(plain);
      }),
      { numRuns: 500 },
    );
    expect(calls.write - before.write).toBe(500);
    expect(calls.read - before.read).toBe(500);
  });

  it('refuses what the validator or the generic path refuses, with the same typed error', () => {
    const broken = validEvent.chain(({ plain }) => brokenVariant(plain));
    fc.assert(
      fc.property(broken, (event) => {
        expect(outcome(() => specialised.encodeSync(event as never))).toEqual(
          outcome(() => generic.encodeSync(event as never)),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes any message of the topic to the same event or the same DecodeError as the generic reader', () => {
    fc.assert(
      fc.property(anyMessage, ({ eventType, message }) => {
        const bytes = framed(valueId, eventType, message);
        expect(outcome(() => specialised.tryDecodeSync(bytes))).toEqual(outcome(() => generic.tryDecodeSync(bytes)));
      }),
      { numRuns: 1000 },
    );
  });

  it('decodes any bytes after the frame to the same event or the same DecodeError as the generic reader', () => {
    // a valid message with bytes changed, inserted or cut: whatever the generated reader takes, the generic one reads alike
    const mangled = fc
      .tuple(
        validEvent,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'cut')), {
          minLength: 1,
          maxLength: 3,
        }),
      )
      .map(([{ eventType, message }, edits]) => {
        const bytes = [...framed(valueId, eventType, message)];
        for (const [at, byte, edit] of edits) {
          if (bytes.length <= 7) break; // the frame and one byte of body are kept
          const i = 6 + (at % (bytes.length - 6));
          if (edit === 'set') bytes[i] = byte;
          else if (edit === 'insert') bytes.splice(i, 0, byte);
          else bytes.length = i;
        }
        return Buffer.from(bytes);
      });
    fc.assert(
      fc.property(mangled, (bytes) => {
        expect(outcome(() => specialised.tryDecodeSync(bytes))).toEqual(outcome(() => generic.tryDecodeSync(bytes)));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps the generic path for a codec.ts generated from other messages', async () => {
    const stale = countedCodec(bookingsProtoContract.codec!);
    for (const event of Object.values(stale.codec.events)) event.schema = `${event.schema.slice(1)}0`;
    const serde = createSerde({ ...contract, codec: stale.codec } as unknown as Contract, registry);
    const { plain } = fc.sample(validEvent, { numRuns: 1, seed: 2 })[0]!;
    const bytes = await serde.encode(plain as never);
    expect((await serde.decode(bytes)).event).toStrictEqual(plain);
    expect(stale.calls).toEqual({ write: 0, read: 0 });
  });

  it('keeps the generic path for an event another writer schema holds otherwise; its other events stay generated', async () => {
    // the writer's value message holds booking.created in another case (5): the generated reader
    // of the contract's case 1 is not that writer's; booking.confirmed's case is the same
    const value = contract.schemas.at(-1)!;
    const other = value.schema.replace('BookingCreated created = 1;', 'BookingCreated created = 5;');
    expect(other).not.toBe(value.schema);
    await registry.setCompatibility('NONE', 'bookings-proto-value');
    const { id } = await registry.register('bookings-proto-value', {
      schema: other,
      schemaType: 'PROTOBUF',
      references: value.references.map((r) => ({ ...r, version: 1 })),
    });
    const sample = (eventType: string) =>
      fc.sample(
        validEvent.filter((e) => e.eventType === eventType),
        { numRuns: 1, seed: 4 },
      )[0]!;
    const created = sample('booking.created');
    let before = calls.read;
    // read by the contract's own descriptor, as ever: case 1 is booking.created
    expect((await specialised.decode(framed(id, 'booking.created', created.message))).event).toStrictEqual(
      created.plain,
    );
    expect(calls.read).toBe(before);
    const confirmed = sample('booking.confirmed');
    before = calls.read;
    expect((await specialised.decode(framed(id, 'booking.confirmed', confirmed.message))).event).toStrictEqual(
      confirmed.plain,
    );
    expect(calls.read).toBe(before + 1);
  });
});
