/** Avro record fields: a reader field that the writer does not have needs a default. */
import type { CompatibilityRule } from '../../../../compat/rule';

const AVRO = { format: 'AVRO', family: 'avro/fields', compatible: { STRICT: false, LENIENT: false } } as const;

/** BACKWARD: the new schema reads old data and finds no value and no default for the field. */
export const FIELD_ADDED_WITHOUT_DEFAULT: CompatibilityRule = {
  ...AVRO,
  id: 'FIELD_ADDED_WITHOUT_DEFAULT',
  purpose: 'A field was added without a default, so the new schema cannot read data that lacks it.',
  directions: ['BACKWARD'],
  describe: (c) => `${c.element} was added without a default`,
};

/** FORWARD: an old reader needs a field the new schema no longer writes, and has no default for it. */
export const FIELD_REMOVED_WITHOUT_DEFAULT: CompatibilityRule = {
  ...AVRO,
  id: 'FIELD_REMOVED_WITHOUT_DEFAULT',
  purpose: 'A field was removed (or renamed) while an older version declares it without a default.',
  directions: ['FORWARD'],
  describe: (c) => `${c.element} was removed, and ${c.reader} declares it without a default`,
};

/** Java's checker throws when a reader field matches several writer fields by name and aliases. */
export const FIELD_ALIAS_AMBIGUOUS: CompatibilityRule = {
  ...AVRO,
  id: 'FIELD_ALIAS_AMBIGUOUS',
  purpose: 'A reader field matches several writer fields through its name and aliases.',
  directions: ['BACKWARD', 'FORWARD'],
  describe: (c) =>
    `${c.element} in ${c.reader} matched the writer fields ${c.detail} of ${c.writer} at once through its aliases`,
};

export const AVRO_FIELD_RULES = [FIELD_ADDED_WITHOUT_DEFAULT, FIELD_REMOVED_WITHOUT_DEFAULT, FIELD_ALIAS_AMBIGUOUS];
