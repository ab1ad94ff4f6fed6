// @ts-check
// Finding messages: a topic read from a partition and offset or a time, newest or oldest first,
// filtered by key, event type, schema version and a field's value. The server reads, decodes and
// filters (GET /api/topics/:topic/messages); the page shows what matched. A filter that is set
// stands out from an empty one; the empty ones' examples come from the topic itself (the records
// read, else its contract's form), never from another project.
import { isOperator } from './action.js';
import { api } from './api.js';
import { h } from './dom.js';
import { renderEvent } from './event-card.js';
import { openProduce } from './produce.js';
import { go } from './route.js';
import { state } from './state.js';

/** The query names in the location hash and the form's fields, in the form's order; `example` is filled from the topic. */
const FIELDS = /** @type {const} */ ([
  { q: 'p', label: 'Partition', placeholder: 'all', api: 'partition' },
  { q: 'o', label: 'Offset', placeholder: 'end', api: 'offset' },
  { q: 'time', label: 'Time', placeholder: 'e.g. 2026-12-01T13:00:00Z', api: 'time' },
  { q: 'key', label: 'Key contains', placeholder: 'any key', api: 'key', example: 'key' },
  { q: 'type', label: 'Event type', placeholder: 'any type', api: 'eventType', example: 'eventType' },
  { q: 'ver', label: 'Schema version', placeholder: 'any', api: 'version' },
  { q: 'path', label: 'Field path', placeholder: 'a field', api: 'path', example: 'path' },
  { q: 'val', label: 'equals', placeholder: 'any value', api: 'value', example: 'value' },
]);

/** The kit's envelope fields: a poor example of what to filter on. */
const ENVELOPE = new Set(['eventId', 'eventType', 'timestamp', 'source']);

/**
 * The first field of a value that holds a plain value, as a dotted path (`data.quantity`), and that value.
 * @param {unknown} value
 * @param {string} [prefix]
 * @returns {{ path: string, value: string } | null}
 */
function firstLeaf(value, prefix = '') {
  if (!value || typeof value !== 'object') return null;
  const entries = Object.entries(value);
  // a nested field says more than the envelope's first ones (eventId, …): look inside objects first
  for (const [name, v] of entries)
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const leaf = firstLeaf(v, `${prefix}${name}.`);
      if (leaf) return leaf;
    }
  // a field of the event's own, before the envelope the producer fills (eventId, timestamp, …)
  const plain = entries.filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
  const [name, v] = plain.find(([n]) => !ENVELOPE.has(n)) ?? plain[0] ?? [];
  return name === undefined ? null : { path: `${prefix}${name}`, value: String(v) };
}

/**
 * Examples for the empty filters, from this topic: the records read, else the contract's form (a
 * topic of the config), else none.
 * @param {string} topic
 * @param {import('../../api').TailRecord[]} records
 * @returns {Promise<Record<string, string>>}
 */
async function examplesOf(topic, records) {
  const types = [...new Set(records.map((r) => r.eventType).filter(Boolean))];
  const record = records.find((r) => r.value !== undefined && r.value !== null);
  const leaf = record ? firstLeaf(record.value) : null;
  if (types.length || leaf || records.some((r) => r.key))
    return {
      ...(types.length ? { eventType: types.slice(0, 2).join(' or ') } : {}),
      ...(records.find((r) => r.key)?.key ? { key: String(records.find((r) => r.key)?.key) } : {}),
      // never a masked value as an example (a viewer's page)
      ...(leaf ? { path: leaf.path, ...(record?.masked?.includes(leaf.path) ? {} : { value: leaf.value }) } : {}),
    };
  if (!state.info?.configTopics.includes(topic)) return {};
  try {
    const form = await api('/api/topics/:topic/form', { topic });
    const event = form.events[0];
    const data = event?.schema.properties;
    const nested =
      data && typeof data === 'object' ? Object.keys(data).filter((k) => !form.autoFields.includes(k)) : [];
    return {
      ...(event
        ? {
            eventType: form.events
              .slice(0, 2)
              .map((e) => e.eventType)
              .join(' or '),
          }
        : {}),
      ...(nested.length ? { path: nested[nested.length - 1] } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * @param {HTMLElement} form
 * @param {Record<string, string>} examples
 */
function showExamples(form, examples) {
  for (const f of FIELDS) {
    const example = 'example' in f ? examples[f.example] : undefined;
    const input = form.querySelector(`input[name="${f.q}"]`);
    if (example && input instanceof HTMLInputElement) input.placeholder = `e.g. ${example}`;
  }
}

/** @param {Record<string, string>} q */
export async function renderMessages(q) {
  const topic = q.t || (state.info ? state.info.topic : '');
  document.title = `Messages · ${topic} · Contracts`;
  const order = q.order === 'oldest' ? 'oldest' : 'newest';
  /** @type {Record<string, string>} */
  const query = { order };
  for (const f of FIELDS) {
    const value = q[f.q];
    if (value) query[f.api] = value;
  }
  const form = h(
    'form',
    {
      class: 'finder',
      id: 'finder',
      onsubmit: (/** @type {Event} */ e) => {
        e.preventDefault();
        const data = new FormData(/** @type {HTMLFormElement} */ (e.target));
        /** @type {Record<string, string>} */
        const next = {};
        for (const [name, value] of data.entries())
          if (typeof value === 'string' && value.trim()) next[name] = value.trim();
        go({ view: 'messages', q: next });
      },
    },
    h('label', {}, 'Topic', h('input', { name: 't', value: topic, required: true, spellcheck: 'false' })),
    FIELDS.map((f) =>
      h(
        'label',
        {},
        f.label,
        h('input', {
          name: f.q,
          value: q[f.q] ?? '',
          placeholder: f.placeholder,
          spellcheck: 'false',
          class: q[f.q] ? 'set' : null,
        }),
      ),
    ),
    h(
      'label',
      {},
      'Order',
      h(
        'select',
        { name: 'order' },
        h('option', { value: 'newest', selected: order === 'newest' }, 'newest first'),
        h('option', { value: 'oldest', selected: order === 'oldest' }, 'oldest first'),
      ),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Find'),
  );
  const head = h(
    'div',
    { class: 'monitor-head' },
    h('h2', {}, 'Messages · ', h('code', {}, topic)),
    h(
      'span',
      { class: 'note' },
      order === 'newest'
        ? 'Newest first: up to the offset (or before the time), 1000 records per partition read.'
        : 'Oldest first: from the offset (or the time), 1000 records per partition read.',
    ),
    isOperator() && topic && state.info?.configTopics.includes(topic)
      ? h(
          'button',
          { type: 'button', id: 'produce', class: 'action-open', onclick: () => void openProduce(topic) },
          'Produce…',
        )
      : null,
  );
  if (!topic) return h('div', { class: 'monitor messages' }, head, form);
  const page = await api('/api/topics/:topic/messages', { topic }, query);
  showExamples(form, await examplesOf(topic, page.records));
  const windowText = page.ranges.map((r) => `p${r.partition} ${r.from}–${r.to}`).join(', ');
  return h(
    'div',
    { class: 'monitor messages' },
    head,
    form,
    h(
      'p',
      { class: 'note', id: 'found' },
      `${page.records.length} match${page.records.length === 1 ? '' : 'es'} of ${page.scanned} record${page.scanned === 1 ? '' : 's'} read`,
      windowText ? ` (offsets ${windowText})` : ' (the topic is empty)',
      page.more ? '; more may lie beyond: narrow by partition, offset or time.' : '.',
    ),
    page.records.length === 0
      ? h(
          'div',
          { class: 'state' },
          h('h3', {}, 'Nothing found'),
          h('p', {}, 'No record in the window matches the filters.'),
        )
      : h(
          'div',
          { class: 'records' },
          page.records.map((r) => renderEvent(r)),
        ),
  );
}
