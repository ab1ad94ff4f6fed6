/**
 * The offline compatibility checker over the kit's formats: the format-free engine
 * (src/compat/check.ts: levels, histories) bound to FORMATS, and the one registry of compatibility
 * rules, every format's. Every finding's `ruleId` is an entry here; the docs table
 * (docs/compatibility-rules.md) is rendered from it.
 */
import * as engine from '../compat/check';
import type { CompatibilityRule } from '../compat/rule';
import type {
  CompatibilityInput,
  CompatibilityResult,
  HistoryInput,
  HistoryResult,
  RuleDefinition,
} from '../compat/types';
import { FORMATS, formatOf } from './index';

/** Every format's rules, formats in FORMATS order (src/formats/index.ts). */
export const COMPATIBILITY_RULES: readonly CompatibilityRule[] = FORMATS.flatMap(
  (format) => format.compatibility.rules,
);

export const RULES_BY_ID: ReadonlyMap<string, CompatibilityRule> = new Map(
  COMPATIBILITY_RULES.map((rule) => [rule.id, rule]),
);

const KIT_FORMATS: engine.CheckFormats = {
  compatibilityOf: (format) => formatOf(String(format)).compatibility,
  rules: RULES_BY_ID,
};

/**
 * Is `candidate` compatible with the registered `previous` versions at `level`?
 * Throws `SchemaFileError` for a schema that cannot be parsed or whose references are missing.
 */
export function checkCompatibility(input: CompatibilityInput): CompatibilityResult {
  return engine.checkCompatibility(input, KIT_FORMATS);
}

/**
 * Walks a whole history: every version is checked against the ones before it, as if each had
 * been registered in turn under `level`. Each version is parsed once.
 */
export function checkHistory(input: HistoryInput): HistoryResult {
  return engine.checkHistory(input, KIT_FORMATS);
}

/** The registry as plain data (no message builders), for tools and docs. */
export function listRules(): RuleDefinition[] {
  return COMPATIBILITY_RULES.map(({ id, format, family, purpose, compatible, directions }) => ({
    id,
    format,
    family,
    purpose,
    compatible: { ...compatible },
    directions: [...directions],
  }));
}

/** docs/compatibility-rules.md, rendered from the registry. */
export function renderRulesTable(): string {
  const verdict = (ok: boolean) => (ok ? 'compatible' : '**breaks**');
  const lines = [
    '# Compatibility rules',
    '',
    'Generated from `COMPATIBILITY_RULES` in `src/formats/compatibility.ts` by `renderRulesTable()`; a unit test',
    'keeps this file in step with the code. Every finding of `checkCompatibility` carries one of these IDs.',
    '',
    "- **Avro** rules follow Apache Avro's Java `SchemaCompatibility` (what Confluent Schema Registry",
    '  uses). BACKWARD checks that the candidate reads data written with a previous version; FORWARD that',
    "  a previous version reads the candidate's data. Every Avro finding breaks the level it was found at.",
    "- **JSON Schema** rules are the difference types of Confluent's JSON Schema diff. BACKWARD diffs",
    '  previous → candidate, FORWARD candidate → previous; a pair is compatible when every difference is',
    '  accepted by the policy (STRICT by default, LENIENT on request).',
    "- **Protobuf** rules are the changes Confluent's Protobuf checker judges, the same both ways (readers",
    '  skip what they do not know). A rule marked **breaks** breaks for some or all of its changes (the',
    '  finding says which); one marked compatible is reported by `contracts diff` and never breaks.',
    '',
    '| Rule ID | Format | Family | Checks | STRICT | LENIENT | What it detects |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const rule of COMPATIBILITY_RULES) {
    const format = formatOf(rule.format);
    const lenient = format.compatibility.policies ? verdict(rule.compatible.LENIENT) : '—';
    const strict = verdict(rule.compatible.STRICT);
    lines.push(
      `| \`${rule.id}\` | ${format.displayName} | ${rule.family} | ${rule.directions.join(', ')} | ${strict} | ${lenient} | ${rule.purpose.replace(/\|/g, '\\|')} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
