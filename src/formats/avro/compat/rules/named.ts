/** Avro named types (record, enum, fixed): names, aliases, enum symbols, fixed sizes. */
import type { CompatibilityRule } from '../../../../compat/rule';

const AVRO = { format: 'AVRO', family: 'avro/named', compatible: { STRICT: false, LENIENT: false } } as const;

/** Names are compared like Java does: short names, or the reader's aliases against the writer's full name. */
export const NAME_MISMATCH: CompatibilityRule = {
  ...AVRO,
  id: 'NAME_MISMATCH',
  purpose: "A record, enum or fixed was renamed and the reader has no alias for the writer's name.",
  directions: ['BACKWARD', 'FORWARD'],
  describe: (c) => `${c.element} was renamed (${c.detail}) and ${c.reader} has no alias for the name ${c.writer} uses`,
};

export const FIXED_SIZE_MISMATCH: CompatibilityRule = {
  ...AVRO,
  id: 'FIXED_SIZE_MISMATCH',
  purpose: 'The size of a fixed type changed.',
  directions: ['BACKWARD', 'FORWARD'],
  describe: (c) => `the size of ${c.element} changed (${c.detail})`,
};

/** BACKWARD: old data may hold a symbol the new enum lacks, and the new enum has no default. */
export const ENUM_SYMBOL_REMOVED: CompatibilityRule = {
  ...AVRO,
  id: 'ENUM_SYMBOL_REMOVED',
  purpose: 'Enum symbols were removed and the new enum has no default to map them to.',
  directions: ['BACKWARD'],
  describe: (c) => `${c.element} lost the symbols ${c.detail}, and the new enum has no default`,
};

/** FORWARD: new data may hold a symbol an old reader lacks, and that reader has no enum default. */
export const ENUM_SYMBOL_ADDED: CompatibilityRule = {
  ...AVRO,
  id: 'ENUM_SYMBOL_ADDED',
  purpose: 'Enum symbols were added that an older reader neither knows nor can map to its enum default.',
  directions: ['FORWARD'],
  describe: (c) =>
    `${c.element} gained the symbols ${c.detail}, which ${c.reader} neither knows nor maps to an enum default`,
};

export const AVRO_NAMED_RULES = [NAME_MISMATCH, FIXED_SIZE_MISMATCH, ENUM_SYMBOL_REMOVED, ENUM_SYMBOL_ADDED];
