/**
 * Confluent's Protobuf framing: after the 5-byte header (magic byte, schema ID) comes the
 * message-index array that names which message of the registered .proto file the body is, then
 * the body.
 *
 * The array is the path to the message: the index of a top-level message in its file, then the
 * index of each nested message inside its parent (messages only, enums do not count). It is
 * written as zig-zag varints: its length, then each index — except the path [0] (the file's first
 * message, the common case), which is the single byte 0. So [0] is `00`, [1] is `02 02`, [0, 0]
 * is `04 00 00`. A reader also takes the long spelling of [0] (`02 00`), which some writers use.
 * As in confluent-kafka (common/serde.py SchemaId) and schema-registry's MessageIndexes.
 */
import { WireFormatError } from '../errors';
import { HEADER_SIZE, MAGIC_BYTE, encodeHeader } from './encode';
import { frameBuffer, frameSchemaId } from './decode';

/** The most entries a reader accepts (confluent-kafka refuses more than 100 000). */
const MAX_INDEXES = 100_000;
/** A 32-bit varint takes at most 5 bytes. */
const MAX_VARINT_BYTES = 5;
const FIRST_MESSAGE = Buffer.from([0]);

export interface ProtobufFrame {
  schemaId: number;
  /** Path of the message in the schema's file: [0] is its first top-level message. */
  messageIndexes: number[];
  /** The Protobuf message bytes; shares memory with the input. */
  body: Buffer;
}

/** The message-index array as Confluent writes it. */
export function encodeMessageIndexes(indexes: readonly number[]): Buffer {
  if (indexes.length === 0) throw new WireFormatError('a message-index array names at least one message');
  for (const index of indexes) {
    if (!Number.isInteger(index) || index < 0 || index > 0x3fffffff) {
      throw new WireFormatError(`message index ${index} is not an index of a message in its file`);
    }
  }
  if (indexes.length === 1 && indexes[0] === 0) return FIRST_MESSAGE;
  const bytes: number[] = [];
  writeZigZag(bytes, indexes.length);
  for (const index of indexes) writeZigZag(bytes, index);
  return Buffer.from(bytes);
}

/** Reads the message-index array at `offset`; `end` is the offset of the first byte after it. */
export function decodeMessageIndexes(buffer: Uint8Array, offset: number): { indexes: number[]; end: number } {
  let position = offset;
  const next = (): number => {
    const { value, end } = readZigZag(buffer, position);
    position = end;
    return value;
  };
  const count = next();
  if (count === 0) return { indexes: [0], end: position };
  if (count < 0 || count > MAX_INDEXES) {
    throw new WireFormatError(`the message-index array claims ${count} entries; expected 0 to ${MAX_INDEXES}`);
  }
  const indexes: number[] = [];
  for (let i = 0; i < count; i++) {
    const index = next();
    if (index < 0) throw new WireFormatError(`message index ${index} at position ${i} is negative`);
    indexes.push(index);
  }
  return { indexes, end: position };
}

/** Frames a Protobuf message body: header, message-index array, body. */
export function encodeProtobufFrame(schemaId: number, messageIndexes: readonly number[], body: Uint8Array): Buffer {
  return Buffer.concat([encodeHeader(schemaId), encodeMessageIndexes(messageIndexes), body]);
}

/**
 * What a writer of one message type under one schema ID puts before every body (the header and
 * the message-index array): built once per writer, then `framedWith(prefix, body)` per message.
 */
export function protobufFramePrefix(schemaId: number, messageIndexes: readonly number[]): Buffer {
  return Buffer.concat([encodeHeader(schemaId), encodeMessageIndexes(messageIndexes)]);
}

/** `prefix` and `body` in one buffer, copied once. */
export function framedWith(prefix: Buffer, body: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(prefix.length + body.length);
  prefix.copy(framed, 0);
  framed.set(body, prefix.length);
  return framed;
}

/**
 * The body of a framed message whose index array is [0] in its one-byte spelling (what every
 * writer of a file's first message sends), or undefined for any other array: the reader's fast
 * path, which reads no varint. Anything else (a wrong magic byte included) is for
 * `decodeProtobufFrame` to read or to refuse with its reason.
 */
export function firstMessageBody(message: Buffer): Buffer | undefined {
  return message.length > HEADER_SIZE && message[0] === MAGIC_BYTE && message[HEADER_SIZE] === 0
    ? message.subarray(HEADER_SIZE + 1)
    : undefined;
}

/** Splits a framed Protobuf message into schema ID, message-index path and body (no copy). */
export function decodeProtobufFrame(message: Uint8Array | null | undefined): ProtobufFrame {
  const buffer = frameBuffer(message);
  const schemaId = frameSchemaId(buffer);
  if (buffer.length === HEADER_SIZE) {
    throw new WireFormatError(
      'the message ends after the header; a Protobuf message has its message-index array next (at least the byte 0)',
    );
  }
  const { indexes, end } = decodeMessageIndexes(buffer, HEADER_SIZE);
  return { schemaId, messageIndexes: indexes, body: buffer.subarray(end) };
}

function writeZigZag(bytes: number[], value: number): void {
  // Indexes are small non-negative ints, so zig-zag is 2n; arithmetic keeps clear of 32-bit overflow.
  let rest = value * 2;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
}

function readZigZag(buffer: Uint8Array, offset: number): { value: number; end: number } {
  let raw = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const position = offset + i;
    if (position >= buffer.length) {
      throw new WireFormatError('the message ends inside its message-index array (a truncated varint)');
    }
    const byte = buffer[position]!;
    raw += (byte & 0x7f) * scale;
    scale *= 0x80;
    if ((byte & 0x80) === 0) {
      const value = raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      return { value, end: position + 1 };
    }
  }
  throw new WireFormatError(`a varint of the message-index array runs past ${MAX_VARINT_BYTES} bytes`);
}
