/**
 * The CLI drops kafkajs's TimeoutNegativeWarning (tulios/kafkajs#1751) and nothing else: the
 * warning is raised from a module at kafkajs's request-queue path, as on Node 24+, and from
 * elsewhere.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropKafkajsTimerWarning } from '../../../src/cli/warnings';

const dir = mkdtempSync(join(tmpdir(), 'contracts-warnings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A module at `path` under node_modules that raises a warning of `type`, as Node's timers do. */
function raiser(path: string): (type: string) => void {
  const file = join(dir, 'node_modules', path, 'index.js');
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, "module.exports = (type) => process.emitWarning('-5 is a negative number.', type);\n");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as (type: string) => void;
}

it("drops kafkajs's negative-timer warning and passes every other warning on", () => {
  const seen: string[] = [];
  const original = process.emitWarning;
  process.emitWarning = ((warning: string, type: string | { type?: string }) => {
    seen.push(`${typeof type === 'string' ? type : type.type}: ${warning}`);
  }) as typeof process.emitWarning;
  try {
    dropKafkajsTimerWarning();
    const kafkajs = raiser('kafkajs/src/network/requestQueue');
    const elsewhere = raiser('some-library/src');
    kafkajs('TimeoutNegativeWarning');
    kafkajs('DeprecationWarning');
    elsewhere('TimeoutNegativeWarning');
    kafkajs('TimeoutNegativeWarning'); // again: still dropped
    process.emitWarning('direct', { type: 'TimeoutNegativeWarning' }); // the options form, not from kafkajs
  } finally {
    process.emitWarning = original;
  }
  expect(seen).toEqual([
    'DeprecationWarning: -5 is a negative number.',
    'TimeoutNegativeWarning: -5 is a negative number.',
    'TimeoutNegativeWarning: direct',
  ]);
});
