/** The semantic diff: each change named, with the rules it breaks at the level. */
import type { JsonValue } from '../../../src/compat';
import { diffVersions } from '../../../src/registration';

const record = (fields: JsonValue[]): JsonValue => ({
  type: 'record',
  name: 'Booking',
  namespace: 'com.example',
  fields,
});
const avro = (previous: JsonValue, candidate: JsonValue, level: 'FULL' | 'BACKWARD' | 'FORWARD' | 'NONE' = 'FULL') =>
  diffVersions({ format: 'AVRO', level, previous: { schema: previous }, candidate: { schema: candidate } });

describe('diffVersions (Avro)', () => {
  const base = [
    { name: 'id', type: 'string' },
    { name: 'nights', type: 'int' },
  ];

  it('names a field added with a default and says it breaks nothing', () => {
    const diff = avro(record(base), record([...base, { name: 'note', type: ['null', 'string'], default: null }]));
    expect(diff.compatible).toBe(true);
    expect(diff.changes).toEqual([
      expect.objectContaining({
        kind: 'FIELD_ADDED',
        path: '/fields/2',
        description: 'Field `note` ([null, string]) was added with default null.',
        breaks: [],
      }),
    ]);
  });

  it('names a field added without a default with the rule it breaks', () => {
    const diff = avro(record(base), record([...base, { name: 'guests', type: 'int' }]));
    expect(diff.compatible).toBe(false);
    expect(diff.changes).toHaveLength(1);
    expect(diff.changes[0]?.kind).toBe('FIELD_ADDED');
    expect(diff.changes[0]?.breaks.map((f) => [f.ruleId, f.direction])).toEqual([
      ['FIELD_ADDED_WITHOUT_DEFAULT', 'BACKWARD'],
    ]);
    expect(diff.otherBreaks).toEqual([]);
  });

  it('names a removed field, pointing into the previous version', () => {
    const diff = avro(record(base), record([base[0]!]), 'FORWARD');
    expect(diff.changes).toEqual([
      expect.objectContaining({ kind: 'FIELD_REMOVED', path: '/fields/1', pathIn: 'previous' }),
    ]);
    expect(diff.changes[0]?.breaks.map((f) => f.ruleId)).toEqual(['FIELD_REMOVED_WITHOUT_DEFAULT']);
  });

  it('names a rename through an alias, which breaks nothing backward', () => {
    const diff = avro(
      record(base),
      record([base[0]!, { name: 'nightCount', type: 'int', aliases: ['nights'] }]),
      'BACKWARD',
    );
    expect(diff.changes.map((c) => c.kind)).toEqual(['FIELD_RENAMED']);
    expect(diff.changes[0]?.description).toBe('Field `nights` was renamed to `nightCount` through an alias.');
    expect(diff.compatible).toBe(true);
  });

  it('names a type change and a promotion, breaking only where Avro cannot promote', () => {
    const diff = avro(
      record(base),
      record([
        { name: 'id', type: 'bytes' },
        { name: 'nights', type: 'long' },
      ]),
      'BACKWARD',
    );
    expect(diff.changes.map((c) => [c.kind, c.path, c.breaks.length])).toEqual([
      ['TYPE_CHANGED', '/fields/0/type', 0],
      ['TYPE_CHANGED', '/fields/1/type', 0],
    ]);
    const forward = avro(
      record(base),
      record([
        { name: 'id', type: 'string' },
        { name: 'nights', type: 'long' },
      ]),
      'FORWARD',
    );
    expect(forward.changes[0]?.breaks.map((f) => f.ruleId)).toEqual(['TYPE_MISMATCH']);
  });

  it('names default changes, enum symbols and union branches', () => {
    const before = record([
      { name: 'qty', type: 'int', default: 1 },
      { name: 'cabin', type: { type: 'enum', name: 'Cabin', symbols: ['ECONOMY', 'BUSINESS'] } },
      { name: 'ref', type: ['null', 'string'], default: null },
    ]);
    const after = record([
      { name: 'qty', type: 'int', default: 2 },
      { name: 'cabin', type: { type: 'enum', name: 'Cabin', symbols: ['ECONOMY', 'BUSINESS', 'FIRST'] } },
      { name: 'ref', type: ['null', 'string', 'long'], default: null },
    ]);
    const diff = avro(before, after);
    expect(diff.changes.map((c) => [c.kind, c.path])).toEqual([
      ['DEFAULT_CHANGED', '/fields/0'],
      ['ENUM_SYMBOL_ADDED', '/fields/1/type/symbols'],
      ['UNION_BRANCH_ADDED', '/fields/2/type/2'],
    ]);
    const breaking = Object.fromEntries(diff.changes.map((c) => [c.kind, c.breaks.map((f) => f.ruleId)]));
    expect(breaking).toEqual({
      DEFAULT_CHANGED: [],
      ENUM_SYMBOL_ADDED: ['ENUM_SYMBOL_ADDED'],
      UNION_BRANCH_ADDED: ['MISSING_UNION_BRANCH'],
    });
  });

  it('breaks nothing at NONE', () => {
    const diff = avro(record(base), record([{ name: 'id', type: 'int' }]), 'NONE');
    expect(diff.compatible).toBe(true);
    expect(diff.changes.every((c) => c.breaks.length === 0)).toBe(true);
    expect(diff.changes.map((c) => c.kind)).toEqual(['TYPE_CHANGED', 'FIELD_REMOVED']);
  });
});

describe('diffVersions (JSON Schema)', () => {
  it("lists the differences of Confluent's diff, breaking and not", () => {
    const previous = {
      type: 'object',
      properties: { id: { type: 'string' }, total: { type: 'number', maximum: 100 } },
      additionalProperties: false,
    };
    const candidate = {
      type: 'object',
      properties: { id: { type: 'string', description: 'the ID' }, total: { type: 'number', maximum: 50 } },
      additionalProperties: false,
    };
    const diff = diffVersions({
      format: 'JSON',
      level: 'BACKWARD',
      previous: { schema: previous },
      candidate: { schema: candidate },
    });
    expect(diff.compatible).toBe(false);
    const kinds = Object.fromEntries(diff.changes.map((c) => [c.kind, c.breaks.length > 0]));
    expect(kinds).toEqual({ DESCRIPTION_CHANGED: false, MAXIMUM_DECREASED: true });
  });
});
