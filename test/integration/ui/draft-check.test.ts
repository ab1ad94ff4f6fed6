/**
 * The UI's draft check gives the registry's verdict: a local schema file that breaks v2 of a
 * FULL_TRANSITIVE subject (and would be compatible with v1 alone) is shown as breaking, checked
 * against versions 1 and 2, whichever version the page shows it beside. It once compared the draft
 * with the version before the latest and called it compatible, while `contracts check --registry`
 * refused it.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loadConfig } from '../../../src/config';
import { createSchemaRegistryClient } from '../../../src/registry';
import type { UiServer } from '../../../src/ui';
import { ARTIFACTS, startUiInChromium } from '../../support/chromium';
import { createProject, type TempProject } from '../../support/contract-project';
import { stackEnv } from '../../support/stack-env';
import { runCli } from '../../support/temp-project';

jest.setTimeout(120_000);

let p: TempProject;
let ui: UiServer;
let close: (() => Promise<void>) | undefined;
let page: Page;
let subject: string;

beforeAll(async () => {
  const id = randomBytes(4).toString('hex');
  p = createProject({ topic: `drafts-${id}`, namespace: `it.draft${id}` });
  subject = `${p.namespace}.OrderShipped`;
  expect(runCli(['register'], p.dir).status).toBe(0);
  p.edit('schemas/OrderShipped.avsc', (s) => s.fields.push({ name: 'note', type: ['null', 'string'], default: null }));
  expect(runCli(['register'], p.dir).status).toBe(0);
  // the draft: `note` as ["null","int"] reads v1's data (no note) but not v2's strings
  p.edit('schemas/OrderShipped.avsc', (s) => {
    s.fields.find((f) => f.name === 'note')!.type = ['null', 'int'];
  });
  ({ ui, page, close } = await startUiInChromium(
    { registry: stackEnv().registryUrl, config: loadConfig(p.configFile) },
    { width: 1440, height: 900 },
  ));
});

afterAll(async () => {
  await close?.();
  p?.cleanup();
});

/** The verdict shown: the draft breaks FULL_TRANSITIVE against v1 and v2, with MISSING_UNION_BRANCH. */
async function expectBreaksV2(what: string): Promise<void> {
  const verdict = await page.locator('.verdict').textContent();
  expect(verdict).toContain('Breaks FULL_TRANSITIVE');
  expect(verdict).toContain(what);
  expect(verdict).toContain('checked against version 1, version 2');
  const rules = await page
    .locator('.finding.breaking')
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-rule')));
  expect(rules).toContain('MISSING_UNION_BRANCH');
}

describe('the draft check in Chromium', () => {
  it('agrees with contracts check --registry', () => {
    const check = runCli(['check', '--registry'], p.dir);
    expect(check.status).toBe(1);
    expect(check.stdout).toContain('MISSING_UNION_BRANCH');
  });

  it.each([
    ['beside the latest version (the default)', ''],
    ['beside version 1', '&from=1'],
  ])('shows a draft that breaks v2 as breaking, checked against versions 1 and 2, %s', async (_, from) => {
    await page.goto(`${ui.url}/#/subjects?s=${encodeURIComponent(subject)}&tab=diff&to=local${from}`);
    // this case's verdict, not the one the previous case left on the page (the hash change keeps it a moment)
    await page.locator('.verdict', { hasText: `shown beside version ${from ? 1 : 2}` }).waitFor();
    await expect(page.locator('.verdict').getAttribute('data-verdict')).resolves.toBe('incompatible');
    await expectBreaksV2("as the subject's next version");
    await page.screenshot({ path: join(ARTIFACTS, `draft-check${from ? '-from-1' : ''}.png`) });
  });

  it("checks a pasted draft at the subject's level: verdict, findings and the diff, nothing registered", async () => {
    const registry = createSchemaRegistryClient({ url: stackEnv().registryUrl });
    const before = await registry.listVersions(subject);
    await page.goto(`${ui.url}/#/subjects?s=${encodeURIComponent(subject)}&tab=diff`);
    await page.locator('#diff-to').waitFor();
    await page.selectOption('#diff-to', 'draft');
    // the box starts from the latest version; the draft makes `note` an int (breaks v2's strings)
    const latest = JSON.parse(await page.locator('#draft-schema').inputValue()) as {
      fields: Array<{ name: string; type: unknown }>;
    };
    latest.fields.find((f) => f.name === 'note')!.type = ['null', 'int'];
    await page.fill('#draft-schema', JSON.stringify(latest, null, 2));
    await page.click('#check-draft');
    await page.locator('.verdict[data-verdict="incompatible"]').waitFor();
    await expectBreaksV2("the pasted draft as the subject's next version");
    await expect(page.locator('tr.changed').count()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'draft-paste.png') });
    // a compatible draft: a field added with a default
    latest.fields.find((f) => f.name === 'note')!.type = ['null', 'string'];
    latest.fields.push({ name: 'gift', type: 'boolean', default: false } as never);
    await page.fill('#draft-schema', JSON.stringify(latest, null, 2));
    await page.click('#check-draft');
    await page.locator('.verdict[data-verdict="compatible"]').waitFor();
    await expect(page.locator('.verdict').textContent()).resolves.toContain('Compatible at FULL_TRANSITIVE');
    await expect(page.locator('[data-change="FIELD_ADDED"]').count()).resolves.toBe(1);
    // text that is no schema: the error, no verdict
    await page.fill('#draft-schema', '{ "type": "record", ');
    await page.click('#check-draft');
    await page.locator('.state.error').waitFor();
    expect(await registry.listVersions(subject)).toEqual(before);
  });

  it('shows the draft beside the latest version when "local file" is picked', async () => {
    await page.goto(`${ui.url}/#/subjects?s=${encodeURIComponent(subject)}&tab=diff`);
    await page.locator('#diff-to').waitFor();
    await page.selectOption('#diff-to', 'local');
    await page.locator('.verdict[data-verdict="incompatible"]').waitFor();
    await expect(page.locator('#diff-from').inputValue()).resolves.toBe('2');
  });
});
