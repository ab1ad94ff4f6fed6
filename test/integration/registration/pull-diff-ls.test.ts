/** `contracts pull`, `ls` and `diff` against the real registry. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LockFile, SubjectDiff } from '../../../src/registration';
import { createSchemaRegistryClient } from '../../../src/registry';
import { stackEnv } from '../../support/stack-env';
import { runCli } from '../../support/temp-project';
import { createProject, type TempProject } from '../../support/contract-project';

// Each test runs the CLI several times (about 1.5 s per start through tsx).
jest.setTimeout(120_000);

let p: TempProject;
beforeAll(() => {
  const id = randomBytes(4).toString('hex');
  p = createProject({ topic: `orders-${id}`, namespace: `it.pdl${id}` });
  expect(runCli(['register'], p.dir).status).toBe(0);
  p.edit('schemas/OrderShipped.avsc', (s) => s.fields.push({ name: 'note', type: ['null', 'string'], default: null }));
  expect(runCli(['register'], p.dir).status).toBe(0);
});
afterAll(() => p.cleanup());

const cli = (...args: string[]) => runCli(args, p.dir);

describe('contracts pull', () => {
  it("writes the config's subjects with every version, ID, reference and level, deterministically", () => {
    const first = cli('pull', '--config-subjects', '--out', 'contracts.lock.json');
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/wrote 4 subject\(s\), 6 version\(s\) from http:\/\/\S+ to contracts\.lock\.json/);
    const text = readFileSync(join(p.dir, 'contracts.lock.json'), 'utf8');
    const lock = JSON.parse(text) as LockFile;
    expect(Object.keys(lock.subjects)).toEqual(
      [`${p.namespace}.Money`, `${p.namespace}.OrderPlaced`, `${p.namespace}.OrderShipped`, `${p.topic}-value`].sort(),
    );
    const shipped = lock.subjects[`${p.namespace}.OrderShipped`]!;
    expect(shipped.compatibility).toBe('FULL_TRANSITIVE');
    expect(shipped.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(shipped.versions.every((v) => v.id > 0)).toBe(true);
    expect(lock.subjects[`${p.topic}-value`]?.versions[1]?.references).toContainEqual({
      name: `${p.namespace}.OrderShipped`,
      subject: `${p.namespace}.OrderShipped`,
      version: 2,
    });

    const again = cli('pull', '--config-subjects', '--out', 'again.lock.json', '--format', 'json');
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({
      file: 'again.lock.json',
      registry: lock.registry,
      subjects: 4,
      versions: 6,
    });
    expect(readFileSync(join(p.dir, 'again.lock.json'), 'utf8')).toBe(text);
  });

  it('is a baseline for check --against <lock-file>', () => {
    expect(cli('pull', '--prefix', p.namespace, '--out', 'ns.lock.json').status).toBe(0);
    p.edit('schemas/OrderPlaced.avsc', (s) => s.fields.push({ name: 'coupon', type: 'string' }));
    try {
      const result = cli('check', '--against', 'ns.lock.json');
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/FIELD_ADDED_WITHOUT_DEFAULT/);
    } finally {
      p.edit('schemas/OrderPlaced.avsc', (s) => {
        s.fields = s.fields.filter((f) => f.name !== 'coupon');
      });
    }
  });
});

describe('contracts ls', () => {
  it('lists subjects with versions, IDs and levels', () => {
    const result = cli('ls', '--prefix', p.namespace);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`${p.namespace}\\.OrderShipped\\s+AVRO\\s+v1:\\d+ v2:\\d+\\s+FULL_TRANSITIVE`),
    );
    expect(result.stdout).not.toContain(`${p.topic}-value`);
    const listed = JSON.parse(cli('ls', '--prefix', p.namespace, '--format', 'json').stdout) as {
      subjects: Array<{ subject: string }>;
    };
    expect(listed.subjects.map((s) => s.subject)).toEqual([
      `${p.namespace}.Money`,
      `${p.namespace}.OrderPlaced`,
      `${p.namespace}.OrderShipped`,
    ]);
  });

  it('labels each level as the subject\'s own or the global one (never Apicurio\'s NONE for "no level")', async () => {
    const registry = createSchemaRegistryClient({ url: stackEnv().registryUrl });
    const bare = `${p.namespace}.Bare`;
    await registry.register(bare, {
      schema: JSON.stringify({ type: 'record', name: 'Bare', namespace: p.namespace, fields: [] }),
    });
    const global = await registry.getCompatibility();
    const text = cli('ls', '--prefix', p.namespace).stdout;
    expect(text).toMatch(
      new RegExp(`${p.namespace}\\.OrderShipped\\s+AVRO\\s+v1:\\d+ v2:\\d+\\s+FULL_TRANSITIVE \\(subject's own\\)`),
    );
    expect(text).toMatch(new RegExp(`${p.namespace}\\.Bare\\s+AVRO\\s+v1:\\d+\\s+${global} \\(global\\)`));
    const listed = JSON.parse(cli('ls', '--prefix', p.namespace, '--format', 'json').stdout) as {
      subjects: Array<{
        subject: string;
        compatibility: string | null;
        effectiveCompatibility: string;
        compatibilitySource: string;
      }>;
    };
    expect(listed.subjects.find((s) => s.subject === bare)).toMatchObject({
      compatibility: null,
      effectiveCompatibility: global,
      compatibilitySource: 'global',
    });
    expect(listed.subjects.find((s) => s.subject === `${p.namespace}.Money`)).toMatchObject({
      effectiveCompatibility: 'FULL_TRANSITIVE',
      compatibilitySource: 'subject',
    });
  });
});

describe('contracts diff', () => {
  it("names the changes between two versions and what they break at the subject's level", () => {
    const result = cli('diff', `${p.namespace}.OrderShipped`, '--format', 'json');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const diff = JSON.parse(result.stdout) as SubjectDiff;
    expect(diff).toMatchObject({
      fromLabel: 'v1',
      toLabel: 'v2',
      level: 'FULL_TRANSITIVE',
      levelSource: 'subject',
      compatible: true,
    });
    expect(diff.changes.map((c) => [c.kind, c.breaks.length])).toEqual([['FIELD_ADDED', 0]]);
  });

  it('compares the latest version with the local schema with --local', () => {
    p.edit('schemas/OrderShipped.avsc', (s) => {
      s.fields = s.fields.filter((f) => f.name !== 'carrier');
    });
    try {
      const result = cli('diff', `${p.namespace}.OrderShipped`, '--local');
      // a draft's breaking change is a finding, as `contracts check` reports it
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/v2 → schemas\/OrderShipped\.avsc at FULL_TRANSITIVE/);
      expect(result.stdout).toMatch(/FIELD_REMOVED \/fields\/5 Field `carrier` \(string, no default\) was removed\./);
      expect(result.stdout).toMatch(/breaks FIELD_REMOVED_WITHOUT_DEFAULT \(FORWARD\)/);
    } finally {
      p.edit('schemas/OrderShipped.avsc', (s) => {
        s.fields.splice(5, 0, { name: 'carrier', type: 'string' });
      });
    }
  });

  it('checks a local draft as the registry will, against every version at FULL_TRANSITIVE, whichever version it is shown beside', () => {
    // `note` was ["null","string"] in v2 (absent in v1): as ["null","int"] the draft reads v1 data
    // but not v2's, whose string branch it lacks
    p.edit('schemas/OrderShipped.avsc', (s) => {
      s.fields.find((f) => f.name === 'note')!.type = ['null', 'int'];
    });
    try {
      for (const from of [[], ['--from', '1']]) {
        const result = cli('diff', `${p.namespace}.OrderShipped`, '--local', ...from, '--format', 'json');
        expect(result.status).toBe(1);
        const diff = JSON.parse(result.stdout) as SubjectDiff;
        expect(diff).toMatchObject({ level: 'FULL_TRANSITIVE', compatible: false });
        const rules = [...diff.changes.flatMap((c) => c.breaks), ...diff.otherBreaks].map((f) => f.ruleId);
        expect(rules).toContain('MISSING_UNION_BRANCH');
      }
    } finally {
      p.edit('schemas/OrderShipped.avsc', (s) => {
        s.fields.find((f) => f.name === 'note')!.type = ['null', 'string'];
      });
    }
  });

  it('names an unknown subject and exits 2', () => {
    const result = cli('diff', 'no.such.Subject');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/subject "no\.such\.Subject" is not in the registry/);
  });
});
