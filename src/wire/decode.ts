/**
 * Confluent wire framing, decode side: checks the magic byte, reads the schema ID and returns the
 * body as a view on the same memory (no copy).
 */
import { WireFormatError } from '../errors';
import { HEADER_SIZE, MAGIC_BYTE } from './encode';

export interface Frame {
  schemaId: number;
  /** The bytes after the header; shares memory with the input. */
  body: Buffer;
}

export function decodeFrame(message: Uint8Array | null | undefined): Frame {
  const buffer = frameBuffer(message);
  return { schemaId: frameSchemaId(buffer), body: buffer.subarray(HEADER_SIZE) };
}

/** The message as a Buffer (no copy); refuses a tombstone. */
export function frameBuffer(message: Uint8Array | null | undefined): Buffer {
  if (message === null || message === undefined) {
    throw new WireFormatError('the message has no value (a tombstone); expected a framed event');
  }
  return Buffer.isBuffer(message) ? message : Buffer.from(message.buffer, message.byteOffset, message.length);
}

/**
 * Checks the header of a framed message and returns its schema ID; the body starts at HEADER_SIZE.
 * The decoder's hot path: no view of the body is made.
 */
export function frameSchemaId(buffer: Buffer): number {
  if (buffer.length === 0) {
    throw new WireFormatError('the message is empty; expected at least the 5-byte header', undefined, MAGIC_BYTE);
  }
  const magic = buffer[0]!;
  if (magic !== MAGIC_BYTE) {
    throw new WireFormatError(
      `the message does not start with magic byte ${MAGIC_BYTE} (found ${magic}, 0x${magic.toString(16).padStart(2, '0')})`,
      magic,
      MAGIC_BYTE,
    );
  }
  if (buffer.length < HEADER_SIZE) {
    throw new WireFormatError(
      `the message is truncated: ${buffer.length} byte(s), the header alone takes ${HEADER_SIZE}`,
    );
  }
  return buffer.readUInt32BE(1);
}
