/** JSON Schema `not`: the excluded schema is compared the other way round. */
import type { Differ, JsonDiff } from '../context';
import { difference } from '../context';
import type { NotNode } from '../parse';
import { jsonRule } from './define';

export const JSON_NOT_RULES = [
  jsonRule('not', 'NOT_TYPE_EXTENDED', 'excluded more values through `not`', 'A schema'),
  jsonRule('not', 'NOT_TYPE_NARROWED', 'excluded fewer values through `not`', 'A schema'),
];

export function compareNot(differ: Differ, original: NotNode, update: NotNode): JsonDiff[] {
  // Excluding less is widening: compare the excluded schemas reversed.
  const reversed = differ.compare(update.mustNotMatch, original.mustNotMatch);
  return [
    difference(
      differ.isCompatible(reversed) ? 'NOT_TYPE_NARROWED' : 'NOT_TYPE_EXTENDED',
      ['not'],
      original.mustNotMatch.raw,
      update.mustNotMatch.raw,
    ),
  ];
}
