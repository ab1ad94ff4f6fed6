// @ts-check
// Dead letters of a topic: per consumer group and reason, each record with where it was consumed,
// why it failed, its original bytes and decoded value, and the `contracts dlq replay` command for
// the selection. An operator replays a selection from here (the same operation as `contracts dlq
// replay`, dry run first); anyone can copy the command.
/** @import { DeadLetterCount, DeadLetterRecord, ReplayAnswer } from '../../api' */
import { isOperator, openAction } from './action.js';
import { api } from './api.js';
import { h } from './dom.js';
import { bytesView } from './event-card.js';
import { table } from './widgets.js';
import { subjectLink, viewLink } from './route.js';
import { state } from './state.js';
import { formatTime, timeElement } from './time.js';
import { valueView } from './value-tree.js';

/** @param {Record<string, string>} q */
export async function renderDeadLetters(q) {
  const topic = q.t || (state.info ? state.info.topic : '');
  document.title = `Dead letters · ${topic} · Contracts`;
  const view = await api('/api/topics/:topic/dead-letters', { topic }, { group: q.g, reason: q.r });
  const selected = view.counts.filter((c) => (!q.g || c.group === q.g) && (!q.r || c.reason === q.r));
  return h(
    'div',
    { class: 'monitor dead-letters' },
    h(
      'div',
      { class: 'monitor-head' },
      h('h2', {}, 'Dead letters · ', h('code', {}, view.deadLetterTopic)),
      h('span', { class: 'note' }, `of ${view.topic}`),
      q.g || q.r ? viewLink('dead-letters', { t: topic }, 'show all groups') : null,
    ),
    view.counts.length === 0
      ? h(
          'div',
          { class: 'state' },
          h('h3', {}, 'No dead letters'),
          h('p', {}, `${view.deadLetterTopic} holds no record.`),
        )
      : table(
          ['group', 'reason', 'error codes', 'records', 'replayed', 'pending', 'replay'],
          view.counts.map((c) => [
            viewLink('dead-letters', { t: topic, g: c.group, r: c.reason }, c.group || '(no dead-letter headers)'),
            c.reason || '—',
            c.errorCodes.join(', ') || '—',
            String(c.records),
            String(c.replayed),
            String(c.pending),
            c.replay ? command(c.replay) : '—',
          ]),
          { 'data-table': 'dead-letter-counts' },
        ),
    selected.length === 1 && selected[0]?.replay
      ? h(
          'div',
          { class: 'replay' },
          h('span', {}, 'To replay this selection to ', h('code', {}, selected[0].group), ' only (once), run:'),
          command(selected[0].replay),
          h('span', { class: 'note' }, 'Add --dry-run to count what it would send.'),
          isOperator()
            ? h(
                'button',
                { type: 'button', id: 'replay', class: 'action-open', onclick: () => replay(view.topic, selected[0]) },
                'Replay…',
              )
            : null,
        )
      : null,
    h(
      'div',
      { class: 'records' },
      view.records.map((r) => deadLetterCard(r)),
    ),
  );
}

/**
 * An operator's replay of one group's dead letters (of one reason): the dry run counts what goes
 * back and where, then Apply sends it, once.
 * @param {string} topic
 * @param {DeadLetterCount | undefined} selection
 */
function replay(topic, selection) {
  if (!selection) return;
  openAction(
    /** @type {import('./action.js').ActionSpec<ReplayAnswer>} */ ({
      id: 'replay',
      title: `Replay dead letters of ${selection.group}`,
      path: `/api/topics/${encodeURIComponent(topic)}/dead-letters/replay`,
      fields: [
        h(
          'p',
          {},
          'Group ',
          h('code', {}, selection.group),
          ', reason ',
          h('code', {}, selection.reason),
          `: ${selection.pending} pending of ${selection.records}. The copies go back to `,
          h('code', {}, topic),
          ', for this group only, once.',
        ),
      ],
      body: () => ({ group: selection.group, reason: selection.reason }),
      changes: (answer) => answer.replayed > 0,
      describe: (answer, dryRun) =>
        h(
          'div',
          { class: 'replay-plan' },
          h(
            'p',
            {},
            h(
              'strong',
              { class: 'replay-count' },
              `${answer.replayed} record${answer.replayed === 1 ? '' : 's'} ${dryRun ? 'would go' : 'went'} back`,
            ),
            ' to ',
            h('code', {}, answer.topic),
            ` for ${answer.group}`,
            answer.reason ? ` (reason ${answer.reason})` : '',
            ', from ',
            h('code', {}, answer.deadLetterTopic),
            '.',
          ),
          h(
            'p',
            { class: 'note' },
            `${answer.alreadyReplayed} replayed before, ${answer.duplicates} duplicate copies, ${answer.truncated} truncated (never replayed), ${answer.skipped} of other groups or reasons. The ledger is `,
            h('code', {}, answer.ledgerTopic),
            '.',
          ),
        ),
    }),
  );
}

/** @param {string} text */
function command(text) {
  /** @type {HTMLButtonElement} */
  const copy = h(
    'button',
    {
      type: 'button',
      onclick: () =>
        navigator.clipboard && navigator.clipboard.writeText(text).then(() => (copy.textContent = 'Copied')),
    },
    'Copy',
  );
  return h('span', { class: 'command' }, h('code', { class: 'replay-command' }, text), copy);
}

/** @param {DeadLetterRecord} r */
function deadLetterCard(r) {
  const info = r.info;
  const d = r.decoded;
  return h(
    'article',
    {
      class: 'event dead',
      dataset: { offset: r.offset, group: info?.consumerGroup ?? '', reason: info?.reason ?? '' },
    },
    h(
      'div',
      { class: 'event-head' },
      h(
        'span',
        { class: 'event-type' },
        info?.eventType || d.eventType || (d.error ? 'undecodable' : '(no event type)'),
      ),
      h('span', {}, 'key ', h('code', {}, r.key === null ? '∅' : r.key)),
      d.subject ? h('span', {}, subjectLink(d.subject, d.version)) : null,
      h('span', {}, `dead letter p${r.partition} @ ${r.offset}`),
      timeElement(r.timestamp),
      r.replayed ? h('span', { class: 'badge ok' }, 'replayed') : h('span', { class: 'badge warn' }, 'pending'),
    ),
    info
      ? h(
          'dl',
          { class: 'dlq-info' },
          h('dt', {}, 'group'),
          h('dd', {}, info.consumerGroup),
          h('dt', {}, 'reason'),
          h('dd', {}, info.reason),
          h('dt', {}, 'error'),
          h('dd', { class: 'error' }, `${info.errorClass} (${info.errorCode}): ${info.errorMessage}`),
          h('dt', {}, 'consumed at'),
          h(
            'dd',
            { class: 'original' },
            viewLink(
              'messages',
              { t: info.originalTopic, p: String(info.originalPartition), o: info.originalOffset, order: 'oldest' },
              `${info.originalTopic} p${info.originalPartition} @ ${info.originalOffset}`,
            ),
            info.originalTimestamp ? ` · produced ${formatTime(info.originalTimestamp)}` : '',
          ),
          h('dt', {}, 'attempts'),
          h('dd', {}, String(info.attempts)),
          h('dt', {}, 'dead-lettered'),
          h('dd', {}, formatTime(info.deadLetteredAt)),
        )
      : h('p', { class: 'hint' }, 'This record has no dead-letter headers: the kit did not write it.'),
    h('h4', {}, 'Original bytes'),
    r.bytes ? bytesView(r.bytes) : h('p', { class: 'hint' }, 'Not shown to viewers: they hold the masked fields.'),
    d.error
      ? h('p', { class: 'hint' }, h('strong', {}, d.error.code), ': ', d.error.message)
      : valueView(d.value, { label: 'decoded' }),
  );
}
