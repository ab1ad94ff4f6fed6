/**
 * Avro's `decimal` logical type as exact decimal strings ("12.50"): the unscaled value is a
 * two's-complement big-endian integer (bytes: the fewest bytes that hold it, as Java's
 * BigInteger.toByteArray writes it; fixed: sign-extended to the fixed size), the scale is the
 * schema's. A value is accepted as Java's Conversions.DecimalConversion accepts it: any number of
 * trailing zeros after the point (12.500 at scale 2 is 12.50), no rounding, at most `precision`
 * digits once scaled. Strings, not floats: 0.1 + 0.2 is not money.
 *
 * Beside the codec runtime (./avro.ts), which writes and reads decimals for generated codecs; the
 * Avro format's logical types (src/formats/avro/types.ts) use the same functions from here.
 */

export interface DecimalSpec {
  precision: number;
  scale: number;
}

const DECIMAL_TEXT = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Why `value` is no decimal of `spec` (one phrase for an error message), or its unscaled value.
 * Used by the encoder and, through the same rules inlined, by the generated validators.
 */
export function parseDecimal(value: unknown, spec: DecimalSpec): { unscaled: bigint } | { problem: string } {
  if (typeof value !== 'string') {
    return { problem: `must be a decimal string such as "${example(spec)}" (a number loses digits)` };
  }
  const match = DECIMAL_TEXT.exec(value);
  if (!match) return { problem: `must be a decimal string such as "${example(spec)}", got ${JSON.stringify(value)}` };
  const [, sign, whole, fraction = ''] = match;
  const digitsBefore = whole!.replace(/^0+/, '');
  const digitsAfter = fraction.replace(/0+$/, '');
  if (digitsAfter.length > spec.scale) {
    return {
      problem: `has ${digitsAfter.length} digit(s) after the point; the schema's scale is ${spec.scale} (round it first)`,
    };
  }
  if (digitsBefore.length > spec.precision - spec.scale) {
    return {
      problem: `has ${digitsBefore.length} digit(s) before the point; precision ${spec.precision} with scale ${spec.scale} allows ${spec.precision - spec.scale}`,
    };
  }
  const unscaled = BigInt(`${digitsBefore}${digitsAfter.padEnd(spec.scale, '0')}` || '0');
  return { unscaled: sign ? -unscaled : unscaled };
}

/** The unscaled value's bytes: the fewest that hold it, or exactly `size` (undefined when it does not fit). */
export function decimalBytes(unscaled: bigint, size?: number): Buffer | undefined {
  let length = 1;
  while (unscaled < -(1n << BigInt(8 * length - 1)) || unscaled >= 1n << BigInt(8 * length - 1)) length += 1;
  if (size !== undefined) {
    if (length > size) return undefined;
    length = size;
  }
  let rest = unscaled < 0n ? (1n << BigInt(8 * length)) + unscaled : unscaled;
  const bytes = Buffer.alloc(length);
  for (let i = length - 1; i >= 0; i -= 1) {
    bytes[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return bytes;
}

/** The decimal string of two's-complement big-endian bytes at `scale`: always `scale` digits after the point. */
export function decimalText(bytes: Uint8Array, scale: number): string {
  if (bytes.length === 0) throw new Error('a decimal needs at least one byte');
  let unscaled = 0n;
  for (const byte of bytes) unscaled = (unscaled << 8n) | BigInt(byte);
  if (bytes[0]! & 0x80) unscaled -= 1n << BigInt(8 * bytes.length);
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text =
    scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}

/**
 * The precision and scale of a `decimal` schema as Java's Avro accepts them (precision > 0,
 * 0 ≤ scale ≤ precision, a fixed large enough for the precision), or undefined: Java then ignores
 * the logical type and the value is plain bytes or fixed, and so does the kit.
 */
export function decimalSpecOf(schema: {
  precision?: unknown;
  scale?: unknown;
  type?: unknown;
  size?: unknown;
}): DecimalSpec | undefined {
  const { precision } = schema;
  const scale = schema.scale ?? 0;
  if (!Number.isInteger(precision) || (precision as number) <= 0) return undefined;
  if (!Number.isInteger(scale) || (scale as number) < 0 || (scale as number) > (precision as number)) return undefined;
  if (schema.type === 'fixed') {
    const size = schema.size as number;
    // the most decimal digits a signed integer of `size` bytes always holds
    const maxPrecision = Math.floor(Math.log10(2) * (8 * size - 1));
    if ((precision as number) > maxPrecision) return undefined;
  } else if (schema.type !== 'bytes') {
    return undefined;
  }
  return { precision: precision as number, scale: scale as number };
}

function example(spec: DecimalSpec): string {
  const before = Math.min(2, spec.precision - spec.scale);
  return `${before > 0 ? '12'.slice(0, before) : '0'}${spec.scale > 0 ? `.${'50'.padEnd(spec.scale, '0').slice(0, spec.scale)}` : ''}`;
}
