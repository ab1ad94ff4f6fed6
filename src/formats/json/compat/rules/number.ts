/** JSON Schema numbers: ranges, multipleOf, integer vs number. */
import type { JsonDiff } from '../context';
import { compareLimit, difference } from '../context';
import type { NumberNode } from '../parse';
import { jsonRule } from './define';

const r = (id: string, change: string) => jsonRule('number', id, change, 'A numeric schema');

export const JSON_NUMBER_RULES = [
  r('MAXIMUM_ADDED', 'got a maximum'),
  r('MAXIMUM_REMOVED', 'lost its maximum'),
  r('MAXIMUM_INCREASED', 'had its maximum raised'),
  r('MAXIMUM_DECREASED', 'had its maximum lowered'),
  r('MINIMUM_ADDED', 'got a minimum'),
  r('MINIMUM_REMOVED', 'lost its minimum'),
  r('MINIMUM_INCREASED', 'had its minimum raised'),
  r('MINIMUM_DECREASED', 'had its minimum lowered'),
  r('EXCLUSIVE_MAXIMUM_ADDED', 'got an exclusiveMaximum'),
  r('EXCLUSIVE_MAXIMUM_REMOVED', 'lost its exclusiveMaximum'),
  r('EXCLUSIVE_MAXIMUM_INCREASED', 'had its exclusiveMaximum raised'),
  r('EXCLUSIVE_MAXIMUM_DECREASED', 'had its exclusiveMaximum lowered'),
  r('EXCLUSIVE_MINIMUM_ADDED', 'got an exclusiveMinimum'),
  r('EXCLUSIVE_MINIMUM_REMOVED', 'lost its exclusiveMinimum'),
  r('EXCLUSIVE_MINIMUM_INCREASED', 'had its exclusiveMinimum raised'),
  r('EXCLUSIVE_MINIMUM_DECREASED', 'had its exclusiveMinimum lowered'),
  r('MULTIPLE_OF_ADDED', 'got a multipleOf'),
  r('MULTIPLE_OF_REMOVED', 'lost its multipleOf'),
  r('MULTIPLE_OF_EXPANDED', 'had its multipleOf changed to a multiple of the old one'),
  r('MULTIPLE_OF_REDUCED', 'had its multipleOf changed to a divisor of the old one'),
  r('MULTIPLE_OF_CHANGED', 'had its multipleOf changed to an unrelated value'),
];

type Names = { added: string; removed: string; increased: string; decreased: string };
const limits: [keyof NumberNode & string, string, Names][] = [
  [
    'maximum',
    'maximum',
    {
      added: 'MAXIMUM_ADDED',
      removed: 'MAXIMUM_REMOVED',
      increased: 'MAXIMUM_INCREASED',
      decreased: 'MAXIMUM_DECREASED',
    },
  ],
  [
    'minimum',
    'minimum',
    {
      added: 'MINIMUM_ADDED',
      removed: 'MINIMUM_REMOVED',
      increased: 'MINIMUM_INCREASED',
      decreased: 'MINIMUM_DECREASED',
    },
  ],
  [
    'exclusiveMaximum',
    'exclusiveMaximum',
    {
      added: 'EXCLUSIVE_MAXIMUM_ADDED',
      removed: 'EXCLUSIVE_MAXIMUM_REMOVED',
      increased: 'EXCLUSIVE_MAXIMUM_INCREASED',
      decreased: 'EXCLUSIVE_MAXIMUM_DECREASED',
    },
  ],
  [
    'exclusiveMinimum',
    'exclusiveMinimum',
    {
      added: 'EXCLUSIVE_MINIMUM_ADDED',
      removed: 'EXCLUSIVE_MINIMUM_REMOVED',
      increased: 'EXCLUSIVE_MINIMUM_INCREASED',
      decreased: 'EXCLUSIVE_MINIMUM_DECREASED',
    },
  ],
];

export function compareNumber(original: NumberNode, update: NumberNode): JsonDiff[] {
  const diffs: JsonDiff[] = [];
  for (const [field, keyword, names] of limits) {
    const diff = compareLimit(
      keyword,
      original[field] as number | undefined,
      update[field] as number | undefined,
      names,
    );
    if (diff) diffs.push(diff);
  }
  const multipleOf = compareMultipleOf(original.multipleOf, update.multipleOf);
  if (multipleOf) diffs.push(difference(multipleOf, ['multipleOf'], original.multipleOf, update.multipleOf));
  if (original.requiresInteger !== update.requiresInteger) {
    diffs.push(
      difference(
        original.requiresInteger ? 'TYPE_EXTENDED' : 'TYPE_NARROWED',
        ['type'],
        original.requiresInteger ? 'integer' : 'number',
        update.requiresInteger ? 'integer' : 'number',
      ),
    );
  }
  return diffs;
}

/** Exact decimal: 0.05 is a multiple of 0.01 here, unlike in binary floating point. */
interface Decimal {
  units: bigint;
  scale: number;
}

function toDecimal(value: number): Decimal {
  const [mantissa = '0', exponentText] = value.toString().toLowerCase().split('e');
  const exponent = exponentText ? Number(exponentText) : 0;
  const [whole = '0', fraction = ''] = mantissa.split('.');
  let units = BigInt(whole + fraction);
  let scale = fraction.length - exponent;
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { units, scale };
}

/** True when `a` is an exact multiple of `b` (b ≠ 0). */
function isMultiple(a: number, b: number): boolean {
  const x = toDecimal(a);
  const y = toDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  const xs = x.units * 10n ** BigInt(scale - x.scale);
  const ys = y.units * 10n ** BigInt(scale - y.scale);
  return ys !== 0n && xs % ys === 0n;
}

function compareMultipleOf(original: number | undefined, update: number | undefined): string | undefined {
  if (original === update) return undefined;
  if (original === undefined) return 'MULTIPLE_OF_ADDED';
  if (update === undefined) return 'MULTIPLE_OF_REMOVED';
  if (original !== 0 && isMultiple(update, original)) return 'MULTIPLE_OF_EXPANDED';
  if (update !== 0 && isMultiple(original, update)) return 'MULTIPLE_OF_REDUCED';
  return 'MULTIPLE_OF_CHANGED';
}
