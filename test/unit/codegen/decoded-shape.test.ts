/**
 * The generated types describe what avsc really returns. The types are emitted from the model's
 * decoded JSON Schema; here that same schema validates values the runtime decoder produced.
 */
import { join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as avsc from 'avsc';
import { readTopics } from '../../../codegen/generate';
import { emitTypes } from '../../../codegen/emit-types';
import type { JsonSchema } from '../../../codegen';
import { avroTypeOptions } from '../../../src/formats/avro/types';
import { loadConfig, parseConfig } from '../../../src/config';
import { createAjv } from '../../../src/validation/ajv';
import {
  BOOKING_EVENT_TYPES,
  EVENT_RECORDS,
  ROOT,
  bookingAvroTypes,
  plain,
  sampleEvent,
} from '../../support/bookings-samples';

function decodedValidator(typesSchema: JsonSchema, typeName: string) {
  const ajv = createAjv();
  ajv.addSchema({ ...typesSchema, $id: 'types' });
  return ajv.getSchema(`types#/definitions/${typeName}`)!;
}

describe('generated types match decoded values', () => {
  it('for every booking event decoded by avsc', () => {
    const [model] = readTopics(loadConfig(join(ROOT, 'contracts.config.json')));
    const types = bookingAvroTypes();
    for (const eventType of BOOKING_EVENT_TYPES) {
      const type = types[EVENT_RECORDS[eventType]]!;
      const event = model!.events.find((e) => e.eventType === eventType)!;
      const validate = decodedValidator(model!.typesSchema, event.typeName);
      for (let i = 0; i < 20; i++) {
        const decoded = type.fromBuffer(type.toBuffer(sampleEvent(types, eventType)));
        expect(validate(decoded)).toBe(true);
      }
    }
  });

  it('for unions of records, which avsc wraps, and nullable, map, array and fixed fields', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contracts-unions-'));
    try {
      const a = { type: 'record', name: 'A', namespace: 'n', fields: [{ name: 'x', type: 'int' }] };
      const b = { type: 'record', name: 'B', namespace: 'n', fields: [{ name: 'y', type: 'string' }] };
      const event = {
        type: 'record',
        name: 'E',
        namespace: 'n',
        fields: [
          { name: 'eventType', type: 'string' },
          { name: 'bookingId', type: 'string' },
          { name: 'choice', type: [a, b] },
          { name: 'maybe', type: ['null', 'string'], default: null },
          { name: 'counts', type: { type: 'map', values: 'long' } },
          { name: 'list', type: { type: 'array', items: 'n.A' } },
          { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 2 } },
          { name: 'numberOrText', type: ['int', 'string'] },
        ],
      };
      writeFileSync(join(dir, 'E.avsc'), JSON.stringify(event));
      writeFileSync(join(dir, 'value.avsc'), JSON.stringify(['n.E']));
      const config = parseConfig(
        { topics: [{ name: 't', format: 'AVRO', value: 'value.avsc', events: [{ type: 'e', schema: 'E.avsc' }] }] },
        join(dir, 'contracts.config.json'),
      );
      const [model] = readTopics(config);
      const code = await emitTypes(model!);
      expect(code).toContain("choice:\n    | {\n        'n.A': A;\n      }\n    | {\n        'n.B': B;\n      };");
      expect(code).toContain('maybe: null | string;');
      expect(code).toContain('numberOrText: number | string;');

      const type = avsc.Type.forSchema(event as avsc.Schema, avroTypeOptions());
      const value = {
        eventType: 'e',
        bookingId: 'b',
        choice: { 'n.B': { y: 'why' } },
        maybe: null,
        counts: { k: 3 },
        list: [{ x: 1 }],
        hash: Buffer.from('ab'),
        numberOrText: 'text',
      };
      // own properties: avsc's branch objects also inherit unwrap() helpers the types leave out
      const decoded = plain(type.fromBuffer(type.toBuffer(value)));
      expect(decodedValidator(model!.typesSchema, 'E')(decoded)).toBe(true);
      // and an unwrapped record would not fit the wrapped-union type
      expect(decodedValidator(model!.typesSchema, 'E')({ ...value, choice: { y: 'why' } })).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
