/**
 * Turns a compiled validator's errors into the kit's ValidationIssue data: JSON-pointer path, what
 * the contract expects there, the keyword. For `anyOf`/`oneOf` (nullable fields, unions) ajv reports
 * one error per branch plus the combinator's own; the deepest errors say what is really wrong
 * (`/data/flight/origin must be string` rather than `/data/flight must match a schema in anyOf`).
 */
import type { CompiledValidator, EventContract } from '../contract';
import { EventValidationError, type ValidationIssue } from '../errors';

type AjvError = NonNullable<CompiledValidator['errors']>[number];

const COMBINATORS = new Set(['anyOf', 'oneOf', 'allOf', 'if', 'then', 'else', 'not', '$ref']);

/** Validates `value` against its event's validator; throws EventValidationError naming the fields. */
export function assertValidEvent(event: Pick<EventContract, 'eventType' | 'validate'>, value: unknown): void {
  if (event.validate(value)) return;
  throw new EventValidationError(event.eventType, toValidationIssues(event.validate.errors ?? []));
}

export function toValidationIssues(errors: readonly AjvError[]): ValidationIssue[] {
  if (errors.length === 0) {
    return [
      {
        path: '',
        expected: 'a value that fits the contract',
        keyword: 'unknown',
        message: 'does not match its contract',
      },
    ];
  }
  const located = errors.map((e) => ({ error: e, path: pathOf(e) }));
  const meaningful = located.filter((e) => !COMBINATORS.has(e.error.keyword));
  const candidates = meaningful.length > 0 ? meaningful : located;
  const depth = (p: string) => (p === '' ? 0 : p.split('/').length - 1);
  const deepest = Math.max(...candidates.map((c) => depth(c.path)));
  const chosen = candidates.filter((c) => depth(c.path) === deepest);

  // several branches failing at the same place (`null` or `object`) are one issue: "null or object"
  const byPath = new Map<string, AjvError[]>();
  for (const c of chosen) byPath.set(c.path, [...(byPath.get(c.path) ?? []), c.error]);
  const issues: ValidationIssue[] = [];
  for (const [path, group] of byPath) {
    const types = group.filter((e) => e.keyword === 'type');
    if (types.length > 1 && types.length === group.length) {
      const expected = types.map(expectedOf).join(' or ');
      issues.push({ path, expected, keyword: 'type', message: `must be ${expected}` });
      continue;
    }
    for (const e of group) issues.push({ path, expected: expectedOf(e), keyword: e.keyword, message: messageOf(e) });
  }
  return issues;
}

function pathOf(e: AjvError): string {
  const child =
    e.keyword === 'required'
      ? e.params.missingProperty
      : e.keyword === 'additionalProperties'
        ? e.params.additionalProperty
        : undefined;
  return typeof child === 'string' ? `${e.instancePath}/${escapePointer(child)}` : e.instancePath;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function expectedOf(e: AjvError): string {
  const p = e.params;
  switch (e.keyword) {
    case 'type':
      return String(p.type);
    case 'required':
      return 'a value (the field is required)';
    case 'additionalProperties':
      return 'no such field (the contract does not define it)';
    case 'enum':
      return `one of ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'const':
      return JSON.stringify(p.allowedValue);
    case 'format':
      return `a string in ${String(p.format)} format`;
    case 'pattern':
      return `a string matching ${String(p.pattern)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `a number ${String(p.comparison)} ${String(p.limit)}`;
    case 'minLength':
      return `a string of at least ${String(p.limit)} character(s)`;
    case 'maxLength':
      return `a string of at most ${String(p.limit)} character(s)`;
    case 'multipleOf':
      return `a multiple of ${String(p.multipleOf)}`;
    case 'x-js-date':
      return 'a valid Date';
    case 'x-js-buffer':
      return 'a Buffer';
    case 'x-decimal':
      return decimalExpectation(e);
    default:
      return e.message ?? `a value that passes "${e.keyword}"`;
  }
}

function messageOf(e: AjvError): string {
  switch (e.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not in the contract';
    case 'x-js-date':
      return 'must be a valid Date';
    case 'x-js-buffer':
      return 'must be a Buffer';
    case 'x-decimal':
      return `must be ${decimalExpectation(e)}`;
    default:
      return e.keyword === 'type' || e.keyword === 'enum' || e.keyword === 'const'
        ? `must be ${expectedOf(e)}`
        : (e.message ?? 'is invalid');
  }
}

/** What an Avro decimal field takes, from the schema's precision and scale. */
function decimalExpectation(e: AjvError): string {
  const { precision, scale } = e.params as { precision: number; scale: number };
  return `a decimal string with at most ${precision - scale} digit(s) before the point and ${scale} after it (precision ${precision}, scale ${scale}), e.g. "${scale > 0 ? `12.${'5'.padEnd(scale, '0')}` : '12'}"`;
}
