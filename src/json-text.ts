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

/**
 * JSON.stringify's replacer for decoded values shown to people (`contracts tail --json`, the
 * UI): a bigint (Protobuf's 64-bit integers) as its decimal string, as proto3 JSON writes int64;
 * a Buffer (Avro bytes and fixed) as 0x-hex rather than `{ type, data }`.
 */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (
    value &&
    typeof value === 'object' &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  ) {
    return `0x${Buffer.from((value as { data: number[] }).data).toString('hex')}`;
  }
  return value;
}
