/**
 * A transformer's outputs without Kafka: what a handler run publishes is validated at once, held
 * with the run, and kept for its input partition only when the run ends well; a publish after the
 * run, or of an event type no output contract has, is a UsageError; an aborted run keeps nothing.
 */
import { EventValidationError, UsageError } from '../../../src/errors';
import { bookingsContract } from '../../../src/generated/bookings';
import type { MessageContext } from '../../../src/consumer';
import { createMessageBuilder } from '../../../src/producer/messages';
import { createInMemoryRegistry, registerContract } from '../../../src/registry';
import { createSerde } from '../../../src/serde';
import { producerTelemetry } from '../../../src/telemetry';
import { createTransformer } from '../../../src/transformer';
import { handlerRun, PendingOutputs, recordBytes, type OutputRoutes } from '../../../src/transformer/outputs';
import { bookingEvents, bookingInputs, confirmationOf } from '../../support/bookings-fixtures';

async function setUp() {
  const registry = createInMemoryRegistry({ compatibility: 'NONE' });
  await registerContract(bookingsContract, registry);
  const serde = createSerde(bookingsContract, registry);
  const route = {
    topic: 'bookings',
    messages: createMessageBuilder(serde, 'billing'),
    telemetry: producerTelemetry('bookings'),
  };
  const routes: OutputRoutes = new Map(Object.keys(bookingsContract.events).map((type) => [type, route]));
  return { routes, pending: new PendingOutputs() };
}

function context(partition = 2, signal = new AbortController().signal): MessageContext {
  return {
    topic: 'bookings',
    partition,
    offset: '41',
    key: 'BOOK-1',
    timestamp: '0',
    headers: {},
    traceparent: undefined,
    schemaId: 1,
    attempt: 1,
    signal,
    heartbeat: async () => undefined,
  };
}

describe('a transformer handler run', () => {
  it('keeps its outputs for its input partition once it ends well', async () => {
    const { routes, pending } = await setUp();
    const run = handlerRun(routes, pending, context(2), 1_000_000);
    const result = await run.out.publish('booking.confirmed', confirmationOf(bookingEvents()['booking.created']));
    expect(result.topic).toBe('bookings');
    expect(typeof result.schemaId).toBe('number');
    expect(pending.take(2)).toHaveLength(0); // nothing before the run ends
    await run.settle();
    const kept = pending.take(2);
    expect(kept).toHaveLength(1);
    expect(kept[0]!.record.key).toBe('BOOK-1');
    expect(kept[0]!.record.headers!['event-type']).toBe('booking.confirmed');
    expect(pending.take(2)).toHaveLength(0); // taken once
  });

  it('keeps nothing of a run that failed, or whose signal was aborted', async () => {
    const { routes, pending } = await setUp();
    const failed = handlerRun(routes, pending, context(0), 1_000_000);
    await failed.out.publish('booking.confirmed', confirmationOf(bookingEvents()['booking.created']));
    failed.discard(new Error('payment provider timed out'));
    const abort = new AbortController();
    const timedOut = handlerRun(routes, pending, context(0, abort.signal), 1_000_000);
    await timedOut.out.publish('booking.confirmed', confirmationOf(bookingEvents()['booking.created']));
    abort.abort(new Error('handler timeout'));
    await timedOut.settle();
    expect(pending.take(0)).toHaveLength(0);
  });

  it('refuses an invalid event at once, an unknown event type, and a publish after the run', async () => {
    const { routes, pending } = await setUp();
    const run = handlerRun(routes, pending, context(), 1_000_000);
    const invalid = { ...bookingInputs()['booking.failed'], data: { reasonCode: 'no-such-code' } };
    await expect(run.out.publish('booking.failed', invalid)).rejects.toBeInstanceOf(EventValidationError);
    await expect(run.out.publish('booking.refunded', {})).rejects.toBeInstanceOf(UsageError);
    await run.settle();
    await expect(
      run.out.publish('booking.confirmed', confirmationOf(bookingEvents()['booking.created'])),
    ).rejects.toThrow(/published after the handler/);
  });

  it('refuses an output larger than maxRecordBytes, naming the event and the input', async () => {
    const { routes, pending } = await setUp();
    const run = handlerRun(routes, pending, context(1), 100);
    await expect(
      run.out.publish('booking.confirmed', confirmationOf(bookingEvents()['booking.created'])),
    ).rejects.toThrow(/booking.confirmed of bookings\[1\]@41 is about \d+ bytes, more than maxRecordBytes \(100\)/);
  });

  it('sizes a record by its key, value and headers', () => {
    expect(recordBytes({ key: 'k', value: Buffer.alloc(100), headers: { a: 'bc' } })).toBe(70 + 1 + 100 + 1 + 2 + 4);
    // strings count in UTF-8 bytes: 'é' is 2, '€' is 3
    expect(recordBytes({ key: 'é', value: null, headers: { h: '€' } })).toBe(70 + 2 + 1 + 3 + 4);
  });
});

describe('createTransformer', () => {
  it('refuses output contracts that share an event type, naming both topics', () => {
    const other = { ...bookingsContract, topic: 'bookings-archive' };
    expect(() =>
      createTransformer({
        from: bookingsContract,
        to: [bookingsContract, other],
        groupId: 'billing',
        brokers: ['127.0.0.1:1'],
        registry: createInMemoryRegistry(),
        handlers: {
          'booking.created': 'ignore',
          'booking.confirmed': 'ignore',
          'booking.cancelled': 'ignore',
          'booking.failed': 'ignore',
        },
      }),
    ).toThrow(/booking\.created is in two output contracts \(bookings and bookings-archive\)/);
  });
});
