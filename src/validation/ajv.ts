/**
 * The ajv set-up behind every compiled validator. Codegen compiles with it (standalone code, so
 * services pay no schema compilation at start-up); its custom keywords emit inline code, which is
 * why the generated validators need nothing at run time but ajv's small runtime helpers.
 */
import Ajv, { _, type KeywordCxt } from 'ajv';
import addFormats from 'ajv-formats';

/** `lines`: a line break after each statement of generated code (codegen's validators.ts is read in reviews). */
export function createAjv(options: { lines?: boolean } = {}): Ajv {
  const ajv = new Ajv({
    allErrors: false,
    strict: true,
    allowUnionTypes: true,
    code: { source: true, optimize: true, lines: options.lines ?? false },
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
  // An Avro decimal is an exact decimal string: at most `scale` digits after the point once trailing
  // zeros go, at most `precision - scale` before it once leading zeros go (src/codec-runtime/decimal.ts, which
  // the encoder runs, says the same in words)
  ajv.addKeyword({
    keyword: 'x-decimal',
    schemaType: 'object',
    error: {
      message: 'must be a decimal string within the precision and scale',
      params: ({ schema }) =>
        _`{precision: ${(schema as { precision: number }).precision}, scale: ${(schema as { scale: number }).scale}}`,
    },
    code(cxt: KeywordCxt) {
      const { precision, scale } = cxt.schema as { precision: number; scale: number };
      const d = cxt.data;
      cxt.fail(
        _`typeof ${d} !== "string" || !/^-?\\d+(\\.\\d+)?$/.test(${d}) || ${d}.replace(/^-?0*/, "").split(".")[0].length > ${precision - scale} || (${d}.split(".")[1] || "").replace(/0+$/, "").length > ${scale}`,
      );
    },
  });
  // Protobuf's 64-bit integers decode to bigints; a producer may give a safe-integer number too.
  ajv.addKeyword({
    keyword: 'x-js-int64',
    schemaType: 'string',
    code(cxt: KeywordCxt) {
      const [min, max] =
        cxt.schema === 'unsigned' ? ['0', '18446744073709551615'] : ['-9223372036854775808', '9223372036854775807'];
      const d = cxt.data;
      cxt.fail(
        _`typeof ${d} === "bigint" ? ${d} < BigInt(${min}) || ${d} > BigInt(${max}) : !Number.isSafeInteger(${d}) || (${cxt.schema === 'unsigned'} && ${d} < 0)`,
      );
    },
  });
  // Protobuf bytes decode to a Uint8Array (a Buffer is one).
  ajv.addKeyword({
    keyword: 'x-js-bytes',
    schemaType: 'boolean',
    code(cxt: KeywordCxt) {
      cxt.fail(_`!(${cxt.data} instanceof Uint8Array)`);
    },
  });
  return ajv;
}
