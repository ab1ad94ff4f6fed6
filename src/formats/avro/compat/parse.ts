/**
 * Avro schema parsing for the compatibility checker.
 *
 * We parse into a small model of our own rather than reusing avsc's types: the checker needs what
 * Java's `Schema` exposes (short name vs full name, aliases qualified against the namespace, field
 * defaults, enum defaults) and node identity for recursive types, and must not depend on how a
 * serialisation library resolves schemas. Name resolution follows the Avro specification and Java's
 * `Schema.Parser`: a name without a dot is looked up in the enclosing namespace, then in the null
 * namespace; references are parsed first into the same name table.
 */
import { normalizeAvroSchema } from '../normalize';
import { SchemaFileError } from '../../../errors';
import type { JsonValue, SchemaReference, SchemaSource, SchemaVersion } from '../../../compat/types';

export const AVRO_PRIMITIVES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const;
export type AvroPrimitive = (typeof AVRO_PRIMITIVES)[number];

interface NodeBase {
  /** Unique per parsed node: the checker memoizes reader/writer pairs by identity. */
  readonly id: number;
  /** The JSON that defined the node (a named type's full definition, not the name used). */
  readonly raw: JsonValue;
}

export interface PrimitiveNode extends NodeBase {
  kind: AvroPrimitive;
  logicalType?: string;
}

interface NamedBase extends NodeBase {
  /** Short name: Java's `getName()`, which is what its compatibility check compares. */
  name: string;
  fullname: string;
  namespace: string;
  /** Fully qualified aliases. */
  aliases: string[];
}

export interface AvroField {
  name: string;
  aliases: string[];
  type: AvroNode;
  hasDefault: boolean;
  raw: JsonValue;
}

export interface RecordNode extends NamedBase {
  kind: 'record';
  fields: AvroField[];
}

export interface EnumNode extends NamedBase {
  kind: 'enum';
  symbols: string[];
  default?: string;
}

export interface FixedNode extends NamedBase {
  kind: 'fixed';
  size: number;
  logicalType?: string;
}

export interface ArrayNode extends NodeBase {
  kind: 'array';
  items: AvroNode;
}

export interface MapNode extends NodeBase {
  kind: 'map';
  values: AvroNode;
}

export interface UnionNode extends NodeBase {
  kind: 'union';
  branches: AvroNode[];
}

export type NamedNode = RecordNode | EnumNode | FixedNode;
export type AvroNode = PrimitiveNode | NamedNode | ArrayNode | MapNode | UnionNode;

let nextNodeId = 1;
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Json = JsonValue;
function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class AvroParser {
  /** Named types by full name, shared by a version's references and its schema. */
  readonly names = new Map<string, NamedNode>();
  private file = '';

  constructor(private readonly label: string) {}

  parseDocument(source: SchemaSource, file: string): AvroNode {
    this.file = file;
    // forward references and the like, which Java's parser reads, in the form this parser reads
    const { schema } = normalizeAvroSchema(toJson(source, file), new Set(this.names.keys()));
    return this.parse(schema as Json, '', '');
  }

  private fail(pointer: string, reason: string): never {
    throw new SchemaFileError(this.file || this.label, pointer, reason, {
      hint: 'fix the Avro schema (see https://avro.apache.org/docs/current/specification/)',
    });
  }

  private parse(json: Json, namespace: string, pointer: string): AvroNode {
    if (typeof json === 'string') return this.parseName(json, namespace, pointer);
    if (Array.isArray(json)) return this.parseUnion(json, namespace, pointer);
    if (!isObject(json)) return this.fail(pointer, `expected a type, found ${JSON.stringify(json)}`);
    const type = json.type;
    if (typeof type !== 'string') {
      // {"type": {...}} and {"type": [...]} wrap another type.
      if (type !== undefined && (isObject(type) || Array.isArray(type)))
        return this.parse(type, namespace, `${pointer}/type`);
      return this.fail(pointer, 'a type object needs a "type"');
    }
    const logicalType = typeof json.logicalType === 'string' ? json.logicalType : undefined;
    switch (type) {
      case 'record':
      case 'error':
        return this.parseRecord(json, namespace, pointer);
      case 'enum':
        return this.parseEnum(json, namespace, pointer);
      case 'fixed':
        return this.parseFixed(json, namespace, pointer, logicalType);
      case 'array':
        if (json.items === undefined) return this.fail(pointer, 'an array needs "items"');
        return {
          id: nextNodeId++,
          kind: 'array',
          raw: json,
          items: this.parse(json.items, namespace, `${pointer}/items`),
        };
      case 'map':
        if (json.values === undefined) return this.fail(pointer, 'a map needs "values"');
        return {
          id: nextNodeId++,
          kind: 'map',
          raw: json,
          values: this.parse(json.values, namespace, `${pointer}/values`),
        };
      default:
        if ((AVRO_PRIMITIVES as readonly string[]).includes(type)) {
          return { id: nextNodeId++, kind: type as AvroPrimitive, raw: json, logicalType };
        }
        // {"type": "com.example.Money"} refers to a named type.
        return this.parseName(type, namespace, `${pointer}/type`);
    }
  }

  private parseName(name: string, namespace: string, pointer: string): AvroNode {
    if ((AVRO_PRIMITIVES as readonly string[]).includes(name)) {
      return { id: nextNodeId++, kind: name as AvroPrimitive, raw: name };
    }
    const qualified = name.includes('.') || !namespace ? name : `${namespace}.${name}`;
    const found = this.names.get(qualified) ?? this.names.get(name);
    if (!found) {
      return this.fail(pointer, `unknown type "${name}" (not defined before use here nor in the references)`);
    }
    return found;
  }

  private parseUnion(json: Json[], namespace: string, pointer: string): UnionNode {
    const branches = json.map((branch, i) => this.parse(branch, namespace, `${pointer}/${i}`));
    const seen = new Set<string>();
    branches.forEach((branch, i) => {
      if (branch.kind === 'union') this.fail(`${pointer}/${i}`, 'unions may not contain unions');
      const key = 'fullname' in branch ? branch.fullname : branch.kind;
      if (seen.has(key)) this.fail(`${pointer}/${i}`, `duplicate ${key} in union`);
      seen.add(key);
    });
    return { id: nextNodeId++, kind: 'union', raw: json, branches };
  }

  private names_(json: { [key: string]: Json }, namespace: string, pointer: string) {
    const name = json.name;
    if (typeof name !== 'string' || name === '') return this.fail(pointer, 'a named type needs a "name"');
    let fullname: string;
    let space: string;
    if (name.includes('.')) {
      fullname = name;
      space = name.slice(0, name.lastIndexOf('.'));
    } else {
      space = typeof json.namespace === 'string' ? json.namespace : namespace;
      fullname = space ? `${space}.${name}` : name;
    }
    const short = fullname.slice(fullname.lastIndexOf('.') + 1);
    for (const part of fullname.split('.')) {
      if (!NAME_PATTERN.test(part)) this.fail(`${pointer}/name`, `invalid name "${fullname}"`);
    }
    if ((AVRO_PRIMITIVES as readonly string[]).includes(fullname))
      this.fail(`${pointer}/name`, `"${fullname}" is a primitive type name`);
    if (this.names.has(fullname)) this.fail(`${pointer}/name`, `"${fullname}" is defined twice`);
    const aliases = Array.isArray(json.aliases)
      ? json.aliases.map((alias) => {
          if (typeof alias !== 'string') return this.fail(`${pointer}/aliases`, 'aliases must be strings');
          return alias.includes('.') || !space ? alias : `${space}.${alias}`;
        })
      : [];
    return { name: short, fullname, namespace: space, aliases };
  }

  private parseRecord(json: { [key: string]: Json }, namespace: string, pointer: string): RecordNode {
    const naming = this.names_(json, namespace, pointer);
    if (!Array.isArray(json.fields)) return this.fail(pointer, 'a record needs a "fields" array');
    // Registered before its fields so that recursive references resolve to this node.
    const node: RecordNode = { id: nextNodeId++, kind: 'record', raw: json, ...naming, fields: [] };
    this.names.set(node.fullname, node);
    const fieldNames = new Set<string>();
    json.fields.forEach((field, i) => {
      const at = `${pointer}/fields/${i}`;
      if (!isObject(field)) return this.fail(at, 'a field must be an object');
      if (typeof field.name !== 'string' || !NAME_PATTERN.test(field.name))
        return this.fail(`${at}/name`, 'a field needs a valid "name"');
      if (fieldNames.has(field.name)) this.fail(`${at}/name`, `duplicate field "${field.name}"`);
      fieldNames.add(field.name);
      if (field.type === undefined) return this.fail(at, `field "${field.name}" needs a "type"`);
      const aliases = Array.isArray(field.aliases)
        ? field.aliases.filter((a): a is string => typeof a === 'string')
        : [];
      node.fields.push({
        name: field.name,
        aliases,
        type: this.parse(field.type, node.namespace, `${at}/type`),
        hasDefault: Object.prototype.hasOwnProperty.call(field, 'default'),
        raw: field,
      });
    });
    return node;
  }

  private parseEnum(json: { [key: string]: Json }, namespace: string, pointer: string): EnumNode {
    const naming = this.names_(json, namespace, pointer);
    const symbols = json.symbols;
    if (!Array.isArray(symbols) || !symbols.every((s): s is string => typeof s === 'string' && NAME_PATTERN.test(s))) {
      return this.fail(`${pointer}/symbols`, 'an enum needs "symbols", an array of names');
    }
    if (new Set(symbols).size !== symbols.length) this.fail(`${pointer}/symbols`, 'duplicate enum symbol');
    const enumDefault = typeof json.default === 'string' ? json.default : undefined;
    if (enumDefault !== undefined && !symbols.includes(enumDefault)) {
      this.fail(`${pointer}/default`, `enum default "${enumDefault}" is not one of its symbols`);
    }
    const node: EnumNode = { id: nextNodeId++, kind: 'enum', raw: json, ...naming, symbols, default: enumDefault };
    this.names.set(node.fullname, node);
    return node;
  }

  private parseFixed(
    json: { [key: string]: Json },
    namespace: string,
    pointer: string,
    logicalType?: string,
  ): FixedNode {
    const naming = this.names_(json, namespace, pointer);
    if (typeof json.size !== 'number' || !Number.isInteger(json.size) || json.size < 0) {
      return this.fail(`${pointer}/size`, 'a fixed needs a non-negative integer "size"');
    }
    const node: FixedNode = { id: nextNodeId++, kind: 'fixed', raw: json, ...naming, size: json.size, logicalType };
    this.names.set(node.fullname, node);
    return node;
  }
}

function toJson(source: SchemaSource, file: string): Json {
  if (typeof source !== 'string') return source;
  const text = source.trim();
  // A bare primitive or type name is valid Avro schema text too ("string", com.example.Money).
  if (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(text)) return text;
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw new SchemaFileError(file, '', `not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Parses a version with its references (depth first, each reference once, as Confluent's
 * `AvroSchema` does) and returns the root type.
 */
export function parseAvroVersion(version: SchemaVersion, label: string): AvroNode {
  const parser = new AvroParser(label);
  const done = new Set<string>();
  const visit = (refs: readonly SchemaReference[] | undefined): void => {
    for (const ref of refs ?? []) {
      if (done.has(ref.name)) continue;
      done.add(ref.name);
      visit(ref.references);
      parser.parseDocument(ref.schema, `${label} reference ${ref.name}`);
    }
  };
  visit(version.references);
  return parser.parseDocument(version.schema, version.source ?? label);
}

/** The type name as a person reads it: `com.example.Money`, `int`, `array<long>`. */
export function describeType(node: AvroNode): string {
  switch (node.kind) {
    case 'record':
    case 'enum':
    case 'fixed':
      return `${node.kind} ${node.fullname}`;
    case 'array':
      return `array<${describeType(node.items)}>`;
    case 'map':
      return `map<${describeType(node.values)}>`;
    case 'union':
      return `[${node.branches.map(describeType).join(', ')}]`;
    default:
      return node.logicalType ? `${node.kind} (${node.logicalType})` : node.kind;
  }
}
