/** Avro types: the writer's type must resolve to the reader's (same type or a promotion). */
import type { CompatibilityRule } from '../../../../compat/rule';

const AVRO = { format: 'AVRO', family: 'avro/types', compatible: { STRICT: false, LENIENT: false } } as const;

/** Types differ and no promotion (int→long→float→double, string↔bytes) bridges them. */
export const TYPE_MISMATCH: CompatibilityRule = {
  ...AVRO,
  id: 'TYPE_MISMATCH',
  purpose: 'A type changed to one the old type does not promote to (promotions: int→long→float→double, string↔bytes).',
  directions: ['BACKWARD', 'FORWARD'],
  describe: (c) => `the type of ${c.element} changed (${c.detail}), which is not a promotion`,
};

/** A reading union has no branch that can read what the writer wrote. */
export const MISSING_UNION_BRANCH: CompatibilityRule = {
  ...AVRO,
  id: 'MISSING_UNION_BRANCH',
  purpose: 'A reading union has no branch for a type the writer can write.',
  directions: ['BACKWARD', 'FORWARD'],
  describe: (c) => `the union of ${c.element} in ${c.reader} lacked a branch for ${c.detail}, which ${c.writer} writes`,
};

export const AVRO_TYPE_RULES = [TYPE_MISMATCH, MISSING_UNION_BRANCH];
