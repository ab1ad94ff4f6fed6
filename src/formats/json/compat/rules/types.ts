/** JSON Schema: annotations and the kind of schema (string, number, object, …). */
import { jsonRule } from './define';

const r = (id: string, change: string, subject?: string) => jsonRule('types', id, change, subject);

export const JSON_TYPE_RULES = [
  r('ID_CHANGED', 'had its $id changed'),
  r('DESCRIPTION_CHANGED', 'had its description changed'),
  r('TITLE_CHANGED', 'had its title changed'),
  r('DEFAULT_CHANGED', 'had its default changed'),
  r('SCHEMA_ADDED', 'got a schema where there was none (e.g. items)'),
  r('SCHEMA_REMOVED', 'lost its schema (e.g. items), accepting anything'),
  r('TYPE_EXTENDED', 'was widened from integer to number'),
  r('TYPE_NARROWED', 'was narrowed from number to integer'),
  r('TYPE_CHANGED', 'changed to a different type'),
];
