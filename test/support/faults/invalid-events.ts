/**
 * Invalid producer inputs for the bad-input scenario: a valid input of each event type with one
 * thing broken, chosen by a seeded generator from the event's Avro type (so every mutation is
 * invalid by construction): a value of the wrong type, a required field removed, an unknown field
 * added, an enum value outside its symbols, a fraction or an out-of-range number in an int field,
 * or a payload that is not an object at all.
 */
import type * as avro from 'avsc';
import { bookingInputs } from '../bookings-fixtures';
import { bookingAvroTypes, EVENT_RECORDS, seededRandom, type BookingEventType } from '../bookings-samples';

export const MUTATIONS = [
  'wrong-type',
  'missing-field',
  'unknown-field',
  'enum-out-of-range',
  'int-not-integer',
  'int-out-of-range',
  'not-an-object',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

export interface InvalidInput {
  eventType: BookingEventType;
  mutation: Mutation;
  /** JSON pointer of what was broken ('' for the whole payload). */
  path: string;
  payload: unknown;
}

/** Fields the producer fills in when absent: removing them does not make an input invalid. */
const AUTO_FIELDS = new Set(['eventId', 'timestamp', 'source', 'eventType']);

interface Site {
  path: string[];
  type: avro.Type;
  /** The field can be left out (it has a default, or is filled in by the producer). */
  optional: boolean;
}

/** Every field of the record type, recursively (into records and the non-null branch of nullable unions). */
function sites(type: avro.Type, value: unknown, path: string[] = []): Site[] {
  const out: Site[] = [];
  const record = type as avro.types.RecordType;
  for (const field of record.fields) {
    const v = (value as Record<string, unknown>)[field.name];
    const fieldPath = [...path, field.name];
    const optional = field.defaultValue() !== undefined || (path.length === 0 && AUTO_FIELDS.has(field.name));
    out.push({ path: fieldPath, type: field.type, optional });
    const inner = nonNull(field.type);
    if (inner.typeName === 'record' && v !== null && v !== undefined) out.push(...sites(inner, v, fieldPath));
  }
  return out;
}

function nonNull(type: avro.Type): avro.Type {
  if (type.typeName.startsWith('union')) {
    const branches = (type as unknown as { types: avro.Type[] }).types.filter((t) => t.typeName !== 'null');
    if (branches.length === 1) return branches[0]!;
  }
  return type;
}

/** A value no branch of the type accepts. */
function wrongValue(type: avro.Type, pick: <T>(items: readonly T[]) => T): unknown {
  const t = nonNull(type);
  switch (t.typeName) {
    case 'string':
    case 'enum':
    case 'logical:uuid':
      return pick([12345, true, { text: 'x' }, ['x']]);
    case 'int':
    case 'long':
    case 'double':
    case 'float':
      return pick(['12', true, { n: 1 }, [1]]);
    case 'boolean':
      return pick(['true', 1, { b: true }]);
    case 'logical:timestamp-millis':
      return pick([{ when: 'now' }, true, ['2025-01-01']]);
    case 'record':
      return pick(['record', 42, true, [{}]]);
    case 'array':
      return pick(['list', 42, { 0: 'x' }]);
    default:
      return pick([Symbol.for('never valid'), { unexpected: true }]);
  }
}

const clone = <T>(value: T): T => structuredClone(value);

function setAt(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path[path.length - 1]!] = value;
}

function deleteAt(target: Record<string, unknown>, path: string[]): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  delete node[path[path.length - 1]!];
}

function objectAt(target: Record<string, unknown>, path: string[]): Record<string, unknown> {
  let node = target;
  for (const key of path) node = node[key] as Record<string, unknown>;
  return node;
}

export function invalidInputs(count: number, seed: number): InvalidInput[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const types = bookingAvroTypes();
  const eventTypes = Object.keys(EVENT_RECORDS) as BookingEventType[];
  const out: InvalidInput[] = [];
  const pointer = (path: string[]) => (path.length ? `/${path.join('/')}` : '');
  for (let i = 0; out.length < count && i < count * 20; i++) {
    const eventType = eventTypes[i % eventTypes.length]!;
    const type = types[EVENT_RECORDS[eventType]]!;
    const valid = clone(bookingInputs(`BAD-${i}`)[eventType]) as unknown as Record<string, unknown>;
    const all = sites(type, valid).filter(
      (s) => !(s.path.length === 1 && AUTO_FIELDS.has(s.path[0]!)) || s.path[0] !== 'eventType',
    );
    const mutation = MUTATIONS[i % MUTATIONS.length]!;
    const payload = clone(valid);
    let site: Site | undefined;
    switch (mutation) {
      case 'wrong-type':
        site = pick(all.filter((s) => s.path[0] !== 'eventType'));
        setAt(payload, site.path, wrongValue(site.type, pick));
        break;
      case 'missing-field': {
        const required = all.filter((s) => !s.optional);
        site = pick(required);
        deleteAt(payload, site.path);
        break;
      }
      case 'unknown-field': {
        const records = [
          { path: [] as string[] },
          ...all.filter((s) => nonNull(s.type).typeName === 'record' && objectAt(payload, s.path) != null),
        ];
        const where = pick(records).path;
        objectAt(payload, where)[`unexpected_${Math.floor(random() * 1e6)}`] = pick(['x', 1, null, { a: 1 }]);
        out.push({ eventType, mutation, path: pointer(where), payload });
        continue;
      }
      case 'enum-out-of-range': {
        const enums = all.filter((s) => nonNull(s.type).typeName === 'enum');
        if (enums.length === 0) continue;
        site = pick(enums);
        const symbols = (nonNull(site.type) as avro.types.EnumType).symbols;
        // near misses of the symbols (case, spacing) and other words; never a symbol itself
        const candidates = [
          'boat',
          '',
          'unknown',
          ...symbols.map((s) => s.toUpperCase()),
          ...symbols.map((s) => `${s} `),
        ];
        setAt(payload, site.path, pick(candidates.filter((c) => !symbols.includes(c))));
        break;
      }
      case 'int-not-integer': {
        const numbers = all.filter((s) => ['int', 'long'].includes(nonNull(s.type).typeName));
        if (numbers.length === 0) continue;
        site = pick(numbers);
        setAt(payload, site.path, Math.floor(random() * 1000) + 0.5);
        break;
      }
      case 'int-out-of-range': {
        const ints = all.filter((s) => nonNull(s.type).typeName === 'int');
        if (ints.length === 0) continue;
        site = pick(ints);
        setAt(payload, site.path, pick([2 ** 31, -(2 ** 31) - 1, 2 ** 40, Number.MAX_SAFE_INTEGER + 2]));
        break;
      }
      case 'not-an-object':
        out.push({ eventType, mutation, path: '', payload: pick([null, [], 'booking', 42, true]) });
        continue;
    }
    out.push({ eventType, mutation, path: pointer(site!.path), payload });
  }
  return out;
}
