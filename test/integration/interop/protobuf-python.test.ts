/**
 * Confluent's Protobuf framing, byte for byte, against the client this project did not write:
 * confluent-kafka's ProtobufSerializer / ProtobufDeserializer with stubs compiled by grpcio-tools
 * from the same schemas/proto, on the stack's registry (Apicurio's ccompat API). For each message
 * the kit writes the bytes Python wrote, reads what Python wrote, and Python reads what the kit wrote:
 * the topic's wrapper (message index [0], the byte 0), a later message of a file ([1], [2]) and a
 * nested message ([0, 0]); and the bookings-proto contract's generated codec (plain events through
 * the serde) against the same bytes both ways.
 * Runs in the tests' Python environment (test/support/python.ts: the pinned test/support/python/ requirements).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { create, toJson, type DescFile, type DescMessage, type Message } from '@bufbuild/protobuf';
import {
  createProtobufCodec,
  decodeProtobufMessage,
  encodeProtobufMessage,
  messageIndexPath,
} from '../../../src/formats/protobuf';
import {
  BookingConfirmed_DataSchema,
  PaymentSchema,
} from '../../../src/generated-protobuf/travel/bookings/v1/booking_confirmed_pb';
import { FlightDetailsSchema } from '../../../src/generated-protobuf/travel/bookings/v1/booking_created_pb';
import { BookingEventSchema } from '../../../src/generated-protobuf/travel/bookings/v1/bookings_value_pb';
import type { TopicContract } from '../../../src/contract';
import { bindContract } from '../../../src/formats/protobuf/codec';
import { toPlain } from '../../../src/formats/protobuf/plain';
import { bookingsProtoContract } from '../../../src/generated/bookings-proto';
import { createSchemaRegistryClient, registerContract } from '../../../src/registry';
import { createSerde } from '../../../src/serde';
import type { SchemaInput, SchemaReference } from '../../../src/registry/types';
import { uniqueTopic, withSubjectPrefix, withTopic } from '../../support/contracts';
import { bookingsProtobufBinding, protobufBookingEvents } from '../../support/protobuf-fixtures';
import { countedCodec } from '../../support/generated-codec';
import { stackEnv } from '../../support/stack-env';
import { ensurePython } from '../../support/python';

jest.setTimeout(120_000);
const exec = promisify(execFile);
const root = resolve(__dirname, '..', '..', '..');
const script = resolve(root, 'test', 'support', 'python', 'interop_protobuf.py');
const protoRoot = resolve(root, 'schemas', 'proto');
const env = stackEnv();
const codec = createProtobufCodec(bookingsProtobufBinding);
const events = protobufBookingEvents('PROTO-1');
/** Each run registers the imports under subjects of its own: a subject never mixes Python's and the kit's spelling. */
const run = uniqueTopic('proto-it');

interface Item {
  topic: string;
  message: string;
  json?: unknown;
  hex?: string;
}

/** Runs the Python side over JSON lines, one answer line per item. */
async function python<T>(mode: 'encode' | 'decode', items: Item[], withRegistry = false): Promise<T[]> {
  const args = [script, mode, '--registry', env.registryUrl, '--proto-root', protoRoot];
  args.push('--reference-prefix', `${run}-py/`);
  if (withRegistry) args.push('--with-registry');
  const child = exec(ensurePython(), args, { maxBuffer: 16 * 1024 * 1024 });
  child.child.stdin!.end(items.map((i) => JSON.stringify(i)).join('\n') + '\n');
  const { stdout } = await child;
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as T);
}

const wrap = (eventType: string, event: Message) =>
  create(BookingEventSchema, {
    event: { case: bookingsProtobufBinding.events[eventType], value: event } as never,
  });
const schemaIdOf = (hex: string) => Buffer.from(hex, 'hex').readUInt32BE(1);

describe("Protobuf interop with Confluent's Python client", () => {
  const topic = uniqueTopic('proto-it-py');
  const sent = Object.entries(events).map(([eventType, event]) => ({
    eventType,
    event,
    wrapper: wrap(eventType, event),
  }));
  let fromPython: Array<{ hex: string }>;

  beforeAll(async () => {
    fromPython = await python<{ hex: string }>(
      'encode',
      sent.map((s) => ({ topic, message: BookingEventSchema.typeName, json: toJson(BookingEventSchema, s.wrapper) })),
    );
  });

  it('writes each booking event with the bytes ProtobufSerializer writes (index [0], the byte 0)', () => {
    for (const [i, { eventType, event }] of sent.entries()) {
      const theirs = fromPython[i]!.hex;
      const ours = codec.writer(eventType, schemaIdOf(theirs))(event).toString('hex');
      expect({ eventType, bytes: ours }).toEqual({ eventType, bytes: theirs });
      expect(theirs.slice(10, 12)).toBe('00');
    }
  });

  it('reads what ProtobufSerializer wrote as the same typed events', () => {
    for (const [i, { eventType, event }] of sent.entries()) {
      const read = codec.reader(schemaIdOf(fromPython[i]!.hex))(Buffer.from(fromPython[i]!.hex, 'hex'));
      expect(read).toEqual({ eventType, event });
    }
  });

  it('ProtobufDeserializer, with the registry, reads what the kit wrote', async () => {
    const id = schemaIdOf(fromPython[0]!.hex);
    const ours = sent.map((s) => codec.writer(s.eventType, id)(s.event).toString('hex'));
    const read = await python<{ messageIndexes: number[]; json: unknown }>(
      'decode',
      ours.map((hex) => ({ topic, message: BookingEventSchema.typeName, hex })),
      true,
    );
    expect(read).toEqual(sent.map((s) => ({ messageIndexes: [0], json: toJson(BookingEventSchema, s.wrapper) })));
  });

  it("the bookings-proto contract's generated codec (plain events) writes ProtobufSerializer's bytes and reads them, and Python reads it", async () => {
    // the contract on subjects of this run, its generated functions counted
    const { codec, calls } = countedCodec(bookingsProtoContract.codec!);
    const kitTopic = uniqueTopic('proto-it-gen');
    const contract = withSubjectPrefix(withTopic(bookingsProtoContract, kitTopic), `${run}-gen/`);
    const registry = createSchemaRegistryClient({ url: env.registryUrl });
    await registerContract(contract, registry);
    const serde = createSerde({ ...contract, codec } as typeof contract, registry);
    const binding = bindContract(contract as unknown as TopicContract);
    const plain = sent.map((s) => toPlain(binding.caseOfType.get(s.eventType)!.message, s.event));

    const ours = await Promise.all(plain.map((event) => serde.encode(event as never)));
    expect(calls.write).toBe(sent.length);
    // the same message-index array and body as Python's, each under its own registry's schema ID
    expect(ours.map((b) => b.subarray(5).toString('hex'))).toEqual(fromPython.map((p) => p.hex.slice(10)));

    // Python's bytes under the kit's schema ID: the schema Python registered is a serialized
    // FileDescriptorProto (base64), which the kit's .proto parser does not read
    const kitHeader = ours[0]!.subarray(0, 5);
    for (const [i, p] of fromPython.entries()) {
      const theirs = Buffer.concat([kitHeader, Buffer.from(p.hex, 'hex').subarray(5)]);
      const decoded = await serde.decode(theirs);
      expect(decoded).toEqual({ eventType: sent[i]!.eventType, event: plain[i], schemaId: kitHeader.readUInt32BE(1) });
    }
    expect(calls.read).toBe(sent.length);

    const read = await python<{ messageIndexes: number[]; json: unknown }>(
      'decode',
      ours.map((b) => ({ topic: kitTopic, message: BookingEventSchema.typeName, hex: b.toString('hex') })),
    );
    expect(read).toEqual(sent.map((s) => ({ messageIndexes: [0], json: toJson(BookingEventSchema, s.wrapper) })));
  });

  const flight = events['booking.created'].data!.flight!;
  const payment = events['booking.confirmed'].data!.payment!;
  const confirmedData = events['booking.confirmed'].data!;
  it.each<[string, DescMessage, Message, number[], string]>([
    ['a later message of its file', FlightDetailsSchema, flight, [2], '0204'],
    ['the second message of its file', PaymentSchema, payment, [1], '0202'],
    ['a nested message', BookingConfirmed_DataSchema, confirmedData, [0, 0], '040000'],
  ])('frames %s (%s) as Confluent does, both ways', async (_what, schema, message, path, indexHex) => {
    const itemTopic = uniqueTopic('proto-it-py-msg');
    const [theirs] = await python<{ hex: string }>('encode', [
      { topic: itemTopic, message: schema.typeName, json: toJson(schema, message) },
    ]);
    const id = schemaIdOf(theirs!.hex);
    expect(messageIndexPath(schema)).toEqual(path);
    expect(theirs!.hex.slice(10, 10 + indexHex.length)).toBe(indexHex);

    const ours = encodeProtobufMessage(id, schema, message).toString('hex');
    expect(ours).toBe(theirs!.hex);

    const read = decodeProtobufMessage(schema.file, Buffer.from(theirs!.hex, 'hex'));
    expect(read.schema).toBe(schema);
    expect(toJson(schema, read.message as never)).toEqual(toJson(schema, message));

    const [back] = await python<{ messageIndexes: number[]; json: unknown }>(
      'decode',
      [{ topic: itemTopic, message: schema.typeName, hex: ours }],
      true,
    );
    expect(back).toEqual({ messageIndexes: path, json: toJson(schema, message) });
  });

  it('on schemas the kit registers as .proto text with its imports as references, Python reads the kit', async () => {
    const registry = createSchemaRegistryClient({ url: env.registryUrl });
    const file = (path: string) => readFileSync(resolve(protoRoot, path), 'utf8');
    // Confluent's reference names (the import path); subjects: the import path after this run's prefix
    const subjectOf = (path: string) => `${run}-kit/${path}`;
    const references = new Map<string, SchemaReference>();
    // a file's imports first, each under a subject of its own, then the file referencing them
    const registerProto = async (proto: DescFile, subject: string): Promise<number> => {
      const input: SchemaInput = { schema: file(`${proto.name}.proto`), schemaType: 'PROTOBUF', references: [] };
      for (const dependency of proto.dependencies) {
        const name = `${dependency.name}.proto`;
        if (name.startsWith('google/protobuf/')) continue; // well-known types: Confluent's serializers skip them too
        if (!references.has(name)) await registerProto(dependency, subjectOf(name));
        input.references!.push(references.get(name)!);
      }
      const { id } = await registry.register(subject, input);
      const { version } = await registry.lookup(subject, input);
      references.set(`${proto.name}.proto`, { name: `${proto.name}.proto`, subject, version });
      return id;
    };
    const valueTopic = uniqueTopic('proto-it-kit');
    const id = await registerProto(BookingEventSchema.file, `${valueTopic}-value`);
    const eventFiles = ['created', 'confirmed', 'cancelled', 'failed'].map(
      (e) => `travel/bookings/v1/booking_${e}.proto`,
    );
    const stored = await registry.getSchemaById(id);
    expect(stored.references.map((r) => r.name).sort()).toEqual([...eventFiles].sort());

    const ours = sent.map((s) => codec.writer(s.eventType, id)(s.event).toString('hex'));
    // without the registry: Apicurio answers ?format=serialized with the stored text, which
    // the Python deserializer's writer-schema lookup cannot parse (schemas/README.md, Protobuf)
    const read = await python<{ messageIndexes: number[]; json: unknown }>(
      'decode',
      ours.map((hex) => ({ topic: valueTopic, message: BookingEventSchema.typeName, hex })),
    );
    expect(read).toEqual(sent.map((s) => ({ messageIndexes: [0], json: toJson(BookingEventSchema, s.wrapper) })));
  });
});
