/**
 * JSON Schema objects: properties under open, closed and partially open content models,
 * required, additionalProperties, unevaluatedProperties, dependencies, min/maxProperties.
 *
 * Content models as Confluent defines them: open = any extra property is allowed with any value
 * (`additionalProperties` absent or true, no patternProperties); closed = `additionalProperties:
 * false`; partially open = extra properties must match a schema (additionalProperties schema,
 * patternProperties, or unevaluatedProperties schema).
 */
import type { Differ, JsonDiff } from '../context';
import { compareLimit, difference, under } from '../context';
import type { JsonNode, ObjectNode } from '../parse';
import { jsonRule } from './define';

const r = (id: string, change: string, subject = 'An object schema') => jsonRule('object', id, change, subject);
const p = (id: string, change: string) => jsonRule('object', id, change, 'A property');

export const JSON_OBJECT_RULES = [
  r('REQUIRED_ATTRIBUTE_ADDED', 'was made required without a default', 'An existing property'),
  r('REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED', 'was made required, with a default', 'An existing property'),
  r('REQUIRED_ATTRIBUTE_REMOVED', 'was made optional', 'An existing property'),
  r('MAX_PROPERTIES_ADDED', 'got a maxProperties'),
  r('MAX_PROPERTIES_REMOVED', 'lost its maxProperties'),
  r('MAX_PROPERTIES_INCREASED', 'had its maxProperties raised'),
  r('MAX_PROPERTIES_DECREASED', 'had its maxProperties lowered'),
  r('MIN_PROPERTIES_ADDED', 'got a minProperties'),
  r('MIN_PROPERTIES_REMOVED', 'lost its minProperties'),
  r('MIN_PROPERTIES_INCREASED', 'had its minProperties raised'),
  r('MIN_PROPERTIES_DECREASED', 'had its minProperties lowered'),
  r('ADDITIONAL_PROPERTIES_ADDED', 'was opened (additionalProperties false removed)'),
  r('ADDITIONAL_PROPERTIES_REMOVED', 'was closed (additionalProperties: false)'),
  r('ADDITIONAL_PROPERTIES_EXTENDED', 'dropped its additionalProperties schema, accepting any extra property'),
  r('ADDITIONAL_PROPERTIES_NARROWED', 'got an additionalProperties schema that extra properties must match'),
  r('UNEVALUATED_PROPERTIES_ADDED', 'was opened (unevaluatedProperties false relaxed)'),
  r('UNEVALUATED_PROPERTIES_REMOVED', 'was closed (unevaluatedProperties: false)'),
  r('UNEVALUATED_PROPERTIES_EXTENDED', 'relaxed its unevaluatedProperties schema'),
  r('UNEVALUATED_PROPERTIES_NARROWED', 'got an unevaluatedProperties schema'),
  r('DEPENDENCY_ARRAY_ADDED', 'got a property dependency'),
  r('DEPENDENCY_ARRAY_REMOVED', 'lost a property dependency'),
  r('DEPENDENCY_ARRAY_EXTENDED', 'had a property dependency extended'),
  r('DEPENDENCY_ARRAY_NARROWED', 'had a property dependency narrowed'),
  r('DEPENDENCY_ARRAY_CHANGED', 'had a property dependency changed'),
  r('DEPENDENCY_SCHEMA_ADDED', 'got a schema dependency'),
  r('DEPENDENCY_SCHEMA_REMOVED', 'lost a schema dependency'),
  p(
    'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
    'was added as required, without a default, to an open content model',
  ),
  p(
    'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL',
    'was added as required, with a default, to an open content model',
  ),
  p(
    'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
    'was added as optional to an open content model, which accepted it with any value before',
  ),
  p(
    'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL',
    'was added with an empty schema to an open content model',
  ),
  p(
    'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
    'was added as required, without a default, to a closed or partially open content model',
  ),
  p(
    'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL',
    'was added as required, with a default, to a closed or partially open content model',
  ),
  p(
    'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
    'was added as optional to a closed or partially open content model',
  ),
  p('PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', 'was removed, and the open content model still accepts it'),
  p(
    'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL',
    'declared false (never present) was removed from a closed content model',
  ),
  p('PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', 'was removed from a closed content model, which now rejects it'),
  p(
    'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    'was removed, and the partially open content model still accepts its values',
  ),
  p(
    'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    'was removed, and the partially open content model rejects some of its values',
  ),
  p(
    'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    'was added with a schema the old partially open content model already imposed',
  ),
  p(
    'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    'was added with a schema that rejects values the old partially open content model allowed',
  ),
];

function isEmptySchema(node: JsonNode | undefined): boolean {
  return node?.kind === 'empty' || node?.kind === 'true';
}

/** Open: any extra property, any value. */
export function isOpenContentModel(node: ObjectNode): boolean {
  if (!node.permitsAdditional || node.additionalSchema || node.patternProperties.length > 0) return false;
  return node.unevaluated === undefined || isEmptySchema(node.unevaluated);
}

/** The schema a partially open model imposes on an extra property named `key`, if any. */
function partialSchemaFor(node: ObjectNode, key: string): JsonNode | undefined {
  for (const { pattern, schema } of node.patternProperties) {
    if (safeRegExp(pattern)?.test(key)) return schema;
  }
  if (node.additionalSchema) return node.additionalSchema;
  if (
    node.permitsAdditional &&
    node.unevaluated &&
    node.unevaluated.kind !== 'false' &&
    !isEmptySchema(node.unevaluated)
  ) {
    return node.unevaluated;
  }
  return undefined;
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return undefined;
    }
  }
}

export function compareObject(differ: Differ, original: ObjectNode, update: ObjectNode): JsonDiff[] {
  return [
    ...compareRequired(original, update),
    ...under(['properties'], compareProperties(differ, original, update)),
    ...compareDependencies(differ, original, update),
    ...under(['additionalProperties'], compareAdditional(differ, original, update)),
    ...compareUnevaluated(
      differ,
      original.unevaluated,
      update.unevaluated,
      'unevaluatedProperties',
      'UNEVALUATED_PROPERTIES',
    ),
    ...[
      compareLimit('maxProperties', original.maxProperties, update.maxProperties, {
        added: 'MAX_PROPERTIES_ADDED',
        removed: 'MAX_PROPERTIES_REMOVED',
        increased: 'MAX_PROPERTIES_INCREASED',
        decreased: 'MAX_PROPERTIES_DECREASED',
      }),
      compareLimit('minProperties', original.minProperties, update.minProperties, {
        added: 'MIN_PROPERTIES_ADDED',
        removed: 'MIN_PROPERTIES_REMOVED',
        increased: 'MIN_PROPERTIES_INCREASED',
        decreased: 'MIN_PROPERTIES_DECREASED',
      }),
    ].filter((d): d is JsonDiff => d !== undefined),
  ];
}

function compareRequired(original: ObjectNode, update: ObjectNode): JsonDiff[] {
  const diffs: JsonDiff[] = [];
  for (const key of original.properties.keys()) {
    const updated = update.properties.get(key);
    if (!updated) continue;
    const wasRequired = original.required.includes(key);
    const isRequired = update.required.includes(key);
    if (wasRequired && !isRequired)
      diffs.push(difference('REQUIRED_ATTRIBUTE_REMOVED', ['required', key], true, false));
    if (!wasRequired && isRequired) {
      diffs.push(
        difference(
          updated.meta.hasDefault ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED' : 'REQUIRED_ATTRIBUTE_ADDED',
          ['required', key],
          false,
          true,
        ),
      );
    }
  }
  return diffs;
}

function propertyDiff(key: string, before: JsonNode | undefined, after: JsonNode | undefined, type: string): JsonDiff {
  return difference(type, [key], before?.raw, after?.raw);
}

function compareProperties(differ: Differ, original: ObjectNode, update: ObjectNode): JsonDiff[] {
  const diffs: JsonDiff[] = [];
  const keys = new Set([...original.properties.keys(), ...update.properties.keys()]);
  for (const key of keys) {
    const before = original.properties.get(key);
    const after = update.properties.get(key);
    if (before && after) {
      diffs.push(...under([key], differ.compare(before, after)));
    } else if (before) {
      // Removing is only safe if the update still lets the property through.
      if (isOpenContentModel(update)) {
        diffs.push(propertyDiff(key, before, after, 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL'));
        continue;
      }
      const partial = partialSchemaFor(update, key);
      if (partial) {
        const sub = differ.compare(before, partial);
        diffs.push(...under([key], sub));
        diffs.push(
          propertyDiff(
            key,
            before,
            after,
            differ.isCompatible(sub)
              ? 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
              : 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
          ),
        );
      } else {
        diffs.push(
          propertyDiff(
            key,
            before,
            after,
            before.kind === 'false'
              ? 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL'
              : 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
          ),
        );
      }
    } else if (after) {
      const required = update.required.includes(key);
      if (isOpenContentModel(original)) {
        // The old open model allowed the property with any value; the new schema constrains it.
        if (isEmptySchema(after))
          diffs.push(propertyDiff(key, before, after, 'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL'));
        else if (required)
          diffs.push(
            propertyDiff(
              key,
              before,
              after,
              after.meta.hasDefault
                ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL'
                : 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
            ),
          );
        else diffs.push(propertyDiff(key, before, after, 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'));
        continue;
      }
      const partial = partialSchemaFor(original, key);
      if (partial) {
        const sub = differ.compare(partial, after);
        diffs.push(...under([key], sub));
        diffs.push(
          propertyDiff(
            key,
            before,
            after,
            differ.isCompatible(sub)
              ? 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
              : 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
          ),
        );
      }
      if (required)
        diffs.push(
          propertyDiff(
            key,
            before,
            after,
            after.meta.hasDefault
              ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL'
              : 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
          ),
        );
      else diffs.push(propertyDiff(key, before, after, 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'));
    }
  }
  return diffs;
}

function compareDependencies(differ: Differ, original: ObjectNode, update: ObjectNode): JsonDiff[] {
  const diffs: JsonDiff[] = [];
  const keys = new Set([...original.propertyDependencies.keys(), ...update.propertyDependencies.keys()]);
  for (const key of keys) {
    const before = original.propertyDependencies.get(key);
    const after = update.propertyDependencies.get(key);
    const at = (type: string) => diffs.push(difference(type, ['dependencies', key], before, after));
    if (!after) at('DEPENDENCY_ARRAY_REMOVED');
    else if (!before) at('DEPENDENCY_ARRAY_ADDED');
    else {
      const b = new Set(before);
      const a = new Set(after);
      const same = b.size === a.size && [...b].every((x) => a.has(x));
      if (same) continue;
      if ([...b].every((x) => a.has(x))) at('DEPENDENCY_ARRAY_EXTENDED');
      else if ([...a].every((x) => b.has(x))) at('DEPENDENCY_ARRAY_NARROWED');
      else at('DEPENDENCY_ARRAY_CHANGED');
    }
  }
  const schemaKeys = new Set([...original.schemaDependencies.keys(), ...update.schemaDependencies.keys()]);
  for (const key of schemaKeys) {
    const before = original.schemaDependencies.get(key);
    const after = update.schemaDependencies.get(key);
    if (!after) diffs.push(difference('DEPENDENCY_SCHEMA_REMOVED', ['dependencies', key], before?.raw, undefined));
    else if (!before) diffs.push(difference('DEPENDENCY_SCHEMA_ADDED', ['dependencies', key], undefined, after.raw));
    else diffs.push(...under(['dependencies', key], differ.compare(before, after)));
  }
  return diffs;
}

function compareAdditional(differ: Differ, original: ObjectNode, update: ObjectNode): JsonDiff[] {
  const before = original.permitsAdditional ? (original.additionalSchema?.raw ?? true) : false;
  const after = update.permitsAdditional ? (update.additionalSchema?.raw ?? true) : false;
  if (original.permitsAdditional !== update.permitsAdditional) {
    return [
      difference(
        update.permitsAdditional ? 'ADDITIONAL_PROPERTIES_ADDED' : 'ADDITIONAL_PROPERTIES_REMOVED',
        [],
        before,
        after,
      ),
    ];
  }
  if (!original.additionalSchema && update.additionalSchema)
    return [difference('ADDITIONAL_PROPERTIES_NARROWED', [], before, after)];
  if (original.additionalSchema && !update.additionalSchema)
    return [difference('ADDITIONAL_PROPERTIES_EXTENDED', [], before, after)];
  return differ.compare(original.additionalSchema, update.additionalSchema);
}

/** unevaluatedProperties / unevaluatedItems: absent and true are open, false is closed, a schema is partial. */
export function compareUnevaluated(
  differ: Differ,
  original: JsonNode | undefined,
  update: JsonNode | undefined,
  keyword: string,
  prefix: 'UNEVALUATED_PROPERTIES' | 'UNEVALUATED_ITEMS',
): JsonDiff[] {
  if (!original && !update) return [];
  const at = (suffix: string) => [difference(`${prefix}_${suffix}`, [keyword], original?.raw, update?.raw)];
  const isFalse = (n: JsonNode | undefined) => n?.kind === 'false';
  if (!original) return at(isFalse(update) ? 'REMOVED' : 'NARROWED');
  if (!update) return at(isFalse(original) ? 'ADDED' : 'EXTENDED');
  if (isFalse(original) && !isFalse(update)) return at('ADDED');
  if (!isFalse(original) && isFalse(update)) return at('REMOVED');
  if (isEmptySchema(original) && !isEmptySchema(update)) return at('NARROWED');
  if (!isEmptySchema(original) && isEmptySchema(update)) return at('EXTENDED');
  return under([keyword], differ.compare(original, update));
}
