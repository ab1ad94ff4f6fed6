import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
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
  const errors: ParseError[] = [];
  const json: unknown = parse(text, errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  if (first) {
    // jsonc-parser reports where the JSON breaks; JSON.parse on Node 20 does not
    const before = text.slice(0, first.offset);
    const line = before.split('\n').length;
    const column = first.offset - before.lastIndexOf('\n');
    throw new SchemaFileError(relPath, '', `is not valid JSON (line ${line}, column ${column}): ${printParseErrorCode(first.error)}`);
  }
  return { path, relPath, json };
}

/** JSON pointer escaping (RFC 6901). */
export function pointer(...segments: Array<string | number>): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
