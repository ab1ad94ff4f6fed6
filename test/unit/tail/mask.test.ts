/**
 * Masking for the UI's viewers: the fields a writer schema tags (`confluent:tags`, Avro field
 * property or JSON Schema annotation) are found through named types, references, arrays, maps and
 * unions, and the decoder replaces their values before anything else sees them.
 */
import { avroTaggedFields } from '../../../src/formats/avro/tags';
import { jsonTaggedFields } from '../../../src/formats/json/tags';
import { createInMemoryRegistry } from '../../../src/registry';
import { createGenericDecoder, maskFields, MASKED } from '../../../src/tail';
import { encodeFrame } from '../../../src/wire';
import { parseAvroSchemas } from '../../../src/formats/avro/types';

const PII = new Set(['PII']);
const text = (
  schema: unknown,
  references: Array<{ name: string; subject: string; version: number }> = [],
  subject?: string,
) => ({
  schema: JSON.stringify(schema),
  schemaType: 'AVRO',
  references,
  subject,
  version: 1,
});

const contact = {
  type: 'record',
  name: 'Contact',
  namespace: 'shop',
  fields: [
    { name: 'email', type: 'string', 'confluent:tags': ['PII'] },
    { name: 'channel', type: 'string', 'confluent:tags': ['PUBLIC'] },
  ],
};
const order = {
  type: 'record',
  name: 'OrderPlaced',
  namespace: 'shop',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'buyer', type: ['null', 'shop.Contact'], default: null },
    { name: 'history', type: { type: 'array', items: 'shop.Contact' } },
    { name: 'notes', type: { type: 'map', values: { type: 'string' } }, 'confluent:tags': ['PII'] },
    { name: 'next', type: ['null', 'shop.OrderPlaced'], default: null },
  ],
};

describe('tagged fields', () => {
  it('Avro: through a referenced named type, a nullable union, an array and a map; a recursive type once', () => {
    const paths = avroTaggedFields(
      [text(contact, [], 'shop.Contact'), text(order, [{ name: 'shop.Contact', subject: 'shop.Contact', version: 1 }])],
      PII,
    );
    expect(paths).toEqual([['buyer', 'email'], ['history', '*', 'email'], ['notes']]);
  });

  it('JSON Schema: through a referenced file, local definitions, items and combinators', () => {
    const address = { type: 'object', properties: { street: { type: 'string', 'confluent:tags': ['PII'] } } };
    const root = {
      type: 'object',
      properties: {
        email: { type: 'string', 'confluent:tags': ['PII'] },
        home: { $ref: 'address.json' },
        past: { type: 'array', items: { $ref: '#/definitions/Visit' } },
        either: { oneOf: [{ type: 'null' }, { $ref: 'address.json' }] },
      },
      definitions: {
        Visit: { type: 'object', properties: { ip: { type: 'string', 'confluent:tags': ['PII', 'NET'] } } },
      },
    };
    const schemas = [
      { schema: JSON.stringify(address), schemaType: 'JSON', references: [], subject: 'address', version: 1 },
      {
        schema: JSON.stringify(root),
        schemaType: 'JSON',
        references: [{ name: 'address.json', subject: 'address', version: 1 }],
      },
    ];
    expect(jsonTaggedFields(schemas, PII)).toEqual([
      ['email'],
      ['home', 'street'],
      ['past', '*', 'ip'],
      ['either', 'street'],
    ]);
  });
});

describe('maskFields', () => {
  it('replaces every value at the paths, into arrays and map values, and says which', () => {
    const value = {
      orderId: 'o-1',
      buyer: { email: 'ana@example.com', channel: 'web' },
      history: [{ email: 'a@x' }, { email: 'b@x' }],
      notes: { a: 'call me' },
      next: null,
    };
    const masked = maskFields(value, [
      ['buyer', 'email'],
      ['history', '*', 'email'],
      ['notes'],
      ['next', 'buyer', 'email'],
    ]);
    expect(masked).toEqual(['buyer.email', 'history.0.email', 'history.1.email', 'notes']);
    expect(JSON.stringify(value)).not.toMatch(/ana@example|a@x|b@x|call me/);
    expect(value.buyer.channel).toBe('web');
    expect(value.notes).toBe(MASKED);
  });

  it('looks into a union the decoder kept wrapped', () => {
    const value = { buyer: { 'shop.Contact': { email: 'ana@example.com' } } };
    expect(maskFields(value, [['buyer', 'email']])).toEqual(['buyer.shop.Contact.email']);
    expect(JSON.stringify(value)).not.toContain('ana@example.com');
  });
});

describe('the decoder with a mask', () => {
  it('masks what the writer schema tags, and only with a mask', async () => {
    const registry = createInMemoryRegistry();
    await registry.register('shop.Contact', { schema: JSON.stringify(contact) });
    const { id } = await registry.register('orders-value', {
      schema: JSON.stringify(order),
      references: [{ name: 'shop.Contact', subject: 'shop.Contact', version: 1 }],
    });
    const { types } = parseAvroSchemas([contact, order]);
    const event = {
      orderId: 'o-1',
      buyer: { email: 'ana@example.com', channel: 'web' },
      history: [],
      notes: { n: 'x' },
      next: null,
    };
    const framed = encodeFrame(id, types[1]!.toBuffer(event));
    const open = await createGenericDecoder(registry, 'eventType')(framed, 'orders');
    expect(JSON.stringify(open.value)).toContain('ana@example.com');
    expect(open.masked).toBeUndefined();
    const masked = await createGenericDecoder(registry, 'eventType', { mask: PII })(framed, 'orders');
    expect(JSON.stringify(masked.value)).not.toContain('ana@example.com');
    expect(masked.masked).toEqual(['buyer.email', 'notes']);
  });
});
