/**
 * The one registry of compatibility rules. Every finding's `ruleId` is an entry here; the docs
 * table (docs/compatibility-rules.md) is rendered from it.
 */
import { FORMATS, formatOf } from '../formats';
import type { CompatibilityRule } from './rule';
import type { RuleDefinition } from './types';

/** Every format's rules, formats in FORMATS order (src/formats/index.ts). */
export const COMPATIBILITY_RULES: readonly CompatibilityRule[] = FORMATS.flatMap(
  (format) => format.compatibility.rules,
);

export const RULES_BY_ID: ReadonlyMap<string, CompatibilityRule> = new Map(
  COMPATIBILITY_RULES.map((rule) => [rule.id, rule]),
);

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
    'Generated from `COMPATIBILITY_RULES` in `src/compat/rules.ts` by `renderRulesTable()`; a unit test',
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
