/** The checker's API beyond the rule fixtures: levels, histories, references, policies, bad input. */
import { checkCompatibility, checkHistory } from '../../../src/formats/compatibility';
import type { JsonValue, SchemaVersion } from '../../../src/compat';
import { SchemaFileError, UsageError } from '../../../src/errors';

const record = (fields: JsonValue[], extra: Record<string, JsonValue> = {}): JsonValue => ({
  type: 'record',
  name: 'Booking',
  namespace: 'com.example',
  fields,
  ...extra,
});
const v = (schema: JsonValue, more: Partial<SchemaVersion> = {}): SchemaVersion => ({ schema, ...more });

describe('Avro', () => {
  const v1 = record([{ name: 'id', type: 'string' }]);
  const v2 = record([
    { name: 'id', type: 'string' },
    { name: 'refund', type: 'long' },
  ]);

  it('names the field, the path, the direction and who breaks', () => {
    const result = checkCompatibility({ format: 'AVRO', level: 'FULL', previous: [v(v1)], candidate: v(v2) });
    expect(result.compatible).toBe(false);
    expect(result.findings).toHaveLength(1);
    const [finding] = result.findings;
    expect(finding).toMatchObject({
      ruleId: 'FIELD_ADDED_WITHOUT_DEFAULT',
      format: 'AVRO',
      breaking: true,
      direction: 'BACKWARD',
      level: 'FULL',
      previousVersion: 1,
      path: '/fields/1',
      pathIn: 'candidate',
      after: { name: 'refund', type: 'long' },
    });
    expect(finding?.before).toBeUndefined();
    expect(finding?.message).toBe(
      'Field `refund` was added without a default: consumers on the new schema cannot read events written with version 1.',
    );
  });

  it('uses the version numbers it is given', () => {
    const result = checkCompatibility({
      format: 'AVRO',
      level: 'BACKWARD',
      previous: [v(v1, { version: 7 })],
      candidate: v(v2),
    });
    expect(result.findings[0]?.previousVersion).toBe(7);
    expect(result.findings[0]?.message).toContain('version 7');
  });

  it('resolves named types from references, as Confluent does', () => {
    const money = (fields: JsonValue[]) => ({ type: 'record', name: 'Money', namespace: 'com.example', fields });
    const booking = record([{ name: 'price', type: 'com.example.Money' }]);
    const before = v(booking, {
      references: [{ name: 'com.example.Money', schema: money([{ name: 'amount', type: 'long' }]) }],
    });
    const after = v(booking, {
      references: [
        {
          name: 'com.example.Money',
          schema: JSON.stringify(
            money([
              { name: 'amount', type: 'long' },
              { name: 'currency', type: 'string' },
            ]),
          ),
        },
      ],
    });
    const result = checkCompatibility({ format: 'AVRO', level: 'BACKWARD', previous: [before], candidate: after });
    expect(result.findings.map((f) => [f.ruleId, f.path])).toEqual([
      ['FIELD_ADDED_WITHOUT_DEFAULT', '/fields/0/type/fields/1'],
    ]);
    expect(result.findings[0]?.message).toContain('`price.currency`');
  });

  it('reports a missing reference as a schema error', () => {
    const schema = record([{ name: 'price', type: 'com.example.Money' }]);
    expect(() =>
      checkCompatibility({ format: 'AVRO', level: 'BACKWARD', previous: [v(schema)], candidate: v(schema) }),
    ).toThrow(SchemaFileError);
  });

  it('terminates on recursive types and still finds changes inside them', () => {
    const list = (extra: JsonValue[]) => ({
      type: 'record',
      name: 'Node',
      fields: [{ name: 'value', type: 'int' }, { name: 'next', type: ['null', 'Node'], default: null }, ...extra],
    });
    expect(
      checkCompatibility({ format: 'AVRO', level: 'FULL', previous: [v(list([]))], candidate: v(list([])) }).compatible,
    ).toBe(true);
    const result = checkCompatibility({
      format: 'AVRO',
      level: 'BACKWARD',
      previous: [v(list([]))],
      candidate: v(list([{ name: 'x', type: 'int' }])),
    });
    expect(result.compatible).toBe(false);
  });

  it('ignores logical types, as Java does', () => {
    const dec = (precision: number) =>
      record([{ name: 'a', type: { type: 'bytes', logicalType: 'decimal', precision, scale: 2 } }]);
    expect(
      checkCompatibility({ format: 'AVRO', level: 'FULL', previous: [v(dec(10))], candidate: v(dec(12)) }).compatible,
    ).toBe(true);
  });

  it('compares short names: a namespace change alone is compatible (Java getName())', () => {
    const moved = record([{ name: 'id', type: 'string' }], { namespace: 'org.example' });
    expect(
      checkCompatibility({ format: 'AVRO', level: 'FULL', previous: [v(v1)], candidate: v(moved) }).compatible,
    ).toBe(true);
  });

  it('rejects malformed schemas with the file and pointer', () => {
    const bad = record([{ name: 'id', type: 'strin' }]);
    try {
      checkCompatibility({
        format: 'AVRO',
        level: 'BACKWARD',
        previous: [v(v1)],
        candidate: v(bad, { source: 'schemas/avro/Booking.avsc' }),
      });
      throw new Error('expected a SchemaFileError');
    } catch (error) {
      expect(error).toBeInstanceOf(SchemaFileError);
      expect((error as SchemaFileError).file).toBe('schemas/avro/Booking.avsc');
      expect((error as SchemaFileError).pointer).toBe('/fields/0/type');
      expect((error as SchemaFileError).code).toBe('SCHEMA_INVALID');
    }
    expect(() =>
      checkCompatibility({ format: 'AVRO', level: 'NONE', previous: [], candidate: v('{not json') }),
    ).toThrow(SchemaFileError);
  });

  it('rejects an unknown level', () => {
    expect(() =>
      checkCompatibility({ format: 'AVRO', level: 'SIDEWAYS' as never, previous: [v(v1)], candidate: v(v1) }),
    ).toThrow(UsageError);
  });
});

describe('levels and histories', () => {
  const versions = [
    record([{ name: 'a', type: 'string' }]),
    record([
      { name: 'a', type: 'string' },
      { name: 'b', type: 'int', default: 0 },
    ]),
    record([
      { name: 'a', type: 'string' },
      { name: 'b', type: 'int' },
    ]),
  ].map((schema) => v(schema));

  it('non-transitive levels compare with the latest version only; transitive with all', () => {
    const run = (level: 'BACKWARD' | 'BACKWARD_TRANSITIVE') =>
      checkCompatibility({
        format: 'AVRO',
        level,
        previous: versions.slice(0, 2),
        candidate: versions[2] as SchemaVersion,
      });
    expect(run('BACKWARD').compatible).toBe(true);
    const transitive = run('BACKWARD_TRANSITIVE');
    expect(transitive.compatible).toBe(false);
    expect(transitive.findings.map((f) => f.previousVersion)).toEqual([1]);
  });

  it('NONE and an empty history are always compatible', () => {
    expect(
      checkCompatibility({ format: 'AVRO', level: 'NONE', previous: versions, candidate: v(record([])) }).compatible,
    ).toBe(true);
    expect(
      checkCompatibility({
        format: 'AVRO',
        level: 'FULL_TRANSITIVE',
        previous: [],
        candidate: versions[0] as SchemaVersion,
      }).compatible,
    ).toBe(true);
  });

  it('checkHistory checks each version against those before it', () => {
    const history = checkHistory({ format: 'AVRO', level: 'BACKWARD_TRANSITIVE', versions });
    expect(history.steps.map((s) => [s.version, s.compatible])).toEqual([
      [2, true],
      [3, false],
    ]);
    expect(history.compatible).toBe(false);
  });
});

describe('JSON Schema', () => {
  const open = { type: 'object', properties: { id: { type: 'string' } } };
  const added = { type: 'object', properties: { id: { type: 'string' }, promo: { type: 'string' } } };

  it('STRICT by default; LENIENT accepts an optional property added to an open model', () => {
    const strict = checkCompatibility({ format: 'JSON', level: 'BACKWARD', previous: [v(open)], candidate: v(added) });
    expect(strict.compatible).toBe(false);
    expect(strict.findings.map((f) => [f.ruleId, f.path])).toEqual([
      ['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', '/properties/promo'],
    ]);
    const lenient = checkCompatibility({
      format: 'JSON',
      level: 'BACKWARD',
      previous: [v(open)],
      candidate: v(added),
      policy: 'LENIENT',
    });
    expect(lenient).toEqual({ compatible: true, findings: [] });
  });

  it('lists non-breaking differences only on request', () => {
    const described = { ...open, description: 'Booking' };
    expect(
      checkCompatibility({ format: 'JSON', level: 'FULL', previous: [v(open)], candidate: v(described) }).findings,
    ).toEqual([]);
    const all = checkCompatibility({
      format: 'JSON',
      level: 'FULL',
      previous: [v(open)],
      candidate: v(described),
      includeNonBreaking: true,
    });
    expect(all.compatible).toBe(true);
    expect(all.findings.map((f) => [f.ruleId, f.direction, f.breaking])).toEqual([
      ['DESCRIPTION_CHANGED', 'BACKWARD', false],
      ['DESCRIPTION_CHANGED', 'FORWARD', false],
    ]);
  });

  it('resolves $ref to other documents by reference name', () => {
    const money = (max: number) => ({ type: 'object', properties: { amount: { type: 'number', maximum: max } } });
    const booking = { type: 'object', properties: { price: { $ref: 'money.json' } } };
    const result = checkCompatibility({
      format: 'JSON',
      level: 'BACKWARD',
      previous: [v(booking, { references: [{ name: 'money.json', schema: money(100) }] })],
      candidate: v(booking, { references: [{ name: 'money.json', schema: money(50) }] }),
    });
    expect(result.findings.map((f) => [f.ruleId, f.path])).toEqual([
      ['MAXIMUM_DECREASED', '/properties/price/properties/amount/maximum'],
    ]);
    expect(result.findings[0]).toMatchObject({ before: 100, after: 50 });
  });

  it('resolves pointers into referenced documents and reports unresolved ones as schema errors', () => {
    const defs = { definitions: { Money: { type: 'number' } } };
    const booking = { type: 'object', properties: { price: { $ref: 'common.json#/definitions/Money' } } };
    const ok = checkCompatibility({
      format: 'JSON',
      level: 'FULL',
      previous: [v(booking, { references: [{ name: 'common.json', schema: defs }] })],
      candidate: v(booking, { references: [{ name: 'common.json', schema: defs }] }),
    });
    expect(ok.compatible).toBe(true);
    expect(() =>
      checkCompatibility({ format: 'JSON', level: 'FULL', previous: [v(booking)], candidate: v(booking) }),
    ).toThrow(SchemaFileError);
  });

  it('terminates on recursive $refs', () => {
    const tree = (extra: Record<string, JsonValue>) => ({
      $ref: '#/definitions/Node',
      definitions: {
        Node: {
          type: 'object',
          properties: { children: { type: 'array', items: { $ref: '#/definitions/Node' } }, ...extra },
        },
      },
    });
    expect(
      checkCompatibility({ format: 'JSON', level: 'FULL', previous: [v(tree({}))], candidate: v(tree({})) }).compatible,
    ).toBe(true);
    const result = checkCompatibility({
      format: 'JSON',
      level: 'BACKWARD',
      previous: [v(tree({}))],
      candidate: v(tree({ name: { type: 'string' } })),
    });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL']);
  });

  it('every message is one sentence naming the element', () => {
    const result = checkCompatibility({
      format: 'JSON',
      level: 'FULL',
      previous: [v({ type: 'object', properties: { seat: { type: 'string', maxLength: 4 } } })],
      candidate: v({ type: 'object', properties: { seat: { type: 'string', maxLength: 3 } } }),
      includeNonBreaking: true,
    });
    for (const finding of result.findings) {
      expect(finding.message).toMatch(/^[A-Z][^\n]*\.$/);
      expect(finding.message).toContain('`seat`');
    }
    expect(result.findings.find((f) => f.breaking)?.message).toBe(
      'From version 1 to the new schema, property `seat` had its maxLength lowered (4 → 3): consumers on the new schema cannot read events written with version 1.',
    );
  });
});
