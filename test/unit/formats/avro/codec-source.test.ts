/**
 * The codec emitter on the Avro types the bookings schemas do not use (float, double, bytes,
 * fixed, arrays, a null branch second, defaults of every kind): the emitted module, compiled as a
 * service would compile it, against avsc over generated values and bytes. Schemas with what the
 * emitter does not specialise get no codec at all.
 */
import fc from 'fast-check';
import ts from 'typescript';
import { parseAvroSchemas } from '../../../../src/avro/types';
import type { GeneratedCodec } from '../../../../src/contract';
import { avroCodecSource } from '../../../../src/formats/avro/codec-source';
import type { TopicModel } from '../../../../src/formats/model';
import { avroValue, avscAccepts, comparable } from '../../../support/avro-arbitraries';

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
  ],
};

function modelOf(...records: object[]): TopicModel {
  const schemas = records.map((r) => ({
    subject: (r as { name: string }).name,
    schemaType: 'AVRO' as const,
    schema: JSON.stringify(r),
    references: [],
    file: 'x.avsc',
  }));
  const last = records[records.length - 1] as { name: string; namespace: string };
  return {
    config: { name: 'kinds', discriminator: 'eventType' },
    baseName: 'Kinds',
    events: [{ eventType: 'kinds.happened', name: `${last.namespace}.${last.name}`, typeName: last.name }],
    schemas,
  } as unknown as TopicModel;
}

/** The emitted module compiled to CommonJS (its imports are types only) and loaded. */
function load(source: string): GeneratedCodec {
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  new Function('module', 'exports', js)(module, module.exports);
  return module.exports.kindsCodec as GeneratedCodec;
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
        fc.constantFrom('ratio', 'blob', 'hash', 'items', 'at', 'level'),
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

  it('emits no codec for a schema with a type it does not specialise', () => {
    const withMap = { ...KINDS, fields: [...KINDS.fields, { name: 'attrs', type: { type: 'map', values: 'string' } }] };
    const withUnion = { ...KINDS, fields: [...KINDS.fields, { name: 'either', type: ['null', 'string', 'int'] }] };
    expect(avroCodecSource(modelOf(ITEM, withMap))).toBeUndefined();
    expect(avroCodecSource(modelOf(ITEM, withUnion))).toBeUndefined();
  });
});
