/**
 * An Avro event as an AsyncAPI payload: the event's schema with every referenced named type defined
 * inline at its first use (the self-contained form Avro's parsers read on their own), and an example
 * built from it.
 */
import * as avsc from 'avsc';
import type { RegisteredSchemaSpec } from '../../contract';
import { documentedExample, EXAMPLE_INSTANT, EXAMPLE_UUID, type ExampleOverrides } from '../examples';
import type { AsyncApiPayload } from '../format';
import type { EventModel, TopicModel } from '../model';

export const AVRO_SCHEMA_FORMAT = 'application/vnd.apache.avro;version=1.9.0';

/** The event's payload: its subject's schema, self-contained. */
export function avroAsyncApiPayload(
  model: TopicModel,
  event: EventModel,
  overrides: ExampleOverrides,
): AsyncApiPayload {
  const bySubject = new Map(model.schemas.map((s) => [s.subject, s]));
  const schema = selfContainedAvro(bySubject.get(event.subject)!, bySubject);
  const example = avroExample(schema, overrides);
  let misfit: string | undefined;
  // timestamps stay longs here: the example is the Avro data as JSON, not the decoded Date
  avsc.Type.forSchema(schema as avsc.Schema).isValid(example, {
    errorHook: (path) => (misfit ??= `/${path.join('/')}`),
  });
  return {
    payload: { schemaFormat: AVRO_SCHEMA_FORMAT, schema },
    example,
    summary: (schema as { doc?: unknown }).doc,
    misfit,
  };
}

const AVRO_PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const AVRO_NAMED = new Set(['record', 'error', 'enum', 'fixed']);

/** An Avro schema with the schemas it references (by full name, through their subjects) inlined. */
function selfContainedAvro(spec: RegisteredSchemaSpec, bySubject: Map<string, RegisteredSchemaSpec>): unknown {
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

/** An example value of an Avro schema, in the JSON form a reader of the document expects. */
function avroExample(schema: unknown, overrides: ExampleOverrides): unknown {
  const named = new Map<string, unknown>();
  const example = (node: unknown, field?: { name: string; doc?: unknown }): unknown => {
    if (typeof node === 'string') {
      if (named.has(node)) return example(named.get(node), field);
      const shortName = [...named.keys()].find((name) => name.endsWith(`.${node}`));
      if (shortName) return example(named.get(shortName), field);
      return primitive(node, field);
    }
    if (Array.isArray(node)) return example(node[0], field);
    if (!node || typeof node !== 'object') return null;
    const s = node as Record<string, unknown>;
    if (typeof s.name === 'string' && ['record', 'error', 'enum', 'fixed'].includes(s.type as string)) {
      const full = s.name.includes('.') || typeof s.namespace !== 'string' ? s.name : `${s.namespace}.${s.name}`;
      named.set(full, s);
    }
    switch (s.type) {
      case 'record':
      case 'error':
        return Object.fromEntries(
          (s.fields as Array<{ name: string; type: unknown; doc?: unknown; default?: unknown }>).map((f) => [
            f.name,
            f.name in overrides.fields
              ? overrides.fields[f.name]
              : f.default !== undefined
                ? f.default
                : example(f.type, f),
          ]),
        );
      case 'enum':
        return (s.symbols as string[])[0];
      case 'fixed':
        return '\u0000'.repeat(Number(s.size));
      case 'array':
        return [example(s.items)];
      case 'map':
        return { key: example(s.values) };
      default:
        if (s.logicalType === 'timestamp-millis') return EXAMPLE_INSTANT;
        if (s.logicalType === 'timestamp-micros') return EXAMPLE_INSTANT * 1000;
        if (s.logicalType === 'date') return Math.floor(EXAMPLE_INSTANT / 86_400_000);
        if (s.logicalType === 'uuid') return EXAMPLE_UUID;
        return example(s.type, field);
    }
  };
  return example(schema);
}

function primitive(type: string, field: { name: string; doc?: unknown } | undefined): unknown {
  const documented = documentedExample(field?.doc);
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return false;
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return documented !== undefined && Number.isFinite(Number(documented)) ? Number(documented) : 1;
    case 'bytes':
      return '';
    default:
      return documented ?? `${field?.name ?? 'value'}-1`;
  }
}
