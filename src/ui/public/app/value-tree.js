// @ts-check
// A decoded value as a collapsible, highlighted tree, with a toggle to its JSON text and a copy
// button. Everything goes in as text nodes: a value from a topic never becomes HTML.
import { h } from './dom.js';

/** Objects and arrays deeper than this start folded. */
const OPEN_DEPTH = 2;

/**
 * @param {unknown} value
 * @param {{ label?: string }} [options]
 */
export function valueView(value, options = {}) {
  const json = JSON.stringify(value, null, 2) ?? 'undefined';
  const tree = h('div', { class: 'vtree', role: 'tree' }, node(value, 0));
  const raw = h('pre', { class: 'vraw', hidden: true }, json);
  /** @type {HTMLButtonElement} */
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'vtoggle',
      onclick: () => {
        const showRaw = raw.hidden;
        raw.hidden = !showRaw;
        tree.hidden = showRaw;
        toggle.textContent = showRaw ? 'Tree' : 'JSON';
      },
    },
    'JSON',
  );
  /** @type {HTMLButtonElement} */
  const copy = h(
    'button',
    {
      type: 'button',
      class: 'vcopy',
      onclick: () =>
        navigator.clipboard &&
        navigator.clipboard.writeText(json).then(
          () => (copy.textContent = 'Copied'),
          () => (copy.textContent = 'Copy failed'),
        ),
    },
    'Copy',
  );
  return h(
    'div',
    { class: 'value' },
    h('div', { class: 'value-bar' }, options.label ? h('span', { class: 'note' }, options.label) : null, toggle, copy),
    tree,
    raw,
  );
}

/**
 * @param {unknown} value
 * @param {number} depth
 * @returns {Node}
 */
function node(value, depth) {
  if (value === null) return h('span', { class: 'v-null' }, 'null');
  if (Array.isArray(value) || (typeof value === 'object' && value !== null)) {
    const entries = Array.isArray(value)
      ? value.map((v, i) => /** @type {const} */ ([String(i), v]))
      : Object.entries(value);
    const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) return h('span', { class: 'v-punct' }, `${open}${close}`);
    const details = h('details', { class: 'v-node', open: depth < OPEN_DEPTH });
    details.append(
      h(
        'summary',
        {},
        h('span', { class: 'v-punct' }, open),
        h('span', { class: 'v-count' }, ` ${entries.length} ${Array.isArray(value) ? 'items' : 'fields'} `),
      ),
    );
    const list = h('div', { class: 'v-children' });
    for (const [key, child] of entries) {
      list.append(
        h(
          'div',
          { class: 'v-entry', role: 'treeitem' },
          h(
            'span',
            { class: Array.isArray(value) ? 'v-index' : 'v-key' },
            Array.isArray(value) ? key : JSON.stringify(key),
          ),
          h('span', { class: 'v-punct' }, ': '),
          node(child, depth + 1),
        ),
      );
    }
    details.append(list, h('span', { class: 'v-punct' }, close));
    return details;
  }
  if (typeof value === 'string') return h('span', { class: 'v-string' }, JSON.stringify(value));
  if (typeof value === 'number') return h('span', { class: 'v-number' }, String(value));
  if (typeof value === 'boolean') return h('span', { class: 'v-bool' }, String(value));
  return h('span', { class: 'v-null' }, String(value));
}
