// @ts-check
// A form generated from an event's JSON Schema (the validator's schema the server sends with
// GET /api/topics/:topic/form): a control per field, nested objects as fieldsets, enums as
// selects, nullable fields optional, and whatever has no simple control (arrays, maps, unions) as
// JSON text. `read()` gives the event as JSON, leaving out what is empty; the server validates it
// with the typed producer's rules and says what does not fit.
/** @import { JsonSchema } from '../../api' */
import { h } from './dom.js';

/**
 * @typedef {object} Built
 * @property {HTMLElement} node
 * @property {() => unknown} read  the value, or undefined when the control is empty
 */

/**
 * @typedef {object} FormContext
 * @property {JsonSchema} root  the event's schema, whose `definitions` `$ref`s name
 * @property {ReadonlySet<string>} filled  top-level fields the producer fills when empty
 * @property {(path: string, schema: JsonSchema) => string} placeholder  an example value for a field
 */

/**
 * @param {JsonSchema} schema
 * @param {FormContext} ctx
 * @returns {JsonSchema}
 */
function resolve(schema, ctx) {
  let current = schema;
  for (let i = 0; i < 16; i++) {
    const ref = current.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/definitions/')) {
      const found = /** @type {Record<string, JsonSchema>} */ (ctx.root.definitions ?? {})[ref.slice(14)];
      if (!found) return current;
      current = { ...found, description: current.description ?? found.description };
      continue;
    }
    // codegen wraps a named type as allOf: [{ $ref }] beside a description
    const all = current.allOf;
    if (Array.isArray(all) && all.length === 1) {
      current = { ...all[0], description: current.description ?? all[0].description };
      continue;
    }
    return current;
  }
  return current;
}

/**
 * The non-null branch of a nullable union, when the schema is one.
 * @param {JsonSchema} schema
 * @returns {JsonSchema | undefined}
 */
function nullable(schema) {
  const branches = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(branches) && branches.length === 2) {
    const rest = branches.filter((b) => b.type !== 'null');
    if (rest.length === 1) return rest[0];
  }
  if (Array.isArray(schema.type) && schema.type.length === 2 && schema.type.includes('null'))
    return { ...schema, type: schema.type.find((t) => t !== 'null') };
  return undefined;
}

/**
 * The form of an event's schema.
 * @param {FormContext} ctx
 * @returns {Built}
 */
export function eventForm(ctx) {
  return objectControl(resolve(ctx.root, ctx), '', ctx, true);
}

/**
 * @param {JsonSchema} schema
 * @param {string} path
 * @param {FormContext} ctx
 * @param {boolean} top
 * @returns {Built}
 */
function objectControl(schema, path, ctx, top) {
  const properties = /** @type {Record<string, JsonSchema>} */ (schema.properties ?? {});
  const required = new Set(/** @type {string[]} */ (schema.required ?? []));
  const parts = Object.entries(properties).map(([name, property]) => {
    const full = path ? `${path}.${name}` : name;
    const optional = !required.has(name) || (top && ctx.filled.has(name));
    return { name, built: control(property, full, ctx, optional, top && ctx.filled.has(name)) };
  });
  const node = h(
    top ? 'div' : 'fieldset',
    { class: 'schema-object', dataset: { path } },
    top ? null : h('legend', {}, path.split('.').pop()),
    parts.map((p) => p.built.node),
  );
  return {
    node,
    read: () => {
      /** @type {Record<string, unknown>} */
      const out = {};
      for (const p of parts) {
        const value = p.built.read();
        if (value !== undefined) out[p.name] = value;
      }
      return top || Object.keys(out).length ? out : undefined;
    },
  };
}

/**
 * @param {JsonSchema} given
 * @param {string} path
 * @param {FormContext} ctx
 * @param {boolean} optional
 * @param {boolean} filled  the producer fills it when empty
 * @returns {Built}
 */
function control(given, path, ctx, optional, filled) {
  const raw = resolve(given, ctx);
  const inner = nullable(raw);
  const schema = inner ? resolve(inner, ctx) : raw;
  const canBeNull = Boolean(inner);
  const note = [
    filled ? 'filled by the producer when empty' : optional || canBeNull ? 'optional' : 'required',
    typeof schema.description === 'string' ? schema.description : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const empty = () => (canBeNull && !optional ? null : undefined);
  /**
   * @param {HTMLElement} input
   * @param {() => unknown} read
   */
  const labelled = (input, read) => ({
    node: h(
      'label',
      { class: 'action-field' },
      h('span', {}, path.split('.').pop()),
      input,
      h('small', { class: 'note' }, note),
    ),
    read,
  });
  if (schema.const !== undefined) {
    const input = h('input', { name: path, value: String(schema.const), disabled: true });
    return labelled(input, () => undefined); // the producer sets the discriminator
  }
  if (schema.type === 'object' && schema.properties && !canBeNull) return objectControl(schema, path, ctx, false);
  if (Array.isArray(schema.enum)) {
    const select = h(
      'select',
      { name: path },
      optional || canBeNull ? h('option', { value: '' }, '(none)') : null,
      schema.enum.map((v) => h('option', { value: String(v) }, String(v))),
    );
    return labelled(select, () => (select.value === '' ? empty() : select.value));
  }
  if (schema.type === 'boolean') {
    const select = h(
      'select',
      { name: path },
      optional || canBeNull ? h('option', { value: '' }, '(none)') : null,
      h('option', { value: 'true' }, 'true'),
      h('option', { value: 'false' }, 'false'),
    );
    return labelled(select, () => (select.value === '' ? empty() : select.value === 'true'));
  }
  const simple =
    schema.type === 'string' ||
    schema.type === 'integer' ||
    schema.type === 'number' ||
    schema['x-js-date'] ||
    schema['x-js-int64'] ||
    schema['x-js-buffer'] ||
    schema['x-js-bytes'];
  if (simple) {
    const numeric = (schema.type === 'integer' || schema.type === 'number') && !schema['x-js-int64'];
    const input = h('input', {
      name: path,
      inputmode: numeric ? 'decimal' : null,
      placeholder: ctx.placeholder(path, schema),
      spellcheck: 'false',
    });
    return labelled(input, () => {
      const text = input.value.trim();
      if (text === '') return empty();
      if (numeric && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return Number(text);
      return text;
    });
  }
  // arrays, maps, unions: JSON text
  const area = h('textarea', { name: path, placeholder: ctx.placeholder(path, schema), spellcheck: 'false' });
  return labelled(area, () => {
    const text = area.value.trim();
    if (text === '') return empty();
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new Error(`${path}: not JSON (${/** @type {Error} */ (error).message})`, { cause: error });
    }
  });
}
