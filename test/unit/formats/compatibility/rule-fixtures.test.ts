/**
 * One before/after fixture per rule, discovered from test/fixtures/compat/<format>/<RULE_ID>/:
 * before.json (the registered version), after.json (the candidate), expect.json
 * ({ level, policy?, compatible, findings: [{ ruleId, path }] }). Adding a case edits no test.
 * Assertions are on rule IDs, paths and verdicts, never on wording.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkCompatibility, COMPATIBILITY_RULES } from '../../../../src/formats/compatibility';
import type { CompatibilityLevel, JsonSchemaPolicy, JsonValue, SchemaFormat } from '../../../../src/compat';

const FIXTURES = path.resolve(__dirname, '../../../fixtures/compat');
const FORMATS: Record<string, SchemaFormat> = { avro: 'AVRO', json: 'JSON' };

interface Expectation {
  level: CompatibilityLevel;
  policy?: JsonSchemaPolicy;
  compatible: boolean;
  findings: { ruleId: string; path: string }[];
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

const fixtures = Object.keys(FORMATS).flatMap((folder) =>
  existsSync(path.join(FIXTURES, folder))
    ? readdirSync(path.join(FIXTURES, folder)).map((rule) => ({ folder, rule, dir: path.join(FIXTURES, folder, rule) }))
    : [],
);

describe('rule fixtures', () => {
  it.each(fixtures.map((f) => [`${f.folder}/${f.rule}`, f] as const))('%s', (_name, { folder, rule, dir }) => {
    const expected = readJson<Expectation>(path.join(dir, 'expect.json'));
    const result = checkCompatibility({
      format: FORMATS[folder] as SchemaFormat,
      level: expected.level,
      previous: [{ schema: readJson<JsonValue>(path.join(dir, 'before.json')) }],
      candidate: { schema: readJson<JsonValue>(path.join(dir, 'after.json')) },
      policy: expected.policy,
      includeNonBreaking: true,
    });
    const got = result.findings.map((f) => ({ ruleId: f.ruleId, path: f.path }));
    expect(got).toEqual(expect.arrayContaining(expected.findings));
    expect(result.compatible).toBe(expected.compatible);
    // The fixture is named after the rule it demonstrates.
    expect(expected.findings.map((f) => f.ruleId)).toContain(rule);
  });

  it('every registered rule has a fixture, and every fixture names a registered rule', () => {
    // Protobuf's fixtures are .proto modules with buf's verdicts too: protobuf-rule-fixtures.test.ts
    const registered = COMPATIBILITY_RULES.filter((r) => r.format !== 'PROTOBUF')
      .map((r) => `${r.format === 'AVRO' ? 'avro' : 'json'}/${r.id}`)
      .sort();
    const present = fixtures.map((f) => `${f.folder}/${f.rule}`).sort();
    expect(present).toEqual(registered);
  });
});
