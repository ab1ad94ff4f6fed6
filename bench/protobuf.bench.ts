/**
 * Protobuf serde speed, every ratio against a baseline measured in the same run: the kit's
 * Protobuf writer and reader (src/formats/protobuf: Confluent's framing with the message-index
 * array, the topic's wrapper message, the contract's completeness check) vs @bufbuild/protobuf's
 * own `toBinary` / `fromBinary` with the same 5-byte header and message-index byte, and vs
 * @confluentinc/schemaregistry's `ProtobufSerializer` / `ProtobufDeserializer`. The four booking
 * events of the Protobuf tests (test/support/protobuf-fixtures.ts), one of each in turn.
 *
 * Offline: Confluent's serdes run on the library's in-memory registry client (`MockClient`), since
 * its Protobuf deserializer asks the registry for `?format=serialized`, which Apicurio does not
 * serve (schemas/README.md, Protobuf); after their first message neither side calls a registry.
 *
 * Run with `npm run bench -- protobuf` or `npx tsx bench/protobuf.bench.ts` (BENCH_SERDE_ROUNDS).
 */
import { isDeepStrictEqual } from 'node:util';
import { create, equals, fromBinary, toBinary, type Message } from '@bufbuild/protobuf';
import {
  MockClient,
  ProtobufDeserializer,
  ProtobufSerializer,
  SerdeType,
  SubjectNameStrategyType,
} from '@confluentinc/schemaregistry';
import { createProtobufCodec, decodeProtobufMessage, encodeProtobufMessage } from '../src/formats/protobuf';
import { bookingsProtoContract } from '../src/generated/bookings-proto';
import { createInMemoryRegistry, registerContract } from '../src/registry';
import { createSerde } from '../src/serde';
import { BookingEventSchema, type BookingEvent } from '../src/generated-protobuf/travel/bookings/v1/bookings_value_pb';
import { HEADER_SIZE, encodeHeader } from '../src/wire';
import { countedCodec } from '../test/support/generated-codec';
import { bookingsProtobufBinding, protobufBookingEvents, protobufPlainEvents } from '../test/support/protobuf-fixtures';
import { measureRounds, type Contender, type Measured } from './support/measure';
import { pairedFigure, pairedGoal, printReport, type BenchFigure, type BenchReport } from './support/results';

const TOPIC = 'bench-protobuf';
const ROUNDS = { warmupMs: 400, roundMs: 15, rounds: Number(process.env.BENCH_SERDE_ROUNDS ?? 80) };
/** The message-index array of the topic's value message, [0]: Confluent writes it as the one byte 0. */
const FIRST_MESSAGE_INDEX = Buffer.from([0]);

export async function benchProtobuf(): Promise<BenchReport> {
  const notes: string[] = [];
  const figures: BenchFigure[] = [];
  const events = Object.entries(protobufBookingEvents('BOOK-2026-000123')).map(([eventType, event]) => ({
    eventType,
    event: event as Message,
    oneofCase: bookingsProtobufBinding.events[eventType]!,
  }));
  // what every contender is given for an event and builds per call: the topic's wrapper around it
  const wrap = (i: number): BookingEvent =>
    create(BookingEventSchema, { event: { case: events[i]!.oneofCase, value: events[i]!.event } as never });

  // Confluent's serdes register the file and its imports in their in-memory registry on first use
  const client = new MockClient();
  const confluentConf = { subjectNameStrategyType: SubjectNameStrategyType.TOPIC } as const;
  const serializer = new ProtobufSerializer(client, SerdeType.VALUE, { ...confluentConf, autoRegisterSchemas: true });
  serializer.registry.add(BookingEventSchema);
  const deserializer = new ProtobufDeserializer(client, SerdeType.VALUE, confluentConf);
  // one at a time: the first registers the schema, the others find it (concurrent first calls race)
  const confluentFramed: Buffer[] = [];
  for (let i = 0; i < events.length; i++) confluentFramed.push(await serializer.serialize(TOPIC, wrap(i)));
  const schemaId = confluentFramed[0]!.readUInt32BE(1);

  // the kit, on the schema ID Confluent's registry gave, so that all three write the same bytes
  const codec = createProtobufCodec(bookingsProtobufBinding);
  const writers = events.map((e) => codec.writer(e.eventType, schemaId));
  const reader = codec.reader(schemaId);
  const header = encodeHeader(schemaId);
  const rawEncode = (i: number) => Buffer.concat([header, FIRST_MESSAGE_INDEX, toBinary(BookingEventSchema, wrap(i))]);
  // what a raw @bufbuild/protobuf service does with its own data: build the messages from an init
  // object (nested messages and Timestamps as init objects too), then encode
  const inits = events.map((e) => asInit(e.event));
  const rawEncodeInit = (i: number) =>
    Buffer.concat([
      header,
      FIRST_MESSAGE_INDEX,
      toBinary(
        BookingEventSchema,
        create(BookingEventSchema, { event: { case: events[i]!.oneofCase, value: inits[i] } } as never),
      ),
    ]);
  const rawDecode = (bytes: Buffer) => {
    // the framing a raw reader must still undo: header, then the index array of the one message
    if (bytes[0] !== 0 || bytes[HEADER_SIZE] !== 0) throw new Error('not framed for BookingEvent, index [0]');
    return fromBinary(BookingEventSchema, bytes.subarray(HEADER_SIZE + 1));
  };

  // an honest comparison: the same bytes out, and every reader gets back the message that went in
  const kitFramed = events.map((e, i) => writers[i]!(e.event));
  for (const [i, { eventType, event }] of events.entries()) {
    const raw = rawEncode(i);
    if (!kitFramed[i]!.equals(raw) || !kitFramed[i]!.equals(confluentFramed[i]!) || !raw.equals(rawEncodeInit(i))) {
      throw new Error(`the kit, raw @bufbuild/protobuf and ProtobufSerializer disagree on the bytes of ${eventType}`);
    }
    const kitRead = reader(confluentFramed[i]!);
    const confluentRead = (await deserializer.deserialize(TOPIC, kitFramed[i]!)) as BookingEvent;
    const rawRead = rawDecode(kitFramed[i]!);
    const kitReadWrapped = create(BookingEventSchema, {
      event: { case: events[i]!.oneofCase, value: kitRead.event } as never,
    });
    const agree =
      kitRead.eventType === eventType &&
      kitRead.event.$typeName === event.$typeName &&
      equals(BookingEventSchema, kitReadWrapped, wrap(i)) &&
      equals(BookingEventSchema, confluentRead, wrap(i)) &&
      equals(BookingEventSchema, rawRead, wrap(i));
    if (!agree) throw new Error(`the three readers do not return the same ${eventType}`);
  }
  notes.push(
    `events: the four booking events of schemas/proto in turn, framed ${kitFramed.map((b) => b.length).join(', ')} bytes; ` +
      'before measuring, the three writers produced identical bytes and each reader returned the message written (@bufbuild/protobuf equals)',
  );
  notes.push(
    "every contender is given the event message and wraps it in the topic's BookingEvent per call (create); " +
      'raw = @bufbuild/protobuf toBinary + Buffer.concat of the 5-byte header and the index byte 0 (decode: checks those 6 bytes, fromBinary of the rest); ' +
      'the kit adds its completeness check of the event (every top-level field set, the discriminator = the case) on write, and the case ↔ event type and discriminator checks on read',
  );
  notes.push(
    `@confluentinc/schemaregistry on its in-memory MockClient (autoRegisterSchemas, TopicNameStrategy, schema ID ${schemaId}); ` +
      'a real registry would not change the measured phase: the serdes cache the schema after the first message',
  );

  // the path a service takes: the generated bookings-proto contract's serde, plain events in and out
  // (Dates, bigints, enum names), on a registry of its own that holds the same .proto files
  const plain = Object.values(protobufPlainEvents('BOOK-2026-000123'));
  const serdeRegistry = createInMemoryRegistry();
  await registerContract(bookingsProtoContract, serdeRegistry);
  const serde = createSerde(bookingsProtoContract, serdeRegistry);
  // the same contract without its codec.ts: the generic path (validator, plain.ts, create + toBinary, fromBinary)
  const genericSerde = createSerde({ ...bookingsProtoContract, codec: undefined }, serdeRegistry);
  // before measuring: the serde takes the generated path, with the generic path's bytes and events
  const counted = countedCodec(bookingsProtoContract.codec!);
  const checked = createSerde({ ...bookingsProtoContract, codec: counted.codec }, serdeRegistry);
  const serdeFramed: Buffer[] = [];
  for (const event of plain) serdeFramed.push(await serde.encode(event as never));
  for (const [i, framed] of serdeFramed.entries()) {
    const generic = await genericSerde.encode(plain[i] as never);
    const decoded = await checked.decode(await checked.encode(plain[i] as never));
    const bodyOf = (b: Buffer) => b.subarray(HEADER_SIZE);
    // every serde measured below has decoded once, so its reader is cached for tryDecodeSync
    const sameEvent =
      isDeepStrictEqual(decoded, await genericSerde.decode(framed)) &&
      isDeepStrictEqual(decoded, await serde.decode(framed));
    if (!bodyOf(framed).equals(bodyOf(kitFramed[i]!)) || !framed.equals(generic) || !sameEvent) {
      throw new Error(
        `the bookings-proto serde, its generic path and the message-level writer disagree on ${events[i]!.eventType}`,
      );
    }
  }
  if (serdeFramed.some((b) => !serde.tryDecodeSync(b) || !genericSerde.tryDecodeSync(b))) {
    throw new Error('a serde to measure has no reader cached: its tryDecodeSync would measure nothing');
  }
  if (counted.calls.write !== plain.length || counted.calls.read !== plain.length) {
    throw new Error(`the bookings-proto serde did not take its generated codec (${JSON.stringify(counted.calls)})`);
  }
  notes.push(
    "kit serde = createSerde(bookingsProtoContract) on an in-memory registry: the contract's generated codec (src/generated/bookings-proto/codec.ts) " +
      'validates the plain event as it writes it straight to the wire (BinaryWriter) and reads the bytes straight into the plain event (BinaryReader); ' +
      'generic path = the same contract without its codec.ts: the generated ajv validator, conversion to the @bufbuild/protobuf message, toBinary, and fromBinary + conversion back; ' +
      "both give the same bytes and events, whose bodies equal the other writers' (checked before measuring, and that the serde called the generated functions); " +
      'raw is given a ready-built message or an init object, so the ratios include the conversion a plain-object API costs',
  );

  let n = 0;
  const next = () => n++ & 3;
  const encoders: Contender[] = [
    { name: 'raw @bufbuild/protobuf toBinary + header + index byte', op: () => rawEncode(next()) },
    {
      name: 'raw @bufbuild/protobuf create from an init object + toBinary + header + index byte',
      op: () => rawEncodeInit(next()),
    },
    {
      name: 'kit Protobuf writer (check + wrap + encode + frame)',
      op: () => {
        const i = next();
        return writers[i]!(events[i]!.event);
      },
    },
    {
      // the kit's framing without the check: what the writer's check costs, and what its framing does
      name: 'kit encodeProtobufMessage (wrap + encode + frame with the index path, no check)',
      op: () => encodeProtobufMessage(schemaId, BookingEventSchema, wrap(next())),
    },
    {
      name: 'kit serde.encodeSync on the bookings-proto contract (plain event: generated codec, validating as it writes + frame)',
      op: () => serde.encodeSync(plain[next()] as never),
    },
    {
      name: 'kit serde.encodeSync on the bookings-proto contract without codec.ts (validation + conversion + encode + frame)',
      op: () => genericSerde.encodeSync(plain[next()] as never),
    },
    {
      name: '@confluentinc/schemaregistry ProtobufSerializer',
      async: true,
      op: () => serializer.serialize(TOPIC, wrap(next())),
    },
  ];
  const decoders: Contender[] = [
    {
      name: 'raw @bufbuild/protobuf fromBinary after the header + index byte',
      op: () => rawDecode(kitFramed[next()]!),
    },
    { name: 'kit Protobuf reader (frame + index path + decode + case check)', op: () => reader(kitFramed[next()]!) },
    {
      name: 'kit decodeProtobufMessage (frame + index path + decode, no case check)',
      op: () => decodeProtobufMessage(BookingEventSchema.file, kitFramed[next()]!),
    },
    {
      name: 'kit serde.tryDecodeSync on the bookings-proto contract (frame + generated codec: decode and checks into the plain event)',
      op: () => serde.tryDecodeSync(serdeFramed[next()]!),
    },
    {
      name: 'kit serde.tryDecodeSync on the bookings-proto contract without codec.ts (frame + decode + checks + conversion)',
      op: () => genericSerde.tryDecodeSync(serdeFramed[next()]!),
    },
    {
      name: '@confluentinc/schemaregistry ProtobufDeserializer',
      async: true,
      op: () => deserializer.deserialize(TOPIC, kitFramed[next()]!),
    },
  ];
  const [rawEnc, rawInitEnc, kitEnc, kitFrameEnc, serdeEnc, genericEnc, confluentEnc] = (await measureRounds(
    encoders,
    ROUNDS,
  )) as Measured[] as [Measured, Measured, Measured, Measured, Measured, Measured, Measured];
  const [rawDec, kitDec, kitFrameDec, serdeDec, genericDec, confluentDec] = (await measureRounds(
    decoders,
    ROUNDS,
  )) as Measured[] as [Measured, Measured, Measured, Measured, Measured, Measured];

  const row = (what: string, kit: Measured, other: Measured, label: string) =>
    pairedFigure(`${what}, kit vs ${label}`, kit, other);
  figures.push(row('Protobuf encode', kitEnc, rawEnc, 'raw @bufbuild/protobuf'));
  figures.push(row('Protobuf decode', kitDec, rawDec, 'raw @bufbuild/protobuf'));
  figures.push(row('Protobuf encode (serde, plain events)', serdeEnc, rawEnc, 'raw @bufbuild/protobuf'));
  // issue 33's goals: the serde on plain events at least raw's speed
  figures.push(
    pairedGoal(
      'Protobuf encode (serde, plain events), kit vs raw @bufbuild/protobuf from an init object',
      serdeEnc,
      rawInitEnc,
      1,
    ),
  );
  figures.push(pairedGoal('Protobuf decode (serde, plain events), kit vs raw @bufbuild/protobuf', serdeDec, rawDec, 1));
  // the same rows for the contract without its codec.ts: what the generated codec changed, in this run
  figures.push(
    row(
      'Protobuf encode (serde without codec.ts)',
      genericEnc,
      rawInitEnc,
      'raw @bufbuild/protobuf from an init object',
    ),
  );
  figures.push(row('Protobuf decode (serde without codec.ts)', genericDec, rawDec, 'raw @bufbuild/protobuf'));
  figures.push(row('Protobuf encode (serde, plain events)', serdeEnc, genericEnc, 'the serde without codec.ts'));
  figures.push(row('Protobuf decode (serde, plain events)', serdeDec, genericDec, 'the serde without codec.ts'));
  figures.push(row('Protobuf encode', kitEnc, confluentEnc, '@confluentinc/schemaregistry'));
  figures.push(row('Protobuf decode', kitDec, confluentDec, '@confluentinc/schemaregistry'));
  figures.push(row('Protobuf encode (serde, plain events)', serdeEnc, confluentEnc, '@confluentinc/schemaregistry'));
  figures.push(row('Protobuf decode (serde, plain events)', serdeDec, confluentDec, '@confluentinc/schemaregistry'));
  const µs = (m: Measured) => (1e6 / m.median).toFixed(2);
  notes.push(
    `CPU per event: encode kit ${µs(kitEnc)} µs (its framing without the check ${µs(kitFrameEnc)} µs, the serde on plain events ${µs(serdeEnc)} µs, without codec.ts ${µs(genericEnc)} µs), raw ${µs(rawEnc)} µs (from an init object ${µs(rawInitEnc)} µs), Confluent ${µs(confluentEnc)} µs; ` +
      `decode kit ${µs(kitDec)} µs (without the case check ${µs(kitFrameDec)} µs, the serde to plain events ${µs(serdeDec)} µs, without codec.ts ${µs(genericDec)} µs), raw ${µs(rawDec)} µs, Confluent ${µs(confluentDec)} µs`,
  );
  notes.push(
    `rounds: ${ROUNDS.rounds} interleaved rounds of ~${ROUNDS.roundMs} ms per contender after ${ROUNDS.warmupMs} ms of warm-up; ` +
      'rates are operations per CPU-second, figures medians, ratios the median of per-round ratios with their interquartile range',
  );
  return { benchmark: 'protobuf', figures, notes };
}

/** A message as an init object (no `$typeName` at any depth): what a service holds before `create`. */
function asInit(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asInit);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== '$typeName')
      .map(([key, v]) => [key, asInit(v)]),
  );
}

if (require.main === module) {
  benchProtobuf().then(printReport, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
