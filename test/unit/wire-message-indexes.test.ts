import fc from 'fast-check';
import { WireFormatError } from '../../src/errors';
import { decodeMessageIndexes, decodeProtobufFrame, encodeMessageIndexes, encodeProtobufFrame } from '../../src/wire';
import { firstMessageBody, framedWith, protobufFramePrefix } from '../../src/wire/message-indexes';

/** What confluent-kafka 2.16.1 writes for each path (SchemaId._encode_varints, run by hand). */
const CONFLUENT_VECTORS: Array<[number[], string]> = [
  [[0], '00'],
  [[1], '02 02'],
  [[0, 0], '04 00 00'],
  [[2, 1], '04 04 02'],
  [[0, 1, 2], '06 00 02 04'],
  [[63], '02 7e'],
  [[64], '02 80 01'],
  [[1, 200], '04 02 90 03'],
  [[300], '02 d8 04'],
  [[12345678], '02 9c 85 e3 0b'],
];
const hex = (text: string) => Buffer.from(text.replace(/ /g, ''), 'hex');

describe("Confluent's Protobuf message-index array", () => {
  it.each(CONFLUENT_VECTORS)('writes %j as Confluent does (%s)', (indexes, bytes) => {
    expect(encodeMessageIndexes(indexes).toString('hex')).toBe(bytes.replace(/ /g, ''));
  });

  it.each(CONFLUENT_VECTORS)('reads %j back from %s', (indexes, bytes) => {
    expect(decodeMessageIndexes(hex(bytes), 0)).toEqual({ indexes, end: hex(bytes).length });
  });

  it('reads the long spelling of the first message (length 1, index 0) as [0]', () => {
    expect(decodeMessageIndexes(hex('02 00'), 0)).toEqual({ indexes: [0], end: 2 });
  });

  it('round-trips any path', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0x3fffffff }), { minLength: 1, maxLength: 8 }), (indexes) => {
        const bytes = encodeMessageIndexes(indexes);
        expect(decodeMessageIndexes(bytes, 0)).toEqual({ indexes, end: bytes.length });
      }),
    );
  });

  it.each([
    ['an empty path', []],
    ['a negative index', [-1]],
    ['a fractional index', [0.5]],
  ])('refuses to write %s', (_name, indexes) => {
    expect(() => encodeMessageIndexes(indexes)).toThrow(WireFormatError);
  });

  it.each([
    ['a path cut short', '04 02', /ends inside its message-index array/],
    ['a varint cut short', '02 80', /ends inside/],
    ['a negative length', '01', /claims -1 entries/],
    ['a negative index', '02 01', /negative/],
    ['a varint longer than 5 bytes', '02 80 80 80 80 80 01', /past 5 bytes/],
  ])('refuses %s', (_name, bytes, message) => {
    expect(() => decodeMessageIndexes(hex(bytes), 0)).toThrow(message);
  });
});

describe("Confluent's Protobuf framing", () => {
  it('writes magic byte, schema ID, the index path, then the message', () => {
    const frame = encodeProtobufFrame(7, [1, 0], Buffer.from([0x0a, 0x01, 0x41]));
    expect(frame.toString('hex')).toBe('00' + '00000007' + '040200' + '0a0141');
  });

  it('reads schema ID, path and body back, the body sharing memory with the message', () => {
    const message = hex('00 00 00 01 02 00 0a 01 41');
    const frame = decodeProtobufFrame(message);
    expect(frame).toEqual({ schemaId: 258, messageIndexes: [0], body: hex('0a 01 41') });
    expect(frame.body.buffer).toBe(message.buffer);
  });

  it('takes an empty message body (all fields at their defaults)', () => {
    expect(decodeProtobufFrame(hex('00 00 00 00 05 00'))).toMatchObject({ messageIndexes: [0], body: Buffer.alloc(0) });
  });

  it('refuses a frame without its message-index array, and what the plain framing refuses', () => {
    expect(() => decodeProtobufFrame(hex('00 00 00 00 05'))).toThrow(/message-index array next/);
    expect(() => decodeProtobufFrame(hex('7b 22'))).toThrow(WireFormatError);
    expect(() => decodeProtobufFrame(null)).toThrow(/tombstone/);
  });
});

describe("the writer's prefix and the reader's fast path", () => {
  it('frames with a prefix built once exactly as encodeProtobufFrame does, for every path', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0x7fffffff }),
        fc.array(fc.nat({ max: 100_000 }), { minLength: 1, maxLength: 4 }),
        fc.uint8Array({ maxLength: 64 }),
        (id, path, body) => {
          expect(framedWith(protobufFramePrefix(id, path), body)).toEqual(encodeProtobufFrame(id, path, body));
        },
      ),
    );
  });

  it("takes only the one-byte spelling of [0] after Confluent's magic byte; the rest is the full reader's", () => {
    expect(firstMessageBody(hex('00 00 00 01 02 00 0a 01 41'))).toEqual(hex('0a 01 41'));
    expect(firstMessageBody(hex('00 00 00 01 02 00'))).toEqual(Buffer.alloc(0));
    expect(firstMessageBody(hex('00 00 00 01 02 02 00 0a'))).toBeUndefined(); // [0], long spelling
    expect(firstMessageBody(hex('00 00 00 01 02 02 02 0a'))).toBeUndefined(); // [1]
    expect(firstMessageBody(hex('01 00 00 01 02 00 0a'))).toBeUndefined(); // not the magic byte
    expect(firstMessageBody(hex('00 00 00 01 02'))).toBeUndefined(); // the header alone
  });
});
