/**
 * Hostile record values for the bad-input scenario, generated with fast-check from a fixed seed (so
 * a failure reproduces): random bytes, truncated valid messages, a wrong magic byte, an unknown
 * schema ID, a valid header with a garbage body, and empty values. The unit property test
 * (test/unit/serde/fuzz.test.ts) runs the same kinds of input against an in-memory registry; here
 * they go through Kafka and the real registry.
 */
import fc from 'fast-check';
import { encodeFrame } from '../../../src/wire';

export const HOSTILE_KINDS = [
  'random',
  'truncated',
  'wrong-magic',
  'unknown-schema-id',
  'garbage-body',
  'empty',
] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

export interface HostileValue {
  kind: HostileKind;
  /** null is a tombstone (a record without a value). */
  value: Buffer | null;
}

/** `perKind` values of each kind (`empty` gets at most 20: there are few ways to be empty). */
export function hostileValues(options: {
  perKind: number;
  validMessages: Buffer[];
  schemaId: number;
  seed: number;
}): HostileValue[] {
  const { perKind, validMessages, schemaId, seed } = options;
  const valid = fc.constantFrom(...validMessages);
  const sample = <T>(arb: fc.Arbitrary<T>, n: number, offset: number) =>
    fc.sample(arb, { numRuns: n, seed: seed + offset });
  const out: HostileValue[] = [];
  const add = (kind: HostileKind, values: Array<Buffer | null>) =>
    out.push(...values.map((value) => ({ kind, value })));

  add(
    'random',
    sample(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      perKind,
      1,
    ),
  );
  add(
    'truncated',
    sample(
      fc.tuple(valid, fc.nat()).map(([m, cut]) => Buffer.from(m.subarray(0, cut % m.length))),
      perKind,
      2,
    ),
  );
  add(
    'wrong-magic',
    sample(
      fc.tuple(valid, fc.integer({ min: 1, max: 255 })).map(([m, magic]) => {
        const b = Buffer.from(m);
        b[0] = magic;
        return b;
      }),
      perKind,
      3,
    ),
  );
  // IDs far above what a test registry hands out
  add(
    'unknown-schema-id',
    sample(
      fc
        .tuple(fc.integer({ min: 10_000_000, max: 2 ** 32 - 1 }), fc.uint8Array({ maxLength: 200 }))
        .map(([id, body]) => encodeFrame(id, Buffer.from(body))),
      perKind,
      4,
    ),
  );
  add(
    'garbage-body',
    sample(
      fc.uint8Array({ maxLength: 300 }).map((body) => encodeFrame(schemaId, Buffer.from(body))),
      perKind,
      5,
    ),
  );
  const empties: Array<Buffer | null> = [null, Buffer.alloc(0), Buffer.from([0]), Buffer.from([0, 0, 0, 0])];
  add(
    'empty',
    Array.from({ length: Math.min(20, perKind) }, (_, i) => empties[i % empties.length]!),
  );
  return out;
}
