/** `contracts check --registry` against the real registry: exit 0 compatible, 1 incompatible, 2 error. */
import { randomBytes } from 'node:crypto';
import type { CheckReport } from '../../../src/registration';
import { runCli } from '../../support/temp-project';
import { createProject, type TempProject } from '../../support/contract-project';

// Each test runs the CLI several times (about 1.5 s per start through tsx).
jest.setTimeout(120_000);

const projects: TempProject[] = [];
afterAll(() => projects.forEach((p) => p.cleanup()));

function registered(): TempProject {
  const id = randomBytes(4).toString('hex');
  const project = createProject({ topic: `orders-${id}`, namespace: `it.chk${id}` });
  projects.push(project);
  const result = runCli(['register'], project.dir);
  if (result.status !== 0) throw new Error(`register failed: ${result.stderr}`);
  return project;
}

const check = (p: TempProject, ...args: string[]) => runCli(['check', '--registry', ...args], p.dir);

describe('contracts check --registry', () => {
  it('passes (exit 0) when every subject is unchanged', () => {
    const p = registered();
    const result = check(p);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /checked 4 subject\(s\) against the registry at http:\/\/\S+: 0 changed, 0 incompatible/,
    );
  });

  it("passes (exit 0) for a compatible change, at the subject's level against all versions", () => {
    const p = registered();
    p.edit('schemas/OrderShipped.avsc', (s) =>
      s.fields.push({ name: 'note', type: ['null', 'string'], default: null }),
    );
    const result = check(p, '--format', 'json');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as CheckReport;
    expect(report.subjects.find((s) => s.subject === `${p.namespace}.OrderShipped`)).toMatchObject({
      status: 'new-version',
      level: 'FULL_TRANSITIVE',
      compatible: true,
      against: [1],
    });
  });

  it("fails (exit 1) for an incompatible change, with the reasons (the offline checker's when the registry gives none)", () => {
    const p = registered();
    p.edit('schemas/OrderShipped.avsc', (s) => {
      s.fields = s.fields.filter((f) => f.name !== 'carrier');
    });
    const result = check(p);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(`✗ ${p.namespace}\\.OrderShipped schemas/OrderShipped\\.avsc FULL_TRANSITIVE vs v1 incompatible`),
    );
    // Apicurio answers without reasons; Confluent gives its own (printed as "registry: …")
    expect(result.stdout).toMatch(/FIELD_REMOVED_WITHOUT_DEFAULT|registry: /);
    const github = check(p, '--format', 'github');
    expect(github.status).toBe(1);
    expect(github.stdout).toMatch(/^::error file=schemas\/OrderShipped\.avsc,line=\d+,title=/m);
  });

  it('fails with exit 2 when the registry URL is wrong', () => {
    const p = registered();
    const result = runCli(['check', '--registry', 'http://127.0.0.1:1/apis/ccompat/v7'], p.dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/http:\/\/127\.0\.0\.1:1\/apis\/ccompat\/v7\/subjects failed/);
  });
});
