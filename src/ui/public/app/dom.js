// @ts-check
// Building the page: elements from data, never from HTML strings, so every text from the registry
// or a topic goes in as text.

/** @typedef {string | number | boolean | null | undefined} AttrValue */
/**
 * Attributes of `h`: `class`, `dataset`, `on<event>` listeners, anything else as an attribute
 * (`true` as an empty one; `false`, `null` and `undefined` left out).
 * @typedef {{ [name: string]: AttrValue | ((event: Event) => unknown) | Record<string, string | undefined> }} Attrs
 */
/** @typedef {Node | string | number | false | null | undefined} Child */

/**
 * The element of the page with this ID, checked to be of the type the code expects.
 * @template {HTMLElement} [E=HTMLElement]
 * @param {string} id
 * @param {new () => E} [type]
 * @returns {E}
 */
export function $(id, type) {
  const el = document.getElementById(id);
  if (!el || !(el instanceof (type ?? HTMLElement)))
    throw new Error(`index.html has no #${id}${type ? ` of type ${type.name}` : ''}`);
  return /** @type {E} */ (el);
}

/**
 * Element builder: h('div', { class: 'x', onclick }, child, 'text', [more, children]).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs | null} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    else if (name === 'class') el.className = String(value);
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** @param {string} text */
export function codeBlock(text) {
  const pre = h('pre', { class: 'code' });
  const lines = String(text).split('\n');
  for (const line of lines) pre.append(h('span', { class: 'ln' }, line || ' '));
  return pre;
}

/** @param {string} format */
export function formatBadge(format) {
  return h(
    'span',
    { class: `badge ${String(format).toLowerCase()}` },
    format === 'JSON' ? 'JSON Schema' : format === 'AVRO' ? 'Avro' : format,
  );
}

/**
 * The value of the select or input an event came from.
 * @param {Event} event
 */
export function valueOf(event) {
  return /** @type {HTMLSelectElement | HTMLInputElement} */ (event.target).value;
}

/**
 * A message with `backticked` spans (the checker's and the CLI's way to mark names) as text with
 * <code> elements, never as HTML.
 * @param {string} text
 * @returns {Array<string | HTMLElement>}
 */
export function withCode(text) {
  return String(text)
    .split(/`([^`]+)`/)
    .map((part, i) => (i % 2 === 1 ? h('code', {}, part) : part))
    .filter((part) => part !== '');
}
