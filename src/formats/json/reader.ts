/**
 * JSON Schema topic → TopicModel. The authored schemas are the validators' schemas as they are;
 * for the types, every file becomes a definition of one bundled schema with its `$ref`s rewritten
 * to point inside it. What JSON decoding returns is what the schema says: date-times stay strings.
 */
import { basename } from 'node:path';
import type { TopicConfig } from '../../config';
import type { RegisteredSchemaSpec } from '../../contract';
import { SchemaFileError } from '../../errors';
import { createAjv } from '../../validation/ajv';
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
import { rewriteRefs } from './refs';

interface JsonDoc {
  file: SchemaFile;
  kind: 'reference' | 'event' | 'value';
  /** How other schemas `$ref` this one: its `$id`, else its file name. */
  refName: string;
  title: string;
  schema: JsonSchema;
  /** External documents it references, by ref name, with where. */
  uses: Map<string, string>;
  eventType?: string;
}

export function readJsonTopic(topic: TopicConfig, rootDir: string): TopicModel {
  const docs: JsonDoc[] = [
    ...topic.references.map((p) =>
      scanDoc(readSchemaFile(p, rootDir, `topic "${topic.name}", references`), 'reference'),
    ),
    ...topic.events.map((e) => ({
      ...scanDoc(readSchemaFile(e.schema, rootDir, `topic "${topic.name}", event "${e.type}"`), 'event'),
      eventType: e.type,
    })),
    scanDoc(readSchemaFile(topic.value, rootDir, `topic "${topic.name}", value`), 'value'),
  ];
  const byRef = new Map<string, JsonDoc>();
  for (const doc of docs) {
    const other = byRef.get(doc.refName);
    if (other)
      throw new SchemaFileError(doc.file.relPath, '/$id', `"${doc.refName}" is also the $id of ${other.file.relPath}`);
    byRef.set(doc.refName, doc);
  }
  const ajv = createAjv();
  for (const doc of docs) {
    if (!ajv.validateSchema(doc.schema)) {
      const e = ajv.errors?.[0];
      throw new SchemaFileError(
        doc.file.relPath,
        e?.instancePath ?? '',
        `is not a valid JSON Schema: ${e?.message ?? 'invalid'}`,
      );
    }
    for (const [ref, at] of doc.uses) {
      if (!byRef.has(ref)) {
        throw new SchemaFileError(
          doc.file.relPath,
          at,
          `references "${ref}", which no schema file of the topic has as its $id or file name`,
          {
            hint: 'add the file to "references" of the topic in contracts.config.json, or fix the $ref',
          },
        );
      }
    }
    ajv.addSchema(doc.schema, doc.refName);
  }
  const ordered = dependencyOrder(docs, byRef);
  const events = docs.filter((d) => d.kind === 'event');
  for (const doc of events) checkEventSchema(doc, topic);
  const valueDoc = docs[docs.length - 1]!;
  checkValueSchema(valueDoc, events);

  // a title alone (`Amount`) collides on a shared registry: the topic's namespace goes before it
  const recordName = (doc: JsonDoc) => (topic.subjectNamespace ? `${topic.subjectNamespace}.${doc.title}` : doc.title);
  const subjectOf = (doc: JsonDoc): string =>
    doc.kind === 'value'
      ? `${topic.name}-value`
      : doc.kind === 'event'
        ? subjectFor(topic.subjectStrategy, topic.name, recordName(doc))
        : recordName(doc);
  const registeredDocs = ordered.filter((doc) => doc.kind !== 'value' || topic.subjectStrategy === 'TopicNameStrategy');
  const schemas: RegisteredSchemaSpec[] =
    topic.jsonReferences === 'bundle'
      ? // one self-contained schema per event (and value): no subject for the shared files
        registeredDocs
          .filter((doc) => doc.kind !== 'reference')
          .map((doc) => ({
            subject: subjectOf(doc),
            schemaType: 'JSON' as const,
            schema: JSON.stringify(selfContained(doc, byRef)),
            references: [],
            file: doc.file.relPath,
          }))
      : registeredDocs.map((doc) => ({
          subject: subjectOf(doc),
          schemaType: 'JSON' as const,
          schema: JSON.stringify(doc.file.json),
          references: [...doc.uses.keys()].sort().map((name) => ({ name, subject: subjectOf(byRef.get(name)!) })),
          file: doc.file.relPath,
        }));

  const baseName = pascalCase(topic.name);
  const autoFields = AUTO_FIELDS.filter((f) => events.every((d) => hasProperty(d.schema, f)));
  const definitions: Record<string, JsonSchema> = {};
  for (const doc of docs) {
    if (doc.kind === 'value') continue;
    definitions[pascalCase(doc.title)] = bundled(doc, byRef);
  }
  for (const doc of events) {
    const decoded = definitions[pascalCase(doc.title)]!;
    const optional = new Set<string>([topic.discriminator, ...autoFields]);
    definitions[`${pascalCase(doc.title)}Input`] = {
      ...decoded,
      title: `${pascalCase(doc.title)}Input`,
      required: ((decoded.required as string[] | undefined) ?? []).filter((f) => !optional.has(f)),
    };
  }
  addEventInputUnion(
    definitions,
    topic,
    baseName,
    events.map((d) => ({ $ref: `#/definitions/${pascalCase(d.title)}Input` })),
  );
  const eventModels: EventModel[] = events.map((doc) => ({
    eventType: doc.eventType!,
    name: doc.title,
    typeName: pascalCase(doc.title),
    subject: subjectOf(doc),
    writableSchema: { $id: doc.refName },
  }));
  return {
    config: topic,
    baseName,
    events: eventModels,
    valueSubject: topic.subjectStrategy === 'TopicNameStrategy' ? `${topic.name}-value` : null,
    schemas,
    autoFields,
    format: 'JSON',
    typesSchema: {
      title: `${baseName}Event`,
      description: `Any event of the ${topic.name} topic, discriminated by ${topic.discriminator}.`,
      oneOf: events.map((d) => ({ $ref: `#/definitions/${pascalCase(d.title)}` })),
      definitions,
    },
    validatorSchemas: docs.map((d) => ({ ...d.schema, $id: d.refName })),
  };

  function hasProperty(schema: JsonSchema, name: string): boolean {
    return Boolean((schema.properties as Record<string, unknown> | undefined)?.[name]);
  }
}

function scanDoc(file: SchemaFile, kind: JsonDoc['kind']): JsonDoc {
  if (!file.json || typeof file.json !== 'object' || Array.isArray(file.json)) {
    throw new SchemaFileError(file.relPath, '', 'must be a JSON Schema object');
  }
  const schema = file.json as JsonSchema;
  const refName = typeof schema.$id === 'string' ? schema.$id : basename(file.path);
  const title = typeof schema.title === 'string' ? schema.title : '';
  if (!title) {
    throw new SchemaFileError(file.relPath, '', 'has no "title"', {
      hint: 'give the schema a title: it names the TypeScript type and, under RecordNameStrategy, the subject',
    });
  }
  const uses = new Map<string, string>();
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) {
        const target = value.split('#')[0]!;
        if (!uses.has(target)) uses.set(target, `${at}/$ref`);
      } else {
        walk(value, `${at}${pointer(key)}`);
      }
    }
  };
  walk(schema, '');
  return { file, kind, refName, title, schema, uses };
}

function dependencyOrder(docs: JsonDoc[], byRef: Map<string, JsonDoc>): JsonDoc[] {
  const ordered: JsonDoc[] = [];
  const state = new Map<JsonDoc, 'visiting' | 'done'>();
  const visit = (doc: JsonDoc): void => {
    if (state.get(doc) === 'done') return;
    if (state.get(doc) === 'visiting') {
      throw new SchemaFileError(doc.file.relPath, '', 'is part of a reference cycle between schema files');
    }
    state.set(doc, 'visiting');
    for (const ref of doc.uses.keys()) visit(byRef.get(ref)!);
    state.set(doc, 'done');
    ordered.push(doc);
  };
  docs.forEach(visit);
  return ordered;
}

function checkEventSchema(doc: JsonDoc, topic: TopicConfig): void {
  const rel = doc.file.relPath;
  const props = (doc.schema.properties ?? {}) as Record<string, JsonSchema>;
  const discriminator = props[topic.discriminator];
  if (!discriminator || discriminator.const !== doc.eventType) {
    throw new SchemaFileError(
      rel,
      pointer('properties', topic.discriminator),
      `must be { "const": "${doc.eventType}" } (the topic's discriminator)`,
      {
        hint: `add "${topic.discriminator}": { "type": "string", "const": "${doc.eventType}" } to the properties and to "required"`,
      },
    );
  }
  const required = (doc.schema.required as string[] | undefined) ?? [];
  for (const field of [topic.discriminator, topic.key]) {
    if (!required.includes(field)) {
      throw new SchemaFileError(
        rel,
        '/required',
        `must list "${field}": every event carries the topic's ${field === topic.key ? 'key' : 'discriminator'}`,
      );
    }
  }
}

function checkValueSchema(valueDoc: JsonDoc, events: JsonDoc[]): void {
  const branches = (valueDoc.schema.oneOf as JsonSchema[] | undefined) ?? [];
  const found = branches.map((b) => String(b.$ref ?? '')).sort();
  const expected = events.map((e) => e.refName).sort();
  if (JSON.stringify(found) !== JSON.stringify(expected)) {
    throw new SchemaFileError(
      valueDoc.file.relPath,
      '/oneOf',
      `must be a oneOf of $refs to exactly the topic's events [${expected.join(', ')}], found [${found.join(', ')}]`,
    );
  }
}

/**
 * The document as one self-contained schema (`jsonReferences: "bundle"`): every file it
 * references, directly or not, becomes a definition of it, and its `$ref`s point there. Its own
 * `$id` and `$schema` stay, so a validator reads it as the same document.
 */
function selfContained(doc: JsonDoc, byRef: Map<string, JsonDoc>): JsonSchema {
  const definitions: Record<string, JsonSchema> = {};
  const add = (ref: string): void => {
    const dep = byRef.get(ref)!;
    const name = pascalCase(dep.title);
    if (definitions[name]) return;
    definitions[name] = bundled(dep, byRef);
    for (const next of dep.uses.keys()) add(next);
  };
  for (const ref of doc.uses.keys()) add(ref);
  const { $id, $schema } = doc.schema;
  const root = bundled(doc, byRef);
  const own = (root.definitions ?? {}) as Record<string, JsonSchema>;
  for (const name of Object.keys(definitions)) {
    if (own[name])
      throw new SchemaFileError(
        doc.file.relPath,
        pointer('definitions', name),
        `clashes with the bundled schema "${name}" (jsonReferences: "bundle")`,
      );
  }
  return {
    ...($schema !== undefined ? { $schema } : {}),
    ...($id !== undefined ? { $id } : {}),
    ...root,
    definitions: { ...own, ...definitions },
  };
}

/** A copy of a document with `$id`/`$schema` dropped and external `$ref`s pointing at definitions. */
function bundled(doc: JsonDoc, byRef: Map<string, JsonDoc>): JsonSchema {
  const rewriteRef = (value: string): string => {
    if (value === '#') return value;
    if (value.startsWith('#')) {
      throw new SchemaFileError(
        doc.file.relPath,
        '',
        `local $ref "${value}" is not supported by codegen yet; move the definition to its own file`,
      );
    }
    const [target, fragment] = value.split('#');
    if (fragment) {
      throw new SchemaFileError(
        doc.file.relPath,
        '',
        `$ref "${value}" points inside another file; reference the whole file instead`,
      );
    }
    return `#/definitions/${pascalCase(byRef.get(target!)!.title)}`;
  };
  const {
    $id: _id,
    $schema: _schema,
    ...rest
  } = rewriteRefs(doc.schema, rewriteRef, {
    wrapSiblings: true,
  }) as JsonSchema;
  return rest;
}
