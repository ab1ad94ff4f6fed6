/**
 * JSON text parsed with the place it breaks: line and column of the first error (JSON.parse says
 * only a position, and not on every Node line). For the config and the schema files.
 */
import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';

export type JsonText = { ok: true; json: unknown } | { ok: false; line: number; column: number; reason: string };

export function parseJsonText(text: string): JsonText {
  const errors: ParseError[] = [];
  const json: unknown = parse(text, errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  if (!first) return { ok: true, json };
  const before = text.slice(0, first.offset);
  return {
    ok: false,
    line: before.split('\n').length,
    column: first.offset - before.lastIndexOf('\n'),
    reason: printParseErrorCode(first.error),
  };
}
