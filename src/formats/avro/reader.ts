/**
 * Avro topic → TopicModel. Parses the schema files in dependency order with the runtime's avsc
 * options, checks they form a topic contract, and projects the parsed types to JSON Schema
 * (decoded, writable and input forms: see avro-projection.ts).
 */
import type * as avro from 'avsc';
import type { TopicConfig } from '../../config';
import type { RegisteredSchemaSpec } from '../../contract';
import { avroValidityProblem } from './validity';
import { SchemaFileError } from '../../errors';
import { avroTypeOptions } from './types';
import * as avsc from 'avsc';
import { AvroProjection, TypeNames } from './projection';
import {
  AUTO_FIELDS,
  addEventInputUnion,
  type EventModel,
  type JsonSchema,
  type TopicModel,
  pascalCase,
  subjectFor,
} from '../model';
import { type SchemaFile, pointer, readSchemaFile } from '../read-file';

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

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
    ...topic.references.map((p) =>
      scanDoc(readSchemaFile(p, rootDir, `topic "${topic.name}", references`), 'reference'),
    ),
    ...topic.events.map((e) => ({
      ...scanDoc(readSchemaFile(e.schema, rootDir, `topic "${topic.name}", event "${e.type}"`), 'event'),
      eventType: e.type,
    })),
    scanDoc(readSchemaFile(topic.value, rootDir, `topic "${topic.name}", value`), 'value'),
  ];
  const ordered = dependencyOrder(docs);
  const registry: Record<string, avro.Type> = {};
  for (const doc of ordered) {
    // what Avro's Java parser (and so Confluent Schema Registry) refuses, avsc may accept
    const problem = avroValidityProblem(doc.file.json);
    if (problem) {
      throw new SchemaFileError(doc.file.relPath, problem.pointer, `is not a valid Avro schema: ${problem.reason}`, {
        hint: "Avro's Java parser and Confluent Schema Registry refuse it; see https://avro.apache.org/docs/current/specification/",
      });
    }
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
  const projector = new AvroProjection(names, topic.discriminator);
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
  addEventInputUnion(definitions, topic, baseName, inputRefs);
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
      throw new SchemaFileError(
        doc.file.relPath,
        '',
        `references form a cycle: ${[...chain, doc].map((d) => d.file.relPath).join(' → ')}`,
      );
    }
    state.set(doc, 'visiting');
    for (const [name, at] of doc.uses) {
      const dep = definedBy.get(name);
      if (!dep) {
        throw new SchemaFileError(
          doc.file.relPath,
          at,
          `uses the type ${name}, which no schema file of the topic defines`,
          {
            hint: 'add the file that defines it to "references" of the topic in contracts.config.json, or fix the name',
          },
        );
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
      throw new SchemaFileError(
        rel,
        pointer('fields', index, 'type'),
        `field "${fieldName}" (the topic's ${role}) must be a string, found ${field.type.typeName}`,
      );
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
    throw new SchemaFileError(
      rel,
      '',
      `must be a union of exactly the topic's event records [${expected.join(', ')}], found ${found.length ? `[${found.join(', ')}]` : type.typeName}`,
      {
        hint: 'list every event of the topic in this union, and every union branch as an event in contracts.config.json',
      },
    );
  }
}

function autoFieldsOf(records: avro.types.RecordType[]): TopicModel['autoFields'] {
  return AUTO_FIELDS.filter((name) => records.every((r) => r.fields.some((f) => f.name === name)));
}
