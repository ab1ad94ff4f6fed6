/**
 * compareVersions: the one operation behind `contracts diff` and the UI's diff. A local draft is
 * the subject's next version, so it is judged as the registry will judge it (the latest version, or
 * every version at a transitive level), whichever version is shown beside it.
 */
import { compareVersions } from '../../../src/registration/compare';
import type { LocalSubject } from '../../../src/registration/local';
import { createInMemoryRegistry } from '../../../src/registry/memory';
import type { CompatibilityLevel } from '../../../src/config';

const record = (fields: unknown[]) => JSON.stringify({ type: 'record', name: 'Shipped', namespace: 'unit', fields });
const v1 = record([{ name: 'id', type: 'string' }]);
const v2 = record([
  { name: 'id', type: 'string' },
  { name: 'note', type: ['null', 'string'], default: null },
]);
// reads v1's data (no note) but not v2's strings
const draft = record([
  { name: 'id', type: 'string' },
  { name: 'note', type: ['null', 'int'], default: null },
]);

async function subjectAt(level: CompatibilityLevel) {
  const registry = createInMemoryRegistry();
  await registry.setCompatibility('NONE', 'unit.Shipped');
  await registry.register('unit.Shipped', { schema: v1 });
  await registry.register('unit.Shipped', { schema: v2 });
  await registry.setCompatibility(level, 'unit.Shipped');
  const local: LocalSubject = {
    subject: 'unit.Shipped',
    topic: 'shipments',
    format: 'AVRO',
    level,
    schema: draft,
    references: [],
    file: 'schemas/Shipped.avsc',
    path: '/project/schemas/Shipped.avsc',
  };
  return { registry, local: { subjects: [local], configFile: 'contracts.config.json' } };
}

describe('compareVersions with a local draft', () => {
  it.each([
    ['FULL_TRANSITIVE', [1, 2]],
    ['BACKWARD', [2]],
  ] as const)('at %s checks it against versions %j even when it is shown beside version 1', async (level, against) => {
    const { registry, local } = await subjectAt(level);
    for (const from of [undefined, 1] as const) {
      const comparison = await compareVersions({ registry, subject: 'unit.Shipped', to: 'local', from, local });
      expect(comparison.from.version).toBe(from ?? 2);
      expect(comparison.checkedAgainst).toEqual(against);
      expect(comparison.result.compatible).toBe(false);
      expect(comparison.result.findings.filter((f) => f.breaking).map((f) => f.ruleId)).toContain(
        'MISSING_UNION_BRANCH',
      );
    }
  });

  it('at FORWARD (v2 reads the draft: an int is no branch of v2s union either) judges the latest', async () => {
    const { registry, local } = await subjectAt('FORWARD');
    const comparison = await compareVersions({ registry, subject: 'unit.Shipped', to: 'local', from: 1, local });
    expect(comparison.checkedAgainst).toEqual([2]);
    expect(comparison.result.compatible).toBe(false);
  });

  it('still checks a registered version against the one before it (history, not a draft)', async () => {
    const { registry } = await subjectAt('FULL_TRANSITIVE');
    const comparison = await compareVersions({ registry, subject: 'unit.Shipped', from: 1, to: 2 });
    expect(comparison.checkedAgainst).toEqual([1]);
    expect(comparison.result.compatible).toBe(true);
  });
});

describe('compareVersions with a pasted draft (to: draft)', () => {
  it('judges the text as the next version, as a local file is, whichever version is shown beside it', async () => {
    const { registry } = await subjectAt('FULL_TRANSITIVE');
    for (const from of [undefined, 1] as const) {
      const comparison = await compareVersions({ registry, subject: 'unit.Shipped', to: 'draft', draft, from });
      expect(comparison.to).toMatchObject({ label: 'pasted draft', schema: draft });
      expect(comparison.checkedAgainst).toEqual([1, 2]);
      expect(comparison.result.findings.filter((f) => f.breaking).map((f) => f.ruleId)).toContain(
        'MISSING_UNION_BRANCH',
      );
    }
    expect(await registry.listVersions('unit.Shipped')).toEqual([1, 2]); // nothing registered
  });

  it('refuses an empty draft', async () => {
    const { registry } = await subjectAt('BACKWARD');
    await expect(compareVersions({ registry, subject: 'unit.Shipped', to: 'draft', draft: ' ' })).rejects.toThrow(
      'no draft schema to check against "unit.Shipped"',
    );
  });
});
