/**
 * What every rule module exports: registry entries (`CompatibilityRule`) that say what the rule
 * detects, when it is compatible, and how its one-sentence message reads.
 */
import type { CheckDirection, RuleDefinition } from './types';

/** What a rule's message is built from. */
export interface DescribeContext {
  /** The element concerned, already quoted: "field `refund`", "property `a.b`", "the schema root". */
  element: string;
  direction: CheckDirection;
  previousVersion: number;
  /** The reading side of the pair: "the new schema" or "version 2". */
  reader: string;
  /** The writing side of the pair. */
  writer: string;
  /** Rule-specific detail (symbols, old and new type, sizes), already formatted. */
  detail: string;
}

export interface CompatibilityRule extends RuleDefinition {
  /** The past-tense clause of the message: what changed, naming the element. */
  describe(ctx: DescribeContext): string;
}

/** Which readers break, as the second half of every breaking message. */
export function consequence(direction: CheckDirection, previousVersion: number): string {
  return direction === 'BACKWARD'
    ? `consumers on the new schema cannot read events written with version ${previousVersion}`
    : `consumers still on version ${previousVersion} cannot read events written with the new schema`;
}

export function sideNames(direction: CheckDirection, previousVersion: number): { reader: string; writer: string } {
  const previous = `version ${previousVersion}`;
  return direction === 'BACKWARD'
    ? { reader: 'the new schema', writer: previous }
    : { reader: previous, writer: 'the new schema' };
}

/** The full sentence of a finding. */
export function renderMessage(rule: CompatibilityRule, ctx: DescribeContext, breaking: boolean): string {
  const clause = rule.describe(ctx);
  const tail = breaking ? consequence(ctx.direction, ctx.previousVersion) : 'no reader or writer breaks';
  return `${clause.charAt(0).toUpperCase()}${clause.slice(1)}: ${tail}.`;
}

/** A finding's sentence without its consequence ("X was removed: consumers … ." → "X was removed."), as a diff names the change. */
export function clauseOf(message: string): string {
  const cut = message.search(/: (no reader or writer breaks|consumers (on|still on) )/);
  return cut < 0 ? message : `${message.slice(0, cut)}.`;
}

/** RFC 6901 pointer from segments. */
export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
