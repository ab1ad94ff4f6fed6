/**
 * The type of a field number. Protobuf's wire-compatible groups (protobuf.dev, "Updating a
 * message type") are what Confluent accepts: int32, uint32, int64, uint64 and bool; sint32 and
 * sint64; fixed32 and sfixed32; fixed64 and sfixed64; string and bytes. Any other change of the
 * scalar type, of the kind (scalar, enum, message, map) or of the named type breaks.
 */
import { ScalarType, type DescField } from '@bufbuild/protobuf';
import { fieldName, overFields, type FieldPair, type FieldVerdict, type ProtobufRule } from '../rule';

const GROUPS: ReadonlyArray<readonly ScalarType[]> = [
  [ScalarType.INT32, ScalarType.UINT32, ScalarType.INT64, ScalarType.UINT64, ScalarType.BOOL],
  [ScalarType.SINT32, ScalarType.SINT64],
  [ScalarType.FIXED32, ScalarType.SFIXED32],
  [ScalarType.FIXED64, ScalarType.SFIXED64],
  [ScalarType.STRING, ScalarType.BYTES],
];
/** Whether a reader of one scalar type reads the other's bytes as the same values (double and float stand alone). */
const wireCompatible = (a: ScalarType, b: ScalarType) => a === b || GROUPS.some((g) => g.includes(a) && g.includes(b));

/** What a field holds, ignoring how many: its kind and its scalar or named type. */
export interface FieldType {
  kind: 'scalar' | 'enum' | 'message' | 'map';
  scalar?: ScalarType;
  typeName?: string;
}

export function fieldType(field: DescField): FieldType {
  switch (field.fieldKind) {
    case 'scalar':
      return { kind: 'scalar', scalar: field.scalar };
    case 'enum':
      return { kind: 'enum', typeName: field.enum.typeName };
    case 'message':
      return { kind: 'message', typeName: field.message.typeName };
    case 'list':
      if (field.listKind === 'scalar') return { kind: 'scalar', scalar: field.scalar };
      if (field.listKind === 'enum') return { kind: 'enum', typeName: field.enum.typeName };
      return { kind: 'message', typeName: field.message.typeName };
    case 'map':
      return { kind: 'map', typeName: `map<${ScalarType[field.mapKey]}, ${mapValue(field)}>` };
  }
}

function mapValue(field: DescField & { fieldKind: 'map' }): string {
  if (field.mapKind === 'scalar') return ScalarType[field.scalar];
  return field.mapKind === 'enum' ? field.enum.typeName : field.message.typeName;
}

const describe = (t: FieldType) =>
  t.kind === 'scalar' ? ScalarType[t.scalar!].toLowerCase() : `${t.kind} ${t.typeName}`;

/** A rule over the fields both versions have, judged by their two types. */
const overTypes = (
  ruleId: string,
  judge: (a: FieldType, b: FieldType, f: FieldPair & { previous: DescField; candidate: DescField }) => FieldVerdict,
) => ({
  id: ruleId,
  check: (pair: Parameters<ProtobufRule['check']>[0]) =>
    overFields(pair, ruleId, (f) =>
      f.previous && f.candidate
        ? judge(
            fieldType(f.previous),
            fieldType(f.candidate),
            f as FieldPair & { previous: DescField; candidate: DescField },
          )
        : undefined,
    ),
});

export const PROTO_FIELD_SCALAR_TYPE_CHANGED: ProtobufRule = {
  ...overTypes('PROTO_FIELD_SCALAR_TYPE_CHANGED', (a, b, f) =>
    a.kind === 'scalar' && b.kind === 'scalar' && !wireCompatible(a.scalar!, b.scalar!)
      ? {
          breaking: true,
          message: `the type of ${fieldName(f)} changed from ${describe(a)} to ${describe(b)}, which is not wire-compatible`,
        }
      : undefined,
  ),
  family: 'protobuf/types',
  purpose: 'A scalar field changed to a scalar type outside its wire-compatible group.',
};

export const PROTO_FIELD_KIND_CHANGED: ProtobufRule = {
  ...overTypes('PROTO_FIELD_KIND_CHANGED', (a, b, f) =>
    a.kind !== b.kind
      ? { breaking: true, message: `${fieldName(f)} changed from ${describe(a)} to ${describe(b)}` }
      : undefined,
  ),
  family: 'protobuf/types',
  purpose: 'A field changed kind: scalar, enum, message or map.',
};

/** A type name inside its package: a package change renames every type, which PROTO_PACKAGE_CHANGED reports once. */
const local = (name: string | undefined, field: DescField) => {
  const pkg = field.parent.file.proto.package;
  return pkg && name?.startsWith(`${pkg}.`) ? name.slice(pkg.length + 1) : name;
};

export const PROTO_FIELD_NAMED_TYPE_CHANGED: ProtobufRule = {
  ...overTypes('PROTO_FIELD_NAMED_TYPE_CHANGED', (a, b, f) =>
    a.kind === b.kind && a.kind !== 'scalar' && local(a.typeName, f.previous) !== local(b.typeName, f.candidate)
      ? { breaking: true, message: `${fieldName(f)} changed from ${describe(a)} to ${describe(b)}` }
      : undefined,
  ),
  family: 'protobuf/types',
  purpose: 'A message, enum or map field now names another type.',
};

const repeated = (field: DescField) => field.fieldKind === 'list';

/**
 * singular ↔ repeated: string, bytes and message fields are the same on the wire either way (a
 * singular reader keeps the last element), packed numbers are not.
 */
export const PROTO_FIELD_CARDINALITY_CHANGED: ProtobufRule = {
  ...overTypes('PROTO_FIELD_CARDINALITY_CHANGED', (_a, b, f) => {
    if (repeated(f.previous) === repeated(f.candidate)) return undefined;
    const lengthDelimited =
      b.kind === 'message' ||
      (b.kind === 'scalar' && (b.scalar === ScalarType.STRING || b.scalar === ScalarType.BYTES));
    const label = (field: DescField) => (repeated(field) ? 'repeated' : 'singular');
    return {
      breaking: !lengthDelimited,
      message: `${fieldName(f)} changed from ${label(f.previous)} to ${label(f.candidate)}`,
    };
  }),
  family: 'protobuf/types',
  purpose: 'A field changed between singular and repeated (breaks for numbers, bools and enums).',
};

export const PROTOBUF_TYPE_RULES = [
  PROTO_FIELD_SCALAR_TYPE_CHANGED,
  PROTO_FIELD_KIND_CHANGED,
  PROTO_FIELD_NAMED_TYPE_CHANGED,
  PROTO_FIELD_CARDINALITY_CHANGED,
];
