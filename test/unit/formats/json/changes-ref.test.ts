/**
 * A change inside a referenced schema, as `contracts diff` and the UI show it: the union of
 * `$ref`s reads the same in both versions, so COMBINED_TYPE_SUBSCHEMAS_CHANGED shows the schemas
 * the members point to (it once showed two identical lines).
 */
import { COMPATIBILITY_RULES } from '../../../../src/formats/compatibility';
import { jsonChanges } from '../../../../src/formats/json/changes';

const union = JSON.stringify({ oneOf: [{ $ref: 'card.json' }, { $ref: 'cash.json' }] });
const cash = JSON.stringify({ type: 'object', properties: { amount: { type: 'integer' } }, required: ['amount'] });
const card = (numberType: string) =>
  JSON.stringify({ type: 'object', properties: { number: { type: numberType } }, required: ['number'] });

describe('JSON Schema changes in a referenced file', () => {
  it('shows what the $ref members point to, not the same union twice', () => {
    const rules = new Map(COMPATIBILITY_RULES.map((r) => [r.id, r]));
    const changes = jsonChanges(
      {
        schema: union,
        version: 1,
        references: [
          { name: 'card.json', schema: card('string') },
          { name: 'cash.json', schema: cash },
        ],
      },
      {
        schema: union,
        version: 2,
        references: [
          { name: 'card.json', schema: card('boolean') },
          { name: 'cash.json', schema: cash },
        ],
      },
      { rules },
    );
    const subschemas = changes.find((c) => c.kind === 'COMBINED_TYPE_SUBSCHEMAS_CHANGED');
    expect(subschemas).toBeDefined();
    expect(JSON.stringify(subschemas!.before)).not.toBe(JSON.stringify(subschemas!.after));
    expect(JSON.stringify(subschemas!.before)).toContain('"type":"string"');
    expect(JSON.stringify(subschemas!.after)).toContain('"type":"boolean"');
  });
});
