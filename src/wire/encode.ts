/**
 * Confluent wire framing, encode side: magic byte 0, the schema ID as a 4-byte big-endian unsigned
 * integer, then the body. Pure and tiny so it can be tested without a broker or a registry.
 */
import { WireFormatError } from '../errors';

export const MAGIC_BYTE = 0;
/** Magic byte plus the 4-byte schema ID. */
export const HEADER_SIZE = 5;
const MAX_SCHEMA_ID = 0xffffffff;

/** The 5-byte header for a schema ID. */
export function encodeHeader(schemaId: number): Buffer {
  const header = Buffer.allocUnsafe(HEADER_SIZE);
  writeHeader(header, schemaId);
  return header;
}

/** Frames a body with the header of `schemaId`. */
export function encodeFrame(schemaId: number, body: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_SIZE + body.length);
  writeHeader(frame, schemaId);
  frame.set(body, HEADER_SIZE);
  return frame;
}

function writeHeader(target: Buffer, schemaId: number): void {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > MAX_SCHEMA_ID) {
    throw new WireFormatError(`schema ID ${schemaId} does not fit the 4-byte unsigned header field`);
  }
  target[0] = MAGIC_BYTE;
  target.writeUInt32BE(schemaId, 1);
}
