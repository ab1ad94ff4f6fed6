/**
 * The TypeScript codegen gives a registered schema: its decoded types, as `types.ts` declares them.
 *
 * A registered version is not a topic config (no event types, no file layout), so this builds the
 * same kind of input codegen's emitter takes — one JSON Schema whose `definitions` hold every named
 * type — from the schema and its references, and compiles it with json-schema-to-typescript and
 * the emitter's settings. Avro types are parsed with the runtime's avsc options, so timestamps are
 * `Date`, enums string unions and unions shaped as the decoder returns them. What needs the config
 * is left out: discriminator literals (`eventType` stays `string`) and the `…Input` types.
 */
import type * as avro from 'avsc';
import { AvroProjection, TypeNames, compileDefinitions } from '../../codegen';
import { parseAvroSchemas } from '../avro/types';
import { ContractsError } from '../errors';
import { withReferences } from '../registry/references';
import type { SchemaRegistryClient, StoredSchema } from '../registry/types';

type JsonSchema = Record<string, unknown>;

export interface TypeScriptOptions {
  registry: Pick<SchemaRegistryClient, 'getSubjectVersion'>;
  /** Names the root type when it has no name of its own (an Avro union, an untitled JSON Schema). */
  subject: string;
  schema: StoredSchema;
}

export async function renderTypeScript(options: TypeScriptOptions): Promise<string> {
  const rootName = rootTypeName(options.subject);
  const bundle =
    options.schema.schemaType === 'AVRO'
      ? avroBundle(await withReferences(options.registry, options.schema), rootName)
      : options.schema.schemaType === 'JSON'
        ? await jsonBundle(options.registry, options.schema, rootName)
        : undefined;
  if (!bundle) {
    throw new ContractsError('USAGE', `codegen reads Avro and JSON Schema, not ${options.schema.schemaType}`);
  }
  return compileBundle(bundle);
}

/** `bookings-value` → `BookingsEvent` (codegen's name for a topic's union), else the subject in PascalCase. */
export function rootTypeName(subject: string): string {
  const topic = subject.replace(/-(value|key)$/, '');
  return topic === subject ? pascalCase(subject) : `${pascalCase(topic)}Event`;
}

function pascalCase(name: string): string {
  const out = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
  return /^[A-Za-z]/.test(out) ? out : `T${out}`;
}

interface Bundle {
  root: JsonSchema;
  definitions: Record<string, JsonSchema>;
}

function avroBundle(all: StoredSchema[], rootName: string): Bundle {
  let types: avro.Type[];
  let registry: Record<string, avro.Type>;
  try {
    ({ types, registry } = parseAvroSchemas(all.map((s) => JSON.parse(s.schema) as unknown)));
  } catch (cause) {
    throw new ContractsError(
      'SCHEMA_INVALID',
      `the registered schema is not valid Avro for avsc: ${(cause as Error).message}`,
      { cause },
    );
  }
  // codegen's own projection, outside a topic: no discriminator constant, decoded form only
  const projection = new AvroProjection(new TypeNames(Object.values(registry)));
  const definitions: Record<string, JsonSchema> = {};
  const rootType = types[types.length - 1]!;
  if (rootType.name) {
    return { root: projection.ref(rootType, 'decoded', definitions), definitions };
  }
  // the topic's event union: the decoder unwraps it, so codegen declares `A | B | …`, named after the topic
  if (rootType.typeName.startsWith('union')) {
    const branches = (rootType as unknown as { types: avro.Type[] }).types;
    return {
      root: { title: rootName, oneOf: branches.map((t) => projection.project(t, 'decoded', definitions)) },
      definitions,
    };
  }
  return { root: { title: rootName, ...projection.project(rootType, 'decoded', definitions) }, definitions };
}

/** JSON Schema: each referenced document becomes a definition named by its title, `$ref`s rewritten to it. */
async function jsonBundle(
  registry: Pick<SchemaRegistryClient, 'getSubjectVersion'>,
  rootStored: StoredSchema,
  rootName: string,
): Promise<Bundle> {
  const definitions: Record<string, JsonSchema> = {};
  const seen = new Map<string, string>();
  // a document with its `$ref`s pointing at definitions, which it adds for what it references
  const add = async (stored: StoredSchema, trail: string[]): Promise<JsonSchema> => {
    const json = JSON.parse(stored.schema) as JsonSchema;
    const targets = new Map<string, string>();
    for (const ref of stored.references) {
      const key = `${ref.subject}\u0000${ref.version}`;
      let name = seen.get(key);
      if (!name && !trail.includes(key)) {
        const dependency = await registry.getSubjectVersion(ref.subject, ref.version);
        const depJson = JSON.parse(dependency.schema) as JsonSchema;
        name = uniqueName(
          typeof depJson.title === 'string' ? pascalCase(depJson.title) : pascalCase(ref.subject),
          definitions,
        );
        seen.set(key, name);
        definitions[name] = {}; // reserve the name before recursing
        definitions[name] = { ...(await add(dependency, [...trail, key])), title: name };
      }
      if (name) targets.set(ref.name, name);
    }
    const rewrite = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(rewrite);
      if (!node || typeof node !== 'object') return node;
      const out: JsonSchema = {};
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) {
          const [target, fragment] = value.split('#');
          const name = targets.get(target!);
          out.$ref = name ? `#/definitions/${name}${fragment ?? ''}` : value;
        } else if (key !== '$id' && key !== '$schema') {
          out[key] = rewrite(value);
        }
      }
      return out;
    };
    return rewrite(json) as JsonSchema;
  };
  const root = await add(rootStored, []);
  const title = typeof root.title === 'string' ? pascalCase(root.title) : rootName;
  return { root: { ...root, title: uniqueName(title, definitions) }, definitions };
}

function uniqueName(name: string, taken: Record<string, unknown>): string {
  if (!(name in taken)) return name;
  let n = 2;
  while (`${name}${n}` in taken) n++;
  return `${name}${n}`;
}

async function compileBundle(bundle: Bundle): Promise<string> {
  const { definitions: nested, ...rootRest } = bundle.root as JsonSchema & { definitions?: Record<string, JsonSchema> };
  const rootTitle = typeof rootRest.title === 'string' ? rootRest.title : undefined;
  const all: Record<string, JsonSchema> = { ...(nested ?? {}), ...bundle.definitions };
  if (rootTitle && !('$ref' in rootRest)) all[rootTitle] = rootRest;
  return compileDefinitions(all);
}
