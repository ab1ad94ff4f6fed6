/** FORMATS is the one list of formats; the base layer's SCHEMA_FORMATS names the same, in the same order. */
import { SCHEMA_FORMATS } from '../../../src/config';
import { FORMATS, formatOf } from '../../../src/formats';

describe('FORMATS', () => {
  it('names the formats SCHEMA_FORMATS names, in its order', () => {
    expect(FORMATS.map((format) => format.schemaType)).toEqual([...SCHEMA_FORMATS]);
  });

  it('finds each format by its name', () => {
    for (const name of SCHEMA_FORMATS) expect(formatOf(name).schemaType).toBe(name);
  });
});
