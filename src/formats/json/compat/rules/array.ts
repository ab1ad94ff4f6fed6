/**
 * JSON Schema arrays: item schemas, tuples under open/closed/partially open content models
 * (additionalItems), min/maxItems, uniqueItems, min/maxContains, unevaluatedItems.
 */
import type { Differ, JsonDiff } from '../context';
import { compareLimit, difference, under } from '../context';
import type { ArrayNode, JsonNode } from '../parse';
import { jsonRule } from './define';
import { compareUnevaluated } from './object';

const r = (id: string, change: string, subject = 'An array schema') => jsonRule('array', id, change, subject);
const i = (id: string, change: string) => jsonRule('array', id, change, 'A tuple item');

export const JSON_ARRAY_RULES = [
  r('MAX_ITEMS_ADDED', 'got a maxItems'),
  r('MAX_ITEMS_REMOVED', 'lost its maxItems'),
  r('MAX_ITEMS_INCREASED', 'had its maxItems raised'),
  r('MAX_ITEMS_DECREASED', 'had its maxItems lowered'),
  r('MIN_ITEMS_ADDED', 'got a minItems'),
  r('MIN_ITEMS_REMOVED', 'lost its minItems'),
  r('MIN_ITEMS_INCREASED', 'had its minItems raised'),
  r('MIN_ITEMS_DECREASED', 'had its minItems lowered'),
  r('MAX_CONTAINS_ADDED', 'got a maxContains'),
  r('MAX_CONTAINS_REMOVED', 'lost its maxContains'),
  r('MAX_CONTAINS_INCREASED', 'had its maxContains raised'),
  r('MAX_CONTAINS_DECREASED', 'had its maxContains lowered'),
  r('MIN_CONTAINS_ADDED', 'got a minContains'),
  r('MIN_CONTAINS_REMOVED', 'lost its minContains'),
  r('MIN_CONTAINS_INCREASED', 'had its minContains raised'),
  r('MIN_CONTAINS_DECREASED', 'had its minContains lowered'),
  r('UNIQUE_ITEMS_ADDED', 'started requiring unique items'),
  r('UNIQUE_ITEMS_REMOVED', 'stopped requiring unique items'),
  r('ADDITIONAL_ITEMS_ADDED', 'was opened (additionalItems false removed)'),
  r('ADDITIONAL_ITEMS_REMOVED', 'was closed (additionalItems: false)'),
  r('ADDITIONAL_ITEMS_EXTENDED', 'dropped its additionalItems schema'),
  r('ADDITIONAL_ITEMS_NARROWED', 'got an additionalItems schema'),
  r('UNEVALUATED_ITEMS_ADDED', 'was opened (unevaluatedItems false relaxed)'),
  r('UNEVALUATED_ITEMS_REMOVED', 'was closed (unevaluatedItems: false)'),
  r('UNEVALUATED_ITEMS_EXTENDED', 'relaxed its unevaluatedItems schema'),
  r('UNEVALUATED_ITEMS_NARROWED', 'got an unevaluatedItems schema'),
  i('ITEM_ADDED_TO_OPEN_CONTENT_MODEL', 'was added to an open tuple, which accepted any value there before'),
  i('ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL', 'was added with an empty schema to an open tuple'),
  i('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL', 'was added to a closed tuple'),
  i('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL', 'was removed, and the open tuple still accepts it'),
  i('ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL', 'declared false was removed from a closed tuple'),
  i('ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL', 'was removed from a closed tuple, which now rejects it'),
  i(
    'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    'was removed, and additionalItems still accepts its values',
  ),
  i(
    'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    'was removed, and additionalItems rejects some of its values',
  ),
  i(
    'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    'was added with a schema the old additionalItems already imposed',
  ),
  i(
    'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    'was added with a schema that rejects values the old additionalItems allowed',
  ),
];

function isEmptySchema(node: JsonNode | undefined): boolean {
  return node?.kind === 'empty' || node?.kind === 'true';
}

function isOpen(node: ArrayNode): boolean {
  if (!node.permitsAdditionalItems || node.additionalItemsSchema) return false;
  return node.unevaluated === undefined || isEmptySchema(node.unevaluated);
}

function partialSchema(node: ArrayNode): JsonNode | undefined {
  if (node.additionalItemsSchema) return node.additionalItemsSchema;
  if (
    node.permitsAdditionalItems &&
    node.unevaluated &&
    node.unevaluated.kind !== 'false' &&
    !isEmptySchema(node.unevaluated)
  ) {
    return node.unevaluated;
  }
  return undefined;
}

export function compareArray(differ: Differ, original: ArrayNode, update: ArrayNode): JsonDiff[] {
  const diffs: JsonDiff[] = [];
  diffs.push(...under(['items'], differ.compare(original.allItems, update.allItems)));
  diffs.push(...compareTuple(differ, original, update));
  diffs.push(...under(['additionalItems'], compareAdditional(differ, original, update)));
  diffs.push(
    ...compareUnevaluated(differ, original.unevaluated, update.unevaluated, 'unevaluatedItems', 'UNEVALUATED_ITEMS'),
  );
  const limits = [
    compareLimit('maxItems', original.maxItems, update.maxItems, {
      added: 'MAX_ITEMS_ADDED',
      removed: 'MAX_ITEMS_REMOVED',
      increased: 'MAX_ITEMS_INCREASED',
      decreased: 'MAX_ITEMS_DECREASED',
    }),
    compareLimit('minItems', original.minItems, update.minItems, {
      added: 'MIN_ITEMS_ADDED',
      removed: 'MIN_ITEMS_REMOVED',
      increased: 'MIN_ITEMS_INCREASED',
      decreased: 'MIN_ITEMS_DECREASED',
    }),
  ];
  diffs.push(...limits.filter((d): d is JsonDiff => d !== undefined));
  if (original.uniqueItems !== update.uniqueItems) {
    diffs.push(
      difference(
        original.uniqueItems ? 'UNIQUE_ITEMS_REMOVED' : 'UNIQUE_ITEMS_ADDED',
        ['uniqueItems'],
        original.uniqueItems,
        update.uniqueItems,
      ),
    );
  }
  const contains = [
    compareLimit('maxContains', original.maxContains, update.maxContains, {
      added: 'MAX_CONTAINS_ADDED',
      removed: 'MAX_CONTAINS_REMOVED',
      increased: 'MAX_CONTAINS_INCREASED',
      decreased: 'MAX_CONTAINS_DECREASED',
    }),
    compareLimit('minContains', original.minContains, update.minContains, {
      added: 'MIN_CONTAINS_ADDED',
      removed: 'MIN_CONTAINS_REMOVED',
      increased: 'MIN_CONTAINS_INCREASED',
      decreased: 'MIN_CONTAINS_DECREASED',
    }),
  ];
  diffs.push(...contains.filter((d): d is JsonDiff => d !== undefined));
  return diffs;
}

function compareTuple(differ: Differ, original: ArrayNode, update: ArrayNode): JsonDiff[] {
  const diffs: JsonDiff[] = [];
  const before = original.itemSchemas ?? [];
  const after = update.itemSchemas ?? [];
  const shared = Math.min(before.length, after.length);
  for (let index = 0; index < shared; index++) {
    diffs.push(...under(['items', index], differ.compare(before[index], after[index])));
  }
  for (let index = shared; index < before.length; index++) {
    const removed = before[index] as JsonNode;
    const at = (type: string) => difference(type, ['items', index], removed.raw, undefined);
    if (isOpen(update)) {
      diffs.push(at('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL'));
      continue;
    }
    const partial = partialSchema(update);
    if (partial) {
      const sub = differ.compare(removed, partial);
      diffs.push(...under(['items', index], sub));
      diffs.push(
        at(
          differ.isCompatible(sub)
            ? 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
            : 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
        ),
      );
    } else {
      diffs.push(
        at(
          removed.kind === 'false'
            ? 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL'
            : 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL',
        ),
      );
    }
  }
  for (let index = shared; index < after.length; index++) {
    const added = after[index] as JsonNode;
    const at = (type: string) => difference(type, ['items', index], undefined, added.raw);
    if (isOpen(original)) {
      diffs.push(
        at(
          isEmptySchema(added)
            ? 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL'
            : 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL',
        ),
      );
      continue;
    }
    const partial = partialSchema(original);
    if (partial) {
      const sub = differ.compare(partial, added);
      diffs.push(...under(['items', index], sub));
      diffs.push(
        at(
          differ.isCompatible(sub)
            ? 'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
            : 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
        ),
      );
    } else {
      diffs.push(at('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL'));
    }
  }
  return diffs;
}

function compareAdditional(differ: Differ, original: ArrayNode, update: ArrayNode): JsonDiff[] {
  const before = original.permitsAdditionalItems ? (original.additionalItemsSchema?.raw ?? true) : false;
  const after = update.permitsAdditionalItems ? (update.additionalItemsSchema?.raw ?? true) : false;
  if (original.permitsAdditionalItems !== update.permitsAdditionalItems) {
    return [
      difference(
        original.permitsAdditionalItems ? 'ADDITIONAL_ITEMS_REMOVED' : 'ADDITIONAL_ITEMS_ADDED',
        [],
        before,
        after,
      ),
    ];
  }
  if (!original.additionalItemsSchema && update.additionalItemsSchema)
    return [difference('ADDITIONAL_ITEMS_NARROWED', [], before, after)];
  if (original.additionalItemsSchema && !update.additionalItemsSchema)
    return [difference('ADDITIONAL_ITEMS_EXTENDED', [], before, after)];
  return differ.compare(original.additionalItemsSchema, update.additionalItemsSchema);
}
