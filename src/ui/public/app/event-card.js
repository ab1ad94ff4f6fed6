// @ts-check
// One record of a live tail as a card: its event type, key, schema, position and time, the
// decoded value (or why it could not be decoded) and, for a dead letter, why it is one.
/** @import { TailRecord } from '../../api' */
import { h } from './dom.js';
import { subjectLink } from './route.js';

/** @param {TailRecord} record */
export function renderEvent(record) {
  const dl = record.deadLetter;
  const schema =
    record.schemaId === undefined || record.schemaId === null
      ? null
      : h(
          'span',
          {},
          'schema ',
          h('code', {}, `ID ${record.schemaId}`),
          record.subject ? h('span', {}, ' · ', subjectLink(record.subject, record.version)) : null,
        );
  const card = h(
    'article',
    {
      class: `event${dl ? ' dead' : ''}${record.error ? ' undecodable' : ''}`,
      dataset: { offset: record.offset, eventType: record.eventType || '' },
    },
    h(
      'div',
      { class: 'event-head' },
      h('span', { class: 'event-type' }, record.eventType || (record.error ? 'undecodable' : '(no event type)')),
      h('span', {}, 'key ', h('code', {}, record.key === null ? '∅' : record.key)),
      schema,
      h('span', {}, `p${record.partition} @ ${record.offset}`),
      h('span', { title: record.timestamp }, new Date(record.timestamp).toLocaleTimeString()),
    ),
  );
  if (record.error) {
    card.append(h('p', { class: 'hint' }, h('strong', {}, record.error.code), ': ', record.error.message));
  } else {
    // collapsed: compact JSON (more fields in four lines); expanded: indented
    const compact = JSON.stringify(record.value);
    const pretty = JSON.stringify(record.value, null, 2);
    const pre = h('pre', { class: 'collapsed', title: 'click to expand or collapse' }, compact);
    pre.addEventListener('click', () => {
      const collapse = !pre.classList.contains('collapsed');
      pre.classList.toggle('collapsed', collapse);
      pre.textContent = collapse ? compact : pretty;
    });
    card.append(pre);
  }
  if (dl) {
    card.append(
      h(
        'dl',
        { class: 'dlq-info' },
        h('dt', {}, 'reason'),
        h('dd', {}, dl.reason),
        h('dt', {}, 'error'),
        h('dd', { class: 'error' }, `${dl.errorClass} (${dl.errorCode}): ${dl.errorMessage}`),
        h('dt', {}, 'from'),
        h('dd', {}, `${dl.originalTopic} p${dl.originalPartition} @ ${dl.originalOffset}`),
        h('dt', {}, 'attempts'),
        h('dd', {}, String(dl.attempts)),
        h('dt', {}, 'group'),
        h('dd', {}, dl.consumerGroup),
        h('dt', {}, 'at'),
        h('dd', {}, dl.deadLetteredAt),
      ),
    );
  }
  return card;
}
