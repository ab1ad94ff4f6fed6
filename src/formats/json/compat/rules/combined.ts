/**
 * JSON Schema allOf / anyOf / oneOf. Members are paired by a maximum bipartite matching over
 * compatible pairs; if the matching cannot cover the smaller side, some member has no compatible
 * counterpart and the change is incompatible.
 */
import type { Differ, JsonDiff } from '../context';
import { canonical, difference, under } from '../context';
import type { JsonValue as Json } from '../../../../compat/types';
import type { CombinedNode, JsonNode } from '../parse';
import { jsonRule } from './define';

const r = (id: string, change: string) => jsonRule('combined', id, change, 'A combined schema');

export const JSON_COMBINED_RULES = [
  r('COMBINED_TYPE_EXTENDED', 'switched to a more permissive combinator (e.g. oneOf to anyOf)'),
  r('COMBINED_TYPE_CHANGED', 'switched to a stricter or unrelated combinator'),
  r('PRODUCT_TYPE_EXTENDED', 'gained allOf members'),
  r('PRODUCT_TYPE_NARROWED', 'lost allOf members (or a schema became one of its former allOf members)'),
  r('SUM_TYPE_EXTENDED', 'gained anyOf/oneOf members (or a schema became one of the new members)'),
  r('SUM_TYPE_NARROWED', 'lost anyOf/oneOf members'),
  r('COMBINED_TYPE_SUBSCHEMAS_CHANGED', 'has a member with no compatible counterpart'),
];

function distinct(nodes: JsonNode[]): JsonNode[] {
  const seen = new Set<string>();
  return nodes.filter((node) => {
    const key = canonical(node.raw);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function criterionChange(original: CombinedNode, update: CombinedNode): string | undefined {
  if (original.criterion === update.criterion) return undefined;
  const single = (n: CombinedNode) => n.subschemas.length === 1;
  const extended =
    update.criterion === 'anyOf' ||
    (single(original) && single(update)) ||
    (single(original) && update.criterion === 'oneOf') ||
    (single(update) && original.criterion === 'allOf');
  return extended ? 'COMBINED_TYPE_EXTENDED' : 'COMBINED_TYPE_CHANGED';
}

export function compareCombined(differ: Differ, original: CombinedNode, update: CombinedNode): JsonDiff[] {
  const diffs: JsonDiff[] = [];
  const change = criterionChange(original, update);
  if (change) {
    diffs.push(difference(change, [], original.criterion, update.criterion));
    if (change === 'COMBINED_TYPE_CHANGED') return diffs;
  }
  const before = distinct(original.subschemas);
  const after = distinct(update.subschemas);
  if (before.length < after.length) {
    diffs.push(
      difference(
        update.criterion === 'allOf' ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED',
        [],
        original.raw,
        update.raw,
      ),
    );
  } else if (before.length > after.length) {
    diffs.push(
      difference(
        original.criterion === 'allOf' ? 'PRODUCT_TYPE_NARROWED' : 'SUM_TYPE_NARROWED',
        [],
        original.raw,
        update.raw,
      ),
    );
  }

  // edges[i] = members of `after` that member i of `before` can be paired with, and the differences.
  const edges = before.map((member, i) =>
    after
      .map((candidate, j) => ({ j, diffs: under([original.criterion, i], differ.compare(member, candidate)) }))
      .filter((edge) => differ.isCompatible(edge.diffs)),
  );
  const matchOfAfter = maximumMatching(
    edges.map((list) => list.map((e) => e.j)),
    after.length,
  );
  let matched = 0;
  matchOfAfter.forEach((i, j) => {
    if (i < 0) return;
    matched++;
    const edge = edges[i]?.find((e) => e.j === j);
    if (edge) diffs.push(...edge.diffs);
  });
  if (matched < Math.min(before.length, after.length)) {
    // members that are `$ref`s read the same on both sides when the change is in a referenced
    // file: show what they point to instead of two identical lines
    const same = JSON.stringify(original.raw) === JSON.stringify(update.raw);
    const shown = (node: CombinedNode, members: JsonNode[]): Json =>
      same ? { [node.criterion]: members.map(resolvedRaw) } : node.raw;
    diffs.push(difference('COMBINED_TYPE_SUBSCHEMAS_CHANGED', [], shown(original, before), shown(update, after)));
  }
  return diffs;
}

/** A member as written, or, for a `$ref`, the schema it points to (one level: enough to show the change). */
function resolvedRaw(node: JsonNode): Json {
  return node.kind === 'ref' ? node.target().raw : node.raw;
}

/** Maximum bipartite matching by augmenting paths; returns, for each right vertex, its left partner or -1. */
function maximumMatching(adjacency: number[][], rightCount: number): number[] {
  const partner = new Array<number>(rightCount).fill(-1);
  const augment = (left: number, visited: boolean[]): boolean => {
    for (const right of adjacency[left] ?? []) {
      if (visited[right]) continue;
      visited[right] = true;
      const current = partner[right] ?? -1;
      if (current < 0 || augment(current, visited)) {
        partner[right] = left;
        return true;
      }
    }
    return false;
  };
  adjacency.forEach((_, left) => augment(left, new Array<boolean>(rightCount).fill(false)));
  return partner;
}
