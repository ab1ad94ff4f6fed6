/**
 * The properties a JSON Schema writer schema tags (Confluent's convention: an annotation
 * `"confluent:tags": ["PII"]` on the property's schema), as paths into the decoded value:
 * property names, `*` for array items and additional properties. `$ref`s are followed into the
 * schemas the writer references (by reference name) and within a document (`#/…`); each is
 * walked once on a path.
 */
import type { SchemaText } from '../format';
import { referencedSchema } from '../references';

type Node = Record<string, unknown>;
const isObject = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function jsonTaggedFields(schemas: readonly SchemaText[], tags: ReadonlySet<string>): string[][] {
  const docs = schemas.map((s) => JSON.parse(s.schema) as unknown);
  const byName = new Map<string, unknown>();
  schemas.forEach((schema) => {
    for (const ref of schema.references) {
      const dependency = referencedSchema(schemas, schema, ref);
      if (dependency) byName.set(ref.name, docs[schemas.indexOf(dependency)]);
    }
  });
  const pointer = (doc: unknown, fragment: string): unknown =>
    fragment
      .split('/')
      .filter((part) => part !== '')
      .reduce<unknown>(
        (at, part) => (isObject(at) ? at[decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')] : undefined),
        doc,
      );
  const tagged = (node: Node) =>
    Array.isArray(node['confluent:tags']) && node['confluent:tags'].some((t) => tags.has(String(t)));

  const paths: string[][] = [];
  const visit = (node: unknown, path: string[], doc: unknown, seen: ReadonlySet<string>): void => {
    if (!isObject(node)) return;
    if (tagged(node)) {
      paths.push(path);
      return;
    }
    if (typeof node.$ref === 'string') {
      const [file, fragment = ''] = node.$ref.split('#');
      const target = file ? byName.get(file) : doc;
      const key = `${file}#${fragment}`;
      if (target !== undefined && !seen.has(key))
        visit(pointer(target, fragment), path, target, new Set(seen).add(key));
    }
    if (isObject(node.properties)) {
      for (const [name, schema] of Object.entries(node.properties)) visit(schema, [...path, name], doc, seen);
    }
    if (isObject(node.items)) visit(node.items, [...path, '*'], doc, seen);
    if (isObject(node.additionalProperties)) visit(node.additionalProperties, [...path, '*'], doc, seen);
    for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
      const branches = node[keyword];
      if (Array.isArray(branches)) for (const branch of branches) visit(branch, path, doc, seen);
    }
  };
  visit(docs[docs.length - 1], [], docs[docs.length - 1], new Set());
  return paths;
}
