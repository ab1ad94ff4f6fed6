/**
 * Protobuf messages as the JSON Schemas codegen turns into TypeScript (decoded and input forms)
 * and into validators (the writable form): exactly the plain values of plain.ts. An event
 * message (the topic's union member) is stricter than proto3, because the contract is: every one
 * of its fields must be set — a non-empty string, an enum other than its zero (UNSPECIFIED) value,
 * a present message — and its discriminator names its own event type. The decoder refuses an
 * event that breaks this, so the decoded types can say these fields are there. Nested messages
 * keep proto3's meaning: a scalar is always there (its default when not written), a message or
 * proto3 `optional` field may be absent.
 */
import type { DescEnum, DescField, DescFile, DescMessage } from '@bufbuild/protobuf';
import { SchemaFileError } from '../../errors';
import { typeScriptName, type JsonSchema } from '../model';
import { absentWhenUnset, is64Bit, TIMESTAMP } from './plain';

export type ProjectionMode = 'decoded' | 'input' | 'writable';

/** What makes a message an event of the topic: its type and the fields the producer fills. */
export interface EventRole {
  eventType: string;
  discriminator: string;
  autoFields: readonly string[];
}

const INT32 = { type: 'integer', minimum: -2147483648, maximum: 2147483647 };
const UINT32 = { type: 'integer', minimum: 0, maximum: 4294967295 };

/** The leading comment protoc keeps for each element, by descriptor. */
function commentsOf(file: DescFile): Map<object, string> {
  const byPath = new Map(
    (file.proto.sourceCodeInfo?.location ?? [])
      .filter((l) => l.leadingComments)
      .map((l) => [l.path.join('.'), l.leadingComments.trim().replace(/\n /g, '\n')]),
  );
  const out = new Map<object, string>();
  const put = (desc: object, path: number[]) => {
    const text = byPath.get(path.join('.'));
    if (text) out.set(desc, text);
  };
  const enums = (list: readonly DescEnum[], path: number[], tag: number) =>
    list.forEach((e, i) => {
      put(e, [...path, tag, i]);
      e.values.forEach((v, j) => put(v, [...path, tag, i, 2, j]));
    });
  const messages = (list: readonly DescMessage[], path: number[], tag: number) =>
    list.forEach((m, i) => {
      const at = [...path, tag, i];
      put(m, at);
      m.fields.forEach((f) => put(f, [...at, 2, m.proto.field.indexOf(f.proto)]));
      messages(m.nestedMessages, at, 3);
      enums(m.nestedEnums, at, 4);
    });
  messages(file.messages, [], 4);
  enums(file.enums, [], 5);
  return out;
}

/** TypeScript names of messages and enums: the name inside the package, nesting joined (`Payment.Method` → `PaymentMethod`). */
export class ProtobufNames {
  private readonly byType = new Map<string, string>();
  private readonly owners = new Map<string, string>();
  private readonly comments = new Map<string, Map<object, string>>();

  of(desc: DescMessage | DescEnum): string {
    const known = this.byType.get(desc.typeName);
    if (known) return known;
    const pkg = desc.file.proto.package;
    const local = pkg && desc.typeName.startsWith(`${pkg}.`) ? desc.typeName.slice(pkg.length + 1) : desc.typeName;
    const name = typeScriptName(local);
    const owner = this.owners.get(name);
    if (owner && owner !== desc.typeName) {
      throw new SchemaFileError(
        desc.file.name,
        '',
        `${desc.typeName} and ${owner} both become the TypeScript name ${name}; rename one of them`,
      );
    }
    this.owners.set(name, desc.typeName);
    this.byType.set(desc.typeName, name);
    return name;
  }

  comment(desc: DescMessage | DescEnum | DescField): string | undefined {
    const source = desc.kind === 'field' ? desc.parent.file : desc.file;
    let file = this.comments.get(source.name);
    if (!file) {
      file = commentsOf(source);
      this.comments.set(source.name, file);
    }
    return file.get(desc);
  }
}

export class ProtobufProjection {
  constructor(private readonly names: ProtobufNames) {}

  /** `{ $ref }` to a message's definition in `mode`, adding it (and what it uses) to `definitions`. */
  ref(
    message: DescMessage,
    mode: ProjectionMode,
    definitions: Record<string, JsonSchema>,
    role?: EventRole,
  ): JsonSchema {
    const name = this.definitionName(message, mode);
    if (!(name in definitions)) {
      definitions[name] = {}; // placeholder: recursive messages refer to themselves
      definitions[name] = this.message(message, mode, definitions, role);
    }
    return { $ref: `#/definitions/${name}` };
  }

  definitionName(desc: DescMessage | DescEnum, mode: ProjectionMode): string {
    const name = this.names.of(desc);
    return mode === 'input' && desc.kind === 'message' ? `${name}Input` : name;
  }

  message(
    message: DescMessage,
    mode: ProjectionMode,
    definitions: Record<string, JsonSchema>,
    role?: EventRole,
  ): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const field of message.fields) {
      let schema = this.field(field, mode, definitions, role);
      if (role && field.localName === role.discriminator) schema = { ...schema, const: role.eventType };
      const description = this.names.comment(field);
      // a description beside a `$ref` would make json-schema-to-typescript copy the referenced type
      properties[field.localName] = !description
        ? schema
        : '$ref' in schema
          ? { allOf: [schema], description }
          : { description, ...schema };
      const optional = role
        ? mode === 'input' && (role.autoFields.includes(field.localName) || field.localName === role.discriminator)
        : field.oneof !== undefined || absentWhenUnset(field);
      if (!optional) required.push(field.localName);
    }
    const description = this.names.comment(message);
    return {
      title: this.definitionName(message, mode),
      ...(description ? { description } : {}),
      type: 'object',
      additionalProperties: false,
      properties,
      ...(required.length > 0 ? { required } : {}),
    };
  }

  private field(
    field: DescField,
    mode: ProjectionMode,
    definitions: Record<string, JsonSchema>,
    role?: EventRole,
  ): JsonSchema {
    switch (field.fieldKind) {
      case 'scalar':
        return this.scalar(field.scalar, mode, role !== undefined);
      case 'enum':
        return this.enumeration(field.enum, mode, definitions, role !== undefined);
      case 'message':
        return this.messageValue(field.message, mode, definitions);
      case 'list':
        return { type: 'array', items: this.element(field, field.listKind, mode, definitions) };
      case 'map':
        return { type: 'object', additionalProperties: this.element(field, field.mapKind, mode, definitions) };
    }
  }

  /** An element of a list or a value of a map. */
  private element(
    field: DescField & { fieldKind: 'list' | 'map' },
    kind: 'scalar' | 'enum' | 'message',
    mode: ProjectionMode,
    definitions: Record<string, JsonSchema>,
  ): JsonSchema {
    if (kind === 'scalar') return this.scalar(field.scalar!, mode, false);
    if (kind === 'enum') return this.enumeration(field.enum!, mode, definitions, false);
    return this.messageValue(field.message!, mode, definitions);
  }

  private messageValue(
    message: DescMessage,
    mode: ProjectionMode,
    definitions: Record<string, JsonSchema>,
  ): JsonSchema {
    if (message.typeName === TIMESTAMP) {
      return mode === 'writable' ? { tsType: 'Date', 'x-js-date': true } : { tsType: 'Date' };
    }
    return this.ref(message, mode, definitions);
  }

  /** An enum's definition (its value names), added once; returns its name. */
  enumDefinition(e: DescEnum, mode: ProjectionMode, definitions: Record<string, JsonSchema>): string {
    const name = this.definitionName(e, mode);
    if (!(name in definitions)) {
      const description = this.names.comment(e);
      definitions[name] = {
        title: name,
        ...(description ? { description } : {}),
        type: 'string',
        enum: e.values.map((v) => v.name),
      };
    }
    return name;
  }

  /** Names, the zero value left out for an event's own field; a decoded value may be a number a newer writer added. */
  private enumeration(
    e: DescEnum,
    mode: ProjectionMode,
    definitions: Record<string, JsonSchema>,
    set: boolean,
  ): JsonSchema {
    const name = this.enumDefinition(e, mode, definitions);
    const names: JsonSchema = set
      ? { type: 'string', enum: e.values.filter((v) => v.number !== 0).map((v) => v.name) }
      : { $ref: `#/definitions/${name}` };
    if (mode !== 'decoded') return names;
    return {
      anyOf: [
        names,
        { type: 'integer', description: 'A value this contract does not know (a newer writer added it).' },
      ],
    };
  }

  private scalar(scalar: number, mode: ProjectionMode, set: boolean): JsonSchema {
    if (is64Bit(scalar)) {
      const unsigned = scalar === 4 || scalar === 6;
      if (mode === 'decoded') return { tsType: 'bigint' };
      if (mode === 'input') return { tsType: 'bigint | number' };
      return { tsType: 'bigint | number', 'x-js-int64': unsigned ? 'unsigned' : 'signed' };
    }
    switch (scalar) {
      case 1: // double
      case 2: // float
        return { type: 'number' };
      case 8:
        return { type: 'boolean' };
      case 9:
        return set && mode === 'writable' ? { type: 'string', minLength: 1 } : { type: 'string' };
      case 12: // bytes
        return mode === 'writable' ? { tsType: 'Uint8Array', 'x-js-bytes': true } : { tsType: 'Uint8Array' };
      case 13: // uint32
      case 7: // fixed32
        return UINT32;
      default:
        return INT32;
    }
  }
}
