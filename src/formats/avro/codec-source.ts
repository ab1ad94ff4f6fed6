/**
 * Avro topic → `codec.ts`: an encoder and a decoder per event, written out for the topic's own
 * schemas, that the runtime (./serde.ts) uses instead of avsc's generic ones when a message is
 * written with exactly those schemas.
 *
 * The encoder validates while it writes, checking only what the bytes cannot say (a string is a
 * string, an enum symbol is one of its symbols, a required field is there, no field the contract
 * does not define, the discriminator's constant, a valid Date, a UUID's syntax); on the first
 * problem it returns -1 and the runtime asks the event's validator to name it, so the errors are
 * exactly those of the validator. The decoder reads straight into the generated types (a Date for
 * timestamp-millis) and returns `undefined` on anything unexpected, for avsc to say what. Both
 * write and read the Avro specification's binary encoding (zig-zag varints, length-prefixed UTF-8)
 * with avsc's choices where the spec leaves room (lone surrogates), so the bytes are avsc's, which the
 * differential test checks over generated events.
 *
 * The generated module imports types only: a service needs nothing at run time to load it. A
 * schema with a type this emitter does not specialise (a union other than null and one type, a
 * map) gets no codec, and the runtime keeps avsc for the whole topic.
 */
import type * as avro from 'avsc';
import { parseAvroSchemas, UUID_PATTERN } from '../../avro/types';
import type { TopicModel } from '../model';
import { avroCodecFingerprint } from './fingerprint';
import { TypeNames } from './projection';

/** The generated source and the name of the GeneratedCodec it exports. */
export interface CodecSource {
  source: string;
  exportName: string;
}

class Unsupported extends Error {}

/** avsc's safe range for a long (a little narrower than Number.isSafeInteger). */
const SAFE_LONG = 9007199254740990;

export function avroCodecSource(model: TopicModel): CodecSource | undefined {
  const { registry } = parseAvroSchemas(model.schemas.map((s) => JSON.parse(s.schema) as unknown));
  const names = new TypeNames(Object.values(registry));
  const emitter = new Emitter(names);
  const events = model.events.map((event) => {
    const type = registry[event.name];
    if (!type || type.typeName !== 'record') throw new Error(`no record ${event.name} among the topic's schemas`);
    return { event, type: type as avro.types.RecordType };
  });
  try {
    for (const { event, type } of events) emitter.eventFunctions(type, event.eventType, model.config.discriminator);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  const exportName = `${model.baseName[0]!.toLowerCase()}${model.baseName.slice(1)}Codec`;
  const typeNames = events.map((e) => e.event.typeName);
  const lines = [
    "import type { GeneratedCodec } from '%RUNTIME%';",
    `import type { ${typeNames.join(', ')} } from './types.js';`,
    '',
    PRELUDE,
    ...emitter.lines,
    `/** The ${model.config.name} topic's events, written and read for exactly their schemas. */`,
    `export const ${exportName}: GeneratedCodec = {`,
    "  format: 'AVRO',",
    '  events: {',
    ...events.flatMap(({ event, type }) => [
      `    ${JSON.stringify(event.eventType)}: {`,
      `      schema: '${avroCodecFingerprint(type)}',`,
      `      write: write${event.typeName},`,
      `      read: read${event.typeName},`,
      '    },',
    ]),
    '  },',
    '};',
    '',
  ];
  return { source: lines.join('\n'), exportName };
}

class Emitter {
  readonly lines: string[] = [];
  private readonly done = new Set<string>();
  private counter = 0;
  constructor(private readonly names: TypeNames) {}

  eventFunctions(type: avro.types.RecordType, eventType: string, discriminator: string): void {
    const name = this.names.of(type);
    const writer = this.recordWriter(type, `w$event$${name}`, { field: discriminator, value: eventType });
    const reader = this.recordReader(type, `r$event$${name}`, { field: discriminator, value: eventType });
    this.lines.push(
      `function write${name}(event: unknown, target: Uint8Array, start: number): number {`,
      '  buf = target as Bytes;',
      '  pos = start;',
      '  try {',
      `    ${writer}(event);`,
      '  } catch {',
      '    pos = -1;',
      '  }',
      '  buf = EMPTY;',
      '  return pos;',
      '}',
      '',
      `function read${name}(source: Uint8Array, start: number, stop: number): ${name} | undefined {`,
      '  buf = source as Bytes;',
      '  pos = start;',
      '  end = stop;',
      `  let event: ${name} | undefined;`,
      '  try {',
      `    event = ${reader}();`,
      '  } catch {',
      '    event = undefined;',
      '  }',
      '  const complete = pos === end;',
      '  buf = EMPTY;',
      '  return complete ? event : undefined;',
      '}',
      '',
    );
  }

  private fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  /** The writer function of a record (emitted once), its name returned. */
  private recordWriter(type: avro.types.RecordType, fn: string, constant?: { field: string; value: string }): string {
    if (this.done.has(fn)) return fn;
    this.done.add(fn);
    const body: string[] = [];
    body.push(`function ${fn}(v: any): void {`);
    body.push("  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail();");
    // additionalProperties: false, as the validator has it (inherited enumerable keys included)
    body.push('  for (const key in v) {');
    body.push('    switch (key) {');
    for (const field of type.fields) body.push(`      case ${JSON.stringify(field.name)}:`);
    body.push('        break;');
    body.push('      default:');
    body.push('        fail();');
    body.push('    }');
    body.push('  }');
    for (const field of type.fields) {
      const x = this.fresh('x');
      body.push(`  const ${x} = v[${JSON.stringify(field.name)}];`);
      if (constant && field.name === constant.field) {
        const bytes = [...encodeConstString(constant.value)];
        body.push(`  if (${x} !== ${JSON.stringify(constant.value)}) fail();`);
        body.push(`  ${this.writeConst(bytes)}`);
        continue;
      }
      const write = this.write(field.type, x);
      const fallback = field.defaultValue();
      if (fallback === undefined) {
        body.push(...write.map((l) => `  ${l}`));
      } else {
        // avsc writes the default of an absent field: its bytes, computed now
        const bytes = [...field.type.toBuffer(fallback)];
        body.push(`  if (${x} === undefined) ${this.writeConst(bytes)}`);
        body.push('  else {');
        body.push(...write.map((l) => `    ${l}`));
        body.push('  }');
      }
    }
    body.push('}', '');
    this.lines.push(...body);
    return fn;
  }

  /** One statement writing fixed bytes: inline when they are few. */
  private writeConst(bytes: number[]): string {
    if (bytes.length <= 4) return `{ ${bytes.map((b) => `buf[pos++] = ${b};`).join(' ')} }`;
    return `writeBytesOf(${this.constBytes(bytes)});`;
  }

  private constBytes(bytes: number[]): string {
    const name = this.fresh('BYTES');
    this.lines.push(`const ${name} = new Uint8Array([${bytes.join(', ')}]);`);
    return name;
  }

  /** Statements that check `x` against `type` and write it. */
  private write(type: avro.Type, x: string): string[] {
    switch (type.typeName) {
      case 'null':
        return [`if (${x} !== null) fail();`];
      case 'boolean':
        return [`if (typeof ${x} !== 'boolean') fail();`, `buf[pos++] = ${x} ? 1 : 0;`];
      case 'int':
        return [`if (typeof ${x} !== 'number' || (${x} | 0) !== ${x}) fail();`, `writeLong(${x});`];
      case 'long':
        return [`if (typeof ${x} !== 'number' || !isSafeLong(${x})) fail();`, `writeLong(${x});`];
      case 'float':
        return [`if (typeof ${x} !== 'number' || !Number.isFinite(${x})) fail();`, `writeFloat(${x});`];
      case 'double':
        return [`if (typeof ${x} !== 'number' || !Number.isFinite(${x})) fail();`, `writeDouble(${x});`];
      case 'string':
        return [`if (typeof ${x} !== 'string') fail();`, `writeString(${x});`];
      case 'bytes':
        return [`if (!NodeBuffer.isBuffer(${x})) fail();`, `writeLong(${x}.length);`, `writeBytesOf(${x});`];
      case 'fixed':
        return [
          `if (!NodeBuffer.isBuffer(${x}) || ${x}.length !== ${(type as avro.types.FixedType).size}) fail();`,
          `writeBytesOf(${x});`,
        ];
      case 'logical:timestamp-millis':
        return [`if (!(${x} instanceof Date)) fail();`, `writeSafeLong(${x}.getTime());`];
      case 'logical:uuid':
        return [`if (typeof ${x} !== 'string' || !isUuid(${x})) fail();`, `writeString(${x});`];
      case 'enum':
        return [`writeLong(${this.enumIndex(type as avro.types.EnumType)}(${x}));`];
      case 'record':
      case 'error':
        return [`${this.recordWriter(type as avro.types.RecordType, `w$${this.names.of(type)}`)}(${x});`];
      case 'array': {
        const items = (type as avro.types.ArrayType).itemsType;
        const n = this.fresh('n');
        const i = this.fresh('i');
        const item = this.fresh('x');
        return [
          `if (!Array.isArray(${x})) fail();`,
          `const ${n} = ${x}.length;`,
          `if (${n} > 0) {`,
          `  writeLong(${n});`,
          `  for (let ${i} = 0; ${i} < ${n}; ${i}++) {`,
          `    const ${item} = ${x}[${i}];`,
          ...this.write(items, item).map((l) => `    ${l}`),
          '  }',
          '}',
          'buf[pos++] = 0;',
        ];
      }
      case 'union:unwrapped': {
        const { nullIndex, other, otherIndex } = nullable(type);
        return [
          `if (${x} === null) buf[pos++] = ${nullIndex * 2};`,
          'else {',
          `  buf[pos++] = ${otherIndex * 2};`,
          ...this.write(other, x).map((l) => `  ${l}`),
          '}',
        ];
      }
      default:
        throw new Unsupported(type.typeName);
    }
  }

  private enumIndex(type: avro.types.EnumType): string {
    const fn = `e$${this.names.of(type)}`;
    if (this.done.has(fn)) return fn;
    this.done.add(fn);
    this.lines.push(`function ${fn}(x: unknown): number {`, '  switch (x) {');
    type.symbols.forEach((s, i) => this.lines.push(`    case ${JSON.stringify(s)}:`, `      return ${i};`));
    this.lines.push('    default:', '      return fail();', '  }', '}', '');
    return fn;
  }

  /** The reader function of a record (emitted once), its name returned. */
  private recordReader(type: avro.types.RecordType, fn: string, constant?: { field: string; value: string }): string {
    if (this.done.has(fn)) return fn;
    this.done.add(fn);
    const fields = type.fields.map((field) => {
      if (constant && field.name === constant.field) {
        const bytes = this.constBytes([...encodeConstString(constant.value)]);
        return `    ${JSON.stringify(field.name)}: readConst(${bytes}, ${JSON.stringify(constant.value)}),`;
      }
      return `    ${JSON.stringify(field.name)}: ${this.read(field.type)},`;
    });
    this.lines.push(`function ${fn}() {`, '  return {', ...fields, '  };', '}', '');
    return fn;
  }

  /** An expression that reads one value of `type`. */
  private read(type: avro.Type): string {
    switch (type.typeName) {
      case 'null':
        return 'null';
      case 'boolean':
        return 'buf[pos++] !== 0';
      case 'int':
        return 'readLong()';
      case 'long':
        return 'readSafeLong()';
      case 'float':
        return 'readFloat()';
      case 'double':
        return 'readDouble()';
      case 'string':
      case 'logical:uuid':
        return 'readString()';
      case 'bytes':
        return 'readFixed(readLong())';
      case 'fixed':
        return `readFixed(${(type as avro.types.FixedType).size})`;
      case 'logical:timestamp-millis':
        return 'new Date(readSafeLong())';
      case 'enum': {
        const symbols = `S$${this.names.of(type)}`;
        if (!this.done.has(symbols)) {
          this.done.add(symbols);
          this.lines.push(`const ${symbols} = ${JSON.stringify((type as avro.types.EnumType).symbols)} as const;`);
        }
        return `(${symbols}[readLong()] ?? fail())`;
      }
      case 'record':
      case 'error':
        return `${this.recordReader(type as avro.types.RecordType, `r$${this.names.of(type)}`)}()`;
      case 'array': {
        const fn = this.fresh('readItem');
        this.lines.push(`function ${fn}() {`, `  return ${this.read((type as avro.types.ArrayType).itemsType)};`, '}');
        return `readArray(${fn})`;
      }
      case 'union:unwrapped': {
        const { nullIndex, other, otherIndex } = nullable(type);
        const fn = this.fresh('readUnion');
        this.lines.push(
          `function ${fn}() {`,
          '  const index = readLong();',
          `  if (index === ${nullIndex}) return null;`,
          `  if (index === ${otherIndex}) return ${this.read(other)};`,
          '  return fail();',
          '}',
        );
        return `${fn}()`;
      }
      default:
        throw new Unsupported(type.typeName);
    }
  }
}

/** A union of null and one other type (what the emitter specialises), or Unsupported. */
function nullable(type: avro.Type): { nullIndex: number; other: avro.Type; otherIndex: number } {
  const types = (type as unknown as { types: avro.Type[] }).types;
  const nullIndex = types.findIndex((t) => t.typeName === 'null');
  if (types.length !== 2 || nullIndex < 0) throw new Unsupported('union');
  const otherIndex = 1 - nullIndex;
  const other = types[otherIndex]!;
  if (other.typeName.startsWith('union')) throw new Unsupported('union');
  return { nullIndex, other, otherIndex };
}

function encodeConstString(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length >= 64) throw new Unsupported('long discriminator');
  return Buffer.concat([Buffer.from([bytes.length << 1]), bytes]);
}

/** The helpers every generated codec shares: the Avro binary encoding, one synchronous call at a time. */
const PRELUDE = `/* eslint-disable */
// The Avro binary encoding for these schemas (zig-zag varints, length-prefixed UTF-8), writing
// the bytes avsc writes (a differential test holds them to it); one call runs at a time, on the
// module's cursor.

/** What these functions use of Node's Buffer, declared here: a service needs no Node typings for them. */
interface Bytes extends Uint8Array {
  utf8Slice(start: number, end: number): string;
  utf8Write(value: string, offset: number, length: number): number;
  readFloatLE(offset: number): number;
  readDoubleLE(offset: number): number;
  writeFloatLE(value: number, offset: number): number;
  writeDoubleLE(value: number, offset: number): number;
  copy(target: Uint8Array, targetStart: number, sourceStart: number, sourceEnd: number): number;
}

const NodeBuffer = (
  globalThis as unknown as {
    Buffer: {
      alloc(size: number): Bytes;
      allocUnsafe(size: number): Bytes;
      byteLength(value: string): number;
      isBuffer(value: unknown): boolean;
    };
  }
).Buffer;

const EMPTY = NodeBuffer.alloc(0);
const INVALID = new Error('does not fit the contract');

let buf: Bytes = EMPTY;
/** Per length up to 16, an array of char codes that readString reuses. */
const CODES: number[][] = Array.from({ length: 17 }, (_, n) => new Array<number>(n).fill(0));
let pos = 0;
let end = 0;

function fail(): never {
  throw INVALID;
}

/** ${UUID_PATTERN.toString()} (the validator's \`format: uuid\`), without the regular expression engine. */
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

const URN = 'urn:uuid:';

function isSafeLong(n: number): boolean {
  return n % 1 === 0 && n >= -${SAFE_LONG} && n <= ${SAFE_LONG};
}

function writeLong(n: number): void {
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

function writeSafeLong(n: number): void {
  if (!isSafeLong(n)) fail();
  writeLong(n);
}

function writeFloat(f: number): void {
  if (pos + 4 <= buf.length) buf.writeFloatLE(f, pos);
  pos += 4;
}

function writeDouble(d: number): void {
  if (pos + 8 <= buf.length) buf.writeDoubleLE(d, pos);
  pos += 8;
}

function writeBytesOf(bytes: Uint8Array): void {
  if (pos + bytes.length <= buf.length) buf.set(bytes, pos);
  pos += bytes.length;
}

function writeString(s: string): void {
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
  writeLong(len);
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

function readLong(): number {
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

function readSafeLong(): number {
  const n = readLong();
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
    len = readLong();
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

function readConst<T extends string>(bytes: Uint8Array, value: T): T {
  for (let i = 0; i < bytes.length; i++) if (buf[pos + i] !== bytes[i]) fail();
  pos += bytes.length;
  return value;
}

// a Buffer, as the generated types have it (\`never\`: assignable to their Buffer without Node's typings here)
function readFixed(len: number): never {
  if (len < 0 || pos + len > end) fail();
  const out = NodeBuffer.allocUnsafe(len);
  buf.copy(out, 0, pos, pos + len);
  pos += len;
  return out as never;
}

function readArray<T>(item: () => T): T[] {
  const items: T[] = [];
  let n: number;
  while ((n = readLong()) !== 0) {
    if (n < 0) {
      n = -n;
      readLong(); // the block's size in bytes
    }
    while (n-- > 0) {
      if (pos > end) fail();
      items.push(item());
    }
  }
  return items;
}
`;
