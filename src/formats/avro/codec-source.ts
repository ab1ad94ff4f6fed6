/**
 * Avro topic → `codec.ts`: an encoder and a decoder per event, written out for the topic's own
 * schemas, that the runtime (./serde.ts) uses instead of avsc's generic ones when a message is
 * written with exactly those schemas.
 *
 * The module holds only what is specific to the schemas: a writer and a reader per named type,
 * union and array the events use, each named after its type (`writeMoney`, `readNullableString`,
 * `writeArrayOfItem`, `readBookingCreatedEvent`), so the file is the same for the same schemas and
 * a new type adds its own functions without renaming any other. The Avro binary encoding itself
 * (varints, UTF-8, floats, the cursor) is the kit's (`avroCodecRuntimeV1`, src/codec-runtime/avro.ts),
 * imported through the config's `runtimeImport` as the generated validators import theirs; a
 * kit without that version makes the module fail on load, saying to run `npx contracts generate`.
 *
 * The encoder validates while it writes, checking only what the bytes cannot say (a string is a
 * string, an enum symbol is one of its symbols, a required field is there, no field the contract
 * does not define, the discriminator's constant, a valid Date, a UUID's syntax, a decimal's digits);
 * on the first problem it returns -1 and the runtime asks the event's validator to name it, so the
 * errors are exactly those of the validator. The decoder reads straight into the generated types (a
 * Date for timestamp-millis, a decimal string for decimal) and returns `undefined` on anything
 * unexpected, for avsc to say what. The bytes are avsc's, which the differential tests check over
 * generated events.
 *
 * A schema with a type this emitter does not specialise (a union other than null and one type, a
 * map) gets no codec, and the runtime keeps avsc for the whole topic.
 */
import type * as avro from 'avsc';
import type { AvroCodecRuntimeV1 } from '../../codec-runtime/avro';
import type { DecimalType } from './types';
import { parseAvroSchemas } from './types';
import {
  closedObjectCheck,
  codecModuleSource,
  FunctionNames,
  type CodecModuleEntry,
  type CodecSource,
} from '../codec-module';
import type { TopicModel } from '../model';
import { avroCodecFingerprint } from './fingerprint';
import { TypeNames } from './projection';

/** The runtime's export the generated module asks for: a new name for each incompatible version. */
const RUNTIME_EXPORT = 'avroCodecRuntimeV1';

/** Every helper of the runtime version the emitter writes for (checked against its type). */
const RUNTIME_HELPERS: ReadonlyArray<keyof AvroCodecRuntimeV1> = [
  'fail',
  'encoder',
  'decoder',
  'writeByte',
  'writeRaw',
  'writeCount',
  'writeNull',
  'writeBoolean',
  'writeInt',
  'writeLong',
  'writeFloat',
  'writeDouble',
  'writeString',
  'writeBytes',
  'writeFixed',
  'writeTimestampMillis',
  'writeUuid',
  'writeDecimalBytes',
  'writeDecimalFixed',
  'readNull',
  'readBoolean',
  'readInt',
  'readLong',
  'readFloat',
  'readDouble',
  'readString',
  'readBytes',
  'readFixed',
  'readTimestampMillis',
  'readDecimalBytes',
  'readDecimalFixed',
  'readCount',
  'readConst',
  'readArray',
];

/** How a type the runtime writes and reads itself is named in the function names of arrays and unions. */
const PRIMITIVE_LABELS: Readonly<Record<string, string>> = {
  null: 'Null',
  boolean: 'Boolean',
  int: 'Int',
  long: 'Long',
  float: 'Float',
  double: 'Double',
  string: 'String',
  bytes: 'Bytes',
  'logical:uuid': 'Uuid',
  'logical:timestamp-millis': 'TimestampMillis',
};

class Unsupported extends Error {}

export function avroCodecSource(model: TopicModel): CodecSource | undefined {
  const { registry } = parseAvroSchemas(model.schemas.map((s) => JSON.parse(s.schema) as unknown));
  const names = new TypeNames(Object.values(registry));
  const emitter = new Emitter(names);
  const events = model.events.map((event) => {
    const type = registry[event.name];
    if (!type || type.typeName !== 'record') throw new Error(`no record ${event.name} among the topic's schemas`);
    return { event, type: type as avro.types.RecordType };
  });
  const entries: CodecModuleEntry[] = [];
  try {
    for (const { event, type } of events) {
      const constant = { field: model.config.discriminator, value: event.eventType };
      entries.push({
        eventType: event.eventType,
        typeName: event.typeName,
        schema: avroCodecFingerprint(type),
        write: emitter.eventWriter(type, constant),
        read: emitter.eventReader(type, constant),
      });
    }
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  return codecModuleSource(model, {
    format: 'AVRO',
    encoding: 'Avro',
    runtimeExport: RUNTIME_EXPORT,
    helpers: RUNTIME_HELPERS.filter((h) => emitter.uses.has(h)),
    constants: emitter.constants,
    lines: emitter.lines,
    entries,
  });
}

/**
 * Writes one writer and one reader function per type (named types, unions, arrays; primitives are
 * the runtime's), each once, named after the type: the names depend on the type alone, never on
 * the order the emitter met it, so one type more adds lines and changes none.
 */
class Emitter {
  /** Module-level constants: encoded discriminators and defaults, enum symbols. */
  readonly constants: string[] = [];
  readonly lines: string[] = [];
  /** The runtime helpers the module calls. */
  readonly uses = new Set<string>();
  private readonly functionNames = new FunctionNames(RUNTIME_HELPERS);
  constructor(private readonly names: TypeNames) {}

  /** A name for `key`, `preferred` unless another key has it (then a deterministic suffix). */
  private name(key: string, preferred: string): { name: string; fresh: boolean } {
    return this.functionNames.name(key, preferred);
  }

  private runtime(helper: keyof AvroCodecRuntimeV1): string {
    this.uses.add(helper);
    return helper;
  }

  eventWriter(type: avro.types.RecordType, constant: { field: string; value: string }): string {
    return this.recordWriter(type, constant);
  }

  eventReader(type: avro.types.RecordType, constant: { field: string; value: string }): string {
    return this.recordReader(type, constant);
  }

  /** The label of a type in function names, and a key that tells types apart. */
  private label(type: avro.Type): { label: string; key: string } {
    switch (type.typeName) {
      case 'record':
      case 'error':
      case 'enum':
      case 'fixed':
        return { label: this.names.of(type), key: `named:${type.name!}` };
      case 'array': {
        const items = this.label((type as avro.types.ArrayType).itemsType);
        return { label: `ArrayOf${items.label}`, key: `array:${items.key}` };
      }
      case 'union:unwrapped': {
        const { nullIndex, other } = nullable(type);
        const inner = this.label(other);
        return nullIndex === 0
          ? { label: `Nullable${inner.label}`, key: `nullable:${inner.key}` }
          : { label: `${inner.label}OrNull`, key: `ornull:${inner.key}` };
      }
      case 'logical:decimal': {
        const underlying = (type as DecimalType).underlyingType;
        const { precision, scale } = (type as DecimalType).spec;
        if (underlying.typeName === 'fixed') {
          return { label: this.names.of(underlying), key: `decimal:${underlying.name!}:${precision}:${scale}` };
        }
        return { label: `Decimal${precision}_${scale}`, key: `decimal:bytes:${precision}:${scale}` };
      }
      default: {
        const label = PRIMITIVE_LABELS[type.typeName];
        if (!label) throw new Unsupported(type.typeName);
        return { label, key: type.typeName };
      }
    }
  }

  /** The function that checks a value of `type` and writes it: the runtime's for primitives. */
  private writer(type: avro.Type): string {
    switch (type.typeName) {
      case 'null':
        return this.runtime('writeNull');
      case 'boolean':
        return this.runtime('writeBoolean');
      case 'int':
        return this.runtime('writeInt');
      case 'long':
        return this.runtime('writeLong');
      case 'float':
        return this.runtime('writeFloat');
      case 'double':
        return this.runtime('writeDouble');
      case 'string':
        return this.runtime('writeString');
      case 'bytes':
        return this.runtime('writeBytes');
      case 'logical:timestamp-millis':
        return this.runtime('writeTimestampMillis');
      case 'logical:uuid':
        return this.runtime('writeUuid');
      case 'record':
      case 'error':
        return this.recordWriter(type as avro.types.RecordType);
      default:
        return this.composedWriter(type);
    }
  }

  /** The function that reads a value of `type`: the runtime's for primitives. */
  private reader(type: avro.Type): string {
    switch (type.typeName) {
      case 'null':
        return this.runtime('readNull');
      case 'boolean':
        return this.runtime('readBoolean');
      case 'int':
        return this.runtime('readInt');
      case 'long':
        return this.runtime('readLong');
      case 'float':
        return this.runtime('readFloat');
      case 'double':
        return this.runtime('readDouble');
      case 'string':
      case 'logical:uuid':
        return this.runtime('readString');
      case 'bytes':
        return this.runtime('readBytes');
      case 'logical:timestamp-millis':
        return this.runtime('readTimestampMillis');
      case 'record':
      case 'error':
        return this.recordReader(type as avro.types.RecordType);
      default:
        return this.composedReader(type);
    }
  }

  /** The writer of a record; an event's checks its discriminator's constant too. */
  private recordWriter(type: avro.types.RecordType, constant?: { field: string; value: string }): string {
    const label = this.names.of(type) + (constant ? 'Event' : '');
    const { name, fresh } = this.name(`write:${constant ? 'event' : 'record'}:${type.name!}`, `write${label}`);
    if (!fresh) return name;
    const fail = this.runtime('fail');
    const body = closedObjectCheck(
      name,
      type.fields.map((field) => field.name),
      fail,
    );
    for (const field of type.fields) {
      const value = `v[${JSON.stringify(field.name)}]`;
      if (constant && field.name === constant.field) {
        body.push(`  if (${value} !== ${JSON.stringify(constant.value)}) ${fail}();`);
        body.push(`  ${this.writeConst(`${this.names.of(type)}$${field.name}`, encodeConstString(constant.value))}`);
        continue;
      }
      const write = this.writer(field.type);
      const fallback = field.defaultValue();
      if (fallback === undefined) {
        body.push(`  ${write}(${value});`);
      } else {
        // avsc writes the default of an absent field: its bytes, computed now
        const local = `v$${field.name}`;
        const bytes = field.type.toBuffer(fallback);
        body.push(`  const ${local} = ${value};`);
        body.push(
          `  if (${local} === undefined) ${this.writeConst(`${this.names.of(type)}$${field.name}$default`, bytes)}`,
        );
        body.push(`  else ${write}(${local});`);
      }
    }
    body.push('}', '');
    this.lines.push(...body);
    return name;
  }

  /** One statement writing fixed bytes: byte by byte when they are few, else from a constant named `constName`. */
  private writeConst(constName: string, bytes: Uint8Array): string {
    if (bytes.length <= 4) {
      const writeByte = this.runtime('writeByte');
      return [...bytes].map((b) => `${writeByte}(${b});`).join(' ');
    }
    return `${this.runtime('writeRaw')}(${this.constBytes(constName, bytes)});`;
  }

  private constBytes(constName: string, bytes: Uint8Array): string {
    const { name, fresh } = this.name(`bytes:${constName}`, constName);
    if (fresh) this.constants.push(`const ${name} = new Uint8Array([${[...bytes].join(', ')}]);`);
    return name;
  }

  /** The reader of a record; an event's checks its discriminator's constant too. */
  private recordReader(type: avro.types.RecordType, constant?: { field: string; value: string }): string {
    const label = this.names.of(type) + (constant ? 'Event' : '');
    const { name, fresh } = this.name(`read:${constant ? 'event' : 'record'}:${type.name!}`, `read${label}`);
    if (!fresh) return name;
    const fields = type.fields.map((field) => {
      if (constant && field.name === constant.field) {
        const bytes = this.constBytes(`${this.names.of(type)}$${field.name}`, encodeConstString(constant.value));
        return `    ${JSON.stringify(field.name)}: ${this.runtime('readConst')}(${bytes}, ${JSON.stringify(constant.value)}),`;
      }
      return `    ${JSON.stringify(field.name)}: ${this.reader(field.type)}(),`;
    });
    this.lines.push(`function ${name}() {`, '  return {', ...fields, '  };', '}', '');
    return name;
  }

  /** The writer of an enum, a fixed, a decimal, an array or a nullable union. */
  private composedWriter(type: avro.Type): string {
    const { label, key } = this.label(type);
    const { name, fresh } = this.name(`write:${key}`, `write${label}`);
    if (!fresh) return name;
    const fail = this.runtime('fail');
    const body: string[] = [];
    switch (type.typeName) {
      case 'enum':
        body.push('  switch (v) {');
        (type as avro.types.EnumType).symbols.forEach((symbol, i) => {
          // the index's varint: one byte below 64
          const write = i < 64 ? `${this.runtime('writeByte')}(${i * 2})` : `${this.runtime('writeCount')}(${i})`;
          body.push(`    case ${JSON.stringify(symbol)}:`, `      return ${write};`);
        });
        body.push('    default:', `      ${fail}();`, '  }');
        break;
      case 'fixed':
        body.push(`  ${this.runtime('writeFixed')}(v, ${(type as avro.types.FixedType).size});`);
        break;
      case 'logical:decimal': {
        const { precision, scale } = (type as DecimalType).spec;
        const underlying = (type as DecimalType).underlyingType;
        body.push(
          underlying.typeName === 'fixed'
            ? `  ${this.runtime('writeDecimalFixed')}(v, ${precision}, ${scale}, ${(underlying as avro.types.FixedType).size});`
            : `  ${this.runtime('writeDecimalBytes')}(v, ${precision}, ${scale});`,
        );
        break;
      }
      case 'array': {
        const item = this.writer((type as avro.types.ArrayType).itemsType);
        body.push(
          `  if (!Array.isArray(v)) ${fail}();`,
          '  const n = v.length;',
          '  if (n > 0) {',
          `    ${this.runtime('writeCount')}(n);`,
          `    for (let i = 0; i < n; i++) ${item}(v[i]);`,
          '  }',
          `  ${this.runtime('writeByte')}(0);`,
        );
        break;
      }
      case 'union:unwrapped': {
        const { nullIndex, other, otherIndex } = nullable(type);
        const writeByte = this.runtime('writeByte');
        body.push(
          `  if (v === null) ${writeByte}(${nullIndex * 2});`,
          '  else {',
          `    ${writeByte}(${otherIndex * 2});`,
          `    ${this.writer(other)}(v);`,
          '  }',
        );
        break;
      }
      default:
        throw new Unsupported(type.typeName);
    }
    this.lines.push(`function ${name}(v: unknown): void {`, ...body, '}', '');
    return name;
  }

  /** The reader of an enum, a fixed, a decimal, an array or a nullable union. */
  private composedReader(type: avro.Type): string {
    const { label, key } = this.label(type);
    const { name, fresh } = this.name(`read:${key}`, `read${label}`);
    if (!fresh) return name;
    let body: string;
    switch (type.typeName) {
      case 'enum': {
        const symbols = this.name(`symbols:${key}`, `${label}$symbols`).name;
        this.constants.push(`const ${symbols} = ${JSON.stringify((type as avro.types.EnumType).symbols)} as const;`);
        body = `  return ${symbols}[${this.runtime('readCount')}()] ?? ${this.runtime('fail')}();`;
        break;
      }
      case 'fixed':
        body = `  return ${this.runtime('readFixed')}(${(type as avro.types.FixedType).size});`;
        break;
      case 'logical:decimal': {
        const { scale } = (type as DecimalType).spec;
        const underlying = (type as DecimalType).underlyingType;
        body =
          underlying.typeName === 'fixed'
            ? `  return ${this.runtime('readDecimalFixed')}(${(underlying as avro.types.FixedType).size}, ${scale});`
            : `  return ${this.runtime('readDecimalBytes')}(${scale});`;
        break;
      }
      case 'array':
        body = `  return ${this.runtime('readArray')}(${this.reader((type as avro.types.ArrayType).itemsType)});`;
        break;
      case 'union:unwrapped': {
        const { nullIndex, other, otherIndex } = nullable(type);
        body = [
          `  const index = ${this.runtime('readCount')}();`,
          `  if (index === ${nullIndex}) return null;`,
          `  if (index === ${otherIndex}) return ${this.reader(other)}();`,
          `  return ${this.runtime('fail')}();`,
        ].join('\n');
        break;
      }
      default:
        throw new Unsupported(type.typeName);
    }
    this.lines.push(`function ${name}() {`, body, '}', '');
    return name;
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
