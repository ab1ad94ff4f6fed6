/**
 * Schemas Java's Avro parser reads and avsc does not, rewritten to the same schema: a named type
 * used before its definition, {"type": "Name"}, an enum defined twice identically. The bytes are
 * the schema's own (the order of fields and union branches never changes), and a schema with none
 * of these is left as it was.
 */
import * as avsc from 'avsc';
import { normalizeAvroSchema } from '../../../../src/formats/avro/normalize';
import { parseAvroSchemas } from '../../../../src/formats/avro/types';
import { checkCompatibility } from '../../../../src/formats/compatibility';

const money = { type: 'record', name: 'Money', namespace: 'shop.common', fields: [{ name: 'cents', type: 'long' }] };

describe('normalizeAvroSchema', () => {
  it('moves a definition to its first use, keeping its namespace, and names it where it was', () => {
    const schema = {
      type: 'record',
      name: 'Order',
      namespace: 'shop',
      fields: [
        { name: 'total', type: 'shop.common.Money' },
        { name: 'tip', type: ['null', 'common.Money'], default: null },
        { name: 'refund', type: money },
      ],
    };
    const { schema: out, defines } = normalizeAvroSchema(schema);
    expect(defines).toEqual(['shop.Order', 'shop.common.Money']);
    expect(out).toEqual({
      ...schema,
      fields: [
        { name: 'total', type: { ...money, namespace: 'shop.common' } },
        { name: 'tip', type: ['null', 'common.Money'], default: null },
        { name: 'refund', type: 'shop.common.Money' },
      ],
    });
  });

  it('writes the same bytes as the schema written in order, and the checker reads it as that schema', () => {
    const forward = {
      type: 'record',
      name: 'R',
      fields: [
        { name: 'a', type: ['null', 'S'], default: null },
        { name: 'b', type: { type: 'record', name: 'S', fields: [{ name: 'x', type: 'int' }] } },
      ],
    };
    const ordered = {
      type: 'record',
      name: 'R',
      fields: [
        {
          name: 'a',
          type: ['null', { type: 'record', name: 'S', fields: [{ name: 'x', type: 'int' }] }],
          default: null,
        },
        { name: 'b', type: 'S' },
      ],
    };
    const value = { a: { x: 1 }, b: { x: 2 } };
    const [type] = parseAvroSchemas([forward]).types;
    expect(type!.toBuffer(value)).toEqual(avsc.Type.forSchema(ordered as avsc.Schema).toBuffer(value));
    const verdict = checkCompatibility({
      format: 'AVRO',
      level: 'FULL',
      previous: [{ schema: JSON.stringify(ordered) }],
      candidate: { schema: JSON.stringify(forward) },
    });
    expect(verdict).toEqual({ compatible: true, findings: [] });
  });

  it('reads {"type": "Name"} as the name and an identical enum defined twice as one', () => {
    const e = { type: 'enum', name: 'E', symbols: ['A', 'B'] };
    const schema = {
      type: 'record',
      name: 'R',
      fields: [
        { name: 'a', type: e },
        { name: 'b', type: e },
        { name: 'c', type: { type: 'E' } },
      ],
    };
    const [type] = parseAvroSchemas([schema]).types;
    expect(type!.fromBuffer(type!.toBuffer({ a: 'A', b: 'B', c: 'B' }))).toEqual({ a: 'A', b: 'B', c: 'B' });
  });

  it('takes the names its references define as defined, and leaves a schema with nothing to do untouched', () => {
    const order = { type: 'record', name: 'Order', fields: [{ name: 'total', type: 'shop.common.Money' }] };
    expect(normalizeAvroSchema(order, new Set(['shop.common.Money'])).schema).toBe(order);
    expect(parseAvroSchemas([money, order]).types).toHaveLength(2);
  });
});
