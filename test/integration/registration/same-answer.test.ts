/**
 * One question, one answer: "is this schema compatible as the next version of the subject?" asked
 * of `contracts diff`, `contracts check` and the UI's diff gets the same verdict from each, on the
 * real registry. The subject is BACKWARD_TRANSITIVE: v1 {}, v2 {a with a default}; the local file
 * {a without a default} is fine against v2 alone and breaks against v1 — so any copy of the logic
 * that checks only the pair answers differently.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../../src/config';
import { createSchemaRegistryClient } from '../../../src/registry';
import { createUiServer, type DiffView, type UiServer } from '../../../src/ui';
import { runCli } from '../../support/temp-project';
import { stackEnv } from '../../support/stack-env';

const run = randomBytes(3).toString('hex');
const namespace = `agree${run}`;
const topic = `agree-${run}`;
const subject = `${namespace}.Rec`;
const record = (fields: object[]) => ({
  type: 'record',
  name: 'Rec',
  namespace,
  fields: [{ name: 'eventType', type: 'string' }, { name: 'bookingId', type: 'string' }, ...fields],
});
const v1 = record([]);
const v2 = record([{ name: 'a', type: 'int', default: 0 }]);
const v3 = record([{ name: 'a', type: 'int' }]);

const dir = mkdtempSync(join(tmpdir(), 'contracts-agree-'));
let ui: UiServer;

beforeAll(async () => {
  const { registryUrl } = stackEnv();
  const registry = createSchemaRegistryClient({ url: registryUrl });
  await registry.register(subject, { schema: JSON.stringify(v1) });
  await registry.setCompatibility('BACKWARD_TRANSITIVE', subject);
  await registry.register(subject, { schema: JSON.stringify(v2) });
  mkdirSync(join(dir, 'schemas'));
  writeFileSync(join(dir, 'schemas', 'Rec.avsc'), JSON.stringify(v3));
  writeFileSync(join(dir, 'schemas', 'value.avsc'), JSON.stringify([`${namespace}.Rec`]));
  writeFileSync(
    join(dir, 'contracts.config.json'),
    JSON.stringify({
      topics: [
        {
          name: topic,
          format: 'AVRO',
          value: 'schemas/value.avsc',
          events: [{ type: 'rec', schema: 'schemas/Rec.avsc' }],
          subjectStrategy: 'RecordNameStrategy',
          compatibility: 'BACKWARD_TRANSITIVE',
        },
      ],
    }),
  );
  ui = await createUiServer({ registry: registryUrl, config: loadConfig(join(dir, 'contracts.config.json')), port: 0 });
});

afterAll(async () => {
  await ui?.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ ...process.env, SCHEMA_REGISTRY_URL: stackEnv().registryUrl });

it('contracts diff, contracts check and the UI give the same verdict, naming the same rule against v1', async () => {
  const diff = runCli(['diff', subject, '--local', '--format', 'json'], dir, env());
  const diffReport = JSON.parse(diff.stdout) as {
    compatible: boolean;
    changes: Array<{ breaks: Array<{ ruleId: string; previousVersion?: number }> }>;
    otherBreaks: Array<{ ruleId: string }>;
  };

  const check = runCli(['check', '--registry', '--format', 'json'], dir, env());
  const checkReport = JSON.parse(check.stdout) as { subjects: Array<{ subject: string; compatible: boolean }> };

  const response = await fetch(`${ui.url}/api/subjects/${encodeURIComponent(subject)}/diff?from=2&to=local`);
  const view = (await response.json()) as DiffView;

  const verdicts = {
    diff: diffReport.compatible,
    check: checkReport.subjects.find((s) => s.subject === subject)?.compatible,
    ui: view.verdict.compatible,
  };
  expect(verdicts).toEqual({ diff: false, check: false, ui: false });
  expect(check.status).toBe(1);

  const diffRules = [...diffReport.changes.flatMap((c) => c.breaks), ...diffReport.otherBreaks].map((f) => f.ruleId);
  expect(diffRules).toContain('FIELD_ADDED_WITHOUT_DEFAULT');
  const uiBreaking = view.verdict.findings.filter((f) => f.breaking);
  expect(uiBreaking.map((f) => [f.ruleId, f.previousVersion])).toContainEqual(['FIELD_ADDED_WITHOUT_DEFAULT', 1]);
  expect(view.verdict.checkedAgainst).toEqual([1, 2]);
});

it('the same two registered versions, diffed pairwise by CLI and UI, agree too', async () => {
  const { registryUrl } = stackEnv();
  // v3 goes in at NONE (as a team that forced it would), then the subject is transitive again
  const registry = createSchemaRegistryClient({ url: registryUrl });
  await registry.setCompatibility('NONE', subject);
  await registry.register(subject, { schema: JSON.stringify(v3) });
  await registry.setCompatibility('BACKWARD_TRANSITIVE', subject);

  const diff = runCli(['diff', subject, '--from', '2', '--to', '3', '--format', 'json'], dir, env());
  const diffReport = JSON.parse(diff.stdout) as { compatible: boolean };
  const view = (await (
    await fetch(`${ui.url}/api/subjects/${encodeURIComponent(subject)}/diff?from=2&to=3`)
  ).json()) as DiffView;
  expect({ diff: diffReport.compatible, ui: view.verdict.compatible }).toEqual({ diff: false, ui: false });
  expect(view.verdict.findings.filter((f) => f.breaking).map((f) => f.ruleId)).toContain('FIELD_ADDED_WITHOUT_DEFAULT');
});
