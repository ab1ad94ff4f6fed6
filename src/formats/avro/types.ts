/**
 * How the kit turns Avro schemas into avsc types. Codegen and the runtime both go through here, so
 * the generated TypeScript describes exactly what the runtime decoder returns:
 * - `timestamp-millis` is a `Date`, `uuid` a string (checked by the contract's validator), `decimal`
 *   an exact decimal string ("12.50", ./decimal.ts);
 * - records are plain data (no avsc methods on their prototype, as the types say);
 * - unions stay as avsc's default ("auto") makes them: unwrapped unless two branches fall in the
 *   same JavaScript bucket (two records, say), in which case a value is `{ "full.Name": value }`.
 */
import * as crypto from 'node:crypto';
import * as avro from 'avsc';
import { normalizeAvroSchema } from './normalize';
import { decimalBytes, decimalSpecOf, decimalText, parseDecimal, type DecimalSpec } from '../../codec-runtime/decimal';

class TimestampMillisType extends avro.types.LogicalType {
  override _fromValue(millis: number): Date {
    return new Date(millis);
  }
  override _toValue(date: unknown): number | undefined {
    return date instanceof Date ? date.getTime() : undefined;
  }
  override _resolve(type: avro.Type) {
    if (avro.Type.isType(type, 'long', 'int', 'logical:timestamp-millis')) return this._fromValue.bind(this);
    return undefined;
  }
}

/** The same UUID syntax JSON Schema's `format: uuid` accepts (ajv-formats), so both formats agree. */
export const UUID_PATTERN = /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

class UuidType extends avro.types.LogicalType {
  override _fromValue(value: string): string {
    return value;
  }
  override _toValue(value: unknown): string | undefined {
    return typeof value === 'string' && UUID_PATTERN.test(value) ? value : undefined;
  }
  override _resolve(type: avro.Type) {
    if (avro.Type.isType(type, 'string', 'logical:uuid')) return this._fromValue.bind(this);
    return undefined;
  }
  // avsc's typings declare random() as returning the type; at run time it returns a value
  override random(): avro.types.LogicalType {
    return crypto.randomUUID() as unknown as avro.types.LogicalType;
  }
}

export class DecimalType extends avro.types.LogicalType {
  readonly spec: DecimalSpec;
  private readonly size: number | undefined;
  constructor(schema: avro.Schema & { precision?: number; scale?: number }, opts?: Partial<avro.ForSchemaOptions>) {
    super(schema, opts);
    const underlying = this.underlyingType;
    const spec = decimalSpecOf({
      precision: schema.precision,
      scale: schema.scale,
      type: underlying.typeName,
      size: underlying.typeName === 'fixed' ? (underlying as avro.types.FixedType).size : undefined,
    });
    // an invalid decimal is plain bytes or fixed, as Java's Avro reads it (avsc then drops the logical type)
    if (!spec) throw new Error('not a valid decimal');
    this.spec = spec;
    this.size = underlying.typeName === 'fixed' ? (underlying as avro.types.FixedType).size : undefined;
  }
  override _fromValue(bytes: Buffer): string {
    return decimalText(bytes, this.spec.scale);
  }
  override _toValue(value: unknown): Buffer | undefined {
    const parsed = parseDecimal(value, this.spec);
    return 'unscaled' in parsed ? decimalBytes(parsed.unscaled, this.size) : undefined;
  }
  override _resolve(type: avro.Type) {
    // the same scale reads the same numbers; a different scale would change every value
    if (type instanceof DecimalType && type.spec.scale === this.spec.scale) return this._fromValue.bind(this);
    return undefined;
  }
  override _export(attrs: avro.Schema): void {
    Object.assign(attrs as object, { precision: this.spec.precision, scale: this.spec.scale });
  }
}

export const LOGICAL_TYPES = { 'timestamp-millis': TimestampMillisType, uuid: UuidType, decimal: DecimalType };

/** avsc options shared by every parse, so codegen and runtime agree. */
export function avroTypeOptions(registry: Record<string, avro.Type> = {}): Partial<avro.ForSchemaOptions> {
  return { registry, logicalTypes: LOGICAL_TYPES, wrapUnions: 'auto', omitRecordMethods: true };
}

/**
 * Parses a set of Avro schemas that reference each other by name (Confluent schema references):
 * referenced schemas first, each parse sees the named types of the earlier ones.
 */
export function parseAvroSchemas(schemas: unknown[]): { types: avro.Type[]; registry: Record<string, avro.Type> } {
  const registry: Record<string, avro.Type> = {};
  const known = new Set<string>();
  const types = schemas.map((schema) => {
    // what Java's parser reads and avsc does not (a forward reference…), rewritten (./normalize.ts)
    const normalized = normalizeAvroSchema(schema, known);
    for (const name of normalized.defines) known.add(name);
    return avro.Type.forSchema(normalized.schema as avro.Schema, avroTypeOptions(registry));
  });
  return { types, registry };
}
