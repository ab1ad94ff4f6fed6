/**
 * Registered Protobuf schemas as .proto files: a schema's text imports others by path, and the
 * registry names each import by the same path (the reference's `name`), so a referenced schema's
 * file name is the name its referrer gives it. The schema itself is imported by nobody; its name
 * only has to differ from the imports'.
 */
import type { DescFile, FileRegistry } from '@bufbuild/protobuf';
import type { SchemaReference, SchemaVersion } from '../../compat/types';
import type { SchemaText } from '../format';
import { referencedSchema } from '../references';
import { parseProtoFiles, type ProtoSource } from './parse';

/** A file name for the root schema that no import path can be (import paths do not start with `<`). */
const ROOT = '<schema>.proto';

/** The root schema (last of `schemas`, after its references) and every file it was linked with. */
export function protoFilesOf(schemas: readonly SchemaText[]): { root: DescFile; registry: FileRegistry } {
  const names = new Map<SchemaText, string>();
  for (const schema of schemas) {
    for (const ref of schema.references) {
      const dependency = referencedSchema(schemas, schema, ref);
      if (dependency && !names.has(dependency)) names.set(dependency, ref.name);
    }
  }
  const root = schemas[schemas.length - 1]!;
  const sources: ProtoSource[] = schemas.map((schema, i) => ({
    name: schema === root ? ROOT : (names.get(schema) ?? `<reference ${i + 1}>.proto`),
    text: schema.schema,
  }));
  const registry = parseProtoFiles(sources);
  return { root: registry.getFile(ROOT)!, registry };
}

/** A checker's version (text and nested references, resolved locally) as its root file. */
export function protoFileOfVersion(version: SchemaVersion, label: string): DescFile {
  const sources = new Map<string, ProtoSource>();
  const add = (references: readonly SchemaReference[] | undefined) => {
    for (const ref of references ?? []) {
      if (sources.has(ref.name)) continue;
      sources.set(ref.name, { name: ref.name, text: textOf(ref.schema) });
      add(ref.references);
    }
  };
  add(version.references);
  const name = sources.has(label) ? ROOT : label;
  const all = [...sources.values(), { name, text: textOf(version.schema) }];
  const file = parseProtoFiles(all).getFile(name)!;
  SOURCES.set(file, { root: name, files: all });
  return file;
}

/** The texts a parsed version came from (buf breaking reads files, not descriptors). */
const SOURCES = new WeakMap<DescFile, { root: string; files: ProtoSource[] }>();

export function sourcesOf(file: DescFile): { root: string; files: readonly ProtoSource[] } | undefined {
  return SOURCES.get(file);
}

function textOf(schema: SchemaVersion['schema']): string {
  return typeof schema === 'string' ? schema : JSON.stringify(schema);
}
