import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { SchemaFileError } from '../errors';
import { parseJsonText } from '../json-text';

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
