import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { SchemaFileError } from '../errors';
import { parseJsonText } from '../json-text';

export interface SchemaFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the config file's folder, as messages and generated code show it. */
  relPath: string;
  json: unknown;
}

/**
 * Reads a schema file as JSON; a parse error names the file, line and column. `entry` says where
 * the config names the file (`topic "bookings", event "booking.created"`), for a file that is not there.
 */
export function readSchemaFile(path: string, rootDir: string, entry?: string): SchemaFile {
  const relPath = relative(rootDir, path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    const near = code === 'ENOENT' ? nearNames(path) : [];
    const where = entry ? `${entry} in contracts.config.json` : 'contracts.config.json';
    throw new SchemaFileError(relPath, '', `cannot be read (${code}${entry ? `; named by ${entry}` : ''})`, {
      hint:
        near.length > 0
          ? `did you mean ${near.map((n) => relative(rootDir, join(dirname(path), n))).join(' or ')}? Fix the path in ${where}`
          : `check the path in ${where} (relative to the config file's folder)`,
      cause,
    });
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    throw new SchemaFileError(
      relPath,
      '',
      `is not valid JSON (line ${parsed.line}, column ${parsed.column}): ${parsed.reason}`,
    );
  }
  return { path, relPath, json: parsed.json };
}

/** JSON pointer escaping (RFC 6901). */
export function pointer(...segments: Array<string | number>): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Files beside a missing one whose names are a few edits away (a typo, another case or extension). */
function nearNames(path: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return [];
  }
  const wanted = basename(path).toLowerCase();
  const limit = Math.max(2, Math.floor(wanted.length / 4));
  return names
    .map((name) => ({ name, distance: editDistance(wanted, name.toLowerCase()) }))
    .filter((n) => n.distance <= limit)
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, 2)
    .map((n) => n.name);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
