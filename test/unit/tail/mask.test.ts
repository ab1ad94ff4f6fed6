/**
 * Masking for the UI's viewers: the fields a writer schema tags (`confluent:tags`, Avro field
 * property or JSON Schema annotation; Protobuf's `(confluent.field_meta).tags` option) are found through named types, references, arrays, maps and
 * unions, and the decoder replaces their values before anything else sees them.
 */
import { avroTaggedFields } from '../../../src/formats/avro/tags';
import { jsonTaggedFields } from '../../../src/formats/json/tags';
import { create } from '@bufbuild/protobuf';
import { encodeProtobufMessage, parseProtoFiles } from '../../../src/formats/protobuf';
import { protobufTaggedFields } from '../../../src/formats/protobuf/tags';
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

const contactProto = `syntax = "proto3";
package shop;
import "confluent/meta.proto";
message Contact {
  string email = 1 [(confluent.field_meta).tags = "PII"];
  string channel = 2 [(confluent.field_meta) = { tags: ["PUBLIC"] }];
}
`;
const orderProto = `syntax = "proto3";
package shop;
import "confluent/meta.proto";
import "shop/contact.proto";
message OrderPlaced {
  string order_id = 1;
  Contact buyer = 2;
  repeated Contact history = 3;
  map<string, string> notes = 4 [(confluent.field_meta) = { doc: "free text", tags: ["NOTE", "PII"] }];
  OrderPlaced next = 5;
  Address ship_to = 6;
  message Address { string street_line = 1 [(confluent.field_meta).tags = "PII"]; }
}
message OrderEvent {
  oneof event { OrderPlaced placed = 1; }
}
`;
const proto = (schema: string, references: Array<{ name: string; subject: string; version: number }> = []) => ({
  schema,
  schemaType: 'PROTOBUF',
  references,
  version: 1,
});
const contactReference = [{ name: 'shop/contact.proto', subject: 'shop-contact', version: 1 }];

describe('tagged fields of Protobuf', () => {
  it('through a referenced file, a nested message, a repeated field and a map; a recursive message once; both spellings of the option', () => {
    const paths = protobufTaggedFields(
      [{ ...proto(contactProto), subject: 'shop-contact' }, proto(orderProto, contactReference)],
      PII,
    );
    // OrderPlaced as a top-level message, then the event its OrderEvent oneof holds (shown unwrapped)
    const placed = [['buyer', 'email'], ['history', '*', 'email'], ['notes'], ['shipTo', 'streetLine']];
    expect(paths).toEqual([...placed, ...placed.map((p) => ['placed', ...p])]);
    expect(protobufTaggedFields([{ ...proto(contactProto), subject: 'shop-contact' }], new Set(['NONE']))).toEqual([]);
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

describe('the decoder with a mask, Protobuf', () => {
  it('masks the fields the .proto tags in the decoded event, and only with a mask', async () => {
    const registry = createInMemoryRegistry();
    await registry.register('shop-contact', { schema: contactProto, schemaType: 'PROTOBUF' });
    const { id } = await registry.register('orders-value', {
      schema: orderProto,
      schemaType: 'PROTOBUF',
      references: contactReference,
    });
    const files = parseProtoFiles([
      { name: 'shop/contact.proto', text: contactProto },
      { name: 'order.proto', text: orderProto },
    ]);
    const envelope = files.getMessage('shop.OrderEvent')!;
    const message = create(envelope, {
      event: {
        case: 'placed',
        value: {
          orderId: 'o-1',
          buyer: { email: 'ana@example.com', channel: 'web' },
          history: [{ email: 'old@example.com' }],
          notes: { n: 'call me' },
          shipTo: { streetLine: '1 Main St' },
        },
      },
    });
    const framed = encodeProtobufMessage(id, envelope, message);
    const open = await createGenericDecoder(registry, 'eventType')(framed, 'orders');
    expect(JSON.stringify(open.value)).toContain('ana@example.com');
    const masked = await createGenericDecoder(registry, 'eventType', { mask: PII })(framed, 'orders');
    expect(masked.error).toBeUndefined();
    expect(JSON.stringify(masked.value)).not.toMatch(/ana@example|old@example|call me|1 Main St/);
    expect(masked.value).toMatchObject({ orderId: 'o-1', buyer: { email: MASKED, channel: 'web' }, notes: MASKED });
    expect(masked.masked).toEqual(['buyer.email', 'history.0.email', 'notes', 'shipTo.streetLine']);
  });
});
