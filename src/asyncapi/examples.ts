/**
 * An example event for each message, taken from the schema: a JSON Schema's `examples`, `const`,
 * `default` or first `enum` value, an example the field's documentation gives ("e.g. LH400", "for
 * example USD"), else a fixed value of the type. Deterministic, so the document only changes when
 * a schema does. The caller checks the example against the schema and leaves out one that does
 * not fit (a `pattern` without `examples`, say).
 */
import type { JsonSchema } from '../../codegen';

/** 2025-01-15T10:30:00Z: a fixed instant, so the examples never drift. */
const EXAMPLE_INSTANT = Date.UTC(2025, 0, 15, 10, 30);
const EXAMPLE_UUID = '3f2b8c1e-6b5f-4c43-9a55-0d8d9f6c8e01';

/** The example a field's documentation gives: "e.g. LH400." → LH400, "for example USD, EUR" → USD. */
export function documentedExample(doc: unknown): string | undefined {
  if (typeof doc !== 'string') return undefined;
  const found = /\b(?:e\.g\.|for example)[,:]?\s+([^\s,;()]+)/i.exec(doc)?.[1];
  return found?.replace(/[.:]+$/, '') || undefined;
}

export interface Overrides {
  /** Field name → value (the discriminator's value is the event type). */
  fields: Record<string, unknown>;
}

/** An example value of an Avro schema, in the JSON form a reader of the document expects. */
export function avroExample(schema: unknown, overrides: Overrides): unknown {
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

/** An example value of a JSON Schema whose `$ref`s point into `definitions`. */
export function jsonSchemaExample(
  schema: JsonSchema,
  definitions: Record<string, JsonSchema>,
  overrides: Overrides,
): unknown {
  const example = (node: JsonSchema, name: string | undefined, depth: number): unknown => {
    if (depth > 32) return null;
    if (Array.isArray(node.examples) && node.examples.length > 0) return node.examples[0];
    if (node.const !== undefined) return node.const;
    if (node.default !== undefined) return node.default;
    if (Array.isArray(node.enum)) return node.enum[0];
    if (typeof node.$ref === 'string') {
      const target = definitions[node.$ref.replace(/^#\/definitions\//, '')];
      return target ? example(target, name, depth + 1) : null;
    }
    for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
      const branches = node[key] as JsonSchema[] | undefined;
      if (!branches?.length) continue;
      if (key !== 'allOf') return example(branches[0]!, name, depth + 1);
      const parts = branches.map((b) => example(b, name, depth + 1));
      return parts.every((p) => p && typeof p === 'object' && !Array.isArray(p))
        ? Object.assign({}, ...parts)
        : parts[0];
    }
    const type = Array.isArray(node.type) ? node.type.find((t) => t !== 'null') : node.type;
    if (type === 'object' || node.properties) {
      const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
      return Object.fromEntries(
        Object.entries(properties).map(([key, sub]) => [
          key,
          key in overrides.fields && depth === 0 ? overrides.fields[key] : example(sub, key, depth + 1),
        ]),
      );
    }
    if (type === 'array') return node.items ? [example(node.items as JsonSchema, name, depth + 1)] : [];
    const documented = documentedExample(node.description);
    if (type === 'integer' || type === 'number') {
      if (documented !== undefined && Number.isFinite(Number(documented))) return Number(documented);
      return typeof node.minimum === 'number' ? node.minimum : 1;
    }
    if (type === 'boolean') return false;
    if (type === 'null') return null;
    if (node.format === 'date-time') return new Date(EXAMPLE_INSTANT).toISOString();
    if (node.format === 'date') return new Date(EXAMPLE_INSTANT).toISOString().slice(0, 10);
    if (node.format === 'uuid') return EXAMPLE_UUID;
    if (node.format === 'email') return 'user@example.com';
    if (node.format === 'uri') return 'https://example.com/';
    return documented ?? `${name ?? 'value'}-1`;
  };
  return example(schema, undefined, 0);
}
