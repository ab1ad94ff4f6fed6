/**
 * The browser of the UI tests: Debian's Chromium (CHROMIUM_PATH to use another) driven by
 * playwright-core, headless, with nothing reaching out to the network; screenshots go to
 * test-artifacts/ui/ (ignored by git).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createUiServer, type UiServer, type UiServerOptions } from '../../src/ui';

export const ARTIFACTS = join(resolve(__dirname, '..', '..'), 'test-artifacts', 'ui');

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A UI server on a free port and a Chromium page for it: what each browser test starts with; `close` ends both. */
export async function startUiInChromium(
  options: UiServerOptions,
  viewport = { width: 1280, height: 900 },
): Promise<{ ui: UiServer; browser: Browser; page: Page; close(): Promise<void> }> {
  const ui = await createUiServer({ port: 0, ...options });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  return {
    ui,
    browser,
    page,
    close: async () => {
      await browser.close();
      await ui.close();
    },
  };
}
