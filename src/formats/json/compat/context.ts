/**
 * What the per-family comparisons of the JSON Schema diff share: the difference record, path
 * helpers and the recursion entry point (implemented in `diff.ts`).
 */
import type { JsonValue } from '../../../compat/types';
import type { JsonNode } from './parse';

export type Segment = string | number;

/** One difference between an original (writer side) and an update (reader side) schema. */
export interface JsonDiff {
  /** A Confluent `Difference.Type` name, which is also our rule ID. */
  type: string;
  /** Path relative to the pair being compared. */
  path: Segment[];
  original?: JsonValue;
  update?: JsonValue;
}

export interface Differ {
  /** All differences between two schemas (either may be absent). */
  compare(original: JsonNode | undefined, update: JsonNode | undefined): JsonDiff[];
  /** True when every difference is of a kind the policy accepts. */
  isCompatible(diffs: readonly JsonDiff[]): boolean;
}

export function difference(type: string, path: Segment[], original?: JsonValue, update?: JsonValue): JsonDiff {
  return { type, path, original, update };
}

export function under(segments: Segment[], diffs: JsonDiff[]): JsonDiff[] {
  if (diffs.length === 0 || segments.length === 0) return diffs;
  return diffs.map((d) => ({ ...d, path: [...segments, ...d.path] }));
}

/** The keyword's value in a node's JSON, as the fragment of a finding. */
export function keywordOf(node: JsonNode, keyword: string): JsonValue | undefined {
  const raw = node.raw;
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw[keyword] : undefined;
}

/**
 * added / removed / increased / decreased for a numeric keyword, as Confluent classifies it.
 * Returns undefined when nothing changed.
 */
export function compareLimit(
  keyword: string,
  original: number | undefined,
  update: number | undefined,
  names: { added: string; removed: string; increased: string; decreased: string },
): JsonDiff | undefined {
  if (original === update) return undefined;
  const type =
    original === undefined
      ? names.added
      : update === undefined
        ? names.removed
        : original < update
          ? names.increased
          : names.decreased;
  return difference(type, [keyword], original, update);
}

/** Canonical JSON (sorted keys) for set and equality comparisons of values and schemas. */
export function canonical(value: JsonValue | undefined): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
    .join(',')}}`;
}
