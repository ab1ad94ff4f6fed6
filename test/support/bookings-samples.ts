/**
 * Booking events for tests: valid samples generated from the Avro types, and conversions between
 * the Avro value (Dates) and its JSON form (RFC 3339 strings).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as avro from 'avsc';
import { parseAvroSchemas } from '../../src/formats/avro/types';

export const ROOT = join(__dirname, '..', '..');
const AVRO_FILES = [
  'Money',
  'BookingType',
  'BookingCreated',
  'BookingConfirmed',
  'BookingCancelled',
  'BookingFailed',
  'bookings-value',
];

export const EVENT_RECORDS = {
  'booking.created': 'travel.bookings.BookingCreated',
  'booking.confirmed': 'travel.bookings.BookingConfirmed',
  'booking.cancelled': 'travel.bookings.BookingCancelled',
  'booking.failed': 'travel.bookings.BookingFailed',
} as const;
export type BookingEventType = keyof typeof EVENT_RECORDS;
export const BOOKING_EVENT_TYPES = Object.keys(EVENT_RECORDS) as BookingEventType[];

export function bookingAvroTypes(): Record<string, avro.Type> {
  const schemas = AVRO_FILES.map((f) => JSON.parse(readFileSync(join(ROOT, 'schemas', 'avro', `${f}.avsc`), 'utf8')));
  return parseAvroSchemas(schemas).registry;
}

/** Deterministic pseudo-random generator (mulberry32), so failures reproduce. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A valid event of the type: avsc's random value with the discriminator set and plain objects. */
export function sampleEvent(types: Record<string, avro.Type>, eventType: BookingEventType): Record<string, unknown> {
  const type = types[EVENT_RECORDS[eventType]]!;
  const value = plain(type.random()) as Record<string, unknown>;
  value.eventType = eventType;
  return value;
}

/** Deep copy into plain objects (avsc returns record class instances), keeping Dates and Buffers. */
export function plain(value: unknown): unknown {
  if (value instanceof Date || Buffer.isBuffer(value) || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(plain);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

/** The JSON form of an Avro value: Dates become RFC 3339 strings. */
export function toJsonForm(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'invalid date' : value.toISOString();
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map(toJsonForm);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonForm(v)]));
}

/** Back from the JSON form, guided by the Avro type: timestamp strings become Dates. */
export function fromJsonForm(type: avro.Type, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (type.typeName) {
    case 'logical:timestamp-millis':
      return new Date(value as string);
    case 'record': {
      const out: Record<string, unknown> = {};
      for (const field of (type as avro.types.RecordType).fields) {
        const v = (value as Record<string, unknown>)[field.name];
        if (v !== undefined) out[field.name] = fromJsonForm(field.type, v);
      }
      return out;
    }
    case 'union:unwrapped': {
      const branch = (type as unknown as { types: avro.Type[] }).types.find((t) => t.typeName !== 'null');
      return branch ? fromJsonForm(branch, value) : value;
    }
    case 'array':
      return (value as unknown[]).map((v) => fromJsonForm((type as avro.types.ArrayType).itemsType, v));
    default:
      return value;
  }
}
