/**
 * The Avro binary encoding that generated codecs (`codec.ts`, written by codegen's Avro emitter in
 * src/formats/avro/codec-source.ts) call, served by the kit as validatorRuntime serves the
 * generated validators: a generated module holds only what is specific to its schemas (a writer
 * and a reader per type) and imports these helpers through the config's `runtimeImport`.
 *
 * Versioned by name: a generated module asks for `avroCodecRuntimeV1`, and a kit without that
 * export makes the module fail on load with a message naming `npx contracts generate`. A change to
 * what generated code may rely on here (a helper's name, arguments or meaning) is a new version,
 * `avroCodecRuntimeV2`, with V1 kept while generated code that uses it may be around.
 *
 * Each call of the factory makes one cursor (buffer, position, end) and closures over it, which the
 * generated module keeps in module-level constants: its calls then always reach the same functions
 * (monomorphic, inlined by V8), as the helpers emitted into each module once were. One call runs at a
 * time, synchronously, on that cursor.
 *
 * The bytes are the Avro specification's binary encoding (zig-zag varints, length-prefixed UTF-8),
 * with avsc's choices where the specification leaves room (lone surrogates, longs beyond 31 bits),
 * so they are avsc's; the differential tests hold the generated codecs to avsc's bytes and reads.
 *
 * In the base layer, not in src/formats/avro/, because generated code reaches it through
 * src/contract.ts (the `runtimeImport` of this repository's own generated code), which is base:
 * the Avro format's codegen (codec-source.ts) and its logical types import it from here, so the
 * dependency points down. It holds the encoding only: no schema, no avsc.
 */
import { decimalBytes, decimalText, parseDecimal } from './decimal';

/** What the helpers use of Node's Buffer. */
interface Bytes extends Uint8Array {
  utf8Slice(start: number, end: number): string;
  utf8Write(value: string, offset: number, length: number): number;
  readFloatLE(offset: number): number;
  readDoubleLE(offset: number): number;
  writeFloatLE(value: number, offset: number): number;
  writeDoubleLE(value: number, offset: number): number;
  copy(target: Uint8Array, targetStart: number, sourceStart: number, sourceEnd: number): number;
}

/**
 * The helpers of version 1, over one cursor. Writers of a value (`writeString`, `writeLong`, …)
 * check what the bytes cannot say (a string is a string, a long is a safe integer) and `fail()`
 * otherwise; `writeByte`, `writeRaw` and `writeCount` write what the generated code already knows
 * is right. Readers read at the cursor and `fail()` on bytes that hold no value.
 */
export interface AvroCodecRuntimeV1 {
  /** Throws the one error the entry points catch: the value does not fit, or the bytes hold none. */
  fail(): never;
  /**
   * An entry point writing `write`'s value at `start` of `target`: the end position (beyond
   * `target.length` when it did not fit), or -1 when the value does not fit the schema.
   */
  encoder(write: (value: unknown) => void): (value: unknown, target: Uint8Array, start: number) => number;
  /** An entry point reading `read`'s value from `start` to exactly `stop`, or undefined. */
  decoder<T>(read: () => T): (source: Uint8Array, start: number, stop: number) => T | undefined;

  /** One byte as it is (a union branch's index, an empty array's end, a short default). */
  writeByte(byte: number): void;
  /** Bytes as they are (a default's or a constant's encoding, computed by codegen). */
  writeRaw(bytes: Uint8Array): void;
  /** A count as a varint (an enum's index, an array block's length). */
  writeCount(n: number): void;
  /** Checks that the value is null (null writes no bytes). */
  writeNull(value: unknown): void;
  /** A boolean as one byte. */
  writeBoolean(value: unknown): void;
  /** A 32-bit integer as a zig-zag varint. */
  writeInt(value: unknown): void;
  /** An integer within avsc's safe range as a zig-zag varint. */
  writeLong(value: unknown): void;
  /** A finite number as 4 bytes, little-endian. */
  writeFloat(value: unknown): void;
  /** A finite number as 8 bytes, little-endian. */
  writeDouble(value: unknown): void;
  /** A string as its UTF-8 length and bytes. */
  writeString(value: unknown): void;
  /** A Buffer as its length and bytes. */
  writeBytes(value: unknown): void;
  /** A Buffer of exactly `size` bytes, as they are. */
  writeFixed(value: unknown, size: number): void;
  /** A `Date` as `timestamp-millis`. */
  writeTimestampMillis(value: unknown): void;
  /** A string of the validator's `format: uuid`. */
  writeUuid(value: unknown): void;
  /** A decimal string (./decimal.ts) as `bytes` at `scale` with at most `precision` digits. */
  writeDecimalBytes(value: unknown, precision: number, scale: number): void;
  /** A decimal string as a `fixed` of `size` bytes. */
  writeDecimalFixed(value: unknown, precision: number, scale: number, size: number): void;

  /** Null (no bytes). */
  readNull(): null;
  /** A boolean: any byte but 0 is true, as avsc reads it. */
  readBoolean(): boolean;
  /** An int, as avsc reads it: the varint, not range-checked. */
  readInt(): number;
  /** A long within avsc's safe range. */
  readLong(): number;
  /** 4 bytes, little-endian. */
  readFloat(): number;
  /** 8 bytes, little-endian. */
  readDouble(): number;
  /** A length-prefixed UTF-8 string (a uuid too). */
  readString(): string;
  /** A length-prefixed Buffer (a copy). */
  readBytes(): Buffer;
  /** `size` bytes as a Buffer (a copy). */
  readFixed(size: number): Buffer;
  /** A `timestamp-millis` as a Date. */
  readTimestampMillis(): Date;
  /** A decimal of `bytes` as its string with `scale` digits after the point. */
  readDecimalBytes(scale: number): string;
  /** A decimal of a `fixed` of `size` bytes as its string. */
  readDecimalFixed(size: number, scale: number): string;
  /** A varint as it is (an enum's or a union branch's index). */
  readCount(): number;
  /** The constant `value` whose encoding `bytes` must be next (an event's discriminator). */
  readConst<T extends string>(bytes: Uint8Array, value: T): T;
  /** An array's blocks, each item read by `item`. */
  readArray<T>(item: () => T): T[];
}

/** avsc's safe range for a long (a little narrower than Number.isSafeInteger). */
const SAFE_LONG = 9007199254740990;
const URN = 'urn:uuid:';
const INVALID = new Error('does not fit the contract');

const NodeBuffer = Buffer as unknown as {
  alloc(size: number): Bytes;
  allocUnsafe(size: number): Bytes;
  byteLength(value: string): number;
  isBuffer(value: unknown): boolean;
};

function fail(): never {
  throw INVALID;
}

function isSafeLong(n: number): boolean {
  return n % 1 === 0 && n >= -SAFE_LONG && n <= SAFE_LONG;
}

/** UUID_PATTERN of ./types.ts (the validator's `format: uuid`), without the regular expression engine. */
function isUuid(s: string): boolean {
  let at = 0;
  if (s.length === 45) {
    for (let i = 0; i < 9; i++) {
      const c = s.charCodeAt(i);
      if ((i === 3 || i === 8 ? c : c | 0x20) !== URN.charCodeAt(i)) return false;
    }
    at = 9;
  } else if (s.length !== 36) {
    return false;
  }
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(at + i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 0x2d) return false;
    } else if (!((c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66))) {
      return false;
    }
  }
  return true;
}

/**
 * Version 1 of the helpers generated Avro codecs call: a new cursor and closures over it. A
 * generated module calls it once, at load.
 */
export function avroCodecRuntimeV1(): AvroCodecRuntimeV1 {
  const EMPTY = NodeBuffer.alloc(0);
  /** Per length up to 16, an array of char codes that readString reuses. */
  const CODES: number[][] = Array.from({ length: 17 }, (_, n) => new Array<number>(n).fill(0));
  let buf: Bytes = EMPTY;
  let pos = 0;
  let end = 0;

  function encoder(write: (value: unknown) => void) {
    return (value: unknown, target: Uint8Array, start: number): number => {
      buf = target as Bytes;
      pos = start;
      try {
        write(value);
      } catch {
        pos = -1;
      }
      buf = EMPTY;
      return pos;
    };
  }

  function decoder<T>(read: () => T) {
    return (source: Uint8Array, start: number, stop: number): T | undefined => {
      buf = source as Bytes;
      pos = start;
      end = stop;
      let value: T | undefined;
      try {
        value = read();
      } catch {
        value = undefined;
      }
      const complete = pos === end;
      buf = EMPTY;
      return complete ? value : undefined;
    };
  }

  function writeByte(byte: number): void {
    buf[pos++] = byte;
  }

  function writeRaw(bytes: Uint8Array): void {
    if (pos + bytes.length <= buf.length) buf.set(bytes, pos);
    pos += bytes.length;
  }

  function writeVarint(n: number): void {
    if (n >= -1073741824 && n < 1073741824) {
      let m = n >= 0 ? n << 1 : (~n << 1) | 1;
      while (m > 0x7f) {
        buf[pos++] = (m & 0x7f) | 0x80;
        m >>>= 7;
      }
      buf[pos++] = m;
    } else {
      // beyond 31 bits, float arithmetic (as avsc: the same bytes)
      let f = n >= 0 ? n * 2 : -n * 2 - 1;
      while (f >= 128) {
        buf[pos++] = (f & 0x7f) | 0x80;
        f /= 128;
      }
      buf[pos++] = f & 0x7f;
    }
  }

  function writeNull(value: unknown): void {
    if (value !== null) fail();
  }

  function writeBoolean(value: unknown): void {
    if (typeof value !== 'boolean') fail();
    buf[pos++] = value ? 1 : 0;
  }

  function writeInt(value: unknown): void {
    if (typeof value !== 'number' || (value | 0) !== value) fail();
    writeVarint(value);
  }

  function writeLong(value: unknown): void {
    if (typeof value !== 'number' || !isSafeLong(value)) fail();
    writeVarint(value);
  }

  function writeFloat(value: unknown): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail();
    if (pos + 4 <= buf.length) buf.writeFloatLE(value, pos);
    pos += 4;
  }

  function writeDouble(value: unknown): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail();
    if (pos + 8 <= buf.length) buf.writeDoubleLE(value, pos);
    pos += 8;
  }

  function writeString(value: unknown): void {
    if (typeof value !== 'string') fail();
    writeText(value);
  }

  function writeText(s: string): void {
    const n = s.length;
    if (n < 64) {
      // ASCII (most strings): the length is one byte and the characters are the bytes
      let p = pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        buf[p++] = c;
      }
      if (i === n) {
        buf[pos] = n << 1;
        pos = p;
        return;
      }
    }
    const len = NodeBuffer.byteLength(s);
    writeVarint(len);
    if (pos + len > buf.length) {
      pos += len;
      return;
    }
    if (len > 64) {
      buf.utf8Write(s, pos, len);
      pos += len;
      return;
    }
    // short strings byte by byte (lone surrogates as three bytes, as avsc writes them)
    let p = pos;
    for (let i = 0; i < n; i++) {
      let c1 = s.charCodeAt(i);
      let c2: number;
      if (c1 < 0x80) {
        buf[p++] = c1;
      } else if (c1 < 0x800) {
        buf[p++] = (c1 >> 6) | 0xc0;
        buf[p++] = (c1 & 0x3f) | 0x80;
      } else if ((c1 & 0xfc00) === 0xd800 && ((c2 = s.charCodeAt(i + 1)) & 0xfc00) === 0xdc00) {
        c1 = 0x10000 + ((c1 & 0x03ff) << 10) + (c2 & 0x03ff);
        i++;
        buf[p++] = (c1 >> 18) | 0xf0;
        buf[p++] = ((c1 >> 12) & 0x3f) | 0x80;
        buf[p++] = ((c1 >> 6) & 0x3f) | 0x80;
        buf[p++] = (c1 & 0x3f) | 0x80;
      } else {
        buf[p++] = (c1 >> 12) | 0xe0;
        buf[p++] = ((c1 >> 6) & 0x3f) | 0x80;
        buf[p++] = (c1 & 0x3f) | 0x80;
      }
    }
    pos += len;
  }

  function writeBytes(value: unknown): void {
    if (!NodeBuffer.isBuffer(value)) fail();
    const bytes = value as Uint8Array;
    writeVarint(bytes.length);
    writeRaw(bytes);
  }

  function writeFixed(value: unknown, size: number): void {
    if (!NodeBuffer.isBuffer(value) || (value as Uint8Array).length !== size) fail();
    writeRaw(value as Uint8Array);
  }

  function writeTimestampMillis(value: unknown): void {
    if (!(value instanceof Date)) fail();
    const n = value.getTime();
    if (!isSafeLong(n)) fail();
    writeVarint(n);
  }

  function writeUuid(value: unknown): void {
    if (typeof value !== 'string' || !isUuid(value)) fail();
    writeText(value);
  }

  function writeDecimalBytes(value: unknown, precision: number, scale: number): void {
    const parsed = parseDecimal(value, { precision, scale });
    if (!('unscaled' in parsed)) fail();
    const bytes = decimalBytes(parsed.unscaled)!;
    writeVarint(bytes.length);
    writeRaw(bytes);
  }

  function writeDecimalFixed(value: unknown, precision: number, scale: number, size: number): void {
    const parsed = parseDecimal(value, { precision, scale });
    if (!('unscaled' in parsed)) fail();
    writeRaw(decimalBytes(parsed.unscaled, size) ?? fail());
  }

  function readCount(): number {
    let n = 0;
    let k = 0;
    let b: number;
    let h: number;
    do {
      b = buf[pos++]!;
      h = b & 0x80;
      n |= (b & 0x7f) << k;
      k += 7;
    } while (h && k < 28);
    if (h) {
      let f = n;
      let fk = 268435456;
      do {
        b = buf[pos++]!;
        f += (b & 0x7f) * fk;
        fk *= 128;
      } while (b & 0x80);
      return (f % 2 ? -(f + 1) : f) / 2;
    }
    return (n >> 1) ^ -(n & 1);
  }

  function readNull(): null {
    return null;
  }

  function readBoolean(): boolean {
    return buf[pos++] !== 0;
  }

  function readLong(): number {
    const n = readCount();
    if (!isSafeLong(n)) fail();
    return n;
  }

  function readFloat(): number {
    if (pos + 4 > end) fail();
    const f = buf.readFloatLE(pos);
    pos += 4;
    return f;
  }

  function readDouble(): number {
    if (pos + 8 > end) fail();
    const d = buf.readDoubleLE(pos);
    pos += 8;
    return d;
  }

  function readString(): string {
    // a length below 64 is one byte: no varint loop
    const first = buf[pos]!;
    let len: number;
    if (first < 0x80 && (first & 1) === 0) {
      len = first >> 1;
      pos++;
    } else {
      len = readCount();
    }
    if (len < 0 || pos + len > end) fail();
    const start = pos;
    pos += len;
    if (len <= 16) {
      // short ASCII: one string from the char codes is cheaper than a call into Node's UTF-8 decoder
      const codes = CODES[len]!;
      for (let i = 0; i < len; i++) {
        const c = buf[start + i]!;
        if (c > 0x7f) return buf.utf8Slice(start, pos);
        codes[i] = c;
      }
      return String.fromCharCode.apply(null, codes);
    }
    return buf.utf8Slice(start, pos);
  }

  function readFixed(size: number): Buffer {
    if (size < 0 || pos + size > end) fail();
    const out = NodeBuffer.allocUnsafe(size);
    buf.copy(out, 0, pos, pos + size);
    pos += size;
    return out as unknown as Buffer;
  }

  function readBytes(): Buffer {
    return readFixed(readCount());
  }

  function readTimestampMillis(): Date {
    return new Date(readLong());
  }

  function readDecimalBytes(scale: number): string {
    const size = readCount();
    if (size <= 0 || pos + size > end) fail();
    pos += size;
    return decimalText(buf.subarray(pos - size, pos), scale);
  }

  function readDecimalFixed(size: number, scale: number): string {
    if (pos + size > end) fail();
    pos += size;
    return decimalText(buf.subarray(pos - size, pos), scale);
  }

  function readConst<T extends string>(bytes: Uint8Array, value: T): T {
    for (let i = 0; i < bytes.length; i++) if (buf[pos + i] !== bytes[i]) fail();
    pos += bytes.length;
    return value;
  }

  function readArray<T>(item: () => T): T[] {
    const items: T[] = [];
    let n: number;
    while ((n = readCount()) !== 0) {
      if (n < 0) {
        n = -n;
        readCount(); // the block's size in bytes
      }
      while (n-- > 0) {
        if (pos > end) fail();
        items.push(item());
      }
    }
    return items;
  }

  return {
    fail,
    encoder,
    decoder,
    writeByte,
    writeRaw,
    writeCount: writeVarint,
    writeNull,
    writeBoolean,
    writeInt,
    writeLong,
    writeFloat,
    writeDouble,
    writeString,
    writeBytes,
    writeFixed,
    writeTimestampMillis,
    writeUuid,
    writeDecimalBytes,
    writeDecimalFixed,
    readNull,
    readBoolean,
    readInt: readCount,
    readLong,
    readFloat,
    readDouble,
    readString,
    readBytes,
    readFixed,
    readTimestampMillis,
    readDecimalBytes,
    readDecimalFixed,
    readCount,
    readConst,
    readArray,
  };
}
