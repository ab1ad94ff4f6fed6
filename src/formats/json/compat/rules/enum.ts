/** JSON Schema enum and const values. */
import type { JsonDiff } from '../context';
import { canonical, difference } from '../context';
import type { ConstNode, EnumNode } from '../parse';
import { jsonRule } from './define';

export const JSON_ENUM_RULES = [
  jsonRule('enum', 'ENUM_ARRAY_EXTENDED', 'gained enum values', 'An enum'),
  jsonRule('enum', 'ENUM_ARRAY_NARROWED', 'lost enum values', 'An enum'),
  jsonRule('enum', 'ENUM_ARRAY_CHANGED', 'had its enum values (or const) changed', 'An enum'),
];

export function compareEnum(original: EnumNode, update: EnumNode): JsonDiff[] {
  const before = new Set(original.values.map(canonical));
  const after = new Set(update.values.map(canonical));
  const covers = (a: Set<string>, b: Set<string>) => [...b].every((v) => a.has(v));
  if (before.size === after.size && covers(after, before)) return [];
  const type = covers(after, before)
    ? 'ENUM_ARRAY_EXTENDED'
    : covers(before, after)
      ? 'ENUM_ARRAY_NARROWED'
      : 'ENUM_ARRAY_CHANGED';
  return [difference(type, ['enum'], original.values, update.values)];
}

export function compareConst(original: ConstNode, update: ConstNode): JsonDiff[] {
  if (canonical(original.value) === canonical(update.value)) return [];
  return [difference('ENUM_ARRAY_CHANGED', ['const'], original.value, update.value)];
}
