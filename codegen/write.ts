/**
 * Puts generated files in place all at once, or compares them with what is there (`--check`).
 * Everything is emitted in memory first; the output folder is swapped in by rename, so a failure
 * never leaves it half-written.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createTwoFilesPatch } from 'diff';

/** Generated files: path relative to the output folder → content. */
export type GeneratedFiles = Map<string, string>;

export function writeGenerated(outputDir: string, files: GeneratedFiles): void {
  const staging = `${outputDir}.staging-${process.pid}`;
  const previous = `${outputDir}.previous-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const [rel, content] of files) {
      const target = join(staging, rel);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    mkdirSync(dirname(outputDir), { recursive: true });
    if (existsSync(outputDir)) renameSync(outputDir, previous);
    renameSync(staging, outputDir);
    rmSync(previous, { recursive: true, force: true });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(outputDir) && existsSync(previous)) renameSync(previous, outputDir);
    throw error;
  }
}

export interface StaleFile {
  path: string;
  /** changed, missing (generated but not on disk), or extra (on disk but no longer generated). */
  kind: 'changed' | 'missing' | 'extra';
  /** Exported types and constants whose declaration differs: what a reviewer looks at first. */
  changedDeclarations: string[];
  /** Generated machine code (the compiled validators) is summarised, never dumped. */
  machineCode: boolean;
  diff: string;
}

const DECLARATION = /^export (?:interface|type|const|function) (\w+)/;

/** Each exported declaration with its text, up to the next one. */
function declarations(text: string): Map<string, string> {
  const found = new Map<string, string>();
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const name = DECLARATION.exec(line)?.[1];
    if (name) current = name;
    if (current) found.set(current, `${found.get(current) ?? ''}${line}\n`);
  }
  return found;
}

function changedDeclarations(before: string, after: string): string[] {
  const a = declarations(before);
  const b = declarations(after);
  return [...new Set([...a.keys(), ...b.keys()])].filter((name) => a.get(name) !== b.get(name));
}

/** Files whose content on disk differs from the generated content, with a unified diff each. */
export function compareGenerated(outputDir: string, files: GeneratedFiles, displayRoot: string): StaleFile[] {
  const stale: StaleFile[] = [];
  const onDisk = new Set(existsSync(outputDir) ? listFiles(outputDir) : []);
  const present = new Set(onDisk);
  const onDiskBefore = (rel: string) => present.has(rel);
  for (const [rel, content] of files) {
    const path = join(outputDir, rel);
    const shown = relative(displayRoot, path);
    const current = onDisk.has(rel) ? readFileSync(path, 'utf8') : '';
    onDisk.delete(rel);
    if (current !== content) {
      const machineCode = rel.endsWith('validators.ts');
      stale.push({
        path: shown,
        kind: onDiskBefore(rel) ? 'changed' : 'missing',
        changedDeclarations: machineCode ? [] : changedDeclarations(current, content),
        machineCode,
        diff: machineCode
          ? ''
          : createTwoFilesPatch(`a/${shown}`, `b/${shown}`, current, content, 'on disk', 'generated'),
      });
    }
  }
  for (const rel of onDisk) {
    const shown = relative(displayRoot, join(outputDir, rel));
    const current = readFileSync(join(outputDir, rel), 'utf8');
    stale.push({
      path: shown,
      kind: 'extra',
      changedDeclarations: [],
      machineCode: false,
      diff: createTwoFilesPatch(`a/${shown}`, `/dev/null`, current, '', 'on disk', 'not generated'),
    });
  }
  return stale;
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}
