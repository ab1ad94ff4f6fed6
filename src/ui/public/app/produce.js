// @ts-check
// An operator produces one event of a config topic: pick the event type, fill the form generated
// from its schema, Preview (the typed producer's dry run: validated and encoded, the key, headers
// and schema ID, nothing sent), then Apply sends that same event (same eventId and timestamp).
/** @import { EventFormSchema, JsonSchema, ProducedRecord, TopicForm } from '../../api' */
import { field, openAction } from './action.js';
import { api } from './api.js';
import { codeBlock, h } from './dom.js';
import { errorCard } from './error-card.js';
import { eventForm } from './schema-form.js';
import { table } from './widgets.js';

/**
 * An example for a field: the schema's own (examples, default), else what its type takes.
 * @param {string} _path
 * @param {JsonSchema} schema
 */
function placeholder(_path, schema) {
  const examples = schema.examples;
  if (Array.isArray(examples) && examples.length) return JSON.stringify(examples[0]).replace(/^"|"$/g, '');
  if (schema.default !== undefined && schema.default !== null)
    return JSON.stringify(schema.default).replace(/^"|"$/g, '');
  if (schema['x-js-date'] || schema.format === 'date-time') return 'ISO 8601 or ms, e.g. 2026-12-01T13:00:00Z';
  if (schema['x-js-buffer'] || schema['x-js-bytes']) return '0x… (hex)';
  if (schema['x-decimal']) return 'a decimal, e.g. 12.50';
  if (schema.format === 'uuid') return 'a UUID';
  if (schema.type === 'integer' || schema['x-js-int64']) return 'a whole number';
  if (schema.type === 'number') return 'a number';
  if (schema.type === 'array') return 'JSON array, e.g. []';
  if (schema.type === 'string') return 'text';
  return 'JSON';
}

/**
 * Opens the produce dialog for a topic of the config.
 * @param {string} topic
 */
export async function openProduce(topic) {
  /** @type {TopicForm} */
  let form;
  try {
    form = await api('/api/topics/:topic/form', { topic });
  } catch (error) {
    openAction({
      id: 'produce',
      title: `Produce to ${topic}`,
      path: '',
      fields: [errorCard(error)],
      body: () => {
        throw new Error('no contract for this topic');
      },
      describe: () => h('span'),
    });
    return;
  }
  const filled = new Set([...form.autoFields, form.discriminator]);
  const holder = h('div', { class: 'schema-form' });
  /** @type {ReturnType<typeof eventForm> | null} */
  let built = null;
  /** @param {EventFormSchema | undefined} event */
  const draw = (event) => {
    built = event ? eventForm({ root: event.schema, filled, placeholder }) : null;
    holder.replaceChildren(built ? built.node : '');
  };
  const type = h(
    'select',
    { name: 'eventType' },
    form.events.map((e) => h('option', { value: e.eventType }, `${e.eventType} (${e.subject})`)),
  );
  type.addEventListener('change', () => draw(form.events.find((e) => e.eventType === type.value)));
  const key = h('input', { name: 'key', placeholder: `the event's ${form.key}`, spellcheck: 'false' });
  draw(form.events[0]);
  openAction(
    /** @type {import('./action.js').ActionSpec<ProducedRecord>} */ ({
      id: 'produce',
      title: `Produce to ${topic}`,
      path: `/api/topics/${encodeURIComponent(topic)}/produce`,
      fields: [
        field('Event type', type),
        holder,
        field('Key', key, `empty: the event's ${form.key}, as the typed producer keys it`),
      ],
      body: () => ({
        eventType: type.value,
        payload: built ? built.read() : {},
        ...(key.value.trim() ? { key: key.value.trim() } : {}),
      }),
      // Apply sends the event the dry run filled (its eventId, timestamp and source): the record previewed
      applyBody: (answer, body) => ({ ...body, payload: answer.event }),
      describe: (record, dryRun) =>
        h(
          'div',
          { class: 'produce-record' },
          h(
            'p',
            {},
            dryRun ? 'Would send ' : 'Sent ',
            h('strong', {}, record.eventType),
            ' to ',
            h('code', {}, record.topic),
            record.partition !== null ? ` partition ${record.partition} at offset ${record.offset}` : '',
            '.',
          ),
          table(
            ['key', 'schema ID', 'subject', 'eventId', 'bytes'],
            [
              [
                h('code', { class: 'produce-key' }, record.key ?? '(none)'),
                h('strong', { class: 'produce-schema-id' }, String(record.schemaId)),
                record.subject,
                h('code', {}, record.eventId ?? '—'),
                String(record.bytes.length),
              ],
            ],
            { 'data-table': 'produce-record' },
          ),
          table(
            ['header', 'value'],
            Object.entries(record.headers).map(([k, v]) => [h('code', {}, k), h('code', {}, v)]),
            { 'data-table': 'produce-headers' },
          ),
          h(
            'details',
            {},
            h('summary', {}, 'The event, as validated and encoded'),
            codeBlock(JSON.stringify(record.event, null, 2)),
          ),
          h(
            'details',
            {},
            h('summary', {}, `The framed value (${record.bytes.length} bytes, hex)`),
            h('code', { class: 'hex' }, record.bytes.hex),
          ),
        ),
    }),
  );
}
