// @ts-check
// Finding messages: a topic read from a partition and offset or a time, newest or oldest first,
// filtered by key, event type, schema version and a field's value. The server reads, decodes and
// filters (GET /api/topics/:topic/messages); the page shows what matched.
import { isOperator } from './action.js';
import { api } from './api.js';
import { h } from './dom.js';
import { renderEvent } from './event-card.js';
import { openProduce } from './produce.js';
import { go } from './route.js';
import { state } from './state.js';

/** The query names in the location hash and the form's fields, in the form's order. */
const FIELDS = /** @type {const} */ ([
  { q: 'p', label: 'Partition', placeholder: 'all', api: 'partition' },
  { q: 'o', label: 'Offset', placeholder: 'end', api: 'offset' },
  { q: 'time', label: 'Time', placeholder: '2026-12-01T13:00:00Z', api: 'time' },
  { q: 'key', label: 'Key contains', placeholder: '', api: 'key' },
  { q: 'type', label: 'Event type', placeholder: 'booking.created', api: 'eventType' },
  { q: 'ver', label: 'Schema version', placeholder: 'any', api: 'version' },
  { q: 'path', label: 'Field path', placeholder: 'data.promoCode', api: 'path' },
  { q: 'val', label: 'equals', placeholder: 'any value', api: 'value' },
]);

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
        h('input', { name: f.q, value: q[f.q] ?? '', placeholder: f.placeholder, spellcheck: 'false' }),
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
