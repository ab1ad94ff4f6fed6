/**
 * The differences Confluent Schema Registry's Protobuf checker finds between two versions of a
 * .proto file, in its order of walking (its `diff` package: SchemaDiff → MessageSchemaDiff →
 * FieldSchemaDiff, EnumSchemaDiff), over @bufbuild/protobuf descriptors instead of Wire's parsed
 * elements. The verdict is Confluent's: a version is compatible when every difference is one of
 * CONFLUENT_COMPATIBLE. The direction matters: `original` is the version registered, `update` the
 * one checked (BACKWARD); a FORWARD check swaps them, as the registry does.
 *
 * test/unit/compat/protobuf-confluent.test.ts holds the verdicts of Confluent's own code (run by
 * hand beside the project) on a generated corpus, and this walk must give the same on each.
 */
import { ScalarType, type DescEnum, type DescField, type DescFile, type DescMessage } from '@bufbuild/protobuf';

/** Confluent's Difference.Type names. */
export type ConfluentDifference =
  | 'PACKAGE_CHANGED'
  | 'MESSAGE_ADDED'
  | 'MESSAGE_REMOVED'
  | 'MESSAGE_MOVED'
  | 'ENUM_ADDED'
  | 'ENUM_REMOVED'
  | 'ENUM_CONST_ADDED'
  | 'ENUM_CONST_CHANGED'
  | 'ENUM_CONST_REMOVED'
  | 'FIELD_ADDED'
  | 'FIELD_REMOVED'
  | 'FIELD_NAME_CHANGED'
  | 'FIELD_KIND_CHANGED'
  | 'FIELD_SCALAR_KIND_CHANGED'
  | 'FIELD_NAMED_TYPE_CHANGED'
  | 'FIELD_NUMERIC_LABEL_CHANGED'
  | 'FIELD_STRING_OR_BYTES_LABEL_CHANGED'
  | 'REQUIRED_FIELD_ADDED'
  | 'REQUIRED_FIELD_REMOVED'
  | 'ONEOF_ADDED'
  | 'ONEOF_REMOVED'
  | 'ONEOF_FIELD_ADDED'
  | 'ONEOF_FIELD_REMOVED'
  | 'ONEOF_FIELD_MOVED_TO_TOP_LEVEL'
  | 'MULTIPLE_FIELDS_MOVED_TO_ONEOF'
  | 'FIELD_MOVED_TO_EXISTING_ONEOF';

/** The differences Confluent accepts (its SchemaDiff.COMPATIBLE_CHANGES). */
export const CONFLUENT_COMPATIBLE: ReadonlySet<ConfluentDifference> = new Set<ConfluentDifference>([
  'MESSAGE_ADDED',
  'MESSAGE_MOVED',
  'ENUM_ADDED',
  'ENUM_REMOVED',
  'ENUM_CONST_ADDED',
  'ENUM_CONST_CHANGED',
  'ENUM_CONST_REMOVED',
  'FIELD_ADDED',
  'FIELD_REMOVED',
  'FIELD_NAME_CHANGED',
  'FIELD_STRING_OR_BYTES_LABEL_CHANGED',
  'ONEOF_ADDED',
  'ONEOF_REMOVED',
  'ONEOF_FIELD_ADDED',
  'ONEOF_FIELD_MOVED_TO_TOP_LEVEL',
]);

export interface Difference {
  type: ConfluentDifference;
  /** `<message or enum full name>[/<field number, oneof name or value number>]`, in the version that has it. */
  path: string;
  /** One sentence for people. */
  message: string;
}

/** A field's type as Confluent compares it: a map is its key and value types. */
type FieldType =
  | { kind: 'scalar'; scalar: ScalarType }
  | { kind: 'enum'; enum: DescEnum }
  | { kind: 'message'; message: DescMessage }
  | { kind: 'map'; key: FieldType; value: FieldType };

type Label = 'OPTIONAL' | 'REQUIRED' | 'REPEATED' | undefined;

export function diffFiles(original: DescFile, update: DescFile): Difference[] {
  const walk = new Walk(original, update);
  if ((original.proto.package ?? '') !== (update.proto.package ?? '')) {
    walk.add(
      'PACKAGE_CHANGED',
      original.proto.package || '(no package)',
      `the package changed from "${original.proto.package}" to "${update.proto.package}"`,
    );
  }
  walk.types(original.messages, original.enums, update.messages, update.enums);
  return walk.differences;
}

class Walk {
  readonly differences: Difference[] = [];
  /** Messages being compared further up (a recursive type is compared once, as Confluent's SchemaScope does). */
  private readonly comparing = new Set<DescMessage>();

  /** The two files compared: their own messages are compared by the walk over their scopes. */
  constructor(
    private readonly originalFile: DescFile,
    private readonly updateFile: DescFile,
  ) {}

  add(type: ConfluentDifference, path: string, message: string): void {
    this.differences.push({ type, path, message });
  }

  /** One scope (a file's top level, or a message's nested types): messages and enums paired by name. */
  types(
    originalMessages: readonly DescMessage[],
    originalEnums: readonly DescEnum[],
    updateMessages: readonly DescMessage[],
    updateEnums: readonly DescEnum[],
  ): void {
    const before = new Map(originalMessages.filter(notMapEntry).map((m, i) => [m.name, { m, i }]));
    const after = new Map(updateMessages.filter(notMapEntry).map((m, i) => [m.name, { m, i }]));
    for (const [name, { m: message, i }] of before) {
      const other = after.get(name);
      if (!other) {
        this.add('MESSAGE_REMOVED', message.typeName, `message ${message.typeName} was removed`);
        continue;
      }
      this.message(message, other.m);
      // accepted: a message index in a frame refers to the writer's own schema
      if (other.i !== i)
        this.add(
          'MESSAGE_MOVED',
          other.m.typeName,
          `message ${other.m.typeName} moved from position ${i} to ${other.i}`,
        );
    }
    for (const [name, { m: message }] of after) {
      if (!before.has(name)) this.add('MESSAGE_ADDED', message.typeName, `message ${message.typeName} was added`);
    }
    const enumsAfter = new Map(updateEnums.map((e) => [e.name, e]));
    for (const e of originalEnums) {
      const other = enumsAfter.get(e.name);
      if (!other) this.add('ENUM_REMOVED', e.typeName, `enum ${e.typeName} was removed`);
      else this.enumValues(e, other);
    }
    const enumsBefore = new Set(originalEnums.map((e) => e.name));
    for (const e of updateEnums) {
      if (!enumsBefore.has(e.name)) this.add('ENUM_ADDED', e.typeName, `enum ${e.typeName} was added`);
    }
  }

  private enumValues(original: DescEnum, update: DescEnum): void {
    const after = new Map(update.values.map((v) => [v.number, v]));
    for (const value of original.values) {
      const other = after.get(value.number);
      const path = `${update.typeName}/${value.number}`;
      if (!other)
        this.add(
          'ENUM_CONST_REMOVED',
          `${original.typeName}/${value.number}`,
          `value ${value.number} (${value.name}) of ${original.typeName} was removed`,
        );
      else if (other.name !== value.name)
        this.add(
          'ENUM_CONST_CHANGED',
          path,
          `value ${value.number} of ${original.typeName} was renamed from ${value.name} to ${other.name}`,
        );
    }
    const before = new Set(original.values.map((v) => v.number));
    for (const value of update.values) {
      if (!before.has(value.number))
        this.add(
          'ENUM_CONST_ADDED',
          `${update.typeName}/${value.number}`,
          `value ${value.number} (${value.name}) was added to ${update.typeName}`,
        );
    }
  }

  /** Two versions of one message: its fields by number wherever they sit, its oneofs, its nested types. */
  message(original: DescMessage, update: DescMessage): void {
    if (!this.comparing.has(original)) {
      this.comparing.add(original);
      try {
        this.fields(original, update);
      } finally {
        this.comparing.delete(original);
      }
    }
    this.types(original.nestedMessages, original.nestedEnums, update.nestedMessages, update.nestedEnums);
  }

  private fields(original: DescMessage, update: DescMessage): void {
    const before = new Map(original.fields.map((f) => [f.number, f]));
    const after = new Map(update.fields.map((f) => [f.number, f]));
    const oneofsBefore = new Set(original.oneofs.map((o) => o.name));
    const oneofsAfter = new Set(update.oneofs.map((o) => o.name));
    // a oneof gone with every member is a deletion Confluent accepts; members that survive elsewhere
    // make the others' removal a removal of oneof members
    const deletedWhole = new Set(
      original.oneofs
        .filter((o) => !oneofsAfter.has(o.name) && o.fields.every((f) => !after.has(f.number)))
        .map((o) => o.name),
    );
    // members of a oneof that came from more than one group (another oneof, or a field of their own)
    // are newly exclusive: data that set two of them reads as one
    for (const oneof of update.oneofs) {
      const groups = new Set<string>();
      let fromTopLevel = 0;
      for (const member of oneof.fields) {
        const was = before.get(member.number);
        if (!was) continue;
        if (was.oneof) groups.add(`oneof:${was.oneof.name}`);
        else {
          groups.add(`field:${member.number}`);
          fromTopLevel += 1;
        }
      }
      if (groups.size > 1) {
        const path = `${update.typeName}/${oneof.name}`;
        if (fromTopLevel > 1)
          this.add(
            'MULTIPLE_FIELDS_MOVED_TO_ONEOF',
            path,
            `fields of ${update.typeName} that were not exclusive moved into oneof ${oneof.name}`,
          );
        else
          this.add(
            'FIELD_MOVED_TO_EXISTING_ONEOF',
            path,
            `a field of ${update.typeName} moved into oneof ${oneof.name}, whose other members it could be set beside`,
          );
      }
    }
    for (const name of [...new Set([...oneofsBefore, ...oneofsAfter])].sort()) {
      if (!oneofsAfter.has(name))
        this.add('ONEOF_REMOVED', `${original.typeName}/${name}`, `oneof ${name} of ${original.typeName} was removed`);
      else if (!oneofsBefore.has(name))
        this.add('ONEOF_ADDED', `${update.typeName}/${name}`, `oneof ${name} was added to ${update.typeName}`);
    }
    const numbers = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => a - b);
    for (const number of numbers) {
      const was = before.get(number);
      const is = after.get(number);
      if (was && !is) {
        const at = `${original.typeName}/${number}`;
        const name = `field ${number} (${was.name}) of ${original.typeName}`;
        if (was.oneof) {
          if (!deletedWhole.has(was.oneof.name))
            this.add('ONEOF_FIELD_REMOVED', at, `${name}, a member of oneof ${was.oneof.name}, was removed`);
        } else if (labelOf(was) === 'REQUIRED') this.add('REQUIRED_FIELD_REMOVED', at, `required ${name} was removed`);
        else this.add('FIELD_REMOVED', at, `${name} was removed`);
      } else if (!was && is) {
        const at = `${update.typeName}/${number}`;
        if (is.oneof)
          this.add(
            'ONEOF_FIELD_ADDED',
            at,
            `field ${number} (${is.name}) was added to oneof ${is.oneof.name} of ${update.typeName}`,
          );
        else if (labelOf(is) === 'REQUIRED')
          this.add('REQUIRED_FIELD_ADDED', at, `required field ${number} (${is.name}) was added to ${update.typeName}`);
        else this.add('FIELD_ADDED', at, `field ${number} (${is.name}) was added to ${update.typeName}`);
      } else if (was && is) {
        const at = `${update.typeName}/${number}`;
        if (was.oneof && !is.oneof)
          this.add(
            'ONEOF_FIELD_MOVED_TO_TOP_LEVEL',
            at,
            `field ${number} (${is.name}) of ${update.typeName} left oneof ${was.oneof.name}`,
          );
        this.field(was, is, at);
      }
    }
  }

  private field(original: DescField, update: DescField, at: string): void {
    const name = `field ${update.number} (${original.name}) of ${update.parent.typeName}`;
    if (original.name !== update.name) this.add('FIELD_NAME_CHANGED', at, `${name} was renamed to ${update.name}`);
    this.labelsAndTypes(labelOf(original), labelOf(update), typeOf(original), typeOf(update), at, name);
  }

  private labelsAndTypes(
    originalLabel: Label,
    updateLabel: Label,
    original: FieldType,
    update: FieldType,
    at: string,
    name: string,
  ): void {
    const kindBefore = kindOf(original);
    const kindAfter = kindOf(update);
    if (kindBefore !== kindAfter) {
      this.add('FIELD_KIND_CHANGED', at, `${name} changed from ${describe(original)} to ${describe(update)}`);
      return;
    }
    if (kindBefore === 'SCALAR') {
      const groupBefore = scalarGroup(original);
      if (groupBefore !== scalarGroup(update)) {
        this.add(
          'FIELD_SCALAR_KIND_CHANGED',
          at,
          `${name} changed from ${describe(original)} to ${describe(update)}, outside its wire group`,
        );
      } else if (originalLabel !== undefined && updateLabel !== undefined && originalLabel !== updateLabel) {
        // Confluent compares labels only when both versions write one (proto2, proto3 `optional`/`repeated`)
        if (groupBefore === 'STRING_OR_BYTES')
          this.add(
            'FIELD_STRING_OR_BYTES_LABEL_CHANGED',
            at,
            `${name} changed from ${originalLabel.toLowerCase()} to ${updateLabel.toLowerCase()}`,
          );
        else
          this.add(
            'FIELD_NUMERIC_LABEL_CHANGED',
            at,
            `${name} changed from ${originalLabel.toLowerCase()} to ${updateLabel.toLowerCase()}`,
          );
      }
    } else if (kindBefore === 'MESSAGE') {
      this.messageTypes(
        (original as { message: DescMessage }).message,
        (update as { message: DescMessage }).message,
        at,
        name,
      );
    } else if (original.kind === 'map' && update.kind === 'map') {
      this.labelsAndTypes(undefined, undefined, original.key, update.key, at, `the key of ${name}`);
      this.labelsAndTypes(undefined, undefined, original.value, update.value, at, `the values of ${name}`);
    }
  }

  /** A message-typed field: the same type by its name inside its package, then compared as a message. */
  private messageTypes(original: DescMessage, update: DescMessage, at: string, name: string): void {
    if (localName(original) !== localName(update)) {
      this.add('FIELD_NAMED_TYPE_CHANGED', at, `${name} changed from ${original.typeName} to ${update.typeName}`);
      return;
    }
    // the files' own messages are compared in their scopes (Confluent reports their differences once,
    // there); an imported message is compared here, and a breaking change in it breaks the field
    if (original.file === this.originalFile && update.file === this.updateFile) return;
    const inner = new Walk(this.originalFile, this.updateFile);
    for (const m of this.comparing) inner.comparing.add(m);
    inner.message(original, update);
    this.differences.push(...inner.differences);
    if (inner.differences.some((d) => !CONFLUENT_COMPATIBLE.has(d.type))) {
      this.add('FIELD_NAMED_TYPE_CHANGED', at, `${name}: its type ${update.typeName} changed incompatibly`);
    }
  }
}

function notMapEntry(message: DescMessage): boolean {
  return message.proto.options?.mapEntry !== true;
}

/** The label Wire reads from the .proto text: none for proto3 plain fields, oneof members and maps. */
function labelOf(field: DescField): Label {
  if (field.fieldKind === 'map' || (field.oneof && !field.proto.proto3Optional)) return undefined;
  if (field.fieldKind === 'list') return 'REPEATED';
  if (field.proto.label === 2) return 'REQUIRED';
  if (field.parent.file.proto.syntax === 'proto3') return field.proto.proto3Optional ? 'OPTIONAL' : undefined;
  return 'OPTIONAL';
}

function typeOf(field: DescField): FieldType {
  switch (field.fieldKind) {
    case 'scalar':
      return { kind: 'scalar', scalar: field.scalar };
    case 'enum':
      return { kind: 'enum', enum: field.enum };
    case 'message':
      return { kind: 'message', message: field.message };
    case 'list':
      if (field.listKind === 'scalar') return { kind: 'scalar', scalar: field.scalar };
      if (field.listKind === 'enum') return { kind: 'enum', enum: field.enum };
      return { kind: 'message', message: field.message };
    case 'map': {
      const key: FieldType = { kind: 'scalar', scalar: field.mapKey };
      if (field.mapKind === 'scalar') return { kind: 'map', key, value: { kind: 'scalar', scalar: field.scalar } };
      if (field.mapKind === 'enum') return { kind: 'map', key, value: { kind: 'enum', enum: field.enum } };
      return { kind: 'map', key, value: { kind: 'message', message: field.message } };
    }
  }
}

/** Confluent's field kinds: an enum is a scalar (its values are varints). */
function kindOf(type: FieldType): 'SCALAR' | 'MESSAGE' | 'MAP' {
  return type.kind === 'map' ? 'MAP' : type.kind === 'message' ? 'MESSAGE' : 'SCALAR';
}

/** Confluent's scalar groups (protobuf's "updating a message type" rules): a change inside one is accepted. */
function scalarGroup(type: FieldType): string {
  if (type.kind === 'enum') return 'GENERAL_NUMBER';
  if (type.kind !== 'scalar') return type.kind;
  switch (type.scalar) {
    case ScalarType.INT32:
    case ScalarType.INT64:
    case ScalarType.UINT32:
    case ScalarType.UINT64:
    case ScalarType.BOOL:
      return 'GENERAL_NUMBER';
    case ScalarType.SINT32:
    case ScalarType.SINT64:
      return 'SIGNED_NUMBER';
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return 'STRING_OR_BYTES';
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return 'FIXED32';
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return 'FIXED64';
    case ScalarType.FLOAT:
      return 'FLOAT';
    case ScalarType.DOUBLE:
      return 'DOUBLE';
  }
}

function localName(message: DescMessage): string {
  const pkg = message.file.proto.package;
  return pkg && message.typeName.startsWith(`${pkg}.`) ? message.typeName.slice(pkg.length + 1) : message.typeName;
}

function describe(type: FieldType): string {
  switch (type.kind) {
    case 'scalar':
      return ScalarType[type.scalar].toLowerCase();
    case 'enum':
      return `enum ${type.enum.typeName}`;
    case 'message':
      return `message ${type.message.typeName}`;
    case 'map':
      return `map<${describe(type.key)}, ${describe(type.value)}>`;
  }
}
