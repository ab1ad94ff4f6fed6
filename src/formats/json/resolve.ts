/**
 * JSON Schema decoding the way Avro resolution works. A message is validated against the schema it
 * was written with (the ID in its header: fetched with its references and compiled once per ID),
 * then projected onto the reader's contract: properties the contract does not know are dropped (or
 * kept, by option), a property the contract requires and the message lacks takes the contract's
 * default, and what still does not fit the contract is refused with a DecodeError. A closed
 * (`additionalProperties: false`) v1 consumer therefore reads what a v2 producer writes, and the
 * handler gets a value of the type it was compiled against.
 *
 * When the writer's schema is the reader's own (same text, same references), its validator is the
 * projection: a message costs one parse and one validation, as before. The topic's `oneOf` union of
 * events whose discriminator is a distinct `const` in each is validated by dispatching on that
 * field, which decides exactly what `oneOf` decides without trying every branch.
 */
import Ajv, { type Options, type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { EventContract, TopicContract } from '../../contract';
import { DecodeError, EventValidationError, UnknownEventTypeError, UsageError } from '../../errors';
import { toValidationIssues } from '../../validation/events';
import type { CodecOptions, SchemaText, UnknownProperties } from '../format';

/** A schema and the schemas it references, by the name it references them with. */
interface SchemaDoc {
  schema: unknown;
  references: Array<{ name: string; doc: SchemaDoc }>;
}

/** How messages written with one schema ID are checked. */
export interface JsonWriterPlan {
  schemaId: number;
  /** The writer's validator; for a discriminated union, one per discriminator value instead. */
  validate: ValidateFunction | undefined;
  branches: Map<string, ValidateFunction> | undefined;
  /** The writer's schema is the reader's own: nothing to project. */
  sameAsReader: boolean;
  /**
   * Per discriminator value, what the projection of that event comes to when it can be decided
   * from the two schemas (see projectionShortcut): `[]` nothing, else property paths to delete.
   * Absent: ajv's projection runs.
   */
  shortcuts: Map<string, ReadonlyArray<readonly string[]>> | undefined;
}

export interface JsonResolver {
  /** How messages written with `schemas` (the writer's last, after what it references) are checked; built once per ID. */
  plan(schemas: readonly SchemaText[], schemaId: number): JsonWriterPlan;
  /**
   * Parses the UTF-8 JSON body from `start`, validates it as written and projects it onto the
   * contract: the serde's whole decoded event (its schema ID included, one object per message).
   */
  read(
    plan: JsonWriterPlan,
    message: Buffer,
    start: number,
  ): { eventType: string; event: Record<string, unknown>; schemaId: number };
}

export function createJsonResolver(contract: TopicContract, options: CodecOptions = {}): JsonResolver {
  const unknownProperties = options.unknownProperties ?? 'drop';
  if (unknownProperties !== 'drop' && unknownProperties !== 'keep') {
    throw new UsageError(
      `unknownProperties must be 'drop' or 'keep', not ${JSON.stringify(unknownProperties)}`,
      "leave it out (unknown properties are dropped) or pass 'keep'",
    );
  }
  const discriminator = contract.discriminator;
  const known = Object.keys(contract.events);
  const projections = new Map<string, ValidateFunction>();
  let readerFingerprints: Set<string> | undefined;

  const readerDoc = createReaderDocs(contract);
  const sameAsReader = (writer: SchemaDoc) => {
    readerFingerprints ??= new Set(contract.schemas.map((s) => fingerprint(readerDoc(s.subject))));
    return readerFingerprints.has(fingerprint(writer));
  };

  const projectionFor = (event: EventContract): ValidateFunction => {
    let project = projections.get(event.eventType);
    if (!project) {
      const doc = mapDoc(readerDoc(event.subject), (schema) => readerSchema(schema, unknownProperties));
      // drop mode removes what closed objects do not define; defaults fill required properties only
      project = compile(doc, { removeAdditional: unknownProperties === 'drop', useDefaults: true });
      projections.set(event.eventType, project);
    }
    return project;
  };

  /** For each event whose writer branch is a referenced schema, the projection decided once (or none). */
  const shortcutsFor = (writer: SchemaDoc, branches: Map<string, string>) => {
    const shortcuts = new Map<string, ReadonlyArray<readonly string[]>>();
    for (const [value, ref] of branches) {
      const event = contract.events[value];
      const branch = writer.references.find((r) => r.name === ref)?.doc;
      if (!event || !branch) continue;
      const paths = projectionShortcut(branch, readerDoc(event.subject), unknownProperties);
      if (paths) shortcuts.set(value, paths);
    }
    return shortcuts;
  };

  const plan = (schemas: readonly SchemaText[], schemaId: number): JsonWriterPlan => {
    const writer = writerDoc(schemas, schemaId);
    try {
      const branches = discriminatedBranches(writer, discriminator);
      const same = sameAsReader(writer);
      return {
        schemaId,
        validate: branches ? undefined : compile(writer, {}),
        branches: branches ? compileBranches(writer, branches) : undefined,
        sameAsReader: same,
        shortcuts: branches && !same ? shortcutsFor(writer, branches) : undefined,
      };
    } catch (cause) {
      throw new DecodeError(
        `schema ${schemaId} cannot be compiled as a JSON Schema: ${(cause as Error).message}`,
        schemaId,
        { cause },
      );
    }
  };

  return {
    plan,
    read(plan, message, start) {
      const { schemaId } = plan;
      let parsed: unknown;
      try {
        parsed = JSON.parse(message.toString('utf8', start));
      } catch (cause) {
        throw new DecodeError(`the body is not JSON (schema ${schemaId}): ${(cause as Error).message}`, schemaId, {
          cause,
        });
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new DecodeError(`the body is JSON but not an object (schema ${schemaId})`, schemaId);
      }
      const value = parsed as Record<string, unknown>;
      const stated = value[discriminator];
      const validate = plan.branches ? plan.branches.get(String(stated)) : plan.validate;
      if (!validate) {
        throw new DecodeError(
          `the body does not fit its writer's schema ${schemaId}: ${discriminator} ${JSON.stringify(stated)} is none of its events`,
          schemaId,
        );
      }
      if (!validate(value)) {
        const detail = new EventValidationError(String(stated), toValidationIssues(validate.errors ?? []));
        throw new DecodeError(`the body does not fit its writer's schema ${schemaId}${where(detail)}`, schemaId, {
          cause: detail,
        });
      }
      const event = typeof stated === 'string' ? contract.events[stated] : undefined;
      if (!event) throw new UnknownEventTypeError(String(stated), known);
      if (plan.sameAsReader) return { eventType: event.eventType, event: value, schemaId };
      const shortcut = plan.shortcuts?.get(event.eventType);
      if (shortcut) {
        for (const path of shortcut) deleteAt(value, path);
        return { eventType: event.eventType, event: value, schemaId };
      }
      const project = projectionFor(event);
      if (!project(value)) {
        const issues = toValidationIssues(project.errors ?? []);
        const detail = new EventValidationError(event.eventType, issues);
        const missing = issues.some((i) => i.keyword === 'required');
        throw new DecodeError(
          `a ${event.eventType} written with schema ${schemaId} does not fit this consumer's contract${where(detail)}`,
          schemaId,
          {
            cause: detail,
            hint: missing
              ? "the contract requires a property the writer did not send: give it a default in the consumer's schema, or make it optional (a BACKWARD-compatible change does one of both)"
              : "the writer's schema is not compatible with this consumer's contract: check the subject's compatibility level (`contracts check --registry`)",
          },
        );
      }
      return { eventType: event.eventType, event: value, schemaId };
    },
  };
}

/** Deletes the property at `path` (the last name) when every object on the way is there. */
function deleteAt(value: Record<string, unknown>, path: readonly string[]): void {
  let at: unknown = value;
  for (let i = 0; i < path.length - 1; i++) {
    at = isObject(at) ? at[path[i]!] : undefined;
  }
  if (isObject(at)) delete at[path[path.length - 1]!];
}

/** Keywords that say nothing about validity; a difference in them changes no projection. */
const NOT_VALIDATING = new Set([
  'title',
  'description',
  '$comment',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
]);
/**
 * The keywords the shortcut understands on a node on the way to a difference: an object's own, and
 * what matters only through a `$ref` (equal in both, so the same). Any other keyword there (a
 * pattern, a combinator, a condition) may depend on the properties that differ: ajv's case.
 */
const PLAIN_OBJECT = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  '$schema',
  '$id',
  'definitions',
  '$defs',
]);

/**
 * What projecting a message valid against the writer's event schema onto the reader's comes to,
 * when the schemas alone decide it: `[]` when nothing changes (the same schema but for
 * annotations), or the paths of the properties to delete, when the writer only added properties,
 * through `properties` of plain objects, to objects the reader closes. Then a message the writer's
 * validator accepted fits the reader once they are gone: the reader requires nothing the writer
 * does not, and checks every other property as the writer did. Anything else (a new required
 * property, a default to fill, a changed type, a pattern, a combinator, different references):
 * undefined, and ajv projects it, as before.
 */
export function projectionShortcut(
  writer: SchemaDoc,
  reader: SchemaDoc,
  unknownProperties: UnknownProperties,
): Array<readonly string[]> | undefined {
  const references = (doc: SchemaDoc) =>
    doc.references
      .map((r) => `${JSON.stringify(r.name)}:${fingerprint(r.doc)}`)
      .sort()
      .join(',');
  if (references(writer) !== references(reader)) return undefined;
  const paths: Array<readonly string[]> = [];
  const walk = (w: unknown, r: unknown, path: readonly string[]): boolean => {
    // annotations aside, the same: nothing below changes what the reader accepts
    if (validating(w) === validating(r)) return true;
    if (!isObject(w) || !isObject(r)) return false;
    for (const key of new Set([...Object.keys(w), ...Object.keys(r)])) {
      if (NOT_VALIDATING.has(key) || key === 'properties' || key === 'required') continue;
      if (!PLAIN_OBJECT.has(key) || canonical(w[key]) !== canonical(r[key])) return false;
    }
    const written = w.properties ?? {};
    const read = r.properties ?? {};
    if (!isObject(written) || !isObject(read)) return false;
    for (const [name, schema] of Object.entries(read)) {
      if (!(name in written) || !walk(written[name], schema, [...path, name])) return false;
    }
    const added = Object.keys(written).filter((name) => !(name in read));
    const writerRequires = new Set(Array.isArray(w.required) ? (w.required as unknown[]) : []);
    const readerRequires = new Set(Array.isArray(r.required) ? (r.required as unknown[]) : []);
    for (const name of readerRequires) if (!writerRequires.has(name)) return false;
    for (const name of writerRequires) if (!readerRequires.has(name) && !added.includes(name as string)) return false;
    if (added.length === 0) return true;
    // an open reader keeps what it does not know (nothing to do); a schema for the rest is ajv's
    if (r.additionalProperties === undefined || r.additionalProperties === true) return true;
    if (r.additionalProperties !== false) return false;
    if (unknownProperties === 'drop') for (const name of added) paths.push([...path, name]);
    return true;
  };
  return walk(writer.schema, reader.schema, []) ? paths : undefined;
}

function where(error: EventValidationError): string {
  const [first, ...more] = error.issues;
  if (!first) return '';
  return ` at ${first.path || '/'}: ${first.message}${more.length > 0 ? ` (and ${more.length} more)` : ''}`;
}

/** The writer's schema (last) with every schema it references (each with its subject and version). */
function writerDoc(all: readonly SchemaText[], schemaId: number): SchemaDoc {
  const root = all[all.length - 1]!;
  const byVersion = new Map<string, SchemaText>();
  for (const stored of all.slice(0, -1)) {
    const { subject, version } = stored as SchemaText & { subject: string; version: number };
    byVersion.set(`${subject}\u0000${version}`, stored);
  }
  const build = (stored: SchemaText, trail: readonly SchemaText[]): SchemaDoc => {
    let schema: unknown;
    try {
      schema = JSON.parse(stored.schema);
    } catch (cause) {
      throw new DecodeError(`schema ${schemaId} (or a schema it references) is not JSON`, schemaId, { cause });
    }
    const references: SchemaDoc['references'] = [];
    for (const ref of stored.references) {
      const dependency = byVersion.get(`${ref.subject}\u0000${ref.version}`);
      // withReferences skips a cycle's back edge; so does the graph
      if (dependency && !trail.includes(dependency))
        references.push({ name: ref.name, doc: build(dependency, [...trail, dependency]) });
    }
    return { schema, references };
  };
  return build(root, [root]);
}

/** subject → the contract's schema with its references, built once per subject. */
function createReaderDocs(contract: TopicContract): (subject: string) => SchemaDoc {
  const specs = new Map(contract.schemas.map((s) => [s.subject, s]));
  const docs = new Map<string, SchemaDoc>();
  const docOf = (subject: string, trail: readonly string[]): SchemaDoc => {
    const cached = docs.get(subject);
    if (cached) return cached;
    const spec = specs.get(subject);
    if (!spec)
      throw new DecodeError(`the contract has no schema for subject ${subject}: run \`npx contracts generate\``);
    const doc: SchemaDoc = {
      schema: JSON.parse(spec.schema) as unknown,
      references: spec.references
        .filter((r) => !trail.includes(r.subject))
        .map((r) => ({ name: r.name, doc: docOf(r.subject, [...trail, r.subject]) })),
    };
    docs.set(subject, doc);
    return doc;
  };
  return (subject) => docOf(subject, [subject]);
}

function mapDoc(doc: SchemaDoc, change: (schema: unknown) => unknown): SchemaDoc {
  return {
    schema: change(doc.schema),
    references: doc.references.map((r) => ({ name: r.name, doc: mapDoc(r.doc, change) })),
  };
}

type Dialect = typeof Ajv | typeof Ajv2019 | typeof Ajv2020;

function dialectOf(schema: unknown): Dialect {
  const uri = isObject(schema) && typeof schema.$schema === 'string' ? schema.$schema : '';
  if (uri.includes('2020-12')) return Ajv2020;
  if (uri.includes('2019-09')) return Ajv2019;
  return Ajv;
}

/**
 * One ajv per schema set: two writer IDs may use the same reference name for different schemas.
 * Not strict: a schema another producer registered may carry annotations ajv does not know.
 */
function newAjv(root: SchemaDoc, extra: Options): Ajv {
  const Dialect = dialectOf(root.schema);
  const ajv = new Dialect({
    strict: false,
    allErrors: false,
    allowUnionTypes: true,
    validateSchema: false,
    logger: false,
    ...extra,
  });
  addFormats(ajv);
  const added = new Set<string>();
  const addReferences = (doc: SchemaDoc): void => {
    for (const { name, doc: dependency } of doc.references) {
      if (added.has(name)) continue;
      added.add(name);
      // the registry's reference name is how the referencing schema's `$ref` names it
      const schema = isObject(dependency.schema) ? { ...dependency.schema, $id: name } : Boolean(dependency.schema);
      ajv.addSchema(schema, name);
      addReferences(dependency);
    }
  };
  addReferences(root);
  return ajv;
}

function compile(doc: SchemaDoc, extra: Options): ValidateFunction {
  return newAjv(doc, extra).compile(doc.schema as object);
}

const ROOT_KEY = 'writer-root.schema.json';

function compileBranches(doc: SchemaDoc, branches: Map<string, string>): Map<string, ValidateFunction> {
  const ajv = newAjv(doc, {});
  const schema = doc.schema as Record<string, unknown>;
  const rootId = typeof schema.$id === 'string' ? schema.$id : ROOT_KEY;
  ajv.addSchema({ ...schema, $id: rootId });
  const validators = new Map<string, ValidateFunction>();
  for (const [value, ref] of branches) {
    const validate = ajv.getSchema(ref.startsWith('#') ? `${rootId}${ref}` : ref);
    if (!validate) throw new Error(`internal: ${ref} did not compile`);
    validators.set(value, validate);
  }
  return validators;
}

const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'definitions', '$defs']);

/**
 * discriminator value → `$ref` of its branch, when the schema is nothing but a `oneOf`/`anyOf` of
 * `$ref`s to object schemas that each require the discriminator with a `const` of their own: a
 * value can then fit only the branch its discriminator names.
 */
function discriminatedBranches(doc: SchemaDoc, discriminator: string): Map<string, string> | undefined {
  const schema = doc.schema;
  if (!isObject(schema)) return undefined;
  const keys = Object.keys(schema).filter((k) => !ANNOTATIONS.has(k));
  if (keys.length !== 1 || (keys[0] !== 'oneOf' && keys[0] !== 'anyOf')) return undefined;
  const alternatives = schema[keys[0]];
  if (!Array.isArray(alternatives) || alternatives.length === 0) return undefined;
  const branches = new Map<string, string>();
  for (const alternative of alternatives) {
    if (!isObject(alternative) || Object.keys(alternative).length !== 1 || typeof alternative.$ref !== 'string')
      return undefined;
    const ref = alternative.$ref;
    const target = ref.startsWith('#/definitions/') || ref.startsWith('#/$defs/') ? local(schema, ref) : external(ref);
    if (!isObject(target) || !Array.isArray(target.required) || !target.required.includes(discriminator))
      return undefined;
    const property = isObject(target.properties) ? target.properties[discriminator] : undefined;
    const value = isObject(property) ? property.const : undefined;
    if (typeof value !== 'string' || branches.has(value)) return undefined;
    branches.set(value, ref);
  }
  return branches;

  function external(ref: string): unknown {
    return doc.references.find((r) => r.name === ref)?.doc.schema;
  }
}

function local(schema: Record<string, unknown>, ref: string): unknown {
  const [, container, name] = ref.split('/');
  if (!container || !name || ref.split('/').length !== 3) return undefined;
  const definitions = schema[container];
  return isObject(definitions) ? definitions[name.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
}

/** Keywords whose value is a schema, or a list or map of schemas. */
const SCHEMA_KEYWORDS = new Set([
  'items',
  'additionalItems',
  'contains',
  'additionalProperties',
  'unevaluatedProperties',
  'unevaluatedItems',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
]);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);

/**
 * The reader's schema as the projection compiles it: a default only fills a property the contract
 * requires (an optional one stays absent, as the writer left it), and with `keep` no object is
 * closed, so what the contract does not define passes through.
 */
function readerSchema(schema: unknown, unknownProperties: UnknownProperties): unknown {
  if (!isObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  const required = new Set(Array.isArray(schema.required) ? (schema.required as unknown[]) : []);
  for (const [key, value] of Object.entries(schema)) {
    if (unknownProperties === 'keep' && (key === 'additionalProperties' || key === 'unevaluatedProperties')) {
      if (value === false) continue;
    }
    if (key === 'properties' && isObject(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, property]) => {
          const projected = readerSchema(property, unknownProperties);
          if (required.has(name) || !isObject(projected) || !('default' in projected)) return [name, projected];
          const { default: _optional, ...rest } = projected;
          return [name, rest];
        }),
      );
    } else if (SCHEMA_MAPS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, readerSchema(sub, unknownProperties)]),
      );
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map((sub) => readerSchema(sub, unknownProperties));
    } else if (SCHEMA_KEYWORDS.has(key)) {
      out[key] = readerSchema(value, unknownProperties);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** A schema's canonical text without its annotations (NOT_VALIDATING), which property names keep. */
function validating(schema: unknown): string {
  if (Array.isArray(schema)) return `[${schema.map(validating).join(',')}]`;
  if (!isObject(schema)) return JSON.stringify(schema) ?? 'null';
  const parts: string[] = [];
  for (const key of Object.keys(schema).sort()) {
    if (NOT_VALIDATING.has(key)) continue;
    const value = schema[key];
    const text =
      SCHEMA_MAPS.has(key) && isObject(value)
        ? `{${Object.keys(value)
            .sort()
            .map((name) => `${JSON.stringify(name)}:${validating(value[name])}`)
            .join(',')}}`
        : SCHEMA_KEYWORDS.has(key) || SCHEMA_LISTS.has(key)
          ? validating(value)
          : canonical(value);
    parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}

/** The same text for the same schema however its keys are ordered, references included by name. */
function fingerprint(doc: SchemaDoc): string {
  const refs = doc.references.map((r) => `${JSON.stringify(r.name)}:${fingerprint(r.doc)}`).sort();
  return `${canonical(doc.schema)}[${refs.join(',')}]`;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (!isObject(value)) return JSON.stringify(value) ?? 'null';
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
