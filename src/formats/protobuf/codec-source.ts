/**
 * Protobuf topic → `codec.ts`: per event, a writer from the plain event straight to the value
 * message's body (its oneof case holding the event) and a reader from that body straight to the
 * plain event (plain.ts's form: Dates, bigints, enum names), written out for the topic's own
 * messages, that the runtime (./codec.ts) uses instead of @bufbuild/protobuf's `create` +
 * `toBinary` and `fromBinary` + conversion when the messages are exactly those.
 *
 * The module holds only what is specific to the messages: a writer and a reader per message the
 * events reach (`writeMoney`, `readBookingCreatedEvent`), an enum's name ↔ number maps, each named
 * after its type. The encoding itself is the kit's (`protobufCodecRuntimeV1`,
 * src/codec-runtime/protobuf.ts, on @bufbuild/protobuf's BinaryWriter and BinaryReader), imported
 * through the config's `runtimeImport`, as the Avro codec imports avroCodecRuntimeV1.
 *
 * The writer validates while it writes, checking what the event's validator checks (the writable
 * projection of ./projection.ts: no property the message does not define, every field the contract
 * requires, an event's strings non-empty and enums not UNSPECIFIED, the discriminator's constant, a
 * value of each field's kind and range); on the first problem it returns -1 and the runtime asks the
 * validator to name it. The reader checks what the generic reader checks (the contract's
 * completeness of an event, the discriminator) and returns `undefined` on those or on anything it
 * does not expect (an unknown field, a field written twice, a wire type that is not the field's),
 * for the generic reader to decode or to refuse with its reason. Fields are written in field-number
 * order and zero values of implicit presence left out, as `toBinary` does: the bytes are
 * @bufbuild/protobuf's, which the property test checks over generated events.
 *
 * Messages with a construct this emitter does not specialise (a oneof of the event's own, groups,
 * well-known types other than Timestamp, proto2 or editions semantics, `jstype`) get no codec, and
 * the runtime keeps the generic path for the whole topic.
 */
import { ScalarType, type DescEnum, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { Edition, FeatureSet_FieldPresence } from '@bufbuild/protobuf/wkt';
import type { ProtobufCodecRuntimeV1 } from '../../codec-runtime/protobuf';
import {
  closedObjectCheck,
  codecModuleSource,
  FunctionNames,
  type CodecModuleEntry,
  type CodecSource,
} from '../codec-module';
import type { TopicModel } from '../model';
import { bindValue } from './codec';
import { protobufCodecFingerprint, type ProtobufCodecTarget } from './fingerprint';
import { TIMESTAMP } from './plain';
import { ProtobufNames } from './projection';

/** The runtime's export the generated module asks for: a new name for each incompatible version. */
const RUNTIME_EXPORT = 'protobufCodecRuntimeV1';

type Helper = Exclude<keyof ProtobufCodecRuntimeV1, 'int64Zero'>;

/** Wire types of the tags codegen computes. */
const VARINT = 0;
const BIT64 = 1;
const LENGTH_DELIMITED = 2;
const BIT32 = 5;

/** Per scalar type: the runtime's writer and reader suffix, and its wire type. */
const SCALARS: Readonly<Record<number, { name: string; wire: number }>> = {
  [ScalarType.DOUBLE]: { name: 'Double', wire: BIT64 },
  [ScalarType.FLOAT]: { name: 'Float', wire: BIT32 },
  [ScalarType.INT64]: { name: 'Int64', wire: VARINT },
  [ScalarType.UINT64]: { name: 'Uint64', wire: VARINT },
  [ScalarType.INT32]: { name: 'Int32', wire: VARINT },
  [ScalarType.FIXED64]: { name: 'Fixed64', wire: BIT64 },
  [ScalarType.FIXED32]: { name: 'Fixed32', wire: BIT32 },
  [ScalarType.BOOL]: { name: 'Bool', wire: VARINT },
  [ScalarType.STRING]: { name: 'String', wire: LENGTH_DELIMITED },
  [ScalarType.BYTES]: { name: 'Bytes', wire: LENGTH_DELIMITED },
  [ScalarType.UINT32]: { name: 'Uint32', wire: VARINT },
  [ScalarType.SFIXED32]: { name: 'Sfixed32', wire: BIT32 },
  [ScalarType.SFIXED64]: { name: 'Sfixed64', wire: BIT64 },
  [ScalarType.SINT32]: { name: 'Sint32', wire: VARINT },
  [ScalarType.SINT64]: { name: 'Sint64', wire: VARINT },
};

const is64 = (scalar: ScalarType) => SCALARS[scalar]!.name.endsWith('64');

/** The wire type of one value of `kind` (a list's element, a map's value, a singular field's value). */
function wireOf(kind: 'scalar' | 'enum' | 'message', scalar: ScalarType | undefined): number {
  return kind === 'scalar' ? SCALARS[scalar!]!.wire : kind === 'enum' ? VARINT : LENGTH_DELIMITED;
}

/** The kind of one value of a field: a list's element, a map's value, or the field's own. */
function valueKind(field: DescField): 'scalar' | 'enum' | 'message' {
  return field.fieldKind === 'list' ? field.listKind : field.fieldKind === 'map' ? field.mapKind : field.fieldKind;
}

class Unsupported extends Error {}

export function protobufCodecSource(model: TopicModel): CodecSource | undefined {
  const binding = bindValue(model.config.name, model.schemas, model.valueSubject, model.events);
  const emitter = new Emitter(new ProtobufNames());
  const entries: CodecModuleEntry[] = [];
  try {
    for (const event of model.events) {
      const target: ProtobufCodecTarget = {
        value: binding.value,
        eventCase: binding.caseOfType.get(event.eventType)!,
        eventType: event.eventType,
        discriminator: model.config.discriminator,
      };
      entries.push({
        eventType: event.eventType,
        typeName: event.typeName,
        schema: protobufCodecFingerprint(target),
        write: emitter.caseWriter(target),
        read: emitter.caseReader(target),
      });
    }
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  return codecModuleSource(model, {
    format: 'PROTOBUF',
    encoding: 'Protobuf',
    runtimeExport: RUNTIME_EXPORT,
    helpers: emitter.uses,
    constants: emitter.constants,
    lines: emitter.lines,
    entries,
  });
}

/** An event's own constraints: its discriminator's constant, and the contract's completeness. */
interface EventRole {
  discriminator: string;
  eventType: string;
}

/**
 * Writes one writer and one reader per message (and per event message, which the contract holds
 * to more), and an enum's maps, each once and named after the type alone, so one message more adds
 * lines and renames none.
 */
class Emitter {
  /** Module-level constants: enum names by number. */
  readonly constants: string[] = [];
  readonly lines: string[] = [];
  /** The runtime helpers the module calls. */
  readonly uses = new Set<Helper | 'int64Zero'>();
  private readonly functionNames = new FunctionNames(RUNTIME_NAMES);
  constructor(private readonly names: ProtobufNames) {}

  /** A name for `key`, `preferred` unless another key or the runtime has it (then a deterministic suffix). */
  private name(key: string, preferred: string): { name: string; fresh: boolean } {
    return this.functionNames.name(key, preferred);
  }

  private runtime(helper: Helper | 'int64Zero'): string {
    this.uses.add(helper);
    return helper;
  }

  /** The value message's body holding the event in its case: the tag, the length, the event. */
  caseWriter(target: ProtobufCodecTarget): string {
    const { name, tag, event } = this.caseFunction(target, 'write');
    this.lines.push(
      `function ${name}(v: any): void {`,
      `  ${this.runtime('writeTag')}(${tag});`,
      `  ${this.runtime('fork')}();`,
      `  ${event}(v);`,
      `  ${this.runtime('join')}();`,
      '}',
      '',
    );
    return name;
  }

  /** Reads a value message's body that holds exactly one case, the event's. */
  caseReader(target: ProtobufCodecTarget): string {
    const { name, tag, event } = this.caseFunction(target, 'read');
    const fail = this.runtime('fail');
    this.lines.push(
      `function ${name}(end: number) {`,
      `  if (${this.runtime('readTag')}() !== ${tag}) ${fail}();`,
      `  const at = ${this.runtime('readEnd')}();`,
      `  if (at !== end) ${fail}();`,
      `  return ${event}(at);`,
      '}',
      '',
    );
    return name;
  }

  /** A case function's name and tag, and the event message's function it calls. */
  private caseFunction(target: ProtobufCodecTarget, direction: 'write' | 'read') {
    const { message, number } = target.eventCase;
    const event = direction === 'write' ? this.messageWriter(message, target) : this.messageReader(message, target);
    const { name } = this.name(`${direction}:case:${number}`, `${direction}${this.names.of(message)}Case`);
    return { name, tag: (number << 3) | LENGTH_DELIMITED, event };
  }

  /** The checks a message gets before its fields: what the emitter specialises, else Unsupported. */
  private assertSupported(message: DescMessage, role: EventRole | undefined): void {
    if (message.file.edition !== Edition.EDITION_PROTO3) throw new Unsupported(`${message.typeName}: not proto3`);
    // an event's own oneof: the contract's completeness of its members is not specialised
    if (role && message.oneofs.length > 0) throw new Unsupported(`${message.typeName}: a oneof in an event`);
    for (const field of message.fields) {
      const f = field as DescField & { longAsString?: boolean; delimitedEncoding?: boolean };
      if (f.longAsString || f.delimitedEncoding) throw new Unsupported(`${field.name}: jstype or a group`);
      if (field.presence === FeatureSet_FieldPresence.LEGACY_REQUIRED) throw new Unsupported(`${field.name}: required`);
      // the runtime reads strings as proto3 does, refusing invalid UTF-8
      if (field.scalar === ScalarType.STRING && !field.utf8Validation)
        throw new Unsupported(`${field.name}: UTF-8 unchecked`);
      if (field.enum && !field.enum.open) throw new Unsupported(`${field.name}: a closed enum`);
      const nested = field.message;
      if (nested && nested.typeName !== TIMESTAMP && nested.typeName.startsWith('google.protobuf.')) {
        throw new Unsupported(`${field.name}: ${nested.typeName}`);
      }
    }
  }

  /** The writer of a message's body; an event's checks its completeness and discriminator too. */
  private messageWriter(message: DescMessage, role?: EventRole): string {
    const label = this.names.of(message) + (role ? 'Event' : '');
    const { name, fresh } = this.name(`write:${role ? 'event' : 'message'}:${message.typeName}`, `write${label}`);
    if (!fresh) return name;
    this.assertSupported(message, role);
    const fail = this.runtime('fail');
    const body = closedObjectCheck(
      name,
      message.fields.map((field) => field.localName),
      fail,
    );
    for (const oneof of message.oneofs) {
      // more than one member given: plain.ts takes the last, the validator checks each; the generic path's to write
      const given = oneof.fields.map((f) => `(v[${JSON.stringify(f.localName)}] !== undefined ? 1 : 0)`);
      body.push(`  if (${given.join(' + ')} > 1) ${fail}();`);
    }
    const fields = [...message.fields].sort((a, b) => a.number - b.number);
    fields.forEach((field, i) => {
      const value = `f${i}`;
      body.push(`  const ${value} = v[${JSON.stringify(field.localName)}];`);
      body.push(...this.fieldWriter(field, value, role).map((line) => `  ${line}`));
    });
    body.push('}', '');
    this.lines.push(...body);
    return name;
  }

  /** The statements writing one field whose value is in `value`. */
  private fieldWriter(field: DescField, value: string, role: EventRole | undefined): string[] {
    const fail = this.runtime('fail');
    const tag = (wire: number) => `${this.runtime('writeTag')}(${(field.number << 3) | wire});`;
    if (field.fieldKind === 'list') {
      const lines = [`if (!Array.isArray(${value})) ${fail}();`];
      if (field.listKind !== 'message' && field.packed) {
        lines.push(
          `if (${value}.length > 0) {`,
          `  ${tag(LENGTH_DELIMITED)} ${this.runtime('fork')}();`,
          `  for (let i = 0; i < ${value}.length; i++) ${this.valueWriter(field, `${value}[i]`)};`,
          `  ${this.runtime('join')}();`,
          '}',
        );
      } else {
        const wire = wireOf(field.listKind, field.scalar);
        lines.push(
          `for (let i = 0; i < ${value}.length; i++) {`,
          `  ${tag(wire)} ${this.valueWriter(field, `${value}[i]`)};`,
          '}',
        );
      }
      return lines;
    }
    if (field.fieldKind === 'map') return this.mapWriter(field, value, tag(LENGTH_DELIMITED));
    const wire = wireOf(field.fieldKind, field.scalar);
    const write = `${tag(wire)} ${this.valueWriter(field, value)};`;
    if (role && field.localName === role.discriminator) {
      if (field.fieldKind !== 'scalar' || field.scalar !== ScalarType.STRING) {
        throw new Unsupported(`${field.name}: a discriminator that is not a string`);
      }
      return [`if (${value} !== ${JSON.stringify(role.eventType)}) ${fail}();`, write];
    }
    if (field.fieldKind === 'enum') {
      // the name's number first (a name the enum does not have fails there), then its presence
      const number = `${value}$n`;
      const lines = [`const ${number} = ${this.enumNumber(field.enum)}(${value});`];
      const emit = `${tag(VARINT)} ${this.runtime('writeEnum')}(${number});`;
      if (role) return [...lines, `if (${number} === ${field.enum.values[0]!.number}) ${fail}();`, emit];
      if (field.presence !== FeatureSet_FieldPresence.IMPLICIT)
        return [`if (${value} !== undefined) {`, `  ${lines[0]}`, `  ${emit}`, '}'];
      return [...lines, `if (${number} !== ${field.enum.values[0]!.number}) { ${emit} }`];
    }
    if (field.fieldKind === 'message') {
      // an event's fields are all required (the message's writer refuses undefined); a nested message's are optional
      return role ? [write] : [`if (${value} !== undefined) { ${write} }`];
    }
    if (role && field.scalar === ScalarType.STRING) return [`if (${value} === '') ${fail}();`, write];
    if (field.presence !== FeatureSet_FieldPresence.IMPLICIT) {
      // explicit presence: written whenever given, zero too; an event requires it given
      return role ? [write] : [`if (${value} !== undefined) { ${write} }`];
    }
    // implicit presence: the zero value is not written (isScalarZeroValue), anything else is checked and written
    return [`if (${this.notZero(field.scalar!, value)}) { ${write} }`];
  }

  /** True for anything but the scalar's zero value (undefined and values of the wrong kind included, for the writer to refuse). */
  private notZero(scalar: ScalarType, value: string): string {
    switch (scalar) {
      case ScalarType.STRING:
        return `${value} !== ''`;
      case ScalarType.BOOL:
        return `${value} !== false`;
      case ScalarType.BYTES:
        return `!(${value} instanceof Uint8Array && ${value}.length === 0)`;
      case ScalarType.DOUBLE:
      case ScalarType.FLOAT:
        return `!Object.is(${value}, 0)`;
      default:
        return is64(scalar) ? `${value} !== 0 && ${value} !== ${this.runtime('int64Zero')}` : `${value} !== 0`;
    }
  }

  /** The expression writing one value (no tag) of a field, a list's element included. */
  private valueWriter(field: DescField, value: string): string {
    const kind = valueKind(field);
    if (kind === 'scalar') return `${this.runtime(`write${SCALARS[field.scalar!]!.name}` as Helper)}(${value})`;
    if (kind === 'enum') return `${this.runtime('writeEnum')}(${this.enumNumber(field.enum!)}(${value}))`;
    const message = field.message!;
    if (message.typeName === TIMESTAMP) return `${this.runtime('writeTimestamp')}(${value})`;
    const write = this.messageWriter(message);
    return `${this.runtime('fork')}(), ${write}(${value}), ${this.runtime('join')}()`;
  }

  /**
   * A map's entries as toBinary writes them: in the object's key order, each a message of the key
   * (field 1) and the value (field 2), both written even when zero. A key that is not the canonical
   * spelling of its type ("01", "1.0" for an integer key) fails, for the generic path to decide.
   */
  private mapWriter(field: DescField & { fieldKind: 'map' }, value: string, entryTag: string): string[] {
    const fail = this.runtime('fail');
    const writeTag = this.runtime('writeTag');
    const key = this.mapKeyWriter(field.mapKey);
    return [
      `if (typeof ${value} !== 'object' || ${value} === null || Array.isArray(${value})) ${fail}();`,
      // every key the validator's `additionalProperties` checks (inherited ones too); toBinary writes own ones
      `for (const key in ${value}) {`,
      `  if (!Object.prototype.hasOwnProperty.call(${value}, key)) ${fail}();`,
      `  ${entryTag} ${this.runtime('fork')}();`,
      `  ${writeTag}(${(1 << 3) | SCALARS[field.mapKey]!.wire}); ${key};`,
      `  ${writeTag}(${(2 << 3) | wireOf(field.mapKind, field.scalar)}); ${this.valueWriter(field, `${value}[key]`)};`,
      `  ${this.runtime('join')}();`,
      '}',
    ];
  }

  /** The expression writing a map's key (in `key`, a string) as its key type. */
  private mapKeyWriter(scalar: ScalarType): string {
    const write = this.runtime(`write${SCALARS[scalar]!.name}` as Helper);
    if (scalar === ScalarType.STRING) return `${write}(key)`;
    if (scalar === ScalarType.BOOL)
      return `${write}(key === 'true' ? true : key === 'false' ? false : ${this.runtime('fail')}())`;
    return `${write}(${this.runtime(is64(scalar) ? 'keyBigInt' : 'keyNumber')}(key))`;
  }

  /** The case reading one map entry into the plain object `local` (a later key replaces an earlier one). */
  private mapEntryReader(field: DescField & { fieldKind: 'map' }, local: string): string[] {
    const fail = this.runtime('fail');
    const pos = this.runtime('pos');
    const message = field.mapKind === 'message';
    const plain = field.mapKind === 'enum' ? this.enumName(field.enum, 'val') : 'val';
    return [
      `      case ${(field.number << 3) | LENGTH_DELIMITED}: {`,
      `        const at = ${this.runtime('readEnd')}();`,
      `        let key: any = ${this.zeroOfScalar(field.mapKey)};`,
      `        let val: any${message ? '' : ` = ${this.zeroOf(field)}`};`,
      `        while (${pos}() < at) {`,
      `          switch (${this.runtime('readTag')}()) {`,
      `            case ${(1 << 3) | SCALARS[field.mapKey]!.wire}:`,
      `              key = ${this.runtime(`read${SCALARS[field.mapKey]!.name}` as Helper)}();`,
      '              break;',
      `            case ${(2 << 3) | wireOf(field.mapKind, field.scalar)}:`,
      // a message value written twice merges in fromBinary: left to it
      ...(message ? [`              if (val !== undefined) ${fail}();`] : []),
      `              val = ${this.valueReader(field)};`,
      '              break;',
      '            default:',
      `              ${fail}();`,
      '          }',
      '        }',
      `        if (${pos}() !== at) ${fail}();`,
      // an entry without its message value: fromBinary makes an empty message, left to it
      ...(message ? [`        if (val === undefined) ${fail}();`] : []),
      `        ${this.runtime('setEntry')}(${local}, String(key), ${plain});`,
      '        break;',
      '      }',
    ];
  }

  /** The function mapping an enum's value name to its number (a name it does not have fails). */
  private enumNumber(e: DescEnum): string {
    const { name, fresh } = this.name(`enum:number:${e.typeName}`, `numberOf${this.names.of(e)}`);
    if (!fresh) return name;
    const body = [`function ${name}(v: unknown): number {`, '  switch (v) {'];
    for (const value of e.values) body.push(`    case ${JSON.stringify(value.name)}:`, `      return ${value.number};`);
    body.push('    default:', `      return ${this.runtime('fail')}();`, '  }', '}', '');
    this.lines.push(...body);
    return name;
  }

  /** The expression giving an enum number's plain value: its name, or the number a newer writer added. */
  private enumName(e: DescEnum, number: string): string {
    const { name, fresh } = this.name(`enum:names:${e.typeName}`, `${this.names.of(e)}$names`);
    if (fresh) {
      // the first name of each number (an alias keeps the first), by number
      const byNumber = new Map<number, string>();
      for (const v of e.values) if (!byNumber.has(v.number)) byNumber.set(v.number, v.name);
      this.constants.push(`const ${name} = new Map<number, string>(${JSON.stringify([...byNumber])});`);
    }
    return `(${name}.get(${number}) ?? ${number})`;
  }

  /** The reader of a message's body up to `end`; an event's checks its completeness and discriminator too. */
  private messageReader(message: DescMessage, role?: EventRole): string {
    const label = this.names.of(message) + (role ? 'Event' : '');
    const { name, fresh } = this.name(`read:${role ? 'event' : 'message'}:${message.typeName}`, `read${label}`);
    if (!fresh) return name;
    this.assertSupported(message, role);
    const fail = this.runtime('fail');
    const locals: string[] = [];
    const cases: string[] = [];
    const checks: string[] = [];
    /** The plain object's properties in declaration order (as plain.ts's toPlain has them); `absent` when unset. */
    const properties: Array<{ key: string; value: string; absent: boolean }> = [];
    message.fields.forEach((field, i) => {
      const local = `f${i}`;
      const key = JSON.stringify(field.localName);
      const read = this.valueReader(field);
      const kind = field.fieldKind;
      if (kind === 'list') {
        locals.push(`  const ${local}: any[] = [];`);
        const element = field.listKind === 'enum' ? `${this.enumName(field.enum!, 'n')}` : 'n';
        const wire = wireOf(field.listKind, field.scalar);
        const push =
          field.listKind === 'enum' ? `{ const n = ${read}; ${local}.push(${element}); }` : `${local}.push(${read});`;
        cases.push(`      case ${(field.number << 3) | wire}:`, `        ${push}`, '        break;');
        if (field.listKind !== 'message' && !(field.listKind === 'scalar' && wire === LENGTH_DELIMITED)) {
          // a packed list, as a writer may send any repeated number (and must, in proto3, by default)
          const pos = this.runtime('pos');
          cases.push(
            `      case ${(field.number << 3) | LENGTH_DELIMITED}: {`,
            `        const at = ${this.runtime('readEnd')}();`,
            `        while (${pos}() < at) ${push}`,
            `        if (${pos}() !== at) ${fail}();`,
            '        break;',
            '      }',
          );
        }
        properties.push({ key, value: local, absent: false });
        return;
      }
      if (kind === 'map') {
        locals.push(`  const ${local}: any = {};`);
        cases.push(...this.mapEntryReader(field, local));
        properties.push({ key, value: local, absent: false });
        return;
      }
      const wire = wireOf(kind, field.scalar);
      const explicit = field.presence !== FeatureSet_FieldPresence.IMPLICIT;
      // a oneof member read replaces the member read before it, as fromBinary's case does
      const siblings = field.oneof
        ? message.fields.flatMap((f, j) =>
            f.oneof === field.oneof && f !== field ? [`        f${j} = undefined;`] : [],
          )
        : [];
      if (kind === 'message') {
        locals.push(`  let ${local}: any;`);
        // a message written twice merges in fromBinary: left to it
        cases.push(
          `      case ${(field.number << 3) | wire}:`,
          `        if (${local} !== undefined) ${fail}();`,
          ...siblings,
          `        ${local} = ${read};`,
          '        break;',
        );
      } else {
        const zero = explicit ? '' : ` = ${this.zeroOf(field)}`;
        locals.push(`  let ${local}: any${zero};`);
        cases.push(
          `      case ${(field.number << 3) | wire}:`,
          ...siblings,
          `        ${local} = ${read};`,
          '        break;',
        );
      }
      // what the contract requires of an event set (plain.ts requiredByContract): messages, enums, strings
      const required = role !== undefined && (kind !== 'scalar' || field.scalar === ScalarType.STRING);
      if (role && field.localName === role.discriminator) {
        checks.push(`  if (${local} !== ${JSON.stringify(role.eventType)}) ${fail}();`);
      } else if (required && (kind === 'message' || explicit)) {
        checks.push(`  if (${local} === undefined) ${fail}();`);
      } else if (required) {
        checks.push(`  if (${local} === ${kind === 'enum' ? field.enum.values[0]!.number : "''"}) ${fail}();`);
      }
      const plain = kind === 'enum' ? this.enumName(field.enum, local) : local;
      // absent when unset (plain.ts absentWhenUnset), unless the checks above made sure it is set
      properties.push({ key, value: plain, absent: (kind === 'message' || explicit) && !required });
    });
    const pos = this.runtime('pos');
    this.lines.push(
      `function ${name}(end: number) {`,
      ...locals,
      `  while (${pos}() < end) {`,
      `    switch (${this.runtime('readTag')}()) {`,
      ...cases,
      '      default:',
      // an unknown field, or a known one with another wire type: the generic reader's to read
      `        ${fail}();`,
      '    }',
      '  }',
      `  if (${pos}() !== end) ${fail}();`,
      ...checks,
      ...this.plainObject(properties),
      '  return o;',
      '}',
      '',
    );
    return name;
  }

  /** `o`, the plain object: one literal up to the first property that may be absent, then one statement each. */
  private plainObject(properties: ReadonlyArray<{ key: string; value: string; absent: boolean }>): string[] {
    const first = properties.findIndex((p) => p.absent);
    const literal = first < 0 ? properties : properties.slice(0, first);
    return [
      '  const o: any = {',
      ...literal.map((p) => `    ${p.key}: ${p.value},`),
      '  };',
      ...properties
        .slice(literal.length)
        .map((p) =>
          p.absent ? `  if (${p.value} !== undefined) o[${p.key}] = ${p.value};` : `  o[${p.key}] = ${p.value};`,
        ),
    ];
  }

  /** What a reader gives for a field of implicit presence that was not written. */
  private zeroOf(field: DescField): string {
    if (valueKind(field) === 'enum') return String(field.enum!.values[0]!.number);
    return this.zeroOfScalar(field.scalar!);
  }

  private zeroOfScalar(scalar: ScalarType): string {
    if (scalar === ScalarType.STRING) return "''";
    if (scalar === ScalarType.BOOL) return 'false';
    if (scalar === ScalarType.BYTES) return 'new Uint8Array(0)';
    return is64(scalar) ? this.runtime('int64Zero') : '0';
  }

  /** The expression reading one value of a field (a list's element included). */
  private valueReader(field: DescField): string {
    const kind = valueKind(field);
    if (kind === 'scalar') return `${this.runtime(`read${SCALARS[field.scalar!]!.name}` as Helper)}()`;
    if (kind === 'enum') return `${this.runtime('readInt32')}()`;
    const message = field.message!;
    if (message.typeName === TIMESTAMP) return `${this.runtime('readTimestamp')}()`;
    return `${this.messageReader(message)}(${this.runtime('readEnd')}())`;
  }
}

/** The runtime's helper names, which generated functions must not shadow. */
const RUNTIME_NAMES = new Set<string>([
  'fail',
  'encoder',
  'decoder',
  'writeTag',
  'writeEnum',
  'fork',
  'join',
  'writeTimestamp',
  'pos',
  'readTag',
  'readEnd',
  'readTimestamp',
  'int64Zero',
  'keyNumber',
  'keyBigInt',
  'setEntry',
  ...Object.values(SCALARS).flatMap((s) => [`write${s.name}`, `read${s.name}`]),
]);
