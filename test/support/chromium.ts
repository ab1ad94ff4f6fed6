/**
 * The browser of the UI tests: Debian's Chromium (CHROMIUM_PATH to use another) driven by
 * playwright-core, headless, with nothing reaching out to the network; screenshots go to
 * test-artifacts/ui/ (ignored by git).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

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
