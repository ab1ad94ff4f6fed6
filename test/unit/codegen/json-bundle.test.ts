/**
 * `jsonReferences: "bundle"`: each event (and the topic value) is registered as one
 * self-contained JSON Schema, for registries without JSON Schema references. Each bundled schema
 * must validate alone exactly as the multi-file schemas do together.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { TopicContract } from '../../../src/contract';
import { createAjv } from '../../../src/validation/ajv';
import { bookingEvents } from '../../support/bookings-fixtures';

const ROOT = resolve(__dirname, '..', '..', '..');
let bundled: TopicContract;
let referenced: TopicContract;

beforeAll(() => {
  for (const config of ['bookings-json', 'bookings-json-bundle']) {
    execFileSync(
      process.execPath,
      ['bin/contracts.js', '-c', `test/fixtures/configs/${config}.config.json`, 'generate'],
      { cwd: ROOT, stdio: 'pipe' },
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  bundled = (require(resolve(ROOT, '.scratch/generated-json-bundle/bookings')) as { bookingsContract: TopicContract })
    .bookingsContract;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  referenced = (require(resolve(ROOT, '.scratch/generated-json/bookings')) as { bookingsContract: TopicContract })
    .bookingsContract;
});

const jsonEvent = (type: keyof ReturnType<typeof bookingEvents>) =>
  JSON.parse(JSON.stringify(bookingEvents()[type])) as Record<string, unknown>;

describe('JSON Schema topics with jsonReferences "bundle"', () => {
  it('registers the events and the value only, each without references', () => {
    expect(bundled.schemas.map((s) => [s.subject, s.references])).toEqual([
      ['bookings.BookingCreated', []],
      ['bookings.BookingConfirmed', []],
      ['bookings.BookingCancelled', []],
      ['bookings.BookingFailed', []],
      ['bookings-value', []],
    ]);
    // the referencing contract registers the shared files as subjects of their own
    expect(referenced.schemas.map((s) => s.subject)).toEqual(
      expect.arrayContaining(['bookings.Money', 'bookings.BookingType']),
    );
    for (const s of bundled.schemas) expect(s.schema).not.toMatch(/"\$ref":"[^#]/);
  });

  it('each bundled schema validates alone as the referencing schemas do together', () => {
    const alone = (schema: string) => createAjv().compile(JSON.parse(schema) as object);
    const together = createAjv();
    for (const s of referenced.schemas) together.addSchema(JSON.parse(s.schema) as object);
    const value = bundled.schemas.find((s) => s.subject === 'bookings-value')!;
    const validateValue = alone(value.schema);
    for (const type of ['booking.created', 'booking.confirmed', 'booking.cancelled', 'booking.failed'] as const) {
      const good = jsonEvent(type);
      const bad = { ...good, bookingId: 42 };
      const spec = bundled.schemas.find((s) => s.subject === bundled.events[type]!.subject)!;
      const refSpec = referenced.schemas.find((s) => s.subject === spec.subject)!;
      const validateAlone = alone(spec.schema);
      const validateTogether = together.getSchema((JSON.parse(refSpec.schema) as { $id: string }).$id)!;
      for (const event of [good, bad, { ...good, data: {} }]) {
        expect([type, validateAlone(event)]).toEqual([type, validateTogether(event)]);
        expect(validateValue(event)).toBe(validateTogether(event));
      }
      expect(validateAlone(good)).toBe(true);
    }
  });
});
