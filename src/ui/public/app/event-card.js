// @ts-check
// One record of a topic as a card: its event type, key, schema, position and time, its headers,
// the decoded value as a tree (or why it could not be decoded, with its bytes) and, for a dead
// letter, why it is one. The live tail and the message browser both draw records with it.
/** @import { BytesPreview, TailRecord } from '../../api' */
import { h } from './dom.js';
import { subjectLink, viewLink } from './route.js';
import { formatTime, timeElement } from './time.js';
import { valueView } from './value-tree.js';

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
      dataset: { offset: record.offset, partition: String(record.partition), eventType: record.eventType || '' },
    },
    h(
      'div',
      { class: 'event-head' },
      h('span', { class: 'event-type' }, record.eventType || (record.error ? 'undecodable' : '(no event type)')),
      h('span', {}, 'key ', h('code', {}, record.key === null ? '∅' : record.key)),
      schema,
      h(
        'span',
        {},
        viewLink(
          'messages',
          { t: record.topic, p: String(record.partition), o: record.offset, order: 'oldest' },
          `p${record.partition} @ ${record.offset}`,
        ),
      ),
      timeElement(record.timestamp),
    ),
  );
  const headerNames = Object.keys(record.headers);
  if (headerNames.length) {
    card.append(
      h(
        'details',
        { class: 'headers' },
        h('summary', {}, `${headerNames.length} header${headerNames.length === 1 ? '' : 's'}`),
        h(
          'dl',
          { class: 'kv' },
          headerNames.flatMap((name) => [h('dt', {}, name), h('dd', {}, record.headers[name] ?? '')]),
        ),
      ),
    );
  }
  if (record.error) {
    card.append(h('p', { class: 'hint' }, h('strong', {}, record.error.code), ': ', record.error.message));
    if (record.preview) card.append(bytesView(record.preview));
  } else {
    card.append(valueView(record.value));
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
        h('dd', {}, formatTime(dl.deadLetteredAt)),
      ),
    );
  }
  return card;
}

/**
 * A value's bytes: hex and UTF-8 side by side.
 * @param {BytesPreview} bytes
 */
export function bytesView(bytes) {
  return h(
    'div',
    { class: 'bytes' },
    h(
      'div',
      { class: 'note' },
      `${bytes.length} byte${bytes.length === 1 ? '' : 's'}${bytes.truncated ? ', the first shown' : ''}`,
    ),
    h(
      'div',
      { class: 'bytes-cols' },
      h('pre', { class: 'hex' }, bytes.hex || '(empty)'),
      h('pre', { class: 'utf8' }, bytes.utf8),
    ),
  );
}
