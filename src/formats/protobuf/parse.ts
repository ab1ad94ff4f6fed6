/**
 * .proto text → @bufbuild/protobuf descriptors at run time, where no buf CLI or protoc is around:
 * the CLI, `contracts tail`, the UI and the in-memory registry read registered Protobuf schemas as
 * text. protobufjs parses the text and resolves type names by Protobuf's scoping rules (one root
 * for a schema and its imports); this module writes what it parsed as the FileDescriptorProto that
 * protoc writes (declaration order, fully-qualified type names, synthetic oneofs for proto3
 * `optional`, map entries), and @bufbuild/protobuf's createFileRegistry links the files. The
 * google/protobuf/* imports are never registered: they resolve to the copies both libraries carry.
 */
import {
  create,
  createFileRegistry,
  type DescFile,
  type FileRegistry,
  type MessageInitShape,
} from '@bufbuild/protobuf';
import {
  type DescriptorProto,
  DescriptorProtoSchema,
  type EnumDescriptorProto,
  EnumDescriptorProtoSchema,
  type FieldDescriptorProto,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FieldDescriptorProtoSchema,
  type FileDescriptorProto,
  FileDescriptorProtoSchema,
  file_google_protobuf_any,
  file_google_protobuf_duration,
  file_google_protobuf_empty,
  file_google_protobuf_field_mask,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
  SourceCodeInfoSchema,
  SourceCodeInfo_LocationSchema,
} from '@bufbuild/protobuf/wkt';
import { protoCamelCase } from '@bufbuild/protobuf/reflect';
import * as protobuf from 'protobufjs';
import { SchemaFileError } from '../../errors';

/** One .proto file: `name` is its import path (how other files and the registry's references name it). */
export interface ProtoSource {
  name: string;
  text: string;
}

/** The well-known imports the kit resolves itself (the ones protobufjs and @bufbuild/protobuf both carry). */
const WELL_KNOWN: ReadonlyMap<string, DescFile> = new Map(
  [
    file_google_protobuf_any,
    file_google_protobuf_duration,
    file_google_protobuf_empty,
    file_google_protobuf_field_mask,
    file_google_protobuf_struct,
    file_google_protobuf_timestamp,
    file_google_protobuf_wrappers,
  ].map((file) => [file.proto.name, file]),
);

/**
 * Confluent's confluent/meta.proto, whose field option `[(confluent.field_meta).tags = "PII"]`
 * tags personal data: Confluent's registry and serializers resolve the import without a
 * reference, as they do google/protobuf/*, so the kit does too. Its `Meta` message only: the kit
 * has no extensions (`extend`) and reads the option from the text (tags.ts), never the descriptor.
 */
export const CONFLUENT_META: ProtoSource = {
  name: 'confluent/meta.proto',
  text: `syntax = "proto3";
package confluent;
message Meta {
  string doc = 1;
  map<string, string> params = 2;
  repeated string tags = 3;
}
`,
};
const IMPORTS_CONFLUENT_META = /\bimport\s+(?:weak\s+|public\s+)?["']confluent\/meta\.proto["']/;

/** Whether an import is a google/protobuf/* file: resolved locally, never registered as a reference. */
export function isWellKnownImport(path: string): boolean {
  return path.startsWith('google/protobuf/');
}

const SCALARS: Readonly<Record<string, FieldDescriptorProto_Type>> = {
  double: FieldDescriptorProto_Type.DOUBLE,
  float: FieldDescriptorProto_Type.FLOAT,
  int64: FieldDescriptorProto_Type.INT64,
  uint64: FieldDescriptorProto_Type.UINT64,
  int32: FieldDescriptorProto_Type.INT32,
  fixed64: FieldDescriptorProto_Type.FIXED64,
  fixed32: FieldDescriptorProto_Type.FIXED32,
  bool: FieldDescriptorProto_Type.BOOL,
  string: FieldDescriptorProto_Type.STRING,
  bytes: FieldDescriptorProto_Type.BYTES,
  uint32: FieldDescriptorProto_Type.UINT32,
  sfixed32: FieldDescriptorProto_Type.SFIXED32,
  sfixed64: FieldDescriptorProto_Type.SFIXED64,
  sint32: FieldDescriptorProto_Type.SINT32,
  sint64: FieldDescriptorProto_Type.SINT64,
};

/** protobufjs's parser: the file it is parsing is a static its typings do not declare. */
const parser = protobuf.parse as typeof protobuf.parse & { filename: string | null };

interface Parsed {
  source: ProtoSource;
  result: protobuf.IParserResult;
}

/**
 * Parses `files` (the schema last or anywhere: each is linked after its imports) into one
 * registry. Throws SchemaFileError naming the file for a syntax error, an unknown type or an
 * import that is neither among `files` nor well-known.
 */
export function parseProtoFiles(given: readonly ProtoSource[]): FileRegistry {
  const files =
    given.some((f) => IMPORTS_CONFLUENT_META.test(f.text)) && !given.some((f) => f.name === CONFLUENT_META.name)
      ? [CONFLUENT_META, ...given]
      : given;
  const root = new protobuf.Root();
  const parsed: Parsed[] = files.map((source) => {
    try {
      // protobufjs stamps each top-level definition with the file being parsed
      parser.filename = source.name;
      const result: protobuf.IParserResult = parser(source.text, root, { keepCase: true, alternateCommentMode: true });
      return { source, result };
    } catch (cause) {
      throw new SchemaFileError(source.name, '', (cause as Error).message, { cause });
    } finally {
      parser.filename = null;
    }
  });
  const names = new Set(files.map((f) => f.name));
  const wellKnown = new Set<string>();
  for (const { source, result } of parsed) {
    for (const path of [...(result.imports ?? []), ...(result.weakImports ?? [])]) {
      if (names.has(path)) continue;
      if (!WELL_KNOWN.has(path)) {
        throw new SchemaFileError(
          source.name,
          '',
          isWellKnownImport(path)
            ? `import "${path}" is not a well-known file the kit resolves (${[...WELL_KNOWN.keys()].join(', ')})`
            : `import "${path}" names no schema given with it (register it and reference it by that name)`,
        );
      }
      wellKnown.add(path);
    }
  }
  for (const path of wellKnown) root.addJSON(protobuf.common.get(path)!.nested!);
  try {
    root.resolveAll();
  } catch (cause) {
    const owner = /\(([^)]+)\)|in (\S+)/.exec((cause as Error).message);
    throw new SchemaFileError(owner?.[1] ?? files[files.length - 1]?.name ?? 'schema', '', (cause as Error).message, {
      cause,
    });
  }
  const protos = new Map(parsed.map((p) => [p.source.name, fileDescriptor(p, root)]));
  // each file linked after its imports, which resolve to the files already linked: given only
  // descriptors, createFileRegistry can order a file before an import it shares with its importer
  // (a schema importing confluent/meta.proto and a reference that imports it too)
  const linked = new Map<string, FileRegistry>();
  const resolve = (path: string) => linked.get(path)?.getFile(path) ?? WELL_KNOWN.get(path) ?? protos.get(path);
  const link = (name: string, trail: readonly string[]): void => {
    if (trail.includes(name)) throw new SchemaFileError(name, '', `imports itself: ${[...trail, name].join(' → ')}`);
    if (linked.has(name) || !protos.has(name)) return;
    for (const dependency of protos.get(name)!.dependency) link(dependency, [...trail, name]);
    try {
      linked.set(name, createFileRegistry(protos.get(name)!, resolve));
    } catch (cause) {
      throw new SchemaFileError(name, '', (cause as Error).message, { cause });
    }
  };
  for (const file of files) link(file.name, []);
  return createFileRegistry(...files.map((file) => linked.get(file.name)!));
}

/** The file `name` of `parseProtoFiles(files)`. */
export function parseProtoFile(files: readonly ProtoSource[], name: string): DescFile {
  return parseProtoFiles(files).getFile(name)!;
}

function fileDescriptor({ source, result }: Parsed, root: protobuf.Root): FileDescriptorProto {
  // comments go where protoc keeps them (source code info), so the generated types carry them too
  const locations: Array<MessageInitShape<typeof SourceCodeInfo_LocationSchema>> = [];
  const comment: Comment = (path, text) => {
    if (text) locations.push({ path, span: [0, 0, 0], leadingComments: ` ${text.replace(/\n/g, '\n ')}\n` });
  };
  const scope = result.package ? root.lookup(result.package) : root;
  const own = ((scope as protobuf.Namespace | null)?.nestedArray ?? []).filter(
    (o) => (o as protobuf.ReflectionObject & { filename?: string }).filename === source.name,
  );
  const types = own.filter((o): o is protobuf.Type => o instanceof protobuf.Type);
  const enums = own.filter((o): o is protobuf.Enum => o instanceof protobuf.Enum);
  if (own.some((o) => o instanceof protobuf.Field)) {
    throw new SchemaFileError(source.name, '', 'extensions (extend) are not supported');
  }
  const proto = create(FileDescriptorProtoSchema, {
    name: source.name,
    package: result.package ?? '',
    dependency: [...(result.imports ?? []), ...(result.weakImports ?? [])],
    messageType: types.map((t, i) => messageDescriptor(t, [4, i], comment, source.name)),
    enumType: enums.map((e, i) => enumDescriptor(e, [5, i], comment)),
  });
  // protobufjs keeps a file's syntax on its definitions
  const syntax = (own[0] as { _edition?: string } | undefined)?._edition ?? 'proto2';
  if (syntax !== 'proto2' && syntax !== 'proto3') {
    throw new SchemaFileError(source.name, '', `edition ${syntax} is not supported (proto2 and proto3 are)`);
  }
  if (syntax === 'proto3') proto.syntax = 'proto3';
  if (locations.length > 0) proto.sourceCodeInfo = create(SourceCodeInfoSchema, { location: locations });
  return proto;
}

type Comment = (path: number[], text: string | null | undefined) => void;

function messageDescriptor(type: protobuf.Type, path: number[], comment: Comment, file: string): DescriptorProto {
  comment(path, type.comment);
  const real = type.oneofsArray.filter((o) => !isSynthetic(o));
  const synthetic = type.oneofsArray.filter(isSynthetic);
  const oneofs = [...real, ...synthetic];
  const nestedTypes = type.nestedArray.filter((o): o is protobuf.Type => o instanceof protobuf.Type);
  const nestedEnums = type.nestedArray.filter((o): o is protobuf.Enum => o instanceof protobuf.Enum);
  const mapEntries: DescriptorProto[] = [];
  const fields = type.fieldsArray.map((field, i): FieldDescriptorProto => {
    comment([...path, 2, i], field.comment);
    if (field.map) {
      const entry = mapEntry(field as unknown as protobuf.MapField);
      mapEntries.push(entry);
      return create(FieldDescriptorProtoSchema, {
        name: field.name,
        number: field.id,
        label: FieldDescriptorProto_Label.REPEATED,
        type: FieldDescriptorProto_Type.MESSAGE,
        typeName: `${type.fullName}.${entry.name}`,
      });
    }
    return fieldDescriptor(field, oneofs, file);
  });
  const reserved = type.reserved ?? [];
  return create(DescriptorProtoSchema, {
    name: type.name,
    field: fields,
    // protoc puts a map's entry message where the map field is declared; protobufjs keeps no
    // positions across fields and messages, so entries follow the declared nested messages
    nestedType: [...nestedTypes.map((t, i) => messageDescriptor(t, [...path, 3, i], comment, file)), ...mapEntries],
    enumType: nestedEnums.map((e, i) => enumDescriptor(e, [...path, 4, i], comment)),
    oneofDecl: oneofs.map((o) => ({ name: o.name })),
    reservedRange: reserved
      .filter((r): r is number[] => Array.isArray(r))
      .map(([start, end]) => ({ start, end: end! + 1 })),
    reservedName: reserved.filter((r): r is string => typeof r === 'string'),
  });
}

function isSynthetic(oneof: protobuf.OneOf): boolean {
  return oneof.fieldsArray.length === 1 && oneof.fieldsArray[0]!.options?.proto3_optional === true;
}

function fieldDescriptor(field: protobuf.Field, oneofs: protobuf.OneOf[], file: string): FieldDescriptorProto {
  const resolved = field.resolvedType;
  const scalar = SCALARS[field.type];
  const type =
    scalar ??
    (resolved instanceof protobuf.Enum
      ? FieldDescriptorProto_Type.ENUM
      : field.delimited
        ? FieldDescriptorProto_Type.GROUP
        : FieldDescriptorProto_Type.MESSAGE);
  if (scalar === undefined && !resolved) {
    throw new SchemaFileError(file, '', `field ${field.fullName.slice(1)}: no type "${field.type}"`);
  }
  const options = field.options ?? {};
  const descriptor = create(FieldDescriptorProtoSchema, {
    name: field.name,
    number: field.id,
    label: field.repeated
      ? FieldDescriptorProto_Label.REPEATED
      : field.required
        ? FieldDescriptorProto_Label.REQUIRED
        : FieldDescriptorProto_Label.OPTIONAL,
    type,
  });
  // descriptor.proto is proto2: a field given at all is present, so only what protoc writes is set
  if (scalar === undefined) descriptor.typeName = resolved!.fullName;
  if (options.proto3_optional === true) descriptor.proto3Optional = true;
  if (field.partOf) descriptor.oneofIndex = oneofs.indexOf(field.partOf);
  // protoc always writes the JSON name (json_name, else its lowerCamelCase spelling); @bufbuild/protobuf
  // takes it as given, so a parsed file's toJson/fromJson would otherwise use "" for every field
  descriptor.jsonName = typeof options.json_name === 'string' ? options.json_name : protoCamelCase(field.name);
  if (options.default !== undefined) descriptor.defaultValue = String(options.default);
  if (options.packed !== undefined || options.deprecated !== undefined) {
    descriptor.options = {
      $typeName: 'google.protobuf.FieldOptions',
      ...(options.packed === undefined ? {} : { packed: options.packed === true }),
      ...(options.deprecated === undefined ? {} : { deprecated: options.deprecated === true }),
    } as never;
  }
  return descriptor;
}

function mapEntry(field: protobuf.MapField): DescriptorProto {
  const camel = field.name.replace(/(?:^|_)([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  const value = field.resolvedType;
  const valueScalar = SCALARS[field.type];
  return create(DescriptorProtoSchema, {
    name: `${camel}Entry`,
    field: [
      { name: 'key', number: 1, label: FieldDescriptorProto_Label.OPTIONAL, type: SCALARS[field.keyType] },
      {
        name: 'value',
        number: 2,
        label: FieldDescriptorProto_Label.OPTIONAL,
        type:
          valueScalar ??
          (value instanceof protobuf.Enum ? FieldDescriptorProto_Type.ENUM : FieldDescriptorProto_Type.MESSAGE),
        ...(valueScalar === undefined ? { typeName: value?.fullName ?? '' } : {}),
      },
    ],
    options: { mapEntry: true },
  });
}

function enumDescriptor(e: protobuf.Enum, path: number[], comment: Comment): EnumDescriptorProto {
  comment(path, e.comment);
  const reserved = e.reserved ?? [];
  return create(EnumDescriptorProtoSchema, {
    name: e.name,
    value: Object.entries(e.values).map(([name, number], i) => {
      comment([...path, 2, i], e.comments[name]);
      return { name, number };
    }),
    reservedRange: reserved.filter((r): r is number[] => Array.isArray(r)).map(([start, end]) => ({ start, end })),
    reservedName: reserved.filter((r): r is string => typeof r === 'string'),
    ...(e.options?.allow_alias === true ? { options: { allowAlias: true } } : {}),
  });
}

/** The import paths of one .proto text, in order (a syntax error is a SchemaFileError naming `file`). */
export function importsOf(text: string, file: string): string[] {
  try {
    parser.filename = file;
    const result = parser(text, new protobuf.Root(), { keepCase: true });
    return [...(result.imports ?? []), ...(result.weakImports ?? [])];
  } catch (cause) {
    throw new SchemaFileError(file, '', (cause as Error).message, { cause });
  } finally {
    parser.filename = null;
  }
}
