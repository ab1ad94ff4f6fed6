/**
 * Each folder under test/fixtures/codegen/invalid is a project whose schemas are wrong in one way;
 * expect.json names the file, the JSON pointer inside it and a phrase of the reason. A new case is
 * a new folder.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '../../../codegen/generate';
import { loadConfig } from '../../../src/config';
import { SchemaFileError } from '../../../src/errors';
import { ROOT } from '../../support/bookings-samples';
import { runCli, tempCopy } from '../../support/temp-project';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'codegen', 'invalid');
const cases = readdirSync(FIXTURES).sort();

describe('codegen refuses invalid schemas', () => {
  it.each(cases)('%s: names the file, the place and the reason', async (name) => {
    const expected = JSON.parse(readFileSync(join(FIXTURES, name, 'expect.json'), 'utf8'));
    const config = loadConfig(join(FIXTURES, name, 'contracts.config.json'));
    const error = await generate(config, { check: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SchemaFileError);
    const schemaError = error as SchemaFileError;
    expect(schemaError.file).toBe(expected.file);
    expect(schemaError.pointer).toBe(expected.pointer);
    expect(schemaError.reason).toContain(expected.reason);
  });

  it('suggests the near name of a schema file that is not there', async () => {
    const config = loadConfig(join(FIXTURES, 'missing-schema-file', 'contracts.config.json'));
    const error = (await generate(config, { check: true }).catch((e: unknown) => e)) as SchemaFileError;
    expect(error.hint).toBe(
      'did you mean TipAdded.avsc? Fix the path in topic "t", event "t.a" in contracts.config.json',
    );
  });

  it('exits 2 and leaves the output folder as it was', () => {
    const project = tempCopy(join(FIXTURES, 'unknown-type-reference'));
    try {
      mkdirSync(join(project.dir, 'out'));
      writeFileSync(join(project.dir, 'out', 'keep.ts'), 'export const untouched = true;\n');
      const result = runCli(['generate'], project.dir);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('A.avsc at /fields/2/type');
      expect(result.stderr).toContain('fix:');
      expect(readdirSync(project.dir).filter((f) => f.startsWith('out'))).toEqual(['out']);
      expect(readFileSync(join(project.dir, 'out', 'keep.ts'), 'utf8')).toBe('export const untouched = true;\n');
      expect(existsSync(join(project.dir, 'out', 't'))).toBe(false);
    } finally {
      project.cleanup();
    }
  });
});
