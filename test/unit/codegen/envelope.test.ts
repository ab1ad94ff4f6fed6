/** The four events share one envelope: same fields, same types, in both formats. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../support/bookings-samples';

const read = (...p: string[]) => JSON.parse(readFileSync(join(ROOT, 'schemas', ...p), 'utf8'));
const ENVELOPE = ['eventId', 'eventType', 'timestamp', 'source', 'bookingId', 'userId', 'type', 'itemId'];

describe('the booking envelope', () => {
  it('is the same in every Avro event record', () => {
    const shapes = ['BookingCreated', 'BookingConfirmed', 'BookingCancelled', 'BookingFailed'].map((name) => {
      const fields = read('avro', `${name}.avsc`).fields as Array<{ name: string; type: unknown }>;
      expect(fields.map((f) => f.name)).toEqual([...ENVELOPE, 'data']);
      return fields.filter((f) => f.name !== 'data').map((f) => [f.name, f.type]);
    });
    for (const shape of shapes) expect(shape).toEqual(shapes[0]);
  });

  it('is the same in every JSON Schema event, but for the eventType constant', () => {
    const shapes = ['created', 'confirmed', 'cancelled', 'failed'].map((name) => {
      const schema = read('json', `booking-${name}.schema.json`);
      expect(Object.keys(schema.properties)).toEqual([...ENVELOPE, 'data']);
      expect(schema.required).toEqual([...ENVELOPE, 'data']);
      expect(schema.properties.eventType.const).toBe(`booking.${name}`);
      const { eventType: _discriminator, data: _data, ...rest } = schema.properties;
      return rest;
    });
    for (const shape of shapes) expect(shape).toEqual(shapes[0]);
  });
});
