import { DecodeError, EventValidationError, UnknownEventTypeError } from '../../../src/errors';
import { bookingsContract } from '../../../src/generated/bookings';
import { createInMemoryRegistry, registerContract } from '../../../src/registry';
import { createSerde } from '../../../src/serde';
import { bookingEvents } from '../../support/bookings-fixtures';

async function setUp() {
  const registry = createInMemoryRegistry({ compatibility: 'NONE' });
  await registerContract(bookingsContract, registry);
  return { registry, serde: createSerde(bookingsContract, registry) };
}

describe('serde hot path (encodeSync, tryDecodeSync)', () => {
  it('answers undefined until the schema ID is cached, without asking the registry', async () => {
    const { serde, registry } = await setUp();
    const event = bookingEvents()['booking.created'];
    const before = registry.requestCount;
    expect(serde.encodeSync(event)).toBeUndefined();
    expect(serde.cachedSchemaId('booking.created')).toBeUndefined();
    const bytes = await serde.encode(event);
    expect(serde.tryDecodeSync(bytes)).toBeUndefined();
    expect(registry.requestCount).toBeGreaterThan(before);
  });

  it('gives the bytes and events of the async API once warm, with no registry call', async () => {
    const { serde, registry } = await setUp();
    const events = Object.values(bookingEvents());
    for (const e of events) await serde.decode(await serde.encode(e));
    const warm = registry.requestCount;
    for (const e of events) {
      const sync = serde.encodeSync(e);
      expect(sync).toEqual(await serde.encode(e));
      expect(serde.tryDecodeSync(sync)).toEqual(await serde.decode(sync));
      expect(serde.cachedSchemaId(e.eventType)).toBe(await serde.schemaIdFor(e.eventType));
    }
    expect(registry.requestCount).toBe(warm);
  });

  it('throws the errors of the async API', async () => {
    const { serde } = await setUp();
    const event = bookingEvents()['booking.failed'];
    const bytes = await serde.encode(event);
    await serde.decode(bytes);
    const invalid = { ...event, data: { ...event.data, retryable: 'no' } } as unknown as typeof event;
    expect(() => serde.encodeSync(invalid)).toThrow(EventValidationError);
    await expect(serde.encode(invalid)).rejects.toThrow(EventValidationError);
    expect(() => serde.encodeSync({ ...event, eventType: 'booking.lost' } as never)).toThrow(UnknownEventTypeError);
    const truncated = bytes.subarray(0, bytes.length - 3);
    expect(() => serde.tryDecodeSync(truncated)).toThrow(DecodeError);
    await expect(serde.decode(truncated)).rejects.toThrow(DecodeError);
  });
});
