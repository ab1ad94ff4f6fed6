/**
 * The Avro and JSON Schema contracts are two spellings of one contract: they accept and reject
 * the same events, and a value survives both encodings unchanged.
 */
import { isDeepStrictEqual } from 'node:util';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type * as avro from 'avsc';
import { bookingsContract } from '../../../src/generated/bookings';
import type { CompiledValidator } from '../../../src/contract';
import {
  BOOKING_EVENT_TYPES,
  type BookingEventType,
  EVENT_RECORDS,
  ROOT,
  bookingAvroTypes,
  fromJsonForm,
  plain,
  sampleEvent,
  toJsonForm,
} from '../../support/bookings-samples';

type Mutation = [name: string, mutate: (event: Record<string, any>) => void];
const MUTATIONS: Mutation[] = [
  ['drops a required envelope field', (e) => delete e.bookingId],
  ['sets eventId to a non-UUID', (e) => (e.eventId = 'not-a-uuid')],
  [
    'claims another event type',
    (e) => (e.eventType = e.eventType === 'booking.created' ? 'booking.failed' : 'booking.created'),
  ],
  ['sets the timestamp to a number', (e) => (e.timestamp = 1736937000000)],
  ['sets an invalid Date', (e) => (e.timestamp = new Date('nonsense'))],
  ['uses an unknown booking type', (e) => (e.type = 'boat')],
  ['adds an undeclared top-level field', (e) => (e.extra = 1)],
  ['adds an undeclared field in data', (e) => (e.data.extra = 'x')],
  ['sets userId to null', (e) => (e.userId = null)],
  ['sets bookingId to a number', (e) => (e.bookingId = 42)],
  ['sets data to null', (e) => (e.data = null)],
  ['sets data to an array', (e) => (e.data = [])],
];
const DATA_MUTATIONS: Record<BookingEventType, Mutation[]> = {
  'booking.created': [
    ['prices in a float', (e) => (e.data.price.amountMinor = 12.5)],
    ['prices in a string', (e) => (e.data.price.amountMinor = '100')],
    ['prices beyond a safe integer', (e) => (e.data.price.amountMinor = 2 ** 60)],
    ['drops the currency', (e) => delete e.data.price.currency],
    ['overflows the int quantity', (e) => (e.data.quantity = 2 ** 31)],
    ['gives a flight without fields', (e) => (e.data.flight = {})],
    [
      'gives a hotel with a string for nights',
      (e) => (e.data.hotel = { hotelName: 'h', checkIn: '2025-01-01', nights: '2', guests: 1 }),
    ],
    [
      'omits defaulted fields (valid)',
      (e) => {
        delete e.data.quantity;
        delete e.data.flight;
        delete e.data.hotel;
        delete e.data.car;
      },
    ],
    [
      'gives a valid car (valid)',
      (e) =>
        (e.data.car = {
          pickupLocation: 'FRA',
          dropoffLocation: 'MUC',
          pickupTime: new Date(0),
          dropoffTime: new Date(86400000),
          carClass: 'CDMR',
        }),
    ],
  ],
  'booking.confirmed': [
    ['uses an unknown payment method', (e) => (e.data.payment.method = 'cash')],
    ['drops the confirmation code', (e) => delete e.data.confirmationCode],
    ['sets payment to null', (e) => (e.data.payment = null)],
  ],
  'booking.cancelled': [
    ['refunds without a currency', (e) => (e.data.refund = { amountMinor: 100 })],
    ['refunds nothing (valid)', (e) => (e.data.refund = null)],
    ['uses an unknown canceller', (e) => (e.data.cancelledBy = 'robot')],
  ],
  'booking.failed': [
    ['says retryable in a string', (e) => (e.data.retryable = 'yes')],
    ['uses an unknown reason code', (e) => (e.data.reasonCode = 'bogus')],
    ['drops the message', (e) => delete e.data.message],
  ],
};

let avroTypes: Record<string, avro.Type>;
let jsonValidators: Record<string, CompiledValidator>;

beforeAll(() => {
  avroTypes = bookingAvroTypes();
  // Generate the JSON Schema flavour of the same contracts with the CLI, as a service would.
  execFileSync(
    process.execPath,
    [join(ROOT, 'bin', 'contracts.js'), '-c', 'test/fixtures/configs/bookings-json.config.json', 'generate'],
    {
      cwd: ROOT,
      stdio: 'pipe',
    },
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const generated = require(
    join(ROOT, '.scratch', 'generated-json', 'bookings'),
  ) as typeof import('../../../src/generated/bookings');
  jsonValidators = Object.fromEntries(
    BOOKING_EVENT_TYPES.map((t) => [t, generated.bookingsContract.events[t].validate]),
  );
}, 60_000);

/** What Avro itself accepts (avsc, undeclared fields refused) plus the kit's eventType binding. */
function avroAccepts(eventType: BookingEventType, value: unknown): boolean {
  const type = avroTypes[EVENT_RECORDS[eventType]]!;
  return (
    type.isValid(value, { noUndeclaredFields: true }) && (value as { eventType?: unknown }).eventType === eventType
  );
}

function cases(): Array<[string, BookingEventType, Record<string, any>]> {
  const out: Array<[string, BookingEventType, Record<string, any>]> = [];
  for (const eventType of BOOKING_EVENT_TYPES) {
    for (let i = 0; i < 25; i++) out.push([`generated sample ${i}`, eventType, sampleEvent(avroTypes, eventType)]);
    for (const [name, mutate] of [...MUTATIONS, ...DATA_MUTATIONS[eventType]]) {
      const event = sampleEvent(avroTypes, eventType) as Record<string, any>;
      mutate(event);
      out.push([name, eventType, event]);
    }
  }
  return out;
}

describe('Avro and JSON Schema contracts', () => {
  it('accept and reject the same events', () => {
    const disagreements: string[] = [];
    let accepted = 0;
    let rejected = 0;
    for (const [name, eventType, event] of cases()) {
      const avro = avroAccepts(eventType, event);
      const generatedAvro = bookingsContract.events[eventType].validate(event);
      const json = jsonValidators[eventType]!(toJsonForm(event));
      if (avro !== generatedAvro || avro !== json) {
        disagreements.push(`${eventType} ${name}: avsc=${avro} avro-validator=${generatedAvro} json-schema=${json}`);
      }
      if (avro) accepted++;
      else rejected++;
    }
    expect(disagreements).toEqual([]);
    // both outcomes really occur: the mutations reject, the samples pass
    expect(accepted).toBeGreaterThanOrEqual(100);
    expect(rejected).toBeGreaterThanOrEqual(60);
  });

  it('round-trip the same values through Avro binary and JSON text', () => {
    for (const eventType of BOOKING_EVENT_TYPES) {
      const type = avroTypes[EVENT_RECORDS[eventType]]!;
      for (let i = 0; i < 25; i++) {
        const event = sampleEvent(avroTypes, eventType);
        const viaAvro = plain(type.fromBuffer(type.toBuffer(event)));
        const viaJson = fromJsonForm(type, JSON.parse(JSON.stringify(toJsonForm(event))));
        expect(isDeepStrictEqual(viaAvro, event)).toBe(true);
        expect(viaJson).toEqual(event);
      }
    }
  });
});
