/** docs/compatibility-rules.md is generated from the rule registry and must stay in step with it. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { COMPATIBILITY_RULES, listRules, renderRulesTable } from '../../../../src/formats/compatibility';

const DOC = path.resolve(__dirname, '../../../../docs/compatibility-rules.md');

describe('rules registry and docs', () => {
  it('the committed docs table equals the rendered one (regenerate: write renderRulesTable() to docs/compatibility-rules.md)', () => {
    expect(readFileSync(DOC, 'utf8')).toBe(renderRulesTable());
  });

  it('rule IDs are unique SCREAMING_SNAKE names with a one-line purpose', () => {
    const ids = COMPATIBILITY_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of listRules()) {
      expect(rule.id).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(rule.purpose).not.toMatch(/\n/);
      expect(rule.purpose.length).toBeGreaterThan(10);
    }
  });
});
