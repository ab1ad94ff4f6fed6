/**
 * The codec emitter on the Avro types the bookings schemas do not use (float, double, bytes,
 * fixed, arrays, a null branch second, defaults of every kind, decimals as bytes and fixed): the emitted module, compiled as a
 * service would compile it, against avsc over generated values and bytes. Schemas with what the
 * emitter does not specialise get no codec at all.
 */
import { diffLines } from 'diff';
import fc from 'fast-check';
import { parseAvroSchemas } from '../../../../src/formats/avro/types';
import * as contract from '../../../../src/contract';
import type { GeneratedCodec } from '../../../../src/contract';
import { avroCodecSource } from '../../../../src/formats/avro/codec-source';
import type { TopicModel } from '../../../../src/formats/model';
import { avroValue, avscAccepts, comparable } from '../../../support/avro-arbitraries';
import { loadGeneratedCodec } from '../../../support/generated-codec';

const ITEM = {
  type: 'record',
  name: 'Item',
  namespace: 'test.kinds',
  fields: [
    { name: 'sku', type: 'string' },
    { name: 'weight', type: 'float' },
    { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
  ],
};

const KINDS = {
  type: 'record',
  name: 'Kinds',
  namespace: 'test.kinds',
  fields: [
    { name: 'eventType', type: 'string' },
    { name: 'id', type: 'string' },
    { name: 'ratio', type: 'double' },
    { name: 'blob', type: 'bytes' },
    { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 4 } },
    { name: 'flag', type: 'boolean', default: true },
    { name: 'count', type: 'int', default: 7 },
    { name: 'total', type: 'long', default: 123456789012 },
    { name: 'note', type: ['string', 'null'], default: 'none' },
    { name: 'level', type: { type: 'enum', name: 'Level', symbols: ['LOW', 'HIGH'] }, default: 'HIGH' },
    { name: 'items', type: { type: 'array', items: 'test.kinds.Item' } },
    { name: 'first', type: ['null', 'test.kinds.Item'], default: null },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'label', type: 'string', default: 'a label longer than four bytes' },
    { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 } },
    {
      name: 'amount',
      type: { type: 'fixed', name: 'Amount', size: 8, logicalType: 'decimal', precision: 18, scale: 4 },
    },
    {
      name: 'rates',
      type: { type: 'array', items: { type: 'bytes', logicalType: 'decimal', precision: 5, scale: 0 } },
    },
    {
      name: 'discount',
      type: ['null', { type: 'bytes', logicalType: 'decimal', precision: 4, scale: 3 }],
      default: null,
    },
  ],
};

/** A topic of these schemas whose last one is its event, or whose `events` are the named records. */
function modelOf(...records: object[]): TopicModel {
  const last = records[records.length - 1] as { name: string; namespace: string };
  return topicOf(records, { 'kinds.happened': last });
}

function topicOf(records: object[], events: Record<string, { name: string; namespace: string }>): TopicModel {
  const schemas = records.map((r) => ({
    subject: (r as { name: string }).name,
    schemaType: 'AVRO' as const,
    schema: JSON.stringify(r),
    references: [],
    file: 'x.avsc',
  }));
  return {
    config: { name: 'kinds', discriminator: 'eventType' },
    baseName: 'Kinds',
    events: Object.entries(events).map(([eventType, record]) => ({
      eventType,
      name: `${record.namespace}.${record.name}`,
      typeName: record.name,
    })),
    schemas,
  } as unknown as TopicModel;
}

/** The module-level functions and constants a source declares. */
function declarations(source: string): string[] {
  return [...source.matchAll(/^(?:function|const) ([\w$]+)/gm)].map((m) => m[1]!);
}

/** The emitted module loaded, its runtime import served by `kit` (the kit's entry by default). */
function load(source: string, kit: object = contract): GeneratedCodec {
  return loadGeneratedCodec(source, 'kindsCodec', kit);
}

describe('the Avro codec emitter', () => {
  const { registry } = parseAvroSchemas([ITEM, KINDS]);
  const kinds = registry['test.kinds.Kinds']!;
  const codec = load(avroCodecSource(modelOf(ITEM, KINDS))!.source).events['kinds.happened']!;

  it('writes every kind of value as avsc does and reads it back as avsc does', () => {
    const buf = Buffer.alloc(64 * 1024);
    fc.assert(
      fc.property(avroValue(kinds, { field: 'eventType', value: 'kinds.happened' }), (value) => {
        const expected = kinds.toBuffer(value);
        const end = codec.write(value, buf, 0);
        expect([...buf.subarray(0, end)]).toEqual([...expected]);
        expect(comparable(codec.read(expected, 0, expected.length))).toEqual(comparable(kinds.fromBuffer(expected)));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses values avsc cannot write', () => {
    const buf = Buffer.alloc(64 * 1024);
    fc.assert(
      fc.property(
        avroValue(kinds, { field: 'eventType', value: 'kinds.happened' }),
        fc.constantFrom('ratio', 'blob', 'hash', 'items', 'at', 'level', 'price', 'amount', 'rates'),
        fc.anything(),
        (value, field, wrong) => {
          const broken = { ...(value as object), [field]: wrong };
          if (!avscAccepts(kinds, broken)) expect(codec.write(broken, buf, 0)).toBe(-1);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('returns an event only where avsc reads the same one', () => {
    const samples = fc
      .sample(avroValue(kinds, { field: 'eventType', value: 'kinds.happened' }), { numRuns: 30, seed: 11 })
      .map((v) => kinds.toBuffer(v));
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 3 }),
        (body, flips) => {
          const copy = Buffer.from(body);
          for (const [at, value] of flips) copy[at % copy.length] = value;
          const read = codec.read(copy, 0, copy.length);
          if (read === undefined) return;
          const { value, offset } = kinds.decode(copy, 0);
          expect(offset).toBe(copy.length);
          expect(comparable(read)).toEqual(comparable(value));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('refuses decimals beyond the schema scale or precision, and numbers', () => {
    const buf = Buffer.alloc(64 * 1024);
    const valid = fc.sample(avroValue(kinds, { field: 'eventType', value: 'kinds.happened' }), {
      numRuns: 1,
      seed: 3,
    })[0];
    expect(codec.write(valid, buf, 0)).toBeGreaterThan(0);
    for (const price of ['1.234', '12345678', '-12345678.5', '1e3', 12.5, '', '.5', '1.']) {
      expect(avscAccepts(kinds, { ...(valid as object), price })).toBe(false);
      expect(codec.write({ ...(valid as object), price }, buf, 0)).toBe(-1);
    }
    expect(
      codec.write({ ...(valid as object), price: '1234567.00000', rates: ['99999', '-7.000'] }, buf, 0),
    ).toBeGreaterThan(0);
  });

  it('says to run `npx contracts generate` when the kit does not serve its runtime version', () => {
    const { source } = avroCodecSource(modelOf(ITEM, KINDS))!;
    expect(() => load(source, {})).toThrow(
      "this codec.ts needs avroCodecRuntimeV1, which the installed 'the-kit' does not provide: run `npx contracts generate` with the installed version",
    );
  });

  it('names its functions after the types: the same file for the same schemas, one event more adds only its own lines', () => {
    const before = avroCodecSource(modelOf(ITEM, KINDS))!.source;
    expect(avroCodecSource(modelOf(ITEM, KINDS))!.source).toBe(before);
    // no counters: every function and constant is named after a type (or a type and a field)
    const declared = declarations(before);
    expect(declared).toContain('writeKindsEvent');
    expect(declared).toContain('readNullableItem');
    expect(declared).toContain('writeArrayOfItem');
    expect(declared).toContain('readStringOrNull');
    const SHADE = { type: 'enum', name: 'Shade', namespace: 'test.kinds', symbols: ['DARK', 'LIGHT'] };
    const PAINTED = {
      type: 'record',
      name: 'Painted',
      namespace: 'test.kinds',
      fields: [
        { name: 'eventType', type: 'string' },
        { name: 'shade', type: 'test.kinds.Shade' },
        { name: 'items', type: { type: 'array', items: 'test.kinds.Item' } },
        { name: 'tones', type: { type: 'array', items: 'test.kinds.Shade' }, default: [] },
        { name: 'note', type: ['null', 'string'], default: null },
      ],
    };
    const after = avroCodecSource(
      topicOf([ITEM, KINDS, SHADE, PAINTED], { 'kinds.happened': KINDS, 'kinds.painted': PAINTED }),
    )!.source;
    const changes = diffLines(before, after);
    // nothing of the first event changes: no line removed but the types import, which names the new event too
    expect(changes.filter((c) => c.removed).map((c) => c.value)).toEqual([
      "import type { Kinds } from './types.js';\n",
    ]);
    const added = changes.filter((c) => c.added).map((c) => c.value);
    expect(added[0]).toBe("import type { Kinds, Painted } from './types.js';\n");
    // what is added declares the new types' helpers only (Item's exist already; ['null', 'string'] is
    // new beside KINDS's ['string', 'null'])
    expect(declarations(added.join('')).sort()).toEqual(
      [
        'Painted$eventType',
        'Shade$symbols',
        'readArrayOfShade',
        'readNullableString',
        'readPaintedEvent',
        'readShade',
        'writeArrayOfShade',
        'writeNullableString',
        'writePaintedEvent',
        'writeShade',
      ].sort(),
    );
    // and the topic's dispatch gets the new event's entry
    expect(added.join('')).toContain('"kinds.painted": {');
    expect(load(after).events['kinds.painted']).toBeDefined();
  });

  it('emits no codec for a schema with a type it does not specialise', () => {
    const withMap = { ...KINDS, fields: [...KINDS.fields, { name: 'attrs', type: { type: 'map', values: 'string' } }] };
    const withUnion = { ...KINDS, fields: [...KINDS.fields, { name: 'either', type: ['null', 'string', 'int'] }] };
    expect(avroCodecSource(modelOf(ITEM, withMap))).toBeUndefined();
    expect(avroCodecSource(modelOf(ITEM, withUnion))).toBeUndefined();
  });
});
