/**
 * The ajv set-up behind every compiled validator. Codegen compiles with it (standalone code, so
 * services pay no schema compilation at start-up); its custom keywords emit inline code, which is
 * why the generated validators need nothing at run time but ajv's small runtime helpers.
 */
import Ajv, { _, type KeywordCxt } from 'ajv';
import addFormats from 'ajv-formats';

export function createAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: false,
    strict: true,
    allowUnionTypes: true,
    code: { source: true, optimize: true },
  });
  addFormats(ajv, ['date-time', 'uuid', 'date', 'email', 'uri']);
  // Annotations json-schema-to-typescript reads; no validation meaning.
  ajv.addKeyword({ keyword: 'tsType', schemaType: 'string' });
  // An Avro timestamp decodes to a Date: the value must be a valid Date object.
  ajv.addKeyword({
    keyword: 'x-js-date',
    schemaType: 'boolean',
    code(cxt: KeywordCxt) {
      cxt.fail(_`!(${cxt.data} instanceof Date) || Number.isNaN(${cxt.data}.getTime())`);
    },
  });
  // Avro bytes and fixed decode to a Buffer; a number is the fixed size.
  ajv.addKeyword({
    keyword: 'x-js-buffer',
    schemaType: ['boolean', 'number'],
    code(cxt: KeywordCxt) {
      const size = cxt.schema as boolean | number;
      if (typeof size === 'number') {
        cxt.fail(_`!Buffer.isBuffer(${cxt.data}) || ${cxt.data}.length !== ${size}`);
      } else {
        cxt.fail(_`!Buffer.isBuffer(${cxt.data})`);
      }
    },
  });
  return ajv;
}
