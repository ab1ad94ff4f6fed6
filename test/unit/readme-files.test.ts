/**
 * The README shows example files verbatim: each block after `<!-- file: path -->` must be that
 * file, byte for byte, so what the installed-package test runs is what the README says.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/bookings-samples';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/<!-- file: (\S+) -->\n```\w*\n([\s\S]*?)```\n/g)].map((m) => ({
  path: m[1]!,
  text: m[2]!,
}));

it('the README includes the service example files', () => {
  expect(blocks.map((b) => b.path)).toEqual(
    expect.arrayContaining([
      'examples/service/contracts.config.json',
      'examples/service/src/publish.ts',
      'examples/service/src/consume.ts',
      'examples/service/src/bookings.ts',
    ]),
  );
});

it.each(blocks.map((b) => [b.path, b] as const))('README block %s is the file as it is', (path, block) => {
  expect(existsSync(join(ROOT, path))).toBe(true);
  expect(block.text).toBe(readFileSync(join(ROOT, path), 'utf8'));
});
