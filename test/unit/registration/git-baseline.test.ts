/**
 * `contracts check --against <git-ref>` end to end in a throw-away git repository: commit the
 * schemas, change them, check the working tree against HEAD.
 */
import { execFileSync } from 'node:child_process';
import { loadConfig } from '../../../src/config';
import { BaselineError } from '../../../src/errors';
import { gitBaseline } from '../../../src/registration';
import { runCli } from '../../support/temp-project';
import { createProject, type TempProject } from '../../support/contract-project';

// These tests start the CLI (about 1.5 s each through tsx, more on a busy machine).
jest.setTimeout(60_000);

function git(dir: string, ...args: string[]): void {
  execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
}

let project: TempProject;
beforeEach(() => {
  project = createProject({ namespace: 'test.git' });
  git(project.dir, 'init', '-q', '-b', 'main');
  git(project.dir, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '.');
  git(project.dir, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'contracts');
});
afterEach(() => project.cleanup());

const check = (...args: string[]) => runCli(['check', '--against', 'HEAD', ...args], project.dir);

describe('check --against <git-ref>', () => {
  it('passes (exit 0) when nothing changed', () => {
    const result = check();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/checked 4 subject\(s\) against git HEAD: 0 changed, 0 incompatible/);
  });

  it('fails (exit 1) with the rule ID, subject, file, line, path and fragments of a breaking change', () => {
    project.edit('schemas/OrderShipped.avsc', (s) => s.fields.push({ name: 'trackingId', type: 'string' }));
    const result = check();
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('test.git.OrderShipped');
    expect(result.stdout).toContain('FIELD_ADDED_WITHOUT_DEFAULT /fields/6 schemas/OrderShipped.avsc:');
    expect(result.stdout).toContain('+ {"name":"trackingId","type":"string"}');
    expect(result.stdout).toMatch(
      /Field `trackingId` was added without a default: consumers on the new schema cannot read events written with version 1\./,
    );
  });

  it('passes (exit 0) for a compatible change and says the subject changed', () => {
    project.edit('schemas/OrderShipped.avsc', (s) =>
      s.fields.push({ name: 'trackingId', type: ['null', 'string'], default: null }),
    );
    const result = check();
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /✓ test\.git\.OrderShipped schemas\/OrderShipped\.avsc FULL_TRANSITIVE vs v1 compatible/,
    );
  });

  it('checks a change of a referenced type in the subjects that use it too', () => {
    project.edit('schemas/Money.avsc', (s) => {
      s.fields = s.fields.filter((f) => f.name !== 'currency');
    });
    const result = check('--format', 'json');
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as {
      subjects: Array<{ subject: string; compatible: boolean; findings: Array<{ ruleId: string }> }>;
    };
    const broken = report.subjects.filter((s) => !s.compatible).map((s) => s.subject);
    expect(broken).toEqual(['test.git.Money', 'test.git.OrderPlaced', 'orders-value']);
    expect(report.subjects[0]?.findings.map((f) => f.ruleId)).toEqual(['FIELD_REMOVED_WITHOUT_DEFAULT']);
  });

  it('annotates the schema file line for GitHub Actions', () => {
    project.edit('schemas/OrderShipped.avsc', (s) => s.fields.push({ name: 'trackingId', type: 'string' }));
    const text = project.read('schemas/OrderShipped.avsc');
    const line = text.split('\n').findIndex((l) => l.includes('"trackingId"')) + 1;
    const result = check('--format', 'github');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      `::error file=schemas/OrderShipped.avsc,line=${line - 1},title=FIELD_ADDED_WITHOUT_DEFAULT (test.git.OrderShipped)::Field \`trackingId\` was added without a default`,
    );
  });

  it('points at the record that lost a removed field', () => {
    project.edit('schemas/OrderShipped.avsc', (s) => {
      s.fields = s.fields.filter((f) => f.name !== 'carrier');
    });
    const result = check('--format', 'github');
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      /::error file=schemas\/OrderShipped\.avsc,line=1,title=FIELD_REMOVED_WITHOUT_DEFAULT/,
    );
  });

  it("checks at the level of the working tree's config", () => {
    project.edit('schemas/OrderShipped.avsc', (s) => s.fields.push({ name: 'trackingId', type: 'string' }));
    const config = JSON.parse(project.read('contracts.config.json'));
    config.topics[0].compatibility = 'FORWARD';
    project.write('contracts.config.json', JSON.stringify(config));
    expect(check().status).toBe(0);
  });

  it('ends with exit 2 and names the ref for an unknown ref', () => {
    const result = runCli(['check', '--against', 'no-such-branch'], project.dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/git no-such-branch: is neither a git ref nor a lock file/);
    expect(result.stderr).toMatch(/fix: fetch it first/);
  });

  it('ends with exit 2 and names the file at the ref when the baseline is broken', () => {
    project.write('schemas/Money.avsc', '{"type": "record", "name": ');
    git(project.dir, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-am', 'broken');
    project.write(
      'schemas/Money.avsc',
      JSON.stringify({ type: 'record', name: 'Money', namespace: 'test.git', fields: [] }),
    );
    const result = check();
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/HEAD: the baseline cannot be read: schemas\/Money\.avsc: is not valid JSON/);
  });

  it('ends with exit 2 and names the lock file when --against names a malformed one', () => {
    project.write('old.lock.json', '{"lockfileVersion": 2}');
    const result = runCli(['check', '--against', 'old.lock.json'], project.dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/old\.lock\.json: is not a contracts lock file/);
  });

  it('needs exactly one of --registry and --against', () => {
    const result = runCli(['check'], project.dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/exactly one of --registry or --against/);
  });
});

describe('gitBaseline', () => {
  it('reads the subjects at the ref, one version each', () => {
    project.edit('schemas/OrderShipped.avsc', (s) => s.fields.push({ name: 'x', type: 'int' }));
    const baseline = gitBaseline({ config: loadConfig(project.configFile), ref: 'HEAD' });
    expect([...baseline.subjects.keys()]).toEqual([
      'test.git.Money',
      'test.git.OrderPlaced',
      'test.git.OrderShipped',
      'orders-value',
    ]);
    const shipped = baseline.subjects.get('test.git.OrderShipped')!;
    expect(shipped.versions).toHaveLength(1);
    expect(shipped.versions[0]?.schema).not.toContain('"x"');
    expect(shipped.versions[0]?.source).toBe('HEAD:schemas/OrderShipped.avsc');
  });

  it('refuses a folder outside git', () => {
    const outside = createProject();
    try {
      expect(() => gitBaseline({ config: loadConfig(outside.configFile), ref: 'HEAD' })).toThrow(BaselineError);
    } finally {
      outside.cleanup();
    }
  });
});
