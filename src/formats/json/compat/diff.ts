/**
 * The JSON Schema diff: every difference between an original schema (what was written) and an
 * update (what reads it), classified with Confluent's difference types. A pair is compatible when
 * every difference is of a kind the policy accepts.
 *
 * Pairs are memoized by node identity; a pair met again while being compared (a recursive `$ref`)
 * counts as compatible, and results that relied on that assumption are not cached.
 */
import type { Differ, JsonDiff } from './context';
import { difference } from './context';
import type { CombinedNode, JsonNode } from './parse';
import { normalize } from './parse';
import { compareArray } from './rules/array';
import { compareCombined } from './rules/combined';
import { compareConst, compareEnum } from './rules/enum';
import { compareNot } from './rules/not';
import { compareNumber } from './rules/number';
import { compareObject } from './rules/object';
import { compareString } from './rules/string';
import { canonical } from './context';

export class JsonSchemaDiffer implements Differ {
  private readonly memo = new Map<string, JsonDiff[]>();
  private readonly inProgress = new Set<string>();
  /** Counts cycle truncations, so results computed under one are not cached. */
  private assumptions = 0;

  constructor(private readonly compatibleTypes: ReadonlySet<string>) {}

  isCompatible(diffs: readonly JsonDiff[]): boolean {
    return diffs.every((d) => this.compatibleTypes.has(d.type));
  }

  compare(original: JsonNode | undefined, update: JsonNode | undefined): JsonDiff[] {
    if (!original && !update) return [];
    if (!original) return [difference('SCHEMA_ADDED', [], undefined, update?.raw)];
    if (!update) return [difference('SCHEMA_REMOVED', [], original.raw, undefined)];
    const o = normalize(original);
    const u = normalize(update);
    const key = `${o.id}:${u.id}`;
    const known = this.memo.get(key);
    if (known) return known;
    if (this.inProgress.has(key)) {
      this.assumptions++;
      return [];
    }
    this.inProgress.add(key);
    const before = this.assumptions;
    const result = this.compareTypes(o, u);
    this.inProgress.delete(key);
    if (this.assumptions === before) this.memo.set(key, result);
    return result;
  }

  private compareTypes(original: JsonNode, update: JsonNode): JsonDiff[] {
    // A schema becoming (or leaving) a combination: pair it with a fitting member first.
    if (original.kind !== 'combined' && update.kind === 'combined') {
      const shortcut = this.intoCombined(original, update);
      if (shortcut) return shortcut;
    } else if (original.kind === 'combined' && update.kind !== 'combined') {
      const shortcut = this.outOfCombined(original, update);
      if (shortcut) return shortcut;
    }

    if (!(original.kind === update.kind)) {
      // A false schema accepted nothing, an empty schema accepts everything: both are fine.
      if (original.kind === 'false' || update.kind === 'empty' || update.kind === 'true') return [];
      if (original.connectType === 'bytes' && update.connectType === 'bytes') return [];
      return [difference('TYPE_CHANGED', [], original.raw, update.raw)];
    }

    const diffs: JsonDiff[] = [];
    const om = original.meta;
    const um = update.meta;
    if (om.id !== um.id) diffs.push(difference('ID_CHANGED', ['$id'], om.id, um.id));
    if (om.title !== um.title) diffs.push(difference('TITLE_CHANGED', ['title'], om.title, um.title));
    if (om.description !== um.description)
      diffs.push(difference('DESCRIPTION_CHANGED', ['description'], om.description, um.description));
    if (
      (om.hasDefault || um.hasDefault) &&
      (om.hasDefault !== um.hasDefault || canonical(om.default) !== canonical(um.default))
    ) {
      diffs.push(difference('DEFAULT_CHANGED', ['default'], om.default, um.default));
    }

    switch (original.kind) {
      case 'string':
        return [...diffs, ...compareString(original, update as typeof original)];
      case 'number':
        return [...diffs, ...compareNumber(original, update as typeof original)];
      case 'const':
        return [...diffs, ...compareConst(original, update as typeof original)];
      case 'enum':
        return [...diffs, ...compareEnum(original, update as typeof original)];
      case 'combined':
        return [...diffs, ...compareCombined(this, original, update as typeof original)];
      case 'not':
        return [...diffs, ...compareNot(this, original, update as typeof original)];
      case 'object':
        return [...diffs, ...compareObject(this, original, update as typeof original)];
      case 'array':
        return [...diffs, ...compareArray(this, original, update as typeof original)];
      default:
        return diffs;
    }
  }

  /** `x` → `anyOf/oneOf[…, x', …]` is a widening when some member reads like `x`. */
  private intoCombined(original: JsonNode, update: CombinedNode): JsonDiff[] | undefined {
    if (update.subschemas.length === 1) {
      const sub = this.compare(original, update.subschemas[0]);
      return this.isCompatible(sub) ? sub : undefined;
    }
    if (update.criterion === 'anyOf' || update.criterion === 'oneOf') {
      for (const member of update.subschemas) {
        const sub = this.compare(original, member);
        if (this.isCompatible(sub)) return [...sub, difference('SUM_TYPE_EXTENDED', [], original.raw, update.raw)];
      }
    }
    return undefined;
  }

  /** `allOf[…, x, …]` → `x'` is a narrowing of the product when some member reads like `x'`. */
  private outOfCombined(original: CombinedNode, update: JsonNode): JsonDiff[] | undefined {
    if (original.subschemas.length === 1) {
      const sub = this.compare(original.subschemas[0], update);
      return this.isCompatible(sub) ? sub : undefined;
    }
    if (original.criterion === 'allOf') {
      for (const member of original.subschemas) {
        const sub = this.compare(member, update);
        if (this.isCompatible(sub)) return [...sub, difference('PRODUCT_TYPE_NARROWED', [], original.raw, update.raw)];
      }
    }
    return undefined;
  }
}
