/**
 * The decoder meets whatever bytes are on a topic: whatever they are, it must answer with an event
 * or one of the kit's typed errors, never a TypeError or RangeError from deep inside a library.
 */
import fc from 'fast-check';
import { isContractsError } from '../../../src/errors';
import { bookingsContract } from '../../../src/generated/bookings';
import { createInMemoryRegistry, registerContract } from '../../../src/registry';
import { createSerde, type Serde } from '../../../src/serde';
import { encodeFrame } from '../../../src/wire';
import { bookingEvents } from '../../support/bookings-fixtures';

let serde: Serde<typeof bookingsContract>;
let valueId: number;
let validBodies: Buffer[];

beforeAll(async () => {
  const registry = createInMemoryRegistry();
  const ids = await registerContract(bookingsContract, registry);
  valueId = ids['bookings-value']!.id;
  serde = createSerde(bookingsContract, registry);
  validBodies = await Promise.all(Object.values(bookingEvents()).map((e) => serde.encode(e)));
});

async function onlyTypedErrors(bytes: Uint8Array): Promise<boolean> {
  try {
    await serde.decode(bytes);
    return true;
  } catch (error) {
    if (isContractsError(error)) return true;
    throw error;
  }
}

describe('decoder robustness (property-based)', () => {
  it('random buffers give an event or a typed error', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), onlyTypedErrors), { numRuns: 500 });
  });

  it('random bodies behind a valid header give an event or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), (body) => onlyTypedErrors(encodeFrame(valueId, body))),
      { numRuns: 1000 },
    );
  });

  it('truncated valid messages are refused with a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(3), fc.nat(), async (which, cut) => {
        const full = validBodies[which]!;
        const end = cut % full.length;
        const error = await serde.decode(full.subarray(0, end)).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isContractsError(error)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('valid messages with bytes flipped give an event or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(3),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 5 }),
        (which, flips) => {
          const bytes = Buffer.from(validBodies[which]!);
          for (const [at, value] of flips) bytes[5 + (at % (bytes.length - 5))] = value;
          return onlyTypedErrors(bytes);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('wrong magic bytes and unknown schema IDs are typed errors with codes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 255 }),
        fc.integer({ min: 1000, max: 2 ** 32 - 1 }),
        async (magic, id) => {
          const wrongMagic = Buffer.from(validBodies[0]!);
          wrongMagic[0] = magic;
          await expect(serde.decode(wrongMagic)).rejects.toMatchObject({
            code: 'WIRE_FORMAT',
            found: magic,
            expected: 0,
          });
          await expect(serde.decode(encodeFrame(id, Buffer.from([0])))).rejects.toMatchObject({
            code: 'SCHEMA_NOT_FOUND',
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});
