/**
 * Avro types (as avsc parses them) → JSON Schema, the form the types emitter and the validators
 * take. Three projections of one type:
 * - decoded: what avsc returns (every field present, Date for timestamps, avsc's union shapes);
 * - writable: what may be sent (fields with a default may be absent, avsc fills them in);
 * - input: writable, plus the producer's auto-filled fields and the discriminator optional.
 * Codegen projects whole topics; the UI projects a single registered schema.
 */
import type * as avro from 'avsc';
import type { DecimalType } from './types';
import { AUTO_FIELDS, type JsonSchema, pascalCase } from '../model';

const INT32 = { minimum: -2147483648, maximum: 2147483647 };
const SAFE_LONG = { minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER };

export type ProjectionMode = 'decoded' | 'writable' | 'input';

/** TypeScript names for Avro named types: the simple name, or the full name where two collide. */
export class TypeNames {
  private readonly bySimple = new Map<string, number>();
  constructor(types: avro.Type[]) {
    for (const t of types) {
      if (!t.name) continue;
      const simple = simpleName(t.name);
      this.bySimple.set(simple, (this.bySimple.get(simple) ?? 0) + 1);
    }
  }
  of(type: avro.Type): string {
    const simple = simpleName(type.name!);
    return (this.bySimple.get(simple) ?? 0) > 1 ? pascalCase(type.name!) : pascalCase(simple);
  }
}

/** Field docs on a `$ref` go through `allOf`, or json-schema-to-typescript would fork the referenced type. */
export function withDescription(schema: JsonSchema, description: string | undefined): JsonSchema {
  if (!description) return schema;
  return '$ref' in schema ? { allOf: [schema], description } : { ...schema, description };
}

function simpleName(fullName: string): string {
  return fullName.slice(fullName.lastIndexOf('.') + 1);
}

export class AvroProjection {
  private readonly inputDiffers = new Map<avro.Type, boolean>();
  constructor(
    private readonly names: TypeNames,
    /** The topic's discriminator, made a constant in event records; none outside a topic. */
    private readonly discriminator?: string,
  ) {}

  /** A `$ref` to the named type's definition, adding the definition (and what it uses) once. */
  ref(type: avro.Type, mode: ProjectionMode, defs: Record<string, JsonSchema>, eventType?: string): JsonSchema {
    const name = this.defName(type, mode, eventType);
    if (!(name in defs)) {
      defs[name] = {}; // placeholder first: recursive records refer to themselves
      defs[name] = this.named(type, mode, defs, eventType);
    }
    return { $ref: `#/definitions/${name}` };
  }

  /** The JSON Schema of a named type itself (record, enum, fixed). */
  named(type: avro.Type, mode: ProjectionMode, defs: Record<string, JsonSchema>, eventType?: string): JsonSchema {
    const title = this.defName(type, mode, eventType);
    const doc = (type as { doc?: string }).doc;
    const described = (schema: JsonSchema): JsonSchema =>
      doc ? { title, description: doc, ...schema } : { title, ...schema };
    if (type.typeName === 'enum') {
      return described({ type: 'string', enum: [...(type as avro.types.EnumType).symbols] });
    }
    if (type.typeName === 'fixed') {
      return described({ tsType: 'Buffer', 'x-js-buffer': (type as avro.types.FixedType).size });
    }
    const record = type as avro.types.RecordType;
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const field of record.fields) {
      let schema = this.project(field.type, mode, defs);
      const topLevel = eventType !== undefined;
      if (topLevel && field.name === this.discriminator) schema = { type: 'string', const: eventType };
      const fieldDoc = (field as { doc?: string }).doc;
      properties[field.name] = withDescription(schema, fieldDoc);
      const hasDefault = field.defaultValue() !== undefined;
      const optional =
        (mode !== 'decoded' && hasDefault) ||
        (mode === 'input' &&
          topLevel &&
          (field.name === this.discriminator || (AUTO_FIELDS as readonly string[]).includes(field.name)));
      if (!optional) required.push(field.name);
    }
    return described({ type: 'object', additionalProperties: false, required, properties });
  }

  private defName(type: avro.Type, mode: ProjectionMode, eventType?: string): string {
    const base = this.names.of(type);
    return mode === 'input' && (eventType !== undefined || this.differsAsInput(type)) ? `${base}Input` : base;
  }

  /** Whether the input form of a named type differs from its decoded form (it has defaults). */
  private differsAsInput(type: avro.Type, seen = new Set<avro.Type>()): boolean {
    const known = this.inputDiffers.get(type);
    if (known !== undefined) return known;
    if (seen.has(type)) return false;
    seen.add(type);
    let differs = false;
    if (type.typeName === 'record' || type.typeName === 'error') {
      differs = (type as avro.types.RecordType).fields.some(
        (f) => f.defaultValue() !== undefined || this.differsAsInput(f.type, seen),
      );
    } else if (type.typeName.startsWith('union')) {
      differs = (type as unknown as { types: avro.Type[] }).types.some((t) => this.differsAsInput(t, seen));
    } else if (type.typeName === 'array') {
      differs = this.differsAsInput((type as avro.types.ArrayType).itemsType, seen);
    } else if (type.typeName === 'map') {
      differs = this.differsAsInput((type as avro.types.MapType).valuesType as avro.Type, seen);
    }
    this.inputDiffers.set(type, differs);
    return differs;
  }

  /** The JSON Schema of any type; named types become `$ref`s into `defs`. */
  project(type: avro.Type, mode: ProjectionMode, defs: Record<string, JsonSchema>): JsonSchema {
    switch (type.typeName) {
      case 'null':
        return { type: 'null' };
      case 'boolean':
        return { type: 'boolean' };
      case 'int':
        return { type: 'integer', ...INT32 };
      case 'long':
        return { type: 'integer', ...SAFE_LONG };
      case 'float':
      case 'double':
        return { type: 'number' };
      case 'string':
        return { type: 'string' };
      case 'bytes':
        return { tsType: 'Buffer', 'x-js-buffer': true };
      case 'logical:timestamp-millis':
        return { tsType: 'Date', 'x-js-date': true };
      case 'logical:uuid':
        return { type: 'string', format: 'uuid' };
      case 'logical:decimal':
        // an exact decimal string ("12.50"), its digits checked against the schema's precision and scale
        return { type: 'string', 'x-decimal': { ...(type as DecimalType).spec } };
      case 'array':
        return { type: 'array', items: this.project((type as avro.types.ArrayType).itemsType, mode, defs) };
      case 'map':
        return {
          type: 'object',
          additionalProperties: this.project((type as avro.types.MapType).valuesType as avro.Type, mode, defs),
        };
      case 'record':
      case 'error':
      case 'enum':
      case 'fixed':
        return this.ref(type, mode, defs);
      case 'union:unwrapped':
        return { anyOf: (type as unknown as { types: avro.Type[] }).types.map((t) => this.project(t, mode, defs)) };
      case 'union:wrapped':
        return {
          oneOf: (type as unknown as { types: avro.Type[] }).types.map((t) => {
            const branch = t.branchName!;
            return {
              type: 'object',
              additionalProperties: false,
              required: [branch],
              properties: { [branch]: this.project(t, mode, defs) },
            };
          }),
        };
      default:
        // A logical type the kit does not implement decodes as its underlying type.
        if (type.typeName.startsWith('logical:')) {
          return this.project((type as avro.types.LogicalType).underlyingType, mode, defs);
        }
        throw new Error(`unhandled Avro type ${type.typeName}`);
    }
  }
}
