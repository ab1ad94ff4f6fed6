/**
 * The projection a v1 reader makes of a v2 writer's event, decided from the two schemas when they
 * allow it (src/formats/json/resolve.ts, projectionShortcut): which evolutions it decides, which
 * it leaves to ajv, and, for those it decides, the same values ajv's projection gives.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { projectionShortcut } from '../../../../src/formats/json/resolve';

type Schema = Record<string, unknown>;
const doc = (schema: unknown, references: Array<{ name: string; doc: { schema: unknown; references: [] } }> = []) => ({
  schema,
  references,
});

const v1: Schema = {
  $id: 'bookings/BookingCreated',
  type: 'object',
  additionalProperties: false,
  required: ['eventType', 'data'],
  properties: {
    eventType: { type: 'string', const: 'booking.created' },
    data: {
      type: 'object',
      additionalProperties: false,
      required: ['price'],
      properties: { price: { type: 'integer', minimum: 0 }, note: { type: 'string', maxLength: 20 } },
    },
    open: { type: 'object', properties: { a: { type: 'string' } } },
  },
};

/** v1 with `change` applied to a deep copy. */
function evolve(
  change: (s: Schema & { properties: Record<string, Schema & { properties: Record<string, Schema> }> }) => void,
): Schema {
  const copy = structuredClone(v1) as never;
  change(copy);
  return copy;
}

const addedPromo = evolve((s) => {
  s.properties.data!.properties.promoCode = { type: ['string', 'null'] };
});

describe('projectionShortcut', () => {
  it('decides an added optional property of a closed object: delete it (drop) or nothing (keep)', () => {
    expect(projectionShortcut(doc(addedPromo), doc(v1), 'drop')).toEqual([['data', 'promoCode']]);
    expect(projectionShortcut(doc(addedPromo), doc(v1), 'keep')).toEqual([]);
  });

  it('decides an added property the writer requires (the reader does not ask for it)', () => {
    const required = evolve((s) => {
      s.properties.data!.properties.promoCode = { type: 'string' };
      s.properties.data!.required = ['price', 'promoCode'];
    });
    expect(projectionShortcut(doc(required), doc(v1), 'drop')).toEqual([['data', 'promoCode']]);
  });

  it('decides a change of annotations only: nothing to do', () => {
    const described = evolve((s) => {
      s.properties.data!.description = 'the request';
      s.properties.data!.properties.note!.title = 'Note';
    });
    expect(projectionShortcut(doc(described), doc(v1), 'drop')).toEqual([]);
  });

  it('decides an added property of an open object: nothing to delete', () => {
    const open = evolve((s) => {
      s.properties.open!.properties.b = { type: 'number' };
    });
    expect(projectionShortcut(doc(open), doc(v1), 'drop')).toEqual([]);
  });

  it.each([
    [
      'a property the reader requires that the writer does not',
      evolve((s) => {
        s.properties.data!.required = [];
      }),
    ],
    [
      'a changed constraint (maxLength 20 → 40)',
      evolve((s) => {
        s.properties.data!.properties.note!.maxLength = 40;
      }),
    ],
    [
      'a property the writer removed',
      evolve((s) => {
        delete s.properties.data!.properties.note;
      }),
    ],
    [
      'a pattern beside the added property',
      evolve((s) => {
        s.properties.data!.properties.promoCode = { type: 'string' };
        s.properties.data!.patternProperties = { '^promo': { type: 'string' } };
      }),
    ],
    [
      'a combinator on the way to the added property',
      evolve((s) => {
        s.properties.data!.properties.promoCode = { type: 'string' };
        s.properties.data!.allOf = [{ required: ['price'] }];
      }),
    ],
    [
      'a schema for additional properties',
      evolve((s) => {
        s.properties.data!.properties.promoCode = { type: 'string' };
        s.properties.data!.additionalProperties = { type: 'string' };
      }),
    ],
  ])('leaves %s to ajv', (_what, writer) => {
    const reader =
      (writer as { properties: { data: { additionalProperties: unknown } } }).properties.data.additionalProperties ===
      false
        ? v1
        : evolve((s) => {
            s.properties.data!.additionalProperties = { type: 'string' };
          });
    expect(projectionShortcut(doc(writer), doc(reader), 'drop')).toBeUndefined();
  });

  it('leaves different references to ajv', () => {
    const money = (minimum: number) => ({ name: 'Money.json', doc: doc({ type: 'integer', minimum }) as never });
    expect(projectionShortcut(doc(v1, [money(0)]), doc(v1, [money(0)]), 'drop')).toEqual([]);
    expect(projectionShortcut(doc(v1, [money(1)]), doc(v1, [money(0)]), 'drop')).toBeUndefined();
  });

  it("gives what ajv's projection gives, for values the writer accepts", () => {
    const ajv = new Ajv({ strict: false, allErrors: false });
    addFormats(ajv);
    const writerValid = ajv.compile({ ...addedPromo, $id: 'writer' });
    const project = new Ajv({ strict: false, removeAdditional: true, useDefaults: true }).compile({ ...v1, $id: 'r' });
    const paths = projectionShortcut(doc(addedPromo), doc(v1), 'drop')!;
    const values = [
      { eventType: 'booking.created', data: { price: 1 } },
      { eventType: 'booking.created', data: { price: 1, promoCode: null } },
      { eventType: 'booking.created', data: { price: 2, promoCode: 'WINTER', note: 'x' }, open: { a: 'y', z: 1 } },
      { eventType: 'booking.created', data: { price: 3, promoCode: 'W' } },
    ];
    for (const value of values) {
      expect(writerValid(value)).toBe(true);
      const byAjv = structuredClone(value);
      expect(project(byAjv)).toBe(true);
      const byShortcut = structuredClone(value) as unknown as Record<string, Record<string, unknown>>;
      for (const path of paths) delete byShortcut[path[0]!]![path[1]!];
      expect(byShortcut).toEqual(byAjv);
    }
  });
});
