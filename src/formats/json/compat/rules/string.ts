/** JSON Schema strings: maxLength, minLength, pattern. */
import type { JsonDiff } from '../context';
import { compareLimit, difference } from '../context';
import type { StringNode } from '../parse';
import { jsonRule } from './define';

const r = (id: string, change: string) => jsonRule('string', id, change, 'A string schema');

export const JSON_STRING_RULES = [
  r('MAX_LENGTH_ADDED', 'got a maxLength'),
  r('MAX_LENGTH_REMOVED', 'lost its maxLength'),
  r('MAX_LENGTH_INCREASED', 'had its maxLength raised'),
  r('MAX_LENGTH_DECREASED', 'had its maxLength lowered'),
  r('MIN_LENGTH_ADDED', 'got a minLength'),
  r('MIN_LENGTH_REMOVED', 'lost its minLength'),
  r('MIN_LENGTH_INCREASED', 'had its minLength raised'),
  r('MIN_LENGTH_DECREASED', 'had its minLength lowered'),
  r('PATTERN_ADDED', 'got a pattern'),
  r('PATTERN_REMOVED', 'lost its pattern'),
  r('PATTERN_CHANGED', 'had its pattern changed (any textual change counts)'),
];

export function compareString(original: StringNode, update: StringNode): JsonDiff[] {
  const diffs: JsonDiff[] = [];
  const max = compareLimit('maxLength', original.maxLength, update.maxLength, {
    added: 'MAX_LENGTH_ADDED',
    removed: 'MAX_LENGTH_REMOVED',
    increased: 'MAX_LENGTH_INCREASED',
    decreased: 'MAX_LENGTH_DECREASED',
  });
  if (max) diffs.push(max);
  const min = compareLimit('minLength', original.minLength, update.minLength, {
    added: 'MIN_LENGTH_ADDED',
    removed: 'MIN_LENGTH_REMOVED',
    increased: 'MIN_LENGTH_INCREASED',
    decreased: 'MIN_LENGTH_DECREASED',
  });
  if (min) diffs.push(min);
  if (original.pattern === undefined && update.pattern !== undefined) {
    diffs.push(difference('PATTERN_ADDED', ['pattern'], undefined, update.pattern));
  } else if (original.pattern !== undefined && update.pattern === undefined) {
    diffs.push(difference('PATTERN_REMOVED', ['pattern'], original.pattern, undefined));
  } else if (original.pattern !== update.pattern) {
    diffs.push(difference('PATTERN_CHANGED', ['pattern'], original.pattern, update.pattern));
  }
  return diffs;
}
