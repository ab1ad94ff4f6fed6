/**
 * test/unit mirrors the code, so a module's tests are found where the module is: each folder of it
 * is named after a folder or module of src/ (test/unit/registry/ ↔ src/registry/, test/unit/config/
 * ↔ src/config.ts) or of codegen/ (test/unit/codegen/ ↔ codegen/). Files at its root test the
 * repository itself (the README, its examples and files). Helpers live in test/support, not here.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../support/bookings-samples';

const UNIT = join(ROOT, 'test', 'unit');

function walk(dir: string): { dirs: string[]; files: string[] } {
  const out = { dirs: [] as string[], files: [] as string[] };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      out.dirs.push(relative(UNIT, path));
      const inner = walk(path);
      out.dirs.push(...inner.dirs);
      out.files.push(...inner.files);
    } else out.files.push(relative(UNIT, path));
  }
  return out;
}

/** Where the code of a test/unit folder is: `codegen/…` in codegen/, anything else in src/. */
function counterparts(folder: string): string[] {
  const [top, ...rest] = folder.split('/');
  const base = top === 'codegen' ? join(ROOT, 'codegen', ...rest) : join(ROOT, 'src', folder);
  return [base, `${base}.ts`];
}

describe('test/unit mirrors src/ and codegen/', () => {
  const { dirs, files } = walk(UNIT);

  it('names each folder after a folder or module of src/ or codegen/', () => {
    const orphans = dirs.filter((dir) => !counterparts(dir).some((path) => existsSync(path)));
    expect(orphans).toEqual([]);
  });

  it('holds tests only (helpers go to test/support)', () => {
    expect(files.filter((file) => !file.endsWith('.test.ts'))).toEqual([]);
  });

  it('sees the layout it checks', () => {
    expect(dirs).toEqual(expect.arrayContaining(['codegen', 'registry', 'compat']));
  });
});
