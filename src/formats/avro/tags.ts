/**
 * The fields an Avro writer schema tags (Confluent's convention: a field property
 * `"confluent:tags": ["PII"]`), as paths into the decoded value: record fields by name, `*` for
 * the items of an array and the values of a map. Named types are followed through references;
 * a recursive type is walked once.
 */
import type { SchemaText } from '../format';

type Node = Record<string, unknown>;
const isObject = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const fullName = (name: string, namespace: string | undefined) =>
  name.includes('.') || !namespace ? name : `${namespace}.${name}`;

export function avroTaggedFields(schemas: readonly SchemaText[], tags: ReadonlySet<string>): string[][] {
  const parsed = schemas.map((s) => JSON.parse(s.schema) as unknown);
  const named = new Map<string, Node>();
  const define = (node: unknown, namespace: string | undefined): void => {
    if (Array.isArray(node)) return node.forEach((branch) => define(branch, namespace));
    if (!isObject(node)) return;
    const ns = typeof node.namespace === 'string' ? node.namespace : namespace;
    if (typeof node.name === 'string' && ['record', 'error', 'enum', 'fixed'].includes(String(node.type))) {
      named.set(fullName(node.name, ns), node);
    }
    if (Array.isArray(node.fields)) for (const field of node.fields) define((field as Node).type, ns);
    define(node.items, ns);
    define(node.values, ns);
    if (isObject(node.type) || Array.isArray(node.type)) define(node.type, ns);
  };
  parsed.forEach((schema) => define(schema, undefined));

  const tagged = (field: Node) =>
    Array.isArray(field['confluent:tags']) && field['confluent:tags'].some((t) => tags.has(String(t)));
  const paths: string[][] = [];
  const visit = (node: unknown, path: string[], namespace: string | undefined, seen: ReadonlySet<string>): void => {
    if (typeof node === 'string') {
      const type = named.get(fullName(node, namespace)) ?? named.get(node);
      if (type) visit(type, path, namespace, seen);
      return;
    }
    if (Array.isArray(node)) return node.forEach((branch) => visit(branch, path, namespace, seen));
    if (!isObject(node)) return;
    if (node.type === 'record' || node.type === 'error') {
      const ns = typeof node.namespace === 'string' ? node.namespace : namespace;
      const name = typeof node.name === 'string' ? fullName(node.name, ns) : '';
      if (seen.has(name)) return;
      const inner = new Set(seen).add(name);
      for (const field of (node.fields as Node[] | undefined) ?? []) {
        const at = [...path, String(field.name)];
        if (tagged(field)) paths.push(at);
        else visit(field.type, at, ns, inner);
      }
    } else if (node.type === 'array') {
      visit(node.items, [...path, '*'], namespace, seen);
    } else if (node.type === 'map') {
      visit(node.values, [...path, '*'], namespace, seen);
    } else if (isObject(node.type) || Array.isArray(node.type) || typeof node.type === 'string') {
      // {"type": {...}} or {"type": "Name"}; a primitive name finds no named type
      visit(node.type, path, namespace, seen);
    }
  };
  visit(parsed[parsed.length - 1], [], undefined, new Set());
  return paths;
}
