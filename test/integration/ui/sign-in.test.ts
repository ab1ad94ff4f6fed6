/**
 * The UI shared by a team, in Chromium against the real registry: sign-in with a users file, a
 * viewer who sees no action, an operator who previews a subject's new compatibility level and
 * applies it (the registry then holds it), sign-out, and the audit log those steps leave.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createSchemaRegistryClient } from '../../../src/registry';
import type { UiServer } from '../../../src/ui';
import { ARTIFACTS, startUiInChromium } from '../../support/chromium';
import { createProject, type TempProject } from '../../support/contract-project';
import { stackEnv } from '../../support/stack-env';
import { runCli } from '../../support/temp-project';
import { writeUsersFile } from '../../support/ui-users';

jest.setTimeout(120_000);

let p: TempProject;
let ui: UiServer;
let close: (() => Promise<void>) | undefined;
let page: Page;
let subject: string;
const dir = mkdtempSync(join(tmpdir(), 'contracts-ui-sign-in-'));
const audit = join(dir, 'audit.jsonl');

beforeAll(async () => {
  const id = randomBytes(4).toString('hex');
  p = createProject({ topic: `signin-${id}`, namespace: `it.signin${id}` });
  subject = `${p.namespace}.OrderShipped`;
  expect(runCli(['register'], p.dir).status).toBe(0);
  const users = writeUsersFile([
    { name: 'ana', role: 'operator', password: 'ana pass phrase' },
    { name: 'vic', role: 'viewer', password: 'vic pass phrase' },
  ]);
  ({ ui, page, close } = await startUiInChromium({ registry: stackEnv().registryUrl, users, auditLog: audit }));
});

afterAll(async () => {
  await close?.();
  p?.cleanup();
});

async function signIn(name: string, password: string): Promise<void> {
  await page.fill('input[name="name"]', name);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
}

const subjectPage = () => `${ui.url}/#/subjects?s=${encodeURIComponent(subject)}`;

describe('sign-in and roles in Chromium', () => {
  it('asks for a sign-in, and says so when it is wrong', async () => {
    await page.goto(subjectPage());
    await page.locator('form.login-form').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.screenshot({ path: join(ARTIFACTS, 'sign-in.png') });
    await signIn('vic', 'not the pass phrase');
    await page.locator('form.login-form .error').waitFor();
    await expect(page.locator('form.login-form .error').textContent()).resolves.toBe('Wrong name or password.');
  });

  it('shows a viewer the subject, and no action', async () => {
    await signIn('vic', 'vic pass phrase');
    await page.locator(`[data-view-subject="${subject}"]`).waitFor();
    await expect(page.locator('#who').textContent()).resolves.toContain('vic · viewer');
    await expect(page.locator('#change-level').count()).resolves.toBe(0);
    await page.click('#who button'); // sign out
    await page.locator('form.login-form').waitFor();
  });

  it("lets an operator preview a subject's new level, then apply it", async () => {
    await page.goto(subjectPage());
    await signIn('ana', 'ana pass phrase');
    await page.locator(`[data-view-subject="${subject}"]`).waitFor();
    // the top bar holds the views, the addresses and who is signed in on one line at 1280 px
    const bar = await page.locator('header.topbar').boundingBox();
    expect(bar!.height).toBeLessThan(56);
    const before = await page.locator('.subhead .badge').nth(1).textContent();
    await page.click('#change-level');
    await page.selectOption('#new-level', 'FORWARD_TRANSITIVE');
    await page.click('#preview-level');
    const preview = await page.locator('#level-preview').textContent();
    expect(preview).toBe(
      `${subject}: ${before!.replace(' (global)', '')}${before!.includes('(global)') ? ' (global)' : ''} → FORWARD_TRANSITIVE. `,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'level-preview.png') });
    const registry = createSchemaRegistryClient({ url: stackEnv().registryUrl });
    expect(await registry.getCompatibility(subject)).not.toBe('FORWARD_TRANSITIVE'); // a preview changes nothing
    await page.click('#apply-level');
    await page.locator('.subhead .badge', { hasText: /^FORWARD_TRANSITIVE$/ }).waitFor();
    expect(await registry.getCompatibility(subject)).toBe('FORWARD_TRANSITIVE');
  });

  it('leaves every step in the audit log', () => {
    const entries = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.map((e) => `${e.user} ${e.action} ${e.result}${e.dryRun ? ' dry-run' : ''}`)).toEqual([
      'vic sign-in refused',
      'vic sign-in ok',
      'vic sign-out ok',
      'ana sign-in ok',
      'ana set-level ok dry-run',
      'ana set-level ok',
    ]);
    expect(entries.at(-1)).toMatchObject({ target: subject, detail: expect.stringMatching(/→ FORWARD_TRANSITIVE$/) });
  });
});
