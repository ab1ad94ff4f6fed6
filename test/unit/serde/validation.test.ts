import { EventValidationError } from '../../../src/errors';
import { bookingsContract } from '../../../src/generated/bookings';
import { createInMemoryRegistry, registerContract } from '../../../src/registry';
import { createSerde, toValidationIssues } from '../../../src/serde';
import { bookingEvents } from '../../support/bookings-fixtures';

async function serde() {
  const registry = createInMemoryRegistry();
  await registerContract(bookingsContract, registry);
  return createSerde(bookingsContract, registry);
}

async function validationError(event: unknown): Promise<EventValidationError> {
  const s = await serde();
  try {
    await s.encode(event as never);
  } catch (error) {
    if (error instanceof EventValidationError) return error;
    throw error;
  }
  throw new Error('expected an EventValidationError');
}

describe('validation errors on encode', () => {
  it('names the event, the JSON pointer of the field and the expected type', async () => {
    const event = bookingEvents()['booking.created'];
    const error = await validationError({
      ...event,
      data: { ...event.data, price: { amountMinor: '12', currency: 'USD' } },
    });
    expect(error.eventType).toBe('booking.created');
    expect(error.issues[0]).toMatchObject({ path: '/data/price/amountMinor', expected: 'integer', keyword: 'type' });
    expect(error.message).toContain('/data/price/amountMinor');
  });

  it('reports a missing field at its own path', async () => {
    const { userId: _omitted, ...event } = bookingEvents()['booking.failed'];
    const error = await validationError(event);
    expect(error.issues[0]).toMatchObject({ path: '/userId', keyword: 'required' });
  });

  it('lists the allowed values of an enum', async () => {
    const event = bookingEvents()['booking.created'];
    const error = await validationError({ ...event, type: 'train' });
    expect(error.issues[0]).toMatchObject({ path: '/type', keyword: 'enum', expected: 'one of flight, hotel, car' });
  });

  it('picks the deepest error inside a nullable record instead of the anyOf summary', async () => {
    const event = bookingEvents()['booking.created'];
    const flight = { ...event.data.flight!, origin: 42 };
    const error = await validationError({ ...event, data: { ...event.data, flight } });
    expect(error.issues[0]).toMatchObject({ path: '/data/flight/origin', expected: 'string', keyword: 'type' });
  });

  it('rejects a field the contract does not define', async () => {
    const error = await validationError({ ...bookingEvents()['booking.confirmed'], extra: true });
    expect(error.issues[0]).toMatchObject({ path: '/extra', keyword: 'additionalProperties' });
  });

  it('rejects a timestamp that is not a Date', async () => {
    const error = await validationError({ ...bookingEvents()['booking.cancelled'], timestamp: '2025-01-01' });
    expect(error.issues[0]).toMatchObject({ path: '/timestamp', expected: 'a valid Date' });
  });

  it('merges branches failing at the same place into one issue', () => {
    const issues = toValidationIssues([
      { instancePath: '/data/refund', keyword: 'type', params: { type: 'null' } },
      { instancePath: '/data/refund', keyword: 'type', params: { type: 'object' } },
      { instancePath: '/data/refund', keyword: 'anyOf', params: {} },
    ]);
    expect(issues).toEqual([
      { path: '/data/refund', expected: 'null or object', keyword: 'type', message: 'must be null or object' },
    ]);
  });

  it('escapes JSON pointer characters in property names', () => {
    const [issue] = toValidationIssues([
      { instancePath: '', keyword: 'required', params: { missingProperty: 'a/b~c' } },
    ]);
    expect(issue?.path).toBe('/a~1b~0c');
  });
});
