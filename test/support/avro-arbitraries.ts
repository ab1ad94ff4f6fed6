/**
 * fast-check values of any Avro type as avsc parses it (the kit's logical types: Date, UUID, decimal strings), for
 * the tests that hold codecs against avsc; and the deep-equality helpers those comparisons need.
 */
import fc from 'fast-check';
import type * as avro from 'avsc';

/** Values of `type`, as the generated types have them (fields with a default may be absent). */
export function avroValue(type: avro.Type, constant?: { field: string; value: string }): fc.Arbitrary<unknown> {
  switch (type.typeName) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'int':
      return fc.integer();
    case 'long':
      return fc.oneof(fc.integer(), fc.integer({ min: -9007199254740990, max: 9007199254740990 }));
    case 'float':
      return fc.float({ noNaN: true, noDefaultInfinity: true }).map((f) => Math.fround(f));
    case 'double':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'string':
      // short and long (avsc writes those above 64 bytes differently), any UTF-16 (lone surrogates too)
      return fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.string({ unit: 'binary', maxLength: 90 }),
      );
    case 'bytes':
      return fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b));
    case 'fixed': {
      const size = (type as avro.types.FixedType).size;
      return fc.uint8Array({ minLength: size, maxLength: size }).map((b) => Buffer.from(b));
    }
    case 'logical:uuid':
      return fc.uuid();
    case 'logical:timestamp-millis':
      return fc.date({ noInvalidDate: true });
    case 'logical:decimal': {
      // exact decimal strings within the schema's precision, with fewer or more (zero) digits after the point
      const { precision, scale } = (type as unknown as { spec: { precision: number; scale: number } }).spec;
      const most = 10n ** BigInt(precision) - 1n;
      return fc
        .tuple(fc.bigInt({ min: -most, max: most }), fc.nat(scale), fc.nat(2))
        .map(([unscaled, shown, zeros]) => {
          const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
          const whole = digits.slice(0, digits.length - scale);
          const fraction = digits.slice(digits.length - scale);
          // digits beyond `shown` after the point only where they are zeros (12.50 may be written 12.5)
          const cut = fraction.slice(shown).replace(/0+$/, '') === '' ? fraction.slice(0, shown) : fraction;
          const text = cut.length > 0 || zeros > 0 ? `${whole}.${cut}${'0'.repeat(zeros)}` : whole;
          return unscaled < 0n ? `-${text}` : text;
        });
    }
    case 'enum':
      return fc.constantFrom(...(type as avro.types.EnumType).symbols);
    case 'array':
      return fc.array(avroValue((type as avro.types.ArrayType).itemsType), { maxLength: 4 });
    case 'union:unwrapped':
      return fc.oneof(...(type as unknown as { types: avro.Type[] }).types.map((t) => avroValue(t)));
    case 'record': {
      const record = type as avro.types.RecordType;
      const fields: Record<string, fc.Arbitrary<unknown>> = {};
      const requiredKeys: string[] = [];
      for (const f of record.fields) {
        fields[f.name] = constant?.field === f.name ? fc.constant(constant.value) : avroValue(f.type);
        if (f.defaultValue() === undefined) requiredKeys.push(f.name);
      }
      return fc.record(fields, { requiredKeys });
    }
    default:
      throw new Error(`no arbitrary for ${type.typeName}`);
  }
}

/** Dates by their time (an invalid Date equals an invalid Date), bytes by their values, for deep equality. */
export function comparable(value: unknown): unknown {
  if (value instanceof Date) return { date: String(value.getTime()) };
  if (value instanceof Uint8Array) return { bytes: [...value] };
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
  }
  return value;
}

/** A deep copy with this realm's Dates (structuredClone's would fail `instanceof Date` under jest). */
export function clone(value: unknown): unknown {
  if (value instanceof Date) return new Date(value.getTime());
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(clone);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)]));
  }
  return value;
}

/**
 * avsc's verdict on a value. Its checks can throw on values no event holds (an enum's lookup
 * coerces `{ toString: [] }` to a string); a value avsc cannot check, it cannot write.
 */
export function avscAccepts(type: { isValid(value: unknown): boolean }, value: unknown): boolean {
  try {
    return type.isValid(value);
  } catch {
    return false;
  }
}
