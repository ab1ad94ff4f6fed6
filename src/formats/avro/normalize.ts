/**
 * What Apache Avro's Java parser (1.12, as Confluent Schema Registry parses a schema) accepts and
 * avsc and the kit's checker do not, rewritten to the same schema in the form they read:
 * - a named type used before its definition (Java resolves names once the whole schema is read):
 *   the definition moves to the first use, keeping its namespace, and its old place names it;
 * - `{"type": "Name"}`, an object that only names a defined type: the name;
 * - an enum or fixed defined twice, identically: the second becomes its name (Java refuses a
 *   record defined twice, and so does avsc).
 * A schema with none of these comes back as it was (the same object). Another producer's schema
 * written that way, read from the registry, must decode: this keeps it from being dead-lettered.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Node = { [key: string]: Json };

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAMED = new Set(['record', 'error', 'enum', 'fixed']);

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Definition {
  node: Node;
  fullName: string;
  /** The namespace its own relative names resolve in. */
  namespace: string | undefined;
}

/**
 * The schema as avsc and the checker read it, with the full names it defines. `known` holds the
 * names the schema's references define (they count as defined before it).
 */
export function normalizeAvroSchema(
  schema: unknown,
  known: ReadonlySet<string> = new Set(),
): { schema: unknown; defines: string[] } {
  const definitions = new Map<string, Definition>();
  collect(schema as Json, undefined, definitions);
  const rewrite = new Rewrite(definitions, known);
  const out = rewrite.type(schema as Json, undefined);
  return { schema: rewrite.changed ? out : schema, defines: [...definitions.keys()] };
}

function namespaceOf(node: Node, enclosing: string | undefined): string | undefined {
  const name = typeof node.name === 'string' ? node.name : '';
  if (name.includes('.')) return name.slice(0, name.lastIndexOf('.'));
  if (typeof node.namespace === 'string') return node.namespace === '' ? undefined : node.namespace;
  return enclosing;
}

function fullNameOf(node: Node, enclosing: string | undefined): string {
  const name = String(node.name);
  const ns = namespaceOf(node, enclosing);
  return name.includes('.') || !ns ? name : `${ns}.${name}`;
}

/** Every named type definition, in the order Java's parser meets them (a record before its fields). */
function collect(type: Json, ns: string | undefined, into: Map<string, Definition>): void {
  if (Array.isArray(type)) return type.forEach((branch) => collect(branch, ns, into));
  if (!isNode(type)) return;
  const t = type.type;
  if (typeof t !== 'string') return;
  if (NAMED.has(t) && typeof type.name === 'string') {
    const fullName = fullNameOf(type, ns);
    const inner = namespaceOf(type, ns);
    if (!into.has(fullName)) into.set(fullName, { node: type, fullName, namespace: inner });
    if (Array.isArray(type.fields)) {
      for (const field of type.fields) if (isNode(field)) collect(field.type ?? null, inner, into);
    }
  } else if (t === 'array') collect(type.items ?? null, ns, into);
  else if (t === 'map') collect(type.values ?? null, ns, into);
}

class Rewrite {
  changed = false;
  private readonly defined = new Set<string>();
  /** Definitions moved to an earlier use: their own place becomes their name. */
  private readonly moved = new Set<Node>();

  constructor(
    private readonly definitions: ReadonlyMap<string, Definition>,
    private readonly known: ReadonlySet<string>,
  ) {}

  type(type: Json, ns: string | undefined): Json {
    if (typeof type === 'string') return this.reference(type, ns);
    if (Array.isArray(type)) return this.each(type, (branch) => this.type(branch, ns));
    if (!isNode(type)) return type;
    const t = type.type;
    if (typeof t !== 'string') return type;
    if (NAMED.has(t)) return this.definition(type, ns);
    if (t === 'array' && 'items' in type) return this.with(type, 'items', this.type(type.items!, ns));
    if (t === 'map' && 'values' in type) return this.with(type, 'values', this.type(type.values!, ns));
    // {"type": "Name"} only names a type (a primitive with attributes stays as it is)
    if (!PRIMITIVES.has(t) && t !== 'array' && t !== 'map' && this.resolve(t, ns)) {
      this.changed = true;
      return this.reference(t, ns);
    }
    return type;
  }

  private definition(node: Node, ns: string | undefined): Json {
    const fullName = fullNameOf(node, ns);
    if (this.moved.has(node)) return fullName;
    if (this.defined.has(fullName)) {
      const first = this.definitions.get(fullName)?.node;
      const identical = first !== undefined && JSON.stringify(first) === JSON.stringify(node);
      if (identical && node.type !== 'record' && node.type !== 'error') {
        this.changed = true;
        return fullName;
      }
      return node; // a redefinition: avsc refuses it, as Java does
    }
    this.defined.add(fullName);
    if (!Array.isArray(node.fields)) return node;
    const inner = namespaceOf(node, ns);
    const fields = this.each(node.fields, (field) =>
      isNode(field) && 'type' in field ? this.with(field, 'type', this.type(field.type!, inner)) : field,
    );
    return fields === node.fields ? node : { ...node, fields };
  }

  /** A name; a use before the definition gets the definition, with its namespace written out. */
  private reference(name: string, ns: string | undefined): Json {
    if (PRIMITIVES.has(name)) return name;
    const fullName = this.resolve(name, ns);
    if (!fullName || this.defined.has(fullName) || this.known.has(fullName)) return name;
    const definition = this.definitions.get(fullName)!;
    this.moved.add(definition.node);
    this.changed = true;
    const explicit: Node = String(definition.node.name).includes('.')
      ? definition.node
      : { ...definition.node, namespace: definition.namespace ?? '' };
    return this.definition(explicit, ns);
  }

  /** The full name a name means here, when this schema or its references define it (Java's lookup order). */
  private resolve(name: string, ns: string | undefined): string | undefined {
    const candidates = name.includes('.') || !ns ? [name] : [`${ns}.${name}`, name];
    return candidates.find((c) => this.definitions.has(c) || this.known.has(c) || this.defined.has(c));
  }

  private each<T extends Json>(items: T[], map: (item: T) => Json): Json[] {
    const out = items.map(map);
    return out.every((v, i) => v === items[i]) ? items : out;
  }

  private with(node: Node, key: string, value: Json): Node {
    return node[key] === value ? node : { ...node, [key]: value };
  }
}
