/**
 * JSON Schema parsing for the compatibility checker.
 *
 * Confluent's JSON Schema diff works on the schema model of the everit library, so verdicts depend
 * on how a schema object becomes typed nodes. We build the same shapes:
 * - one node per kind of constraint: `{"type":"string"}` → string, `{"enum":[…]}` → enum;
 * - several kinds in one object (`{"type":"string","enum":[…]}`) → a synthetic `allOf` of them;
 * - `"type": [a, b]` → `anyOf` of one node per type;
 * - no `type`: the kind is sniffed from keywords (`properties` → object, `maxLength` → string);
 * - title/description/default/$id belong to the outermost node of a schema object;
 * - `$ref` is resolved lazily to a shared node, so recursive schemas are graphs, not infinite trees.
 * References to other documents are looked up by the name of a `SchemaReference`.
 */
import { SchemaFileError } from '../../../errors';
import type { JsonValue, SchemaReference, SchemaSource, SchemaVersion } from '../../../compat/types';

type Json = JsonValue;
type JsonObject = { [key: string]: Json };

export interface Meta {
  id?: string;
  title?: string;
  description?: string;
  hasDefault: boolean;
  default?: Json;
}

interface Base {
  readonly id: number;
  /** The JSON this node stands for (for synthetic members, the keywords of that member only). */
  raw: Json;
  meta: Meta;
  /** Kafka Connect's `connect.type` annotation (Confluent treats two `bytes` as the same type). */
  connectType?: string;
}

export interface EmptyNode extends Base {
  kind: 'empty' | 'true' | 'false' | 'boolean' | 'null' | 'conditional';
}
export interface StringNode extends Base {
  kind: 'string';
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}
export interface NumberNode extends Base {
  kind: 'number';
  requiresInteger: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
}
export interface ObjectNode extends Base {
  kind: 'object';
  properties: Map<string, JsonNode>;
  required: string[];
  /** False only for `additionalProperties: false`. */
  permitsAdditional: boolean;
  /** Set when `additionalProperties` is a schema (an object, even `{}`). */
  additionalSchema?: JsonNode;
  patternProperties: { pattern: string; schema: JsonNode }[];
  propertyDependencies: Map<string, string[]>;
  schemaDependencies: Map<string, JsonNode>;
  minProperties?: number;
  maxProperties?: number;
  unevaluated?: JsonNode;
}
export interface ArrayNode extends Base {
  kind: 'array';
  /** `items` as one schema for all items. */
  allItems?: JsonNode;
  /** Tuple items (`items: [...]` or `prefixItems`). */
  itemSchemas?: JsonNode[];
  permitsAdditionalItems: boolean;
  additionalItemsSchema?: JsonNode;
  minItems?: number;
  maxItems?: number;
  uniqueItems: boolean;
  minContains?: number;
  maxContains?: number;
  unevaluated?: JsonNode;
}
export interface EnumNode extends Base {
  kind: 'enum';
  values: Json[];
}
export interface ConstNode extends Base {
  kind: 'const';
  value: Json;
}
export type Criterion = 'allOf' | 'anyOf' | 'oneOf';
export interface CombinedNode extends Base {
  kind: 'combined';
  criterion: Criterion;
  subschemas: JsonNode[];
  synthetic: boolean;
}
export interface NotNode extends Base {
  kind: 'not';
  mustNotMatch: JsonNode;
}
export interface RefNode extends Base {
  kind: 'ref';
  ref: string;
  target: () => JsonNode;
}

export type JsonNode =
  | EmptyNode
  | StringNode
  | NumberNode
  | ObjectNode
  | ArrayNode
  | EnumNode
  | ConstNode
  | CombinedNode
  | NotNode
  | RefNode;

let nextNodeId = 1;

const OBJECT_KEYWORDS = [
  'properties',
  'additionalProperties',
  'required',
  'minProperties',
  'maxProperties',
  'dependencies',
  'patternProperties',
  'propertyNames',
  'unevaluatedProperties',
  'dependentRequired',
  'dependentSchemas',
];
const ARRAY_KEYWORDS = [
  'items',
  'additionalItems',
  'maxItems',
  'minItems',
  'uniqueItems',
  'contains',
  'prefixItems',
  'unevaluatedItems',
  'minContains',
  'maxContains',
];
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const STRING_KEYWORDS = ['minLength', 'maxLength', 'pattern', 'format'];
const COMBINATORS: Criterion[] = ['allOf', 'anyOf', 'oneOf'];
const META_KEYWORDS = new Set([
  '$schema',
  '$id',
  'id',
  'title',
  'description',
  'default',
  'definitions',
  '$defs',
  '$comment',
  'examples',
]);

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: Json | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function pick(json: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const key of keys) if (key in json) out[key] = json[key] as Json;
  return out;
}

interface Document {
  name: string;
  json: Json;
  file: string;
  /** Nodes by JSON pointer, so every `$ref` to one place yields one node. */
  nodes: Map<string, JsonNode>;
}

class JsonSchemaLoader {
  private readonly documents = new Map<string, Document>();

  constructor(private readonly label: string) {}

  addDocument(name: string, source: SchemaSource, file: string): Document {
    const doc: Document = { name, json: toJson(source, file), file, nodes: new Map() };
    this.documents.set(name, doc);
    return doc;
  }

  fail(doc: Document, pointer: string, reason: string): never {
    throw new SchemaFileError(doc.file || this.label, pointer, reason, {
      hint: 'fix the JSON Schema, or pass the schema it references as a reference',
    });
  }

  load(doc: Document, pointer: string): JsonNode {
    const cached = doc.nodes.get(pointer);
    if (cached) return cached;
    const json = resolvePointer(doc.json, pointer);
    if (json === undefined) return this.fail(doc, pointer, 'no schema at this pointer');
    const node = this.build(doc, json, pointer);
    doc.nodes.set(pointer, node);
    return node;
  }

  private child(doc: Document, pointer: string, ...segments: (string | number)[]): JsonNode {
    return this.load(
      doc,
      pointer + segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join(''),
    );
  }

  private build(doc: Document, json: Json, pointer: string): JsonNode {
    if (json === true) return { id: nextNodeId++, kind: 'true', raw: json, meta: { hasDefault: false } };
    if (json === false) return { id: nextNodeId++, kind: 'false', raw: json, meta: { hasDefault: false } };
    if (!isObject(json))
      return this.fail(doc, pointer, `expected a schema (object or boolean), found ${JSON.stringify(json)}`);

    const parts: JsonNode[] = [];
    if (typeof json.$ref === 'string') {
      parts.push(this.reference(doc, json.$ref, pointer));
      // Draft 2019+ applies keywords next to $ref too; they join it in an allOf below.
      const rest = Object.fromEntries(Object.entries(json).filter(([k]) => k !== '$ref' && !META_KEYWORDS.has(k)));
      if (Object.keys(rest).length > 0) parts.push(...this.parts(doc, rest, pointer));
    } else {
      parts.push(...this.parts(doc, json, pointer));
    }
    const node: JsonNode =
      parts.length === 0
        ? { id: nextNodeId++, kind: 'empty', raw: json, meta: { hasDefault: false } }
        : parts.length === 1
          ? (parts[0] as JsonNode)
          : {
              id: nextNodeId++,
              kind: 'combined',
              criterion: 'allOf',
              subschemas: parts,
              synthetic: true,
              raw: json,
              meta: { hasDefault: false },
            };
    if (node.kind === 'ref') {
      // Keep the shared ref target untouched: wrap so metadata stays with this occurrence.
      return { ...node, id: nextNodeId++, raw: json, meta: readMeta(json) };
    }
    node.meta = readMeta(json);
    // A single-constraint node stands for the whole object (fragments, and member de-duplication).
    if (parts.length === 1) node.raw = json;
    if (typeof json['connect.type'] === 'string') node.connectType = json['connect.type'];
    return node;
  }

  /** The constraint nodes of one schema object, in everit's extractor order. */
  private parts(doc: Document, json: JsonObject, pointer: string): JsonNode[] {
    const parts: JsonNode[] = [];
    const base = (raw: Json) => ({ id: nextNodeId++, raw, meta: { hasDefault: false } });
    if (Array.isArray(json.enum)) parts.push({ ...base(pick(json, ['enum'])), kind: 'enum', values: json.enum });
    const combined = COMBINATORS.filter((c) => Array.isArray(json[c])).map((criterion): CombinedNode => {
      const members = json[criterion] as Json[];
      return {
        ...base(pick(json, [criterion])),
        kind: 'combined',
        criterion,
        synthetic: false,
        subschemas: members.map((_, i) => this.child(doc, pointer, criterion, i)),
      };
    });
    if (combined.length === 1) parts.push(combined[0] as CombinedNode);
    if (combined.length > 1) {
      parts.push({
        ...base(pick(json, COMBINATORS)),
        kind: 'combined',
        criterion: 'allOf',
        synthetic: true,
        subschemas: combined,
      });
    }
    if (json.not !== undefined)
      parts.push({ ...base(pick(json, ['not'])), kind: 'not', mustNotMatch: this.child(doc, pointer, 'not') });
    if ('const' in json) parts.push({ ...base(pick(json, ['const'])), kind: 'const', value: json.const as Json });

    const type = json.type;
    if (typeof type === 'string') {
      parts.push(this.typed(doc, json, pointer, type));
    } else if (Array.isArray(type)) {
      const members = type.map((t) => {
        if (typeof t !== 'string') return this.fail(doc, `${pointer}/type`, 'type names must be strings');
        return this.typed(doc, json, pointer, t);
      });
      parts.push({ ...base({ type }), kind: 'combined', criterion: 'anyOf', synthetic: false, subschemas: members });
    } else {
      // No explicit type: everit infers one node per family of keywords present.
      if (OBJECT_KEYWORDS.some((k) => k in json)) parts.push(this.objectNode(doc, json, pointer));
      if (ARRAY_KEYWORDS.some((k) => k in json)) parts.push(this.arrayNode(doc, json, pointer));
      if (NUMBER_KEYWORDS.some((k) => k in json)) parts.push(this.numberNode(json, false));
      if (STRING_KEYWORDS.some((k) => k in json)) parts.push(this.stringNode(json));
    }
    if ('if' in json) parts.push({ ...base(pick(json, ['if', 'then', 'else'])), kind: 'conditional' });
    return parts;
  }

  private typed(doc: Document, json: JsonObject, pointer: string, type: string): JsonNode {
    switch (type) {
      case 'string':
        return this.stringNode(json);
      case 'number':
        return this.numberNode(json, false);
      case 'integer':
        return this.numberNode(json, true);
      case 'object':
        return this.objectNode(doc, json, pointer);
      case 'array':
        return this.arrayNode(doc, json, pointer);
      case 'boolean':
      case 'null':
        return { id: nextNodeId++, kind: type, raw: { type }, meta: { hasDefault: false } };
      default:
        return this.fail(doc, `${pointer}/type`, `unknown type "${type}"`);
    }
  }

  private stringNode(json: JsonObject): StringNode {
    return {
      id: nextNodeId++,
      kind: 'string',
      raw: { ...pick(json, STRING_KEYWORDS), type: 'string' },
      meta: { hasDefault: false },
      minLength: num(json.minLength),
      maxLength: num(json.maxLength),
      pattern: typeof json.pattern === 'string' ? json.pattern : undefined,
    };
  }

  private numberNode(json: JsonObject, requiresInteger: boolean): NumberNode {
    return {
      id: nextNodeId++,
      kind: 'number',
      raw: { ...pick(json, NUMBER_KEYWORDS), type: requiresInteger ? 'integer' : 'number' },
      meta: { hasDefault: false },
      requiresInteger,
      minimum: num(json.minimum),
      maximum: num(json.maximum),
      // Draft 4's boolean exclusiveMinimum/Maximum only flag minimum/maximum; Confluent ignores them.
      exclusiveMinimum: num(json.exclusiveMinimum),
      exclusiveMaximum: num(json.exclusiveMaximum),
      multipleOf: num(json.multipleOf),
    };
  }

  private objectNode(doc: Document, json: JsonObject, pointer: string): ObjectNode {
    const properties = new Map<string, JsonNode>();
    if (isObject(json.properties)) {
      for (const key of Object.keys(json.properties)) properties.set(key, this.child(doc, pointer, 'properties', key));
    }
    const additional = json.additionalProperties;
    const propertyDependencies = new Map<string, string[]>();
    const schemaDependencies = new Map<string, JsonNode>();
    for (const keyword of ['dependencies', 'dependentRequired', 'dependentSchemas']) {
      const deps = json[keyword];
      if (!isObject(deps)) continue;
      for (const [key, value] of Object.entries(deps)) {
        if (Array.isArray(value))
          propertyDependencies.set(
            key,
            value.filter((v): v is string => typeof v === 'string'),
          );
        else schemaDependencies.set(key, this.child(doc, pointer, keyword, key));
      }
    }
    return {
      id: nextNodeId++,
      kind: 'object',
      raw: { ...pick(json, OBJECT_KEYWORDS), type: 'object' },
      meta: { hasDefault: false },
      properties,
      required: Array.isArray(json.required) ? json.required.filter((r): r is string => typeof r === 'string') : [],
      permitsAdditional: additional !== false,
      additionalSchema: isObject(additional) ? this.child(doc, pointer, 'additionalProperties') : undefined,
      patternProperties: isObject(json.patternProperties)
        ? Object.keys(json.patternProperties).map((pattern) => ({
            pattern,
            schema: this.child(doc, pointer, 'patternProperties', pattern),
          }))
        : [],
      propertyDependencies,
      schemaDependencies,
      minProperties: num(json.minProperties),
      maxProperties: num(json.maxProperties),
      unevaluated:
        json.unevaluatedProperties !== undefined ? this.child(doc, pointer, 'unevaluatedProperties') : undefined,
    };
  }

  private arrayNode(doc: Document, json: JsonObject, pointer: string): ArrayNode {
    let allItems: JsonNode | undefined;
    let itemSchemas: JsonNode[] | undefined;
    let additional: Json | undefined = json.additionalItems;
    let additionalKeyword = 'additionalItems';
    if (Array.isArray(json.prefixItems)) {
      // 2020-12: prefixItems are the tuple, and `items` plays the role of additionalItems.
      itemSchemas = json.prefixItems.map((_, i) => this.child(doc, pointer, 'prefixItems', i));
      additional = json.items;
      additionalKeyword = 'items';
    } else if (Array.isArray(json.items)) {
      itemSchemas = json.items.map((_, i) => this.child(doc, pointer, 'items', i));
    } else if (json.items !== undefined) {
      allItems = this.child(doc, pointer, 'items');
    }
    return {
      id: nextNodeId++,
      kind: 'array',
      raw: { ...pick(json, ARRAY_KEYWORDS), type: 'array' },
      meta: { hasDefault: false },
      allItems,
      itemSchemas,
      permitsAdditionalItems: additional !== false,
      additionalItemsSchema: isObject(additional) ? this.child(doc, pointer, additionalKeyword) : undefined,
      minItems: num(json.minItems),
      maxItems: num(json.maxItems),
      uniqueItems: json.uniqueItems === true,
      minContains: num(json.minContains),
      maxContains: num(json.maxContains),
      unevaluated: json.unevaluatedItems !== undefined ? this.child(doc, pointer, 'unevaluatedItems') : undefined,
    };
  }

  private reference(doc: Document, ref: string, pointer: string): RefNode {
    const hash = ref.indexOf('#');
    const location = hash >= 0 ? ref.slice(0, hash) : ref;
    const fragment = hash >= 0 ? decodeURIComponent(ref.slice(hash + 1)) : '';
    let resolved: JsonNode | undefined;
    const target = (): JsonNode => {
      if (resolved) return resolved;
      const targetDoc = location === '' ? doc : this.findDocument(location);
      if (!targetDoc)
        return this.fail(doc, `${pointer}/$ref`, `unresolved $ref "${ref}": no reference named "${location}"`);
      if (fragment !== '' && !fragment.startsWith('/')) {
        return this.fail(
          doc,
          `${pointer}/$ref`,
          `unsupported $ref "${ref}": only JSON pointer fragments are supported`,
        );
      }
      const targetPointer = fragment === '/' ? '' : fragment;
      if (resolvePointer(targetDoc.json, targetPointer) === undefined) {
        return this.fail(doc, `${pointer}/$ref`, `unresolved $ref "${ref}": nothing at "${fragment}"`);
      }
      resolved = this.load(targetDoc, targetPointer);
      return resolved;
    };
    return { id: nextNodeId++, kind: 'ref', ref, raw: { $ref: ref }, meta: { hasDefault: false }, target };
  }

  /** A referenced document by reference name, by its `$id`, or by the last path segment of either. */
  private findDocument(location: string): Document | undefined {
    const exact = this.documents.get(location);
    if (exact) return exact;
    const docs = [...this.documents.values()];
    const byId = docs.find((d) => isObject(d.json) && (d.json.$id === location || d.json.id === location));
    if (byId) return byId;
    const tail = (s: string) => s.slice(s.lastIndexOf('/') + 1);
    return docs.find(
      (d) =>
        d.name !== '' &&
        (tail(d.name) === tail(location) ||
          (isObject(d.json) && typeof d.json.$id === 'string' && tail(d.json.$id) === tail(location))),
    );
  }
}

function readMeta(json: JsonObject): Meta {
  const id = typeof json.$id === 'string' ? json.$id : typeof json.id === 'string' ? json.id : undefined;
  return {
    id,
    title: typeof json.title === 'string' ? json.title : undefined,
    description: typeof json.description === 'string' ? json.description : undefined,
    hasDefault: 'default' in json,
    default: json.default,
  };
}

function resolvePointer(json: Json, pointer: string): Json | undefined {
  if (pointer === '') return json;
  let current: Json | undefined = json;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) current = current[Number(key)];
    else if (isObject(current)) current = Object.prototype.hasOwnProperty.call(current, key) ? current[key] : undefined;
    else return undefined;
    if (current === undefined) return undefined;
  }
  return current;
}

function toJson(source: SchemaSource, file: string): Json {
  if (typeof source !== 'string') return source;
  try {
    return JSON.parse(source) as Json;
  } catch (error) {
    throw new SchemaFileError(file, '', `not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Follows `$ref`s to the schema they stand for. */
export function normalize(node: JsonNode): JsonNode {
  let current = node;
  for (let hops = 0; current.kind === 'ref'; hops++) {
    if (hops > 64) throw new SchemaFileError(current.ref, '', 'a $ref chain loops without reaching a schema');
    current = current.target();
  }
  return current;
}

/**
 * Parses a version with its references. Every `$ref` is resolved eagerly once (walking the graph)
 * so that a missing reference is reported as bad input up front rather than in the middle of a diff.
 */
export function parseJsonSchemaVersion(version: SchemaVersion, label: string): JsonNode {
  const loader = new JsonSchemaLoader(label);
  const visit = (refs: readonly SchemaReference[] | undefined): void => {
    for (const ref of refs ?? []) {
      loader.addDocument(ref.name, ref.schema, `${label} reference ${ref.name}`);
      visit(ref.references);
    }
  };
  visit(version.references);
  const main = loader.addDocument('', version.schema, version.source ?? label);
  const root = loader.load(main, '');
  walk(root, new Set());
  return root;
}

function walk(node: JsonNode, seen: Set<number>): void {
  if (seen.has(node.id)) return;
  seen.add(node.id);
  const next: JsonNode[] = [];
  switch (node.kind) {
    case 'ref':
      next.push(node.target());
      break;
    case 'combined':
      next.push(...node.subschemas);
      break;
    case 'not':
      next.push(node.mustNotMatch);
      break;
    case 'object':
      next.push(
        ...node.properties.values(),
        ...node.schemaDependencies.values(),
        ...node.patternProperties.map((p) => p.schema),
      );
      if (node.additionalSchema) next.push(node.additionalSchema);
      if (node.unevaluated) next.push(node.unevaluated);
      break;
    case 'array':
      next.push(...(node.itemSchemas ?? []));
      if (node.allItems) next.push(node.allItems);
      if (node.additionalItemsSchema) next.push(node.additionalItemsSchema);
      if (node.unevaluated) next.push(node.unevaluated);
      break;
    default:
      break;
  }
  for (const child of next) walk(child, seen);
}
