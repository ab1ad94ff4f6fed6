/**
 * Avro decimals byte for byte with Apache Avro's Java library (what Confluent's Java serializers
 * use), and read both ways with Apache Avro's Python library and fastavro (what Confluent's Python
 * serializers use): bytes and fixed decimals, positive, negative, zero, at the edges of a byte and
 * of the precision. Java writes the fewest bytes (BigInteger.toByteArray), and so does the kit; the
 * two Python libraries write one byte more for a negative unscaled value of exactly -2^(8k-1)
 * (-1.28 at scale 2 is ff80 there, 80 in Java): every library reads both forms as the same number.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import * as avsc from 'avsc';
import { avroTypeOptions } from '../../../src/formats/avro/types';
import { decimalsWithJava } from '../../support/avro-java';
import { ensurePython } from '../../support/python';

jest.setTimeout(120_000);

const HELPER = resolve(__dirname, '../../support/python/avro_decimal.py');

interface Judged {
  value: string;
  avro: string;
  fastavro: string;
  avroReads: string;
  fastavroReads: string;
}

function judge(schema: object, values: string[], kit: string[]): Judged[] {
  const interpreter = ensurePython();
  const run = spawnSync(interpreter, [HELPER], { input: JSON.stringify({ schema, values, kit }), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${HELPER} failed (exit ${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as Judged[];
}

const record = (amount: object) => ({
  type: 'record',
  name: 'Tip',
  namespace: 'judge',
  fields: [{ name: 'amount', type: amount }],
});

describe.each([
  ['bytes(10, 2)', { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 }, 2],
  ['fixed(8)(18, 4)', { type: 'fixed', name: 'Amount', size: 8, logicalType: 'decimal', precision: 18, scale: 4 }, 4],
])('a %s decimal', (_, amount, scale) => {
  const values = [
    '12.50',
    '-12.50',
    '0',
    '1.27',
    '1.28',
    '-1.28',
    '-1.29',
    '-327.68',
    '0.01',
    '-0.01',
    '99999999.99',
    '-99999999.99',
  ].map((v) => Number(v).toFixed(scale));
  const schema = record(amount);
  const type = avsc.Type.forSchema(schema as avsc.Schema, avroTypeOptions());
  const kit = values.map((amount) => type.toBuffer({ amount }).toString('hex'));
  const judged = judge(schema, values, kit);

  const java = decimalsWithJava(schema, values, kit);

  it("writes the bytes Java's Avro writes, and Java reads the kit's as the same number", () => {
    expect(kit).toEqual(java.map((j) => j.writes));
    expect(java.map((j) => j.reads)).toEqual(values);
  });

  it("writes Python's bytes but for the values Python writes with an extra sign byte", () => {
    const differ = (python: string[]) => values.filter((_, i) => python[i] !== kit[i]);
    // only variable-length bytes can differ; a fixed is sign-extended to its size by every library
    const expected = amount.type === 'bytes' ? ['-1.28', '-327.68'] : [];
    expect(differ(judged.map((j) => j.avro))).toEqual(expected);
    expect(differ(judged.map((j) => j.fastavro))).toEqual(expected);
  });

  it('is read back by both Python libraries as the same number, and reads theirs as they wrote it', () => {
    expect(judged.map((j) => j.avroReads)).toEqual(values);
    expect(judged.map((j) => j.fastavroReads)).toEqual(values);
    expect(judged.map((j) => type.fromBuffer(Buffer.from(j.avro, 'hex')).amount)).toEqual(values);
    expect(judged.map((j) => type.fromBuffer(Buffer.from(j.fastavro, 'hex')).amount)).toEqual(values);
  });
});
