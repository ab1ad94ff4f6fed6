/**
 * The one registry of compatibility rules. Every finding's `ruleId` is an entry here; the docs
 * table (docs/compatibility-rules.md) is rendered from it.
 */
import { AVRO_FIELD_RULES } from './avro/rules/fields';
import { AVRO_NAMED_RULES } from './avro/rules/named';
import { AVRO_TYPE_RULES } from './avro/rules/types';
import { JSON_ARRAY_RULES } from './json/rules/array';
import { JSON_COMBINED_RULES } from './json/rules/combined';
import { JSON_ENUM_RULES } from './json/rules/enum';
import { JSON_NOT_RULES } from './json/rules/not';
import { JSON_NUMBER_RULES } from './json/rules/number';
import { JSON_OBJECT_RULES } from './json/rules/object';
import { JSON_STRING_RULES } from './json/rules/string';
import { JSON_TYPE_RULES } from './json/rules/types';
import type { CompatibilityRule } from './rule';
import type { RuleDefinition } from './types';

export const COMPATIBILITY_RULES: readonly CompatibilityRule[] = [
  ...AVRO_FIELD_RULES,
  ...AVRO_TYPE_RULES,
  ...AVRO_NAMED_RULES,
  ...JSON_TYPE_RULES,
  ...JSON_STRING_RULES,
  ...JSON_NUMBER_RULES,
  ...JSON_ENUM_RULES,
  ...JSON_OBJECT_RULES,
  ...JSON_ARRAY_RULES,
  ...JSON_COMBINED_RULES,
  ...JSON_NOT_RULES,
];

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
    '',
    '| Rule ID | Format | Family | Checks | STRICT | LENIENT | What it detects |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const rule of COMPATIBILITY_RULES) {
    const lenient = rule.format === 'AVRO' ? '—' : verdict(rule.compatible.LENIENT);
    const strict = rule.format === 'AVRO' ? '**breaks**' : verdict(rule.compatible.STRICT);
    lines.push(
      `| \`${rule.id}\` | ${rule.format === 'AVRO' ? 'Avro' : 'JSON Schema'} | ${rule.family} | ${rule.directions.join(', ')} | ${strict} | ${lenient} | ${rule.purpose.replace(/\|/g, '\\|')} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
