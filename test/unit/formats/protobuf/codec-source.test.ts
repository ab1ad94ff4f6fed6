/**
 * The Protobuf codec emitter on what the bookings messages do not use (every scalar, proto3
 * `optional`, lists packed and not, lists of messages, Timestamps and bytes, maps, a oneof in a
 * nested message, a two-byte tag): the
 * emitted module, compiled as a service would compile it, against @bufbuild/protobuf over
 * generated messages. The writer's bytes are `toBinary`'s of the same message; the reader gives
 * plain.ts's plain form of what `fromBinary` reads, or leaves to the generic reader what the
 * contract refuses; the writer refuses every event the topic's validator refuses. Messages with
 * what the emitter does not specialise get no codec at all.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { create, fromBinary, toBinary, type DescMessage, type Message } from '@bufbuild/protobuf';
import fc from 'fast-check';
import type { TopicConfig } from '../../../../src/config';
import type { CompiledValidator } from '../../../../src/contract';
import type { TopicModel } from '../../../../src/formats/model';
import { bindValue } from '../../../../src/formats/protobuf/codec';
import { protobufCodecSource } from '../../../../src/formats/protobuf/codec-source';
import { toPlain, toPlainChecked } from '../../../../src/formats/protobuf/plain';
import { readProtobufTopic } from '../../../../src/formats/protobuf/reader';
import { createAjv } from '../../../../src/validation/ajv';
import { brokenVariant } from '../../../support/broken-events';
import { loadGeneratedCodec } from '../../../support/generated-codec';
import { asCompleteEvent, EVERY_KIND_OF_FIELD, messageArb } from '../../../support/protobuf-arbitraries';

const KINDS = `syntax = "proto3";
package test.kinds.v1;
import "google/protobuf/timestamp.proto";
message Kinds {
${EVERY_KIND_OF_FIELD}
  string event_type = 60;
  int32 far = 300;
}
`;

const VALUE = `syntax = "proto3";
package test.kinds.v1;
import "test/kinds/v1/kinds.proto";
message KindsEvent {
  oneof event {
    Kinds kinds = 17;
  }
}
`;

/** The topic model codegen reads from these files (with `kinds` replaced), written to a temporary folder. */
function modelOf(kinds: string = KINDS): TopicModel {
  const dir = mkdtempSync(join(tmpdir(), 'protobuf-codec-source-'));
  try {
    const put = (path: string, text: string) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
      return join(dir, path);
    };
    const topic = {
      name: 'kinds',
      format: 'PROTOBUF',
      value: put('test/kinds/v1/kinds_value.proto', VALUE),
      events: [{ type: 'kinds.happened', schema: put('test/kinds/v1/kinds.proto', kinds) }],
      references: [],
      subjectStrategy: 'TopicNameStrategy',
      discriminator: 'eventType',
    } as unknown as TopicConfig;
    return readProtobufTopic(topic, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const model = modelOf();
const binding = bindValue('kinds', model.schemas, model.valueSubject, model.events);
const eventCase = binding.caseOfType.get('kinds.happened')!;
const kinds: DescMessage = eventCase.message;
const codec = loadGeneratedCodec(protobufCodecSource(model)!.source, 'kindsCodec').events['kinds.happened']!;
const ajv = createAjv();
const validate = ajv.compile(model.events[0]!.writableSchema) as CompiledValidator;

/** The value message's body holding `event`, as @bufbuild/protobuf writes it. */
const wrapped = (event: Message) =>
  toBinary(binding.value, create(binding.value, { event: { case: eventCase.localName, value: event } } as never));

const completeEvent = messageArb(kinds, { knownEnums: true }).map((m) =>
  asCompleteEvent(kinds, m, 'eventType', 'kinds.happened'),
);

describe('the Protobuf codec emitter', () => {
  it('writes every kind of field as toBinary does, and reads it back to the plain form', () => {
    const buf = new Uint8Array(64 * 1024);
    fc.assert(
      fc.property(completeEvent, (message) => {
        const plain = toPlain(kinds, message);
        expect(validate(plain)).toBe(true);
        const end = codec.write(plain, buf, 0);
        expect([...buf.subarray(0, end)]).toEqual([...wrapped(message)]);
        expect(codec.read(buf, 0, end)).toStrictEqual(plain);
      }),
      { numRuns: 500 },
    );
  });

  it('reads any message of the event as the generic reader would, or leaves it to that reader', () => {
    fc.assert(
      fc.property(messageArb(kinds), (message) => {
        const bytes = wrapped(message);
        const { plain, unset } = toPlainChecked(kinds, message);
        const accepted = unset.length === 0 && plain.eventType === 'kinds.happened';
        // the generic reader refuses an incomplete event or another discriminator; the generated one leaves it to it
        expect(codec.read(bytes, 0, bytes.length)).toStrictEqual(accepted ? plain : undefined);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses every event the validator refuses; what it writes, the validator takes', () => {
    const buf = new Uint8Array(64 * 1024);
    const broken = completeEvent.chain((message) => brokenVariant(toPlain(kinds, message)));
    fc.assert(
      fc.property(broken, (event) => {
        const written = codec.write(event, buf, 0) >= 0;
        if (!validate(event)) expect(written).toBe(false);
        if (written) expect(validate(event)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('says how much it needs when the buffer is too small, and writes it all in a larger one', () => {
    const message = fc.sample(completeEvent, { numRuns: 1, seed: 3 })[0]!;
    const expected = wrapped(message);
    const small = new Uint8Array(4);
    expect(codec.write(toPlain(kinds, message), small, 2)).toBe(2 + expected.length);
    const large = new Uint8Array(expected.length + 2);
    expect(codec.write(toPlain(kinds, message), large, 2)).toBe(large.length);
    expect([...large.subarray(2)]).toEqual([...expected]);
  });

  it('leaves to the generic reader what it does not expect: an unknown field, a message written twice, a truncated body, an overlong tag', () => {
    const message = fc.sample(completeEvent, { numRuns: 1, seed: 5 })[0]!;
    const body = wrapped(message);
    // the case's tag: field 17, length-delimited, two bytes
    const reframe = (inner: Uint8Array) => new Uint8Array([0x8a, 0x01, ...varint(inner.length), ...inner]);
    const inner = eventBody(body);
    expect(codec.read(reframe(inner), 0, reframe(inner).length)).toBeDefined();
    // field 99, a varint: not in the message
    const unknown = reframe(new Uint8Array([...inner, 0x98, 0x06, 0x01]));
    expect(codec.read(unknown, 0, unknown.length)).toBeUndefined();
    // the Timestamp `at` (field 25) again: fromBinary merges the two, the generated reader leaves it
    const twice = reframe(new Uint8Array([...inner, 0xca, 0x01, 0x00]));
    expect(codec.read(twice, 0, twice.length)).toBeUndefined();
    expect(codec.read(body, 0, body.length - 1)).toBeUndefined();
    // field 300 (int32 far) with its tag spelled in six bytes: fromBinary refuses such a tag
    const overlong = reframe(new Uint8Array([...inner, 0xe0, 0x92, 0x80, 0x80, 0x80, 0x00, 0x01]));
    expect(codec.read(overlong, 0, overlong.length)).toBeUndefined();
  });

  it('reads a oneof written twice as fromBinary does: the later member replaces the earlier', () => {
    const message = fc.sample(completeEvent, { numRuns: 1, seed: 7 })[0]!;
    // one more element of `parts` (field 32) holding two members of its oneof: label "a", then tint 1
    const part = [0x32, 0x01, 0x61, 0x38, 0x01];
    const inner = new Uint8Array([...eventBody(wrapped(message)), 0x82, 0x02, part.length, ...part]);
    const body = new Uint8Array([0x8a, 0x01, ...varint(inner.length), ...inner]);
    const generic = fromBinary(binding.value, body) as unknown as { event: { value: Message } };
    const read = codec.read(body, 0, body.length) as { parts: unknown[] };
    expect(read).toStrictEqual(toPlain(kinds, generic.event.value));
    expect(read.parts.at(-1)).toMatchObject({ tint: 'COLOUR_RED' });
    expect(read.parts.at(-1)).not.toHaveProperty('label');
  });

  it('reads map entries as fromBinary does: a later key replaces an earlier one, a missing key or value is zero', () => {
    const message = fc.sample(completeEvent, { numRuns: 1, seed: 8 })[0]!;
    // colour_by_id (field 44, map<int32, Colour>): {5: RED}, {5: BLUE}, {value BLUE} (key 0), {key 7} (value 0)
    const entry = (...bytes: number[]) => [0xe2, 0x02, bytes.length, ...bytes];
    const extra = [...entry(0x08, 5, 0x10, 1), ...entry(0x08, 5, 0x10, 2), ...entry(0x10, 2), ...entry(0x08, 7)];
    const inner = new Uint8Array([...eventBody(wrapped(message)), ...extra]);
    const body = new Uint8Array([0x8a, 0x01, ...varint(inner.length), ...inner]);
    const generic = fromBinary(binding.value, body) as unknown as { event: { value: Message } };
    const read = codec.read(body, 0, body.length) as { colourById: Record<string, unknown> };
    expect(read).toStrictEqual(toPlain(kinds, generic.event.value));
    expect(read.colourById).toMatchObject({ '0': 'COLOUR_BLUE', '5': 'COLOUR_BLUE', '7': 'COLOUR_UNSPECIFIED' });
  });

  it.each([
    ['a oneof of the event’s own', 'oneof pick { string one = 302; int32 two = 303; }'],
    ['a well-known type other than Timestamp', 'google.protobuf.Timestamp ok = 304; google.protobuf.Any any = 305;'],
  ])('writes no codec for a message with %s', (_what, field) => {
    const kindsWith = KINDS.replace('int32 far = 300;', `int32 far = 300;\n  ${field}`).replace(
      'import "google/protobuf/timestamp.proto";',
      'import "google/protobuf/timestamp.proto";\nimport "google/protobuf/any.proto";',
    );
    expect(protobufCodecSource(modelOf(kindsWith))).toBeUndefined();
  });
});

/** The event's own body inside a value message's body (its one case). */
function eventBody(body: Uint8Array): Uint8Array {
  let at = 0;
  while (body[at]! & 0x80) at++;
  at++;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = body[at++]!;
    length |= (byte & 0x7f) << shift;
    if (byte < 0x80) break;
  }
  return body.subarray(at, at + length);
}

function varint(n: number): number[] {
  const bytes: number[] = [];
  for (; n >= 0x80; n >>>= 7) bytes.push((n & 0x7f) | 0x80);
  bytes.push(n);
  return bytes;
}
