import { WireFormatError } from '../../../src/errors';
import { decodeFrame, encodeFrame, encodeHeader, HEADER_SIZE, MAGIC_BYTE, previewBytes } from '../../../src/wire';

describe('Confluent wire framing', () => {
  it('writes magic byte 0, the schema ID big-endian, then the body', () => {
    const frame = encodeFrame(0x01020304, Buffer.from([0xaa, 0xbb]));
    expect([...frame]).toEqual([0, 1, 2, 3, 4, 0xaa, 0xbb]);
    expect(encodeHeader(7)).toEqual(Buffer.from([0, 0, 0, 0, 7]));
  });

  it('reads back the schema ID and the body', () => {
    const { schemaId, body } = decodeFrame(encodeFrame(4_294_967_295, Buffer.from('hi')));
    expect(schemaId).toBe(4_294_967_295);
    expect(body.toString()).toBe('hi');
  });

  it('accepts an empty body after a complete header', () => {
    expect(decodeFrame(Buffer.from([0, 0, 0, 0, 9])).body.length).toBe(0);
  });

  it('rejects a message whose magic byte is not 0, reporting the byte found and the byte expected', () => {
    const error = catchError(() => decodeFrame(Buffer.from('{"eventType":"booking.created"}')));
    expect(error).toBeInstanceOf(WireFormatError);
    expect(error).toMatchObject({ code: 'WIRE_FORMAT', found: 0x7b, expected: MAGIC_BYTE, retriable: false });
    expect(error.message).toContain('found 123');
  });

  it.each([
    ['an empty message', Buffer.alloc(0)],
    ['a message shorter than the header', Buffer.from([0, 0, 1])],
  ])('rejects %s as truncated', (_name, bytes) => {
    expect(() => decodeFrame(bytes)).toThrow(WireFormatError);
  });

  it('rejects a tombstone (null value)', () => {
    expect(() => decodeFrame(null)).toThrow(/tombstone/);
  });

  it('refuses a schema ID that does not fit 4 unsigned bytes', () => {
    for (const id of [-1, 1.5, 2 ** 32]) expect(() => encodeHeader(id)).toThrow(WireFormatError);
  });

  it('takes a Uint8Array as well as a Buffer', () => {
    const frame = encodeFrame(3, Buffer.from([1, 2]));
    expect(decodeFrame(new Uint8Array(frame)).schemaId).toBe(3);
    expect(HEADER_SIZE).toBe(5);
  });
});

function catchError(fn: () => unknown): WireFormatError {
  try {
    fn();
  } catch (error) {
    return error as WireFormatError;
  }
  throw new Error('expected an error');
}

describe('byte previews (contracts tail and dlq show)', () => {
  it('shows the first bytes as spaced hex, UTF-8 with control characters as dots, and base64', () => {
    const p = previewBytes(Buffer.from([0x7b, 0x0a, 0x00, 0x41, 0xff]));
    expect(p).toEqual({ length: 5, hex: '7b 0a 00 41 ff', utf8: '{\n.A\ufffd', base64: 'ewoAQf8=', truncated: false });
  });

  it('cuts long values and says so; a tombstone is empty', () => {
    const p = previewBytes(Buffer.alloc(100, 0x61), 4);
    expect(p).toMatchObject({ length: 100, hex: '61 61 61 61', utf8: 'aaaa', truncated: true });
    expect(Buffer.from(p.base64, 'base64')).toEqual(Buffer.alloc(4, 0x61));
    expect(previewBytes(null)).toEqual({ length: 0, hex: '', utf8: '', base64: '', truncated: false });
  });
});
