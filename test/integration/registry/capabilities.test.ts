/**
 * `check --registry` and `register --dry-run` give a verdict for every subject whatever the
 * registry can test: on Apicurio 3.0 (which cannot test schemas with references: 422 for Avro,
 * 500 for JSON Schema `$ref`s) and on a registry without the all-versions compatibility route
 * (Karapace; here the real registry behind a proxy that answers that route as Karapace does).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CheckReport, RegistrationPlan } from '../../../src/registration';
import { KARAPACE_NO_ALL_VERSIONS, startRouteFilterProxy } from '../../support/route-filter-proxy';
import { stackEnv } from '../../support/stack-env';
import { runCli } from '../../support/temp-project';
import { createProject, type TempProject } from '../../support/contract-project';

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '../../..');
const projects: TempProject[] = [];
afterAll(() => projects.forEach((p) => p.cleanup()));

/** The Avro test project plus a JSON Schema topic whose events `$ref` a shared Money schema. */
function mixedProject(): TempProject & { id: string; jsonTopic: string } {
  const id = randomBytes(4).toString('hex');
  const project = createProject({ topic: `orders-${id}`, namespace: `it.cap${id}` });
  projects.push(project);
  cpSync(join(ROOT, 'schemas/json'), join(project.dir, 'json'), { recursive: true });
  // the topic (unique per run) namespaces the JSON subjects; unique titles keep the types apart too
  for (const file of readdirSync(join(project.dir, 'json'))) {
    const path = join(project.dir, 'json', file);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/"title": "(\w+)"/, `"title": "$1X${id}"`));
  }
  const config = JSON.parse(readFileSync(project.configFile, 'utf8')) as { topics: unknown[] };
  const jsonTopic = `bookings-${id}`;
  config.topics.push({
    name: jsonTopic,
    format: 'JSON',
    value: 'json/bookings-value.schema.json',
    references: ['json/money.schema.json', 'json/booking-type.schema.json'],
    events: ['created', 'confirmed', 'cancelled', 'failed'].map((e) => ({
      type: `booking.${e}`,
      schema: `json/booking-${e}.schema.json`,
    })),
    compatibility: 'BACKWARD_TRANSITIVE',
  });
  writeFileSync(project.configFile, JSON.stringify(config, null, 2));
  return Object.assign(project, { id, jsonTopic });
}

function editJson(
  project: TempProject,
  file: string,
  change: (schema: { properties: Record<string, unknown>; required?: string[] }) => void,
): void {
  const path = join(project.dir, file);
  const schema = JSON.parse(readFileSync(path, 'utf8')) as { properties: Record<string, unknown>; required?: string[] };
  change(schema);
  writeFileSync(path, JSON.stringify(schema, null, 2));
}

/** The CLI without blocking this process (the proxy answers in it). */
function cli(
  project: TempProject,
  args: string[],
  registryUrl: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'contracts.js'), ...args], {
      cwd: project.dir,
      env: { ...process.env, SCHEMA_REGISTRY_URL: registryUrl },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => resolveRun({ status, stdout, stderr }));
  });
}

/**
 * The project, registered. A registry without JSON Schema references (Karapace: 422, error code
 * 44302) gets the JSON topic bundled, as the kit's refusal hint tells a user to do.
 */
function registered(): ReturnType<typeof mixedProject> & { bundled: boolean } {
  const project = mixedProject();
  let result = runCli(['register'], project.dir);
  let bundled = false;
  if (result.status !== 0 && /44302/.test(result.stderr + result.stdout)) {
    const config = JSON.parse(readFileSync(project.configFile, 'utf8')) as { topics: Array<Record<string, unknown>> };
    config.topics.find((t) => t.name === project.jsonTopic)!.jsonReferences = 'bundle';
    writeFileSync(project.configFile, JSON.stringify(config, null, 2));
    bundled = true;
    result = runCli(['register'], project.dir);
  }
  if (result.status !== 0) throw new Error(`register failed: ${result.stderr}${result.stdout}`);
  return Object.assign(project, { bundled });
}

describe('a verdict for every subject', () => {
  it("JSON Schema subjects with $ref get the kit's checker's verdict on Apicurio (labelled), the registry's when bundled, next to the registry's for Avro", async () => {
    const p = registered();
    p.edit('schemas/OrderShipped.avsc', (s) => {
      s.fields = s.fields.filter((f) => f.name !== 'carrier');
    });
    editJson(p, 'json/booking-created.schema.json', (s) => {
      s.properties.note = { type: 'string' };
    });
    const result = await cli(p, ['check', '--registry', '--format', 'json'], stackEnv().registryUrl);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as CheckReport;
    const bySubject = new Map(report.subjects.map((s) => [s.subject, s]));
    expect(bySubject.get(`${p.namespace}.OrderShipped`)).toMatchObject({
      status: 'new-version',
      compatible: false,
      source: 'registry',
    });
    // bundled (no references), the registry tests the JSON subject itself
    const jsonSource = p.bundled ? 'registry' : 'offline';
    expect(bySubject.get(`bookings-${p.id}.BookingCreatedX${p.id}`)).toMatchObject({
      status: 'new-version',
      compatible: true,
      source: jsonSource,
      level: 'BACKWARD_TRANSITIVE',
    });
    if (!p.bundled) {
      expect(bySubject.get(`bookings-${p.id}.BookingCreatedX${p.id}`)?.note).toMatch(
        /cannot test schemas with references \(it answered 500\)/,
      );
    }
    expect(report.subjects.every((s) => !s.error)).toBe(true);

    // an incompatible JSON change is found too, and the Avro verdict still stands
    editJson(p, 'json/booking-created.schema.json', (s) => {
      s.required = [...(s.required ?? []), 'note'];
    });
    const dry = await cli(p, ['register', '--dry-run', '--format', 'json'], stackEnv().registryUrl);
    expect(dry.status).toBe(1);
    const plan = JSON.parse(dry.stdout) as RegistrationPlan;
    expect(plan.subjects.find((s) => s.subject === `bookings-${p.id}.BookingCreatedX${p.id}`)?.verdict).toMatchObject({
      compatible: false,
      source: jsonSource,
    });
    expect(plan.subjects.find((s) => s.subject === `${p.namespace}.OrderShipped`)?.verdict).toMatchObject({
      compatible: false,
      source: 'registry',
    });
    expect(plan.failed).toBe(0);
  });

  it("without the all-versions route (Karapace's 404): one registry test per version, same verdicts, exit 0 / 1", async () => {
    const p = registered();
    const proxy = await startRouteFilterProxy(stackEnv().registryUrl, [KARAPACE_NO_ALL_VERSIONS]);
    try {
      p.edit('schemas/OrderShipped.avsc', (s) =>
        s.fields.push({ name: 'note', type: ['null', 'string'], default: null }),
      );
      const ok = await cli(p, ['check', '--registry', '--format', 'json'], proxy.url);
      expect(ok.stderr).toBe('');
      expect(ok.status).toBe(0);
      const report = JSON.parse(ok.stdout) as CheckReport;
      expect(report.subjects.find((s) => s.subject === `${p.namespace}.OrderShipped`)).toMatchObject({
        compatible: true,
        source: 'registry',
        against: [1],
      });
      expect(proxy.seen).toContain(`POST /compatibility/subjects/${p.namespace}.OrderShipped/versions/1?verbose=true`);
      // the missing route was asked once in the run, then not again
      expect(proxy.seen.filter((r) => /\/versions\?verbose=true$/.test(r)).length).toBe(1);

      p.edit('schemas/OrderShipped.avsc', (s) => {
        s.fields = s.fields.filter((f) => f.name !== 'carrier');
      });
      const bad = await cli(p, ['register', '--dry-run'], proxy.url);
      expect(bad.status).toBe(1);
      expect(bad.stdout).toMatch(
        new RegExp(
          `${p.namespace}\\.OrderShipped\\s+new version after v1: INCOMPATIBLE at FULL_TRANSITIVE \\(all versions\\)`,
        ),
      );
    } finally {
      await proxy.close();
    }
  });

  it('one subject the registry fails on gets "no verdict" and exit 2, the others still get theirs', async () => {
    const p = registered();
    const broken = `${p.namespace}.OrderShipped`;
    const proxy = await startRouteFilterProxy(stackEnv().registryUrl, [
      {
        matches: (method, path) => method === 'POST' && path.startsWith(`/subjects/${broken}`),
        status: 500,
        body: { error_code: 50001, message: 'Error in the backend data store' },
      },
    ]);
    try {
      p.edit('schemas/OrderPlaced.avsc', (s) =>
        s.fields.push({ name: 'note', type: ['null', 'string'], default: null }),
      );
      const result = await cli(p, ['check', '--registry'], proxy.url);
      expect(result.status).toBe(2);
      expect(result.stdout).toMatch(
        new RegExp(`! ${broken} schemas/OrderShipped\\.avsc no verdict: .*answered 500 \\(error code 50001\\)`),
      );
      expect(result.stdout).toMatch(
        new RegExp(`✓ ${p.namespace}\\.OrderPlaced schemas/OrderPlaced\\.avsc FULL_TRANSITIVE vs v1 compatible`),
      );
      expect(result.stdout).toMatch(/1 without a verdict/);
      expect(result.stderr).toMatch(new RegExp(`no verdict for ${broken}`));
    } finally {
      await proxy.close();
    }
  });
});
