/**
 * A JSON Schema event as an AsyncAPI payload: the event's schema with `$ref`s to the topic's shared
 * files pointing at `components.schemas`, where each shared file appears once, and an example built
 * from it.
 */
import { createAjv } from '../../validation/ajv';
import { documentedExample, EXAMPLE_INSTANT, EXAMPLE_UUID, type ExampleOverrides } from '../examples';
import type { AsyncApiPayload } from '../format';
import type { EventModel, JsonSchema, TopicModel } from '../model';

export const JSON_SCHEMA_FORMAT = 'application/schema+json;version=draft-07';

/** The event's payload, its shared definitions added to `components` (named `<topic>.<definition>`). */
export function jsonAsyncApiPayload(
  model: TopicModel,
  event: EventModel,
  overrides: ExampleOverrides,
  components: Record<string, unknown>,
): AsyncApiPayload {
  const { schema, definitions } = bundledJsonSchema(model, event.typeName);
  const componentName = (name: string) => `${model.config.name}.${name}`;
  for (const [name, definition] of Object.entries(definitions)) {
    components[componentName(name)] = pointRefsAtComponents(definition, componentName);
  }
  const example = jsonSchemaExample(schema, definitions, overrides);
  const validate = createAjv().compile({ ...schema, definitions } as JsonSchema);
  return {
    payload: { schemaFormat: JSON_SCHEMA_FORMAT, schema: pointRefsAtComponents(schema, componentName) },
    example,
    summary: schema.description,
    misfit: validate(example) ? undefined : validate.errors?.[0]?.instancePath || '/',
  };
}

/** The event's JSON Schema and the shared definitions it uses (transitively), from the bundled types. */
function bundledJsonSchema(
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
function pointRefsAtComponents(node: unknown, componentName: (definition: string) => string): unknown {
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

/** An example value of a JSON Schema whose `$ref`s point into `definitions`. */
function jsonSchemaExample(
  schema: JsonSchema,
  definitions: Record<string, JsonSchema>,
  overrides: ExampleOverrides,
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
