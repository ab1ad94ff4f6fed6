/**
 * The Protobuf binary encoding that generated Protobuf codecs (`codec.ts`, written by codegen's
 * Protobuf emitter in src/formats/protobuf/codec-source.ts) call, served by the kit as
 * avroCodecRuntimeV1 serves the Avro ones: a generated module holds only what is specific to its
 * messages (a writer and a reader per message) and imports these helpers through the config's
 * `runtimeImport`.
 *
 * The bytes are @bufbuild/protobuf's own: the helpers write with its `BinaryWriter` and read with
 * its `BinaryReader`, the classes its `toBinary` and `fromBinary` use, so a field the generated code
 * writes is byte for byte what `toBinary` writes for it (the property test holds the two equal).
 *
 * Versioned by name: a generated module asks for `protobufCodecRuntimeV1`; a change to what
 * generated code may rely on here (a helper's name, arguments or meaning) is a new version, with V1
 * kept while generated code that uses it may be around.
 *
 * Each call of the factory makes one writer and one reader slot with closures over them, which the
 * generated module keeps in module-level constants (monomorphic calls). One call runs at a time,
 * synchronously.
 */
import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';

/**
 * The helpers of version 1. Writers of a value (`writeString`, `writeInt64`, …) check what the
 * contract's validator checks of its kind (a string is a string, an int32 an integer in range, a
 * Timestamp a valid Date) and `fail()` otherwise, then write the value without its tag;
 * `writeTag`, `writeEnum`, `fork` and `join` write what the generated code already knows is right.
 * Readers read at the cursor and `fail()` on bytes that hold no value.
 */
export interface ProtobufCodecRuntimeV1 {
  /** Throws the one error the entry points catch: the value does not fit, or the bytes hold none. */
  fail(): never;
  /**
   * An entry point writing `write`'s value at `start` of `target`: the end position (beyond
   * `target.length` when it did not fit), or -1 when the value does not fit the contract.
   */
  encoder(write: (value: unknown) => void): (value: unknown, target: Uint8Array, start: number) => number;
  /** An entry point reading `read`'s value from `start` to exactly `stop` (`read` is given the end), or undefined. */
  decoder<T>(read: (end: number) => T): (source: Uint8Array, start: number, stop: number) => T | undefined;

  /** A tag (field number and wire type), precomputed by codegen, as a varint. */
  writeTag(tag: number): void;
  /** An enum's number (codegen mapped the name), as int32 varint. */
  writeEnum(n: number): void;
  /** Starts a length-delimited value (a message, a packed list): `join()` ends it. */
  fork(): void;
  /** Ends the value `fork()` started, writing its length before it. */
  join(): void;
  /** A finite number as 8 bytes. */
  writeDouble(value: unknown): void;
  /** A finite number within float32's range as 4 bytes. */
  writeFloat(value: unknown): void;
  /** A 32-bit integer as a varint (sint32: zig-zag; sfixed32: 4 bytes). */
  writeInt32(value: unknown): void;
  writeSint32(value: unknown): void;
  writeSfixed32(value: unknown): void;
  /** An integer from 0 to 2^32 - 1 as a varint (fixed32: 4 bytes). */
  writeUint32(value: unknown): void;
  writeFixed32(value: unknown): void;
  /** A bigint within int64, or a safe integer, as a varint (sint64: zig-zag; sfixed64: 8 bytes). */
  writeInt64(value: unknown): void;
  writeSint64(value: unknown): void;
  writeSfixed64(value: unknown): void;
  /** A bigint within uint64, or a non-negative safe integer, as a varint (fixed64: 8 bytes). */
  writeUint64(value: unknown): void;
  writeFixed64(value: unknown): void;
  /** A boolean as one byte. */
  writeBool(value: unknown): void;
  /** A string as its UTF-8 length and bytes. */
  writeString(value: unknown): void;
  /** A Uint8Array as its length and bytes. */
  writeBytes(value: unknown): void;
  /** A `Date` as a google.protobuf.Timestamp message body (seconds, nanos), as timestampFromDate makes it. */
  writeTimestamp(value: unknown): void;
  /** A map's integer key (an object key: a string) as a number; fails unless it is the number's own spelling. */
  keyNumber(key: string): number;
  /** A map's 64-bit integer key as a bigint; fails unless it is the bigint's own spelling. */
  keyBigInt(key: string): bigint;
  /** A map entry of the plain form, as an own property even under the key `__proto__` (plain.ts's setOwn). */
  setEntry(map: Record<string, unknown>, key: string, value: unknown): void;

  /** Where the cursor is. */
  pos(): number;
  /** A tag as it is (field number << 3 | wire type); fails on one of 5 bytes or more. */
  readTag(): number;
  /** A length prefix: the end position of the value it delimits (fails past the bytes). */
  readEnd(): number;
  /** The number values, as fromBinary reads them (int64 kinds as bigints). */
  readDouble(): number;
  readFloat(): number;
  readInt32(): number;
  readSint32(): number;
  readSfixed32(): number;
  readUint32(): number;
  readFixed32(): number;
  readInt64(): bigint;
  readSint64(): bigint;
  readSfixed64(): bigint;
  readUint64(): bigint;
  readFixed64(): bigint;
  readBool(): boolean;
  /** UTF-8, refusing invalid sequences as fromBinary does for proto3 strings (utf8_validation VERIFY). */
  readString(): string;
  /** A view of the bytes, as fromBinary gives it. */
  readBytes(): Uint8Array;
  /** A google.protobuf.Timestamp (a length-delimited message) as a Date, as timestampDate converts it. */
  readTimestamp(): Date;
  /** The zero of a 64-bit field: what a reader gives for one not written. */
  readonly int64Zero: bigint;
}

const INVALID = new Error('does not fit the contract');
const UINT32_MAX = 0xffffffff;
const FLOAT32_MAX = 3.4028234663852886e38;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const EMPTY = new Uint8Array(0);
/** Timestamp's fields: seconds (1, varint), nanos (2, varint). */
const SECONDS_TAG = 8;
const NANOS_TAG = 16;

function fail(): never {
  throw INVALID;
}

function checkInt32(value: unknown): number {
  if (typeof value !== 'number' || (value | 0) !== value) fail();
  return value;
}

function checkUint32(value: unknown): number {
  if (typeof value !== 'number' || value % 1 !== 0 || value < 0 || value > UINT32_MAX) fail();
  return value;
}

/** A bigint in range, or a safe integer (the validator's `x-js-int64`). */
function checkInt64(value: unknown, unsigned: boolean): bigint | number {
  if (typeof value === 'bigint') {
    if (unsigned ? value < 0n || value > UINT64_MAX : value < INT64_MIN || value > INT64_MAX) fail();
    return value;
  }
  if (!Number.isSafeInteger(value) || (unsigned && (value as number) < 0)) fail();
  return value as number;
}

function checkNumber(value: unknown): number {
  // the validator's `type: number` refuses NaN and the infinities
  if (typeof value !== 'number' || !Number.isFinite(value)) fail();
  return value;
}

/** Version 1 of the helpers generated Protobuf codecs call. A generated module calls it once, at load. */
export function protobufCodecRuntimeV1(): ProtobufCodecRuntimeV1 {
  const w = new BinaryWriter();
  /** Between calls the reader holds no message (a consumed buffer is not kept alive by it). */
  const idle = new BinaryReader(EMPTY);
  let r = idle;

  function encoder(write: (value: unknown) => void) {
    return (value: unknown, target: Uint8Array, start: number): number => {
      try {
        write(value);
      } catch {
        w.finish(); // resets the writer
        return -1;
      }
      const bytes = w.finish();
      if (start + bytes.length <= target.length) target.set(bytes, start);
      return start + bytes.length;
    };
  }

  function decoder<T>(read: (end: number) => T) {
    return (source: Uint8Array, start: number, stop: number): T | undefined => {
      r = new BinaryReader(start === 0 && stop === source.length ? source : source.subarray(start, stop));
      let value: T | undefined;
      try {
        value = read(r.len);
        if (r.pos !== r.len) value = undefined;
      } catch {
        value = undefined;
      }
      r = idle;
      return value;
    };
  }

  function readEnd(): number {
    const len = r.uint32();
    const end = r.pos + len;
    if (end > r.len) fail();
    return end;
  }

  function writeTimestamp(value: unknown): void {
    if (!(value instanceof Date)) fail();
    const ms = value.getTime();
    if (Number.isNaN(ms)) fail();
    // timestampFromMs: seconds rounded down, the rest as non-negative nanos; zeros not written
    const seconds = Math.floor(ms / 1000);
    const nanos = (ms - seconds * 1000) * 1000000;
    w.fork();
    if (seconds !== 0) w.uint32(SECONDS_TAG).int64(seconds);
    if (nanos !== 0) w.uint32(NANOS_TAG).int32(nanos);
    w.join();
  }

  /** A tag in at most 4 bytes (field numbers below 2^25); a longer one fails, for fromBinary's stricter reading of it. */
  function readTag(): number {
    const start = r.pos;
    const tag = r.uint32();
    if (r.pos - start > 4) fail();
    return tag;
  }

  function readTimestamp(): Date {
    const end = readEnd();
    let seconds = 0n;
    let nanos = 0;
    while (r.pos < end) {
      switch (readTag()) {
        case SECONDS_TAG:
          seconds = r.int64() as bigint;
          break;
        case NANOS_TAG:
          nanos = r.int32();
          break;
        default:
          fail();
      }
    }
    if (r.pos !== end) fail();
    // timestampDate
    return new Date(Number(seconds) * 1000 + Math.round(nanos / 1000000));
  }

  return {
    fail,
    encoder,
    decoder,
    writeTag: (tag) => void w.uint32(tag),
    writeEnum: (n) => void w.int32(n),
    fork: () => void w.fork(),
    join: () => void w.join(),
    writeDouble: (value) => void w.double(checkNumber(value)),
    writeFloat(value) {
      const n = checkNumber(value);
      if (n > FLOAT32_MAX || n < -FLOAT32_MAX) fail();
      w.float(n);
    },
    writeInt32: (value) => void w.int32(checkInt32(value)),
    writeSint32: (value) => void w.sint32(checkInt32(value)),
    writeSfixed32: (value) => void w.sfixed32(checkInt32(value)),
    writeUint32: (value) => void w.uint32(checkUint32(value)),
    writeFixed32: (value) => void w.fixed32(checkUint32(value)),
    writeInt64: (value) => void w.int64(checkInt64(value, false)),
    writeSint64: (value) => void w.sint64(checkInt64(value, false)),
    writeSfixed64: (value) => void w.sfixed64(checkInt64(value, false)),
    writeUint64: (value) => void w.uint64(checkInt64(value, true)),
    writeFixed64: (value) => void w.fixed64(checkInt64(value, true)),
    writeBool(value) {
      if (typeof value !== 'boolean') fail();
      w.bool(value);
    },
    writeString(value) {
      if (typeof value !== 'string') fail();
      w.string(value);
    },
    writeBytes(value) {
      if (!(value instanceof Uint8Array)) fail();
      w.bytes(value);
    },
    writeTimestamp,
    keyNumber(key) {
      const n = Number(key);
      if (String(n) !== key) fail();
      return n;
    },
    keyBigInt(key) {
      if (!/^-?\d+$/.test(key)) fail();
      const n = BigInt(key);
      if (String(n) !== key) fail();
      return n;
    },
    setEntry(map, key, value) {
      if (key === '__proto__')
        Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
      else map[key] = value;
    },
    pos: () => r.pos,
    readTag,
    readEnd,
    readDouble: () => r.double(),
    readFloat: () => r.float(),
    readInt32: () => r.int32(),
    readSint32: () => r.sint32(),
    readSfixed32: () => r.sfixed32(),
    readUint32: () => r.uint32(),
    readFixed32: () => r.fixed32(),
    readInt64: () => r.int64() as bigint,
    readSint64: () => r.sint64() as bigint,
    readSfixed64: () => r.sfixed64() as bigint,
    readUint64: () => r.uint64() as bigint,
    readFixed64: () => r.fixed64() as bigint,
    readBool: () => r.bool(),
    readString: () => r.string(true),
    readBytes: () => r.bytes(),
    readTimestamp,
    int64Zero: 0n,
  };
}
