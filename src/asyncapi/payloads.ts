/**
 * Each event's schema as an AsyncAPI payload in its own format. Avro: the event's schema with every
 * referenced named type defined inline at its first use (the self-contained form Avro's parsers
 * read on their own). JSON Schema: the event's schema with `$ref`s to the topic's shared files
 * pointing at `components.schemas`, where each shared file appears once.
 */
import type { RegisteredSchemaSpec } from '../contract';
import type { JsonSchema, TopicModel } from '../../codegen';

export const AVRO_SCHEMA_FORMAT = 'application/vnd.apache.avro;version=1.9.0';
export const JSON_SCHEMA_FORMAT = 'application/schema+json;version=draft-07';

const AVRO_PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const AVRO_NAMED = new Set(['record', 'error', 'enum', 'fixed']);

/** An Avro schema with the schemas it references (by full name, through their subjects) inlined. */
export function selfContainedAvro(spec: RegisteredSchemaSpec, bySubject: Map<string, RegisteredSchemaSpec>): unknown {
  const defined = new Set<string>();
  const inline = (current: RegisteredSchemaSpec): unknown => {
    const referenced = new Map(current.references.map((r) => [r.name, r.subject]));
    const walk = (node: unknown, namespace: string | undefined): unknown => {
      if (typeof node === 'string') {
        if (AVRO_PRIMITIVES.has(node)) return node;
        const full = node.includes('.') || !namespace ? node : `${namespace}.${node}`;
        const subject = referenced.get(full) ?? referenced.get(node);
        if (defined.has(full) || subject === undefined) return node;
        const target = bySubject.get(subject);
        return target ? inline(target) : node;
      }
      if (Array.isArray(node)) return node.map((branch) => walk(branch, namespace));
      if (!node || typeof node !== 'object') return node;
      const schema = node as Record<string, unknown>;
      const type = schema.type;
      if (typeof type === 'string' && AVRO_NAMED.has(type) && typeof schema.name === 'string') {
        const name = schema.name;
        const ns = name.includes('.')
          ? name.slice(0, name.lastIndexOf('.'))
          : typeof schema.namespace === 'string'
            ? schema.namespace
            : namespace;
        defined.add(name.includes('.') || !ns ? name : `${ns}.${name}`);
        if (!Array.isArray(schema.fields)) return schema;
        return {
          ...schema,
          fields: schema.fields.map((field: Record<string, unknown>) => ({ ...field, type: walk(field.type, ns) })),
        };
      }
      if (type === 'array') return { ...schema, items: walk(schema.items, namespace) };
      if (type === 'map') return { ...schema, values: walk(schema.values, namespace) };
      return { ...schema, type: walk(type, namespace) };
    };
    return walk(JSON.parse(current.schema), undefined);
  };
  return inline(spec);
}

/** The event's JSON Schema and the shared definitions it uses (transitively), from the bundled types. */
export function bundledJsonSchema(
  model: TopicModel,
  typeName: string,
): { schema: JsonSchema; definitions: Record<string, JsonSchema> } {
  const all = (model.typesSchema.definitions ?? {}) as Record<string, JsonSchema>;
  const definitions: Record<string, JsonSchema> = {};
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(collect);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      const name = key === '$ref' && typeof value === 'string' ? /^#\/definitions\/(.+)$/.exec(value)?.[1] : undefined;
      if (name !== undefined) {
        if (!definitions[name] && all[name]) {
          definitions[name] = all[name];
          collect(all[name]);
        }
      } else collect(value);
    }
  };
  const schema = all[typeName]!;
  collect(schema);
  return { schema, definitions };
}

/** A copy with `#/definitions/<Name>` refs pointing at `#/components/schemas/<componentName(Name)>`. */
export function pointRefsAtComponents(node: unknown, componentName: (definition: string) => string): unknown {
  if (Array.isArray(node)) return node.map((n) => pointRefsAtComponents(n, componentName));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    const name = key === '$ref' && typeof value === 'string' ? /^#\/definitions\/(.+)$/.exec(value)?.[1] : undefined;
    out[key] =
      name !== undefined ? `#/components/schemas/${componentName(name)}` : pointRefsAtComponents(value, componentName);
  }
  return out;
}
