/** JSON Schema pair check: Confluent's diff, turned into findings. */
import type { CompatibilityRule } from '../../../compat/rule';
import { renderMessage, sideNames, toPointer } from '../../../compat/rule';
import type { CheckDirection, CompatibilityLevel, Finding, JsonSchemaPolicy } from '../../../compat/types';
import type { JsonDiff, Segment } from './context';
import { JsonSchemaDiffer } from './diff';
import type { JsonNode } from './parse';
import { COMPATIBLE_CHANGES } from './rules/define';

export interface JsonPairOptions {
  direction: CheckDirection;
  level: CompatibilityLevel;
  previousVersion: number;
  policy: JsonSchemaPolicy;
  rules: ReadonlyMap<string, CompatibilityRule>;
  /** Build findings for non-breaking differences too (skipped otherwise: messages cost time). */
  includeNonBreaking: boolean;
}

/**
 * Findings for one pair. BACKWARD diffs previous → candidate (the candidate reads); FORWARD diffs
 * candidate → previous (the previous version reads), as Confluent's checker does.
 */
export function checkJsonPair(previous: JsonNode, candidate: JsonNode, options: JsonPairOptions): Finding[] {
  const compatible = COMPATIBLE_CHANGES[options.policy];
  const differ = new JsonSchemaDiffer(compatible);
  const backward = options.direction === 'BACKWARD';
  const diffs = backward ? differ.compare(previous, candidate) : differ.compare(candidate, previous);
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const diff of diffs) {
    const key = `${diff.type}|${diff.path.join('/')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const breaking = !compatible.has(diff.type);
    if (breaking || options.includeNonBreaking) findings.push(toFinding(diff, options, breaking, backward));
  }
  return findings;
}

function toFinding(diff: JsonDiff, options: JsonPairOptions, breaking: boolean, backward: boolean): Finding {
  const rule = options.rules.get(diff.type);
  if (!rule) throw new Error(`internal: JSON difference ${diff.type} has no registered rule`);
  const before = backward ? diff.original : diff.update;
  const after = backward ? diff.update : diff.original;
  const names = sideNames(options.direction, options.previousVersion);
  const message = renderMessage(
    rule,
    {
      element: describeElement(diff.path),
      direction: options.direction,
      previousVersion: options.previousVersion,
      ...names,
      detail: detailOf(before, after),
    },
    breaking,
  );
  return {
    ruleId: diff.type,
    format: 'JSON',
    breaking,
    direction: options.direction,
    level: options.level,
    previousVersion: options.previousVersion,
    path: toPointer(diff.path),
    pathIn: after === undefined && before !== undefined ? 'previous' : 'candidate',
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
    message,
  };
}

/** `property \`segments[].operatingCarrier\`` from a keyword path. */
export function describeElement(path: readonly Segment[]): string {
  let name = '';
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const next = path[i + 1];
    if ((segment === 'properties' || segment === 'patternProperties') && next !== undefined) {
      name += `${name ? '.' : ''}${String(next)}`;
      i++;
    } else if ((segment === 'items' || segment === 'prefixItems') && typeof next === 'number') {
      name += `[${next}]`;
      i++;
    } else if (segment === 'items' || segment === 'additionalItems') {
      name += '[]';
    }
  }
  if (name) return `property \`${name}\``;
  return path.length === 0 ? 'the schema root' : `the schema at \`${toPointer(path)}\``;
}

/** Scalar old → new values make messages concrete (`40 → 60`); schemas are left to the fragments. */
function detailOf(before: unknown, after: unknown): string {
  const scalar = (v: unknown) => v === undefined || v === null || typeof v !== 'object';
  if (!scalar(before) || !scalar(after)) return '';
  if (typeof before === 'boolean' || typeof after === 'boolean') return '';
  const show = (v: unknown) => (v === undefined ? 'none' : JSON.stringify(v));
  return `${show(before)} → ${show(after)}`;
}
