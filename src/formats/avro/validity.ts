/**
 * The rules Apache Avro's Java parser applies to a new schema (Schema.Parser with its default
 * validation, as Confluent Schema Registry parses one), where avsc is more lenient: a default
 * must be a value of the field's type (`1.5` or `1.0` is no `int`, `1.0` no `long`, `null` only
 * for `null`), names follow [A-Za-z_][A-Za-z0-9_]*, `aliases` is an array of strings, `order` is
 * ascending, descending or ignore, enum defaults are symbols, and so on. The first problem is
 * returned with the JSON pointer of the offending node, for SchemaFileError.
 * test/judges/avro/validity.test.ts checks this against the Java parser over generated schemas.
 */

export interface AvroValidityProblem {
  /** JSON pointer inside the schema file. */
  pointer: string;
  reason: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Node = { [key: string]: Json };

class Problem extends Error {
  constructor(
    readonly pointer: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const isObject = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first rule of Avro's Java parser the schema breaks, or undefined. */
export function avroValidityProblem(schema: unknown): AvroValidityProblem | undefined {
  const named = new Map<string, Node>();
  defining.clear();
  try {
    check(schema as Json, '', undefined, named);
    return undefined;
  } catch (error) {
    if (error instanceof Problem) return { pointer: error.pointer, reason: error.reason };
    throw error;
  }
}

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

function checkName(name: Json | undefined, at: string, what: string): string {
  if (typeof name !== 'string') throw new Problem(at, `${what} must be a string`);
  const parts = name.split('.');
  for (const part of parts) {
    if (!NAME.test(part))
      throw new Problem(
        at,
        `${what} "${name}" is not a valid Avro name (letters, digits and _, not starting with a digit)`,
      );
  }
  return name;
}

function checkNamespace(ns: Json | undefined, at: string): string | undefined {
  if (ns === undefined || ns === null || ns === '') return undefined;
  if (typeof ns !== 'string') throw new Problem(at, 'namespace must be a string');
  for (const part of ns.split('.')) {
    if (!NAME.test(part)) throw new Problem(at, `namespace part "${part}" is not a valid Avro name`);
  }
  return ns;
}

/** Aliases of named types are names (checked as such); a field's aliases need only be strings. */
function checkAliases(node: Node, at: string, names = true): void {
  if (!('aliases' in node)) return;
  const aliases = node.aliases;
  if (!Array.isArray(aliases)) throw new Problem(`${at}/aliases`, 'aliases must be an array of names');
  aliases.forEach((a, i) => {
    if (typeof a !== 'string') throw new Problem(`${at}/aliases/${i}`, 'an alias must be a string');
    if (names) checkName(a, `${at}/aliases/${i}`, 'alias');
  });
}

function check(schema: Json, at: string, namespace: string | undefined, named: Map<string, Node>): void {
  if (typeof schema === 'string') return;
  if (Array.isArray(schema)) {
    schema.forEach((branch, i) => check(branch, `${at}/${i}`, namespace, named));
    return;
  }
  if (!isObject(schema)) throw new Problem(at, 'a type must be a name, a type object or a union array');
  const type = schema.type;
  if (typeof type !== 'string') {
    if (Array.isArray(type) || isObject(type)) return check(type, `${at}/type`, namespace, named);
    throw new Problem(`${at}/type`, 'type must be a string');
  }
  switch (type) {
    case 'record':
    case 'error': {
      const ns = checkNamespace(schema.namespace, `${at}/namespace`) ?? namespace;
      const name = fullName(checkName(schema.name, `${at}/name`, 'record name'), ns);
      checkAliases(schema, at);
      named.set(name, schema);
      const inner = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : undefined;
      defining.add(schema);
      if (!Array.isArray(schema.fields)) throw new Problem(`${at}/fields`, 'a record needs a fields array');
      const seen = new Set<string>();
      schema.fields.forEach((field, i) => {
        const fat = `${at}/fields/${i}`;
        if (!isObject(field)) throw new Problem(fat, 'a field must be an object');
        const fieldName = checkName(field.name, `${fat}/name`, 'field name');
        if (fieldName.includes('.'))
          throw new Problem(`${fat}/name`, `field name "${fieldName}" may not contain a dot`);
        if (seen.has(fieldName)) throw new Problem(`${fat}/name`, `duplicate field "${fieldName}"`);
        seen.add(fieldName);
        if (!('type' in field)) throw new Problem(fat, `field "${fieldName}" has no type`);
        check(field.type, `${fat}/type`, inner, named);
        checkAliases(field, fat, false);
        if ('order' in field) {
          const order = field.order;
          if (typeof order !== 'string' || !['ascending', 'descending', 'ignore'].includes(order.toLowerCase())) {
            throw new Problem(`${fat}/order`, 'order must be "ascending", "descending" or "ignore"');
          }
        }
        if ('default' in field && !validDefault(field.type, field.default, inner, named, `${fat}/default`)) {
          throw new Problem(
            `${fat}/default`,
            `default ${JSON.stringify(field.default)} is not a value of the field's type`,
          );
        }
        // the specification's rule, which avsc (and so the kit) keeps and Java 1.12 does not: said
        // here, before avsc would fail on it with less to go on
        if ('default' in field && Array.isArray(field.type) && field.type.length > 0) {
          let first: boolean;
          try {
            first = isValidDefault(field.type[0]!, field.default, inner, named);
          } catch (error) {
            if (!(error instanceof DefaultOfOwnRecord)) throw error;
            first = false;
          }
          if (!first) {
            throw new Problem(
              `${fat}/default`,
              `union defaults must match the first branch: ${JSON.stringify(field.default)} is not a value of ${JSON.stringify(field.type[0])} (the Avro specification; Java's parser takes any branch, avsc does not): put the default's branch first`,
            );
          }
        }
      });
      defining.delete(schema);
      return;
    }
    case 'enum': {
      const ns = checkNamespace(schema.namespace, `${at}/namespace`) ?? namespace;
      named.set(fullName(checkName(schema.name, `${at}/name`, 'enum name'), ns), schema);
      checkAliases(schema, at);
      if (!Array.isArray(schema.symbols)) throw new Problem(`${at}/symbols`, 'an enum needs a symbols array');
      const seen = new Set<string>();
      schema.symbols.forEach((symbol, i) => {
        if (typeof symbol !== 'string' || !NAME.test(symbol))
          throw new Problem(`${at}/symbols/${i}`, `symbol ${JSON.stringify(symbol)} is not a valid Avro name`);
        if (seen.has(symbol)) throw new Problem(`${at}/symbols/${i}`, `duplicate symbol "${symbol}"`);
        seen.add(symbol);
      });
      if ('default' in schema && !(typeof schema.default === 'string' && seen.has(schema.default))) {
        throw new Problem(
          `${at}/default`,
          `the enum default ${JSON.stringify(schema.default)} is not one of its symbols`,
        );
      }
      return;
    }
    case 'fixed': {
      const ns = checkNamespace(schema.namespace, `${at}/namespace`) ?? namespace;
      named.set(fullName(checkName(schema.name, `${at}/name`, 'fixed name'), ns), schema);
      checkAliases(schema, at);
      if (typeof schema.size !== 'number' || !Number.isInteger(schema.size) || schema.size < 0) {
        throw new Problem(`${at}/size`, 'a fixed needs a size: a non-negative integer');
      }
      return;
    }
    case 'array':
      if (!('items' in schema)) throw new Problem(at, 'an array needs an items type');
      return check(schema.items, `${at}/items`, namespace, named);
    case 'map':
      if (!('values' in schema)) throw new Problem(at, 'a map needs a values type');
      return check(schema.values, `${at}/values`, namespace, named);
    default:
      // a primitive with attributes (logicalType…), or a named type used as {"type": "Name"}
      return;
  }
}

/** Records whose fields are being checked: Java cannot check a default that fills one of them. */
const defining = new Set<Node>();

/** A default that needs a record under definition: Java's parser fails on it ("Schema fields not set yet"). */
class DefaultOfOwnRecord extends Error {}

function validDefault(
  type: Json,
  value: Json,
  namespace: string | undefined,
  named: Map<string, Node>,
  at: string,
): boolean {
  try {
    return isValidDefault(type, value, namespace, named);
  } catch (error) {
    if (!(error instanceof DefaultOfOwnRecord)) throw error;
    throw new Problem(
      at,
      `default ${JSON.stringify(value)} fills a record of the type being defined, which Avro's Java parser cannot check (its fields are not set yet) and refuses; give the field a ["null", …] union with default null`,
    );
  }
}

/** Avro Java's Schema.isValidDefault (1.12): unions take a value of any branch. */
function isValidDefault(type: Json, value: Json, namespace: string | undefined, named: Map<string, Node>): boolean {
  if (Array.isArray(type)) return type.some((branch) => isValidDefault(branch, value, namespace, named));
  if (isObject(type)) {
    const t = type.type;
    if (Array.isArray(t) || isObject(t)) return isValidDefault(t, value, namespace, named);
    if (t === 'record' || t === 'error') {
      if (!isObject(value) || !Array.isArray(type.fields)) return false;
      if (defining.has(type)) throw new DefaultOfOwnRecord();
      const ns =
        typeof type.name === 'string' && type.name.includes('.')
          ? type.name.slice(0, type.name.lastIndexOf('.'))
          : (typeof type.namespace === 'string' && type.namespace) || namespace;
      return type.fields.every((f) => {
        if (!isObject(f) || typeof f.name !== 'string') return true;
        const v = f.name in value ? value[f.name] : f.default;
        if (f.type === undefined) return true;
        return v !== undefined && isValidDefault(f.type, v, ns, named);
      });
    }
    if (t === 'enum' || t === 'fixed') return typeof value === 'string';
    if (t === 'array')
      return Array.isArray(value) && value.every((v) => isValidDefault(type.items ?? null, v, namespace, named));
    if (t === 'map')
      return (
        isObject(value) && Object.values(value).every((v) => isValidDefault(type.values ?? null, v, namespace, named))
      );
    if (typeof t === 'string') return isValidDefault(t, value, namespace, named);
    return true;
  }
  if (typeof type !== 'string') return true;
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX;
    case 'long':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
    case 'double':
      return (
        typeof value === 'number' || (typeof value === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(value))
      );
    case 'bytes':
    case 'string':
      return typeof value === 'string';
    default: {
      if (PRIMITIVES.has(type)) return true;
      const target = named.get(fullName(type, namespace)) ?? named.get(type);
      // a type of another file: avsc checks the default once the references are parsed
      return target ? isValidDefault(target, value, namespace, named) : true;
    }
  }
}
