import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { SchemaFileError } from '../src/errors';

export interface SchemaFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the config file's folder, as messages and generated code show it. */
  relPath: string;
  json: unknown;
}

/** Reads a schema file as JSON; a parse error names the file, line and column. */
export function readSchemaFile(path: string, rootDir: string): SchemaFile {
  const relPath = relative(rootDir, path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new SchemaFileError(relPath, '', `cannot be read (${(cause as NodeJS.ErrnoException).code ?? cause})`, {
      hint: 'check the path in contracts.config.json',
      cause,
    });
  }
  try {
    return { path, relPath, json: JSON.parse(text) };
  } catch (cause) {
    const message = (cause as Error).message;
    const position = /position (\d+)/.exec(message);
    let where = '';
    if (position) {
      const before = text.slice(0, Number(position[1]));
      const line = before.split('\n').length;
      const column = before.length - before.lastIndexOf('\n');
      where = ` (line ${line}, column ${column})`;
    }
    throw new SchemaFileError(relPath, '', `is not valid JSON${where}: ${message}`, { cause });
  }
}

/** JSON pointer escaping (RFC 6901). */
export function pointer(...segments: Array<string | number>): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
