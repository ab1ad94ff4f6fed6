/**
 * Avro topic → TopicModel. Parses the schema files in dependency order with the runtime's avsc
 * options, checks they form a topic contract, and projects the parsed types to JSON Schema:
 * - decoded: what `avsc` returns (every field present, Date for timestamps, avsc's union shapes);
 * - writable: what may be sent (fields with a default may be absent, avsc fills them in);
 * - input: writable, plus the producer's auto-filled fields and the discriminator optional.
 */
import type * as avro from 'avsc';
import type { TopicConfig } from '../src/config';
import type { RegisteredSchemaSpec } from '../src/contract';
import { SchemaFileError } from '../src/errors';
import { avroTypeOptions } from '../src/avro/types';
import * as avsc from 'avsc';
import {
  AUTO_FIELDS,
  type EventModel,
  type JsonSchema,
  type TopicModel,
  pascalCase,
  subjectFor,
} from './model';
import { type SchemaFile, pointer, readSchemaFile } from './read-file';

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const INT32 = { minimum: -2147483648, maximum: 2147483647 };
const SAFE_LONG = { minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER };

type Mode = 'decoded' | 'writable' | 'input';

interface AvroDoc {
  file: SchemaFile;
  kind: 'reference' | 'event' | 'value';
  defines: Set<string>;
  /** Names used but not defined in this file, with where they are used. */
  uses: Map<string, string>;
  type?: avro.Type;
  eventType?: string;
}

export function readAvroTopic(topic: TopicConfig, rootDir: string): TopicModel {
  const docs: AvroDoc[] = [
    ...topic.references.map((p) => scanDoc(readSchemaFile(p, rootDir), 'reference')),
    ...topic.events.map((e) => ({ ...scanDoc(readSchemaFile(e.schema, rootDir), 'event'), eventType: e.type })),
    scanDoc(readSchemaFile(topic.value, rootDir), 'value'),
  ];
  const ordered = dependencyOrder(docs);
  const registry: Record<string, avro.Type> = {};
  for (const doc of ordered) {
    try {
      doc.type = avsc.Type.forSchema(doc.file.json as avro.Schema, avroTypeOptions(registry));
    } catch (cause) {
      throw new SchemaFileError(doc.file.relPath, '', `is not a valid Avro schema: ${(cause as Error).message}`, {
        cause,
        hint: 'see https://avro.apache.org/docs/current/specification/ for the schema syntax',
      });
    }
  }

  const eventDocs = docs.filter((d) => d.kind === 'event');
  const valueDoc = docs[docs.length - 1]!;
  const eventTypes = eventDocs.map((doc) => checkEventRecord(doc, topic));
  checkValueUnion(valueDoc, eventTypes);

  const docOfName = new Map<string, AvroDoc>();
  for (const doc of docs) for (const name of doc.defines) docOfName.set(name, doc);
  const subjectOf = (doc: AvroDoc): string =>
    doc.kind === 'value'
      ? `${topic.name}-value`
      : doc.kind === 'event'
        ? subjectFor(topic.subjectStrategy, topic.name, doc.type!.name!)
        : doc.type!.name!;
  const schemas: RegisteredSchemaSpec[] = ordered
    .filter((doc) => doc.kind !== 'value' || topic.subjectStrategy === 'TopicNameStrategy')
    .map((doc) => ({
      subject: subjectOf(doc),
      schemaType: 'AVRO' as const,
      schema: JSON.stringify(doc.file.json),
      references: [...doc.uses.keys()].sort().map((name) => ({ name, subject: subjectOf(docOfName.get(name)!) })),
      file: doc.file.relPath,
    }));

  const names = new TypeNames(Object.values(registry));
  const projector = new Projector(names, topic.discriminator);
  const baseName = pascalCase(topic.name);
  const events: EventModel[] = eventTypes.map(({ doc, type }) => {
    const writableDefs: Record<string, JsonSchema> = {};
    const root = projector.named(type, 'writable', writableDefs, doc.eventType);
    const name = names.of(type);
    return {
      eventType: doc.eventType!,
      name: type.name!,
      typeName: name,
      subject: subjectOf(doc),
      writableSchema: { $id: `${topic.name}/${name}`, ...root, definitions: writableDefs },
    };
  });

  const definitions: Record<string, JsonSchema> = {};
  const decodedRefs = eventTypes.map(({ doc, type }) => projector.ref(type, 'decoded', definitions, doc.eventType));
  const inputRefs = eventTypes.map(({ doc, type }) => projector.ref(type, 'input', definitions, doc.eventType));
  definitions[`${baseName}EventInput`] = {
    title: `${baseName}EventInput`,
    description: `An event for the ${topic.name} topic as the producer accepts it.`,
    oneOf: inputRefs,
  };
  return {
    config: topic,
    baseName,
    events,
    valueSubject: topic.subjectStrategy === 'TopicNameStrategy' ? `${topic.name}-value` : null,
    schemas,
    autoFields: autoFieldsOf(eventTypes.map((e) => e.type)),
    format: 'AVRO',
    validatorSchemas: [],
    typesSchema: {
      title: `${baseName}Event`,
      description: `Any event of the ${topic.name} topic, discriminated by ${topic.discriminator}.`,
      oneOf: decodedRefs,
      definitions,
    },
  };
}

/** Lists the names a schema file defines and the names it uses from elsewhere. */
function scanDoc(file: SchemaFile, kind: AvroDoc['kind']): AvroDoc {
  const defines = new Set<string>();
  const uses = new Map<string, string>();
  const walk = (node: unknown, namespace: string | undefined, at: string): void => {
    if (typeof node === 'string') {
      if (PRIMITIVES.has(node)) return;
      const full = node.includes('.') || !namespace ? node : `${namespace}.${node}`;
      if (!uses.has(full)) uses.set(full, at);
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((branch, i) => walk(branch, namespace, `${at}/${i}`));
      return;
    }
    if (!node || typeof node !== 'object') return;
    const schema = node as Record<string, unknown>;
    let ns = namespace;
    if (typeof schema.name === 'string' && ['record', 'error', 'enum', 'fixed'].includes(schema.type as string)) {
      const name = schema.name;
      ns = name.includes('.')
        ? name.slice(0, name.lastIndexOf('.'))
        : typeof schema.namespace === 'string'
          ? schema.namespace
          : namespace;
      defines.add(name.includes('.') || !ns ? name : `${ns}.${name}`);
    }
    if (typeof schema.type === 'string' || Array.isArray(schema.type) || typeof schema.type === 'object') {
      if (!['record', 'error', 'enum', 'fixed', 'array', 'map'].includes(schema.type as string)) {
        walk(schema.type, ns, `${at}/type`);
      }
    }
    if (Array.isArray(schema.fields)) {
      schema.fields.forEach((field: unknown, i) => {
        if (field && typeof field === 'object') walk((field as { type?: unknown }).type, ns, `${at}/fields/${i}/type`);
      });
    }
    if (schema.items !== undefined) walk(schema.items, ns, `${at}/items`);
    if (schema.values !== undefined) walk(schema.values, ns, `${at}/values`);
  };
  walk(file.json, undefined, '');
  for (const name of defines) uses.delete(name);
  return { file, kind, defines, uses };
}

/** Orders the files so that each comes after the files defining the names it uses. */
function dependencyOrder(docs: AvroDoc[]): AvroDoc[] {
  const definedBy = new Map<string, AvroDoc>();
  for (const doc of docs) {
    for (const name of doc.defines) {
      const other = definedBy.get(name);
      if (other) {
        throw new SchemaFileError(doc.file.relPath, '', `defines ${name}, which ${other.file.relPath} defines too`, {
          hint: 'define each named type in one file and reference it by name from the others',
        });
      }
      definedBy.set(name, doc);
    }
  }
  const ordered: AvroDoc[] = [];
  const state = new Map<AvroDoc, 'visiting' | 'done'>();
  const visit = (doc: AvroDoc, chain: AvroDoc[]): void => {
    if (state.get(doc) === 'done') return;
    if (state.get(doc) === 'visiting') {
      throw new SchemaFileError(doc.file.relPath, '', `references form a cycle: ${[...chain, doc].map((d) => d.file.relPath).join(' → ')}`);
    }
    state.set(doc, 'visiting');
    for (const [name, at] of doc.uses) {
      const dep = definedBy.get(name);
      if (!dep) {
        throw new SchemaFileError(doc.file.relPath, at, `uses the type ${name}, which no schema file of the topic defines`, {
          hint: 'add the file that defines it to "references" of the topic in contracts.config.json, or fix the name',
        });
      }
      visit(dep, [...chain, doc]);
    }
    state.set(doc, 'done');
    ordered.push(doc);
  };
  for (const doc of docs) visit(doc, []);
  return ordered;
}

function checkEventRecord(doc: AvroDoc, topic: TopicConfig): { doc: AvroDoc; type: avro.types.RecordType } {
  const type = doc.type!;
  const rel = doc.file.relPath;
  if (type.typeName !== 'record') {
    throw new SchemaFileError(rel, '', `must be an Avro record for event ${doc.eventType}, found ${type.typeName}`);
  }
  const record = type as avro.types.RecordType;
  for (const [role, fieldName] of [
    ['discriminator', topic.discriminator],
    ['key', topic.key],
  ] as const) {
    const index = record.fields.findIndex((f) => f.name === fieldName);
    const field = record.fields[index];
    if (!field) {
      throw new SchemaFileError(rel, pointer('fields'), `has no field "${fieldName}" (the topic's ${role})`, {
        hint: `add a string field "${fieldName}" or change "${role}" of the topic in contracts.config.json`,
      });
    }
    if (field.type.typeName !== 'string') {
      throw new SchemaFileError(rel, pointer('fields', index, 'type'), `field "${fieldName}" (the topic's ${role}) must be a string, found ${field.type.typeName}`);
    }
  }
  return { doc, type: record };
}

function checkValueUnion(valueDoc: AvroDoc, events: Array<{ doc: AvroDoc; type: avro.types.RecordType }>): void {
  const type = valueDoc.type!;
  const rel = valueDoc.file.relPath;
  const expected = events.map((e) => e.type.name!).sort();
  const union = type as unknown as { types?: avro.Type[] };
  const found = type.typeName.startsWith('union') ? (union.types ?? []).map((t) => t.name ?? t.typeName).sort() : [];
  if (JSON.stringify(found) !== JSON.stringify(expected)) {
    throw new SchemaFileError(rel, '', `must be a union of exactly the topic's event records [${expected.join(', ')}], found ${found.length ? `[${found.join(', ')}]` : type.typeName}`, {
      hint: 'list every event of the topic in this union, and every union branch as an event in contracts.config.json',
    });
  }
}

function autoFieldsOf(records: avro.types.RecordType[]): TopicModel['autoFields'] {
  return AUTO_FIELDS.filter((name) => records.every((r) => r.fields.some((f) => f.name === name)));
}

/** TypeScript names for Avro named types: the simple name, or the full name where two collide. */
class TypeNames {
  private readonly bySimple = new Map<string, number>();
  constructor(types: avro.Type[]) {
    for (const t of types) {
      if (!t.name) continue;
      const simple = simpleName(t.name);
      this.bySimple.set(simple, (this.bySimple.get(simple) ?? 0) + 1);
    }
  }
  of(type: avro.Type): string {
    const simple = simpleName(type.name!);
    return (this.bySimple.get(simple) ?? 0) > 1 ? pascalCase(type.name!) : pascalCase(simple);
  }
}

/** Field docs on a `$ref` go through `allOf`, or json-schema-to-typescript would fork the referenced type. */
export function withDescription(schema: JsonSchema, description: string | undefined): JsonSchema {
  if (!description) return schema;
  return '$ref' in schema ? { allOf: [schema], description } : { ...schema, description };
}

function simpleName(fullName: string): string {
  return fullName.slice(fullName.lastIndexOf('.') + 1);
}

class Projector {
  private readonly inputDiffers = new Map<avro.Type, boolean>();
  constructor(
    private readonly names: TypeNames,
    private readonly discriminator: string,
  ) {}

  /** A `$ref` to the named type's definition, adding the definition (and what it uses) once. */
  ref(type: avro.Type, mode: Mode, defs: Record<string, JsonSchema>, eventType?: string): JsonSchema {
    const name = this.defName(type, mode, eventType);
    if (!(name in defs)) {
      defs[name] = {}; // placeholder first: recursive records refer to themselves
      defs[name] = this.named(type, mode, defs, eventType);
    }
    return { $ref: `#/definitions/${name}` };
  }

  /** The JSON Schema of a named type itself (record, enum, fixed). */
  named(type: avro.Type, mode: Mode, defs: Record<string, JsonSchema>, eventType?: string): JsonSchema {
    const title = this.defName(type, mode, eventType);
    const doc = (type as { doc?: string }).doc;
    const described = (schema: JsonSchema): JsonSchema => (doc ? { title, description: doc, ...schema } : { title, ...schema });
    if (type.typeName === 'enum') {
      return described({ type: 'string', enum: [...(type as avro.types.EnumType).symbols] });
    }
    if (type.typeName === 'fixed') {
      return described({ tsType: 'Buffer', 'x-js-buffer': (type as avro.types.FixedType).size });
    }
    const record = type as avro.types.RecordType;
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const field of record.fields) {
      let schema = this.project(field.type, mode, defs);
      const topLevel = eventType !== undefined;
      if (topLevel && field.name === this.discriminator) schema = { type: 'string', const: eventType };
      const fieldDoc = (field as { doc?: string }).doc;
      properties[field.name] = withDescription(schema, fieldDoc);
      const hasDefault = field.defaultValue() !== undefined;
      const optional =
        (mode !== 'decoded' && hasDefault) ||
        (mode === 'input' && topLevel && (field.name === this.discriminator || (AUTO_FIELDS as readonly string[]).includes(field.name)));
      if (!optional) required.push(field.name);
    }
    return described({ type: 'object', additionalProperties: false, required, properties });
  }

  private defName(type: avro.Type, mode: Mode, eventType?: string): string {
    const base = this.names.of(type);
    return mode === 'input' && (eventType !== undefined || this.differsAsInput(type)) ? `${base}Input` : base;
  }

  /** Whether the input form of a named type differs from its decoded form (it has defaults). */
  private differsAsInput(type: avro.Type, seen = new Set<avro.Type>()): boolean {
    const known = this.inputDiffers.get(type);
    if (known !== undefined) return known;
    if (seen.has(type)) return false;
    seen.add(type);
    let differs = false;
    if (type.typeName === 'record' || type.typeName === 'error') {
      differs = (type as avro.types.RecordType).fields.some(
        (f) => f.defaultValue() !== undefined || this.differsAsInput(f.type, seen),
      );
    } else if (type.typeName.startsWith('union')) {
      differs = (type as unknown as { types: avro.Type[] }).types.some((t) => this.differsAsInput(t, seen));
    } else if (type.typeName === 'array') {
      differs = this.differsAsInput((type as avro.types.ArrayType).itemsType, seen);
    } else if (type.typeName === 'map') {
      differs = this.differsAsInput((type as avro.types.MapType).valuesType as avro.Type, seen);
    }
    this.inputDiffers.set(type, differs);
    return differs;
  }

  private project(type: avro.Type, mode: Mode, defs: Record<string, JsonSchema>): JsonSchema {
    switch (type.typeName) {
      case 'null':
        return { type: 'null' };
      case 'boolean':
        return { type: 'boolean' };
      case 'int':
        return { type: 'integer', ...INT32 };
      case 'long':
        return { type: 'integer', ...SAFE_LONG };
      case 'float':
      case 'double':
        return { type: 'number' };
      case 'string':
        return { type: 'string' };
      case 'bytes':
        return { tsType: 'Buffer', 'x-js-buffer': true };
      case 'logical:timestamp-millis':
        return { tsType: 'Date', 'x-js-date': true };
      case 'logical:uuid':
        return { type: 'string', format: 'uuid' };
      case 'array':
        return { type: 'array', items: this.project((type as avro.types.ArrayType).itemsType, mode, defs) };
      case 'map':
        return {
          type: 'object',
          additionalProperties: this.project((type as avro.types.MapType).valuesType as avro.Type, mode, defs),
        };
      case 'record':
      case 'error':
      case 'enum':
      case 'fixed':
        return this.ref(type, mode, defs);
      case 'union:unwrapped':
        return { anyOf: (type as unknown as { types: avro.Type[] }).types.map((t) => this.project(t, mode, defs)) };
      case 'union:wrapped':
        return {
          oneOf: (type as unknown as { types: avro.Type[] }).types.map((t) => {
            const branch = t.branchName!;
            return {
              type: 'object',
              additionalProperties: false,
              required: [branch],
              properties: { [branch]: this.project(t, mode, defs) },
            };
          }),
        };
      default:
        // A logical type the kit does not implement decodes as its underlying type.
        if (type.typeName.startsWith('logical:')) {
          return this.project((type as avro.types.LogicalType).underlyingType, mode, defs);
        }
        throw new Error(`unhandled Avro type ${type.typeName}`);
    }
  }
}
