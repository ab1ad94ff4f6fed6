// @ts-check
// The live events view: a topic and its dead-letter topic, each a Server-Sent Events stream of
// the server's tail (`/api/tail/:stream?topic=…`), newest first. The topic is the route's
// (`#/tail?t=payments`), else the one `contracts ui` started with; the switch above the panes
// picks another, and both streams follow it.
/** @import { LiveTailStatus, TailEvents, TailRecord, TailStream } from '../../api' */
import { $, h } from './dom.js';
import { renderEvent } from './event-card.js';
import { go } from './route.js';
import { state } from './state.js';

const MAX_EVENTS = 500;

/**
 * @typedef {object} Tail
 * @property {TailStream} stream
 * @property {string} topic
 * @property {TailRecord[]} records  newest first, at most MAX_EVENTS
 * @property {Set<string>} seen  `partition:offset` of every record shown, so a replay after a reconnect adds nothing
 * @property {boolean} paused
 * @property {LiveTailStatus | { state: 'reconnecting', topic: string }} status
 * @property {TailEvents['failure'] | null} [failure]
 * @property {EventSource | null} [source]  open while the view is shown
 */

/** @type {Partial<Record<TailStream, Tail>>} */
const tails = {};

/**
 * Calls `handle` with the parsed data of each `name` event of the stream.
 * @template {keyof TailEvents} E
 * @param {EventSource} source
 * @param {E} name
 * @param {(data: TailEvents[E]) => void} handle
 */
function on(source, name, handle) {
  source.addEventListener(name, (e) => handle(JSON.parse(e.data)));
}

/** The topic the panes follow, and the switch that picks another. */
function renderSwitch(/** @type {string} */ followed) {
  const known = [
    ...new Set([
      ...(state.info?.configTopics ?? []),
      ...(state.list?.subjects ?? []).map((s) => /^(.+)-value$/.exec(s.subject)?.[1]).filter((t) => t !== undefined),
    ]),
  ].sort();
  const input = h('input', {
    id: 'tail-topic',
    name: 't',
    list: 'tail-topics',
    value: followed,
    required: true,
    spellcheck: 'false',
    'aria-label': 'Topic',
  });
  $('tail-switch').replaceChildren(
    h(
      'form',
      {
        class: 'tail-switch',
        onsubmit: (/** @type {Event} */ e) => {
          e.preventDefault();
          const topic = /** @type {HTMLInputElement} */ (input).value.trim();
          if (topic) go({ view: 'tail', q: { t: topic } });
        },
      },
      h('label', {}, 'Live events of ', input),
      h(
        'datalist',
        { id: 'tail-topics' },
        known.map((t) => h('option', { value: t })),
      ),
      h('button', { type: 'submit', id: 'tail-follow' }, 'Follow'),
      h('span', { class: 'note' }, 'and its dead-letter topic'),
    ),
  );
}

/** @param {string} [topicAsked]  the route's topic; default the one `contracts ui` started with */
export function startTails(topicAsked) {
  if (!state.info) return;
  const followed = topicAsked || state.info.topic;
  // another topic: the panes start over
  if (tails.topic && tails.topic.topic !== followed) {
    stopTails();
    delete tails.topic;
    delete tails.dlq;
  }
  renderSwitch(followed);
  for (const stream of /** @type {const} */ (['topic', 'dlq'])) {
    if (tails[stream] && tails[stream].source) continue;
    // the dead-letter topic as far as the page knows it; its stream's status names it for sure
    const topic =
      stream === 'topic' ? followed : followed === state.info.topic ? state.info.deadLetterTopic : `${followed}.dlq`;
    /** @type {Tail} */
    const tail = tails[stream] || {
      stream,
      topic,
      records: [],
      seen: new Set(),
      paused: false,
      status: { state: 'connecting', topic },
    };
    tails[stream] = tail;
    const source = new EventSource(`/api/tail/${stream}?topic=${encodeURIComponent(followed)}`);
    tail.source = source;
    on(source, 'status', (status) => {
      tail.status = status;
      tail.topic = status.topic; // the dead-letter topic's name is the server's to say
      tail.failure = null;
      renderTail(tail);
    });
    on(source, 'failure', (failure) => {
      tail.failure = failure;
      renderTail(tail);
    });
    on(source, 'record', (record) => {
      const key = `${record.partition}:${record.offset}`;
      if (tail.seen.has(key)) return; // replayed after a reconnect
      tail.seen.add(key);
      tail.records.unshift(record);
      if (tail.records.length > MAX_EVENTS) tail.records.length = MAX_EVENTS;
      if (!tail.paused) renderTail(tail);
    });
    source.onerror = () => {
      if (tail.status.state === 'live') tail.status = { state: 'reconnecting', topic: tail.topic };
      renderTail(tail);
    };
    renderTail(tail);
  }
}

export function stopTails() {
  for (const tail of Object.values(tails)) {
    if (tail.source) tail.source.close();
    tail.source = null;
  }
}

/** @param {Tail} tail */
function statusPill(tail) {
  if (tail.failure)
    return h(
      'span',
      { class: 'pill bad', dataset: { state: 'failure' } },
      tail.failure.code === 'KAFKA' ? 'Kafka unreachable' : 'error',
    );
  const s = tail.status.state;
  if (s === 'live') return h('span', { class: 'pill live', dataset: { state: 'live' } }, 'live');
  if (s === 'topic-missing')
    return h('span', { class: 'pill warn', dataset: { state: 'topic-missing' } }, 'topic missing');
  return h('span', { class: 'pill', dataset: { state: s } }, s === 'reconnecting' ? 'reconnecting…' : 'connecting…');
}

/** @param {Tail} tail */
function renderTail(tail) {
  const pane = $(`pane-${tail.stream}`);
  const pause = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        tail.paused = !tail.paused;
        renderTail(tail);
      },
    },
    tail.paused ? 'Resume' : 'Pause',
  );
  const clear = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        tail.records = [];
        renderTail(tail);
      },
    },
    'Clear',
  );
  const head = h(
    'div',
    { class: 'tail-head' },
    h('h2', {}, tail.stream === 'dlq' ? 'Dead letters · ' : 'Events · ', h('code', {}, tail.topic)),
    statusPill(tail),
    h('span', { class: 'spacer' }),
    h('span', { class: 'note' }, `${tail.records.length} shown`),
    pause,
    clear,
  );
  const body = h('div', { class: 'tail-body', dataset: { stream: tail.stream } });
  if (tail.failure) {
    body.append(
      h(
        'div',
        { class: 'state error', role: 'alert' },
        h('h3', {}, tail.failure.code === 'KAFKA' ? 'Kafka unreachable' : 'The tail stopped'),
        h('p', {}, tail.failure.message),
        tail.failure.hint ? h('p', { class: 'hint' }, 'Fix: ', tail.failure.hint) : null,
        h('p', { class: 'hint' }, 'Retrying every 5 seconds.'),
      ),
    );
  } else if (tail.status.state === 'topic-missing') {
    body.append(
      h(
        'div',
        { class: 'state', dataset: { state: 'topic-missing' } },
        h('h3', {}, 'Topic missing'),
        h('p', {}, 'The topic ', h('code', {}, tail.topic), ' does not exist on the cluster.'),
        h(
          'p',
          { class: 'hint' },
          tail.stream === 'dlq'
            ? [
                'It is created with the topic (',
                h('code', {}, state.info?.hints.register ?? 'npx contracts apply'),
                ') or when a consumer first dead-letters a record.',
              ]
            : [
                'Create it with ',
                h('code', {}, state.info?.hints.register ?? 'npx contracts apply'),
                '; this page checks again every 5 seconds.',
              ],
        ),
      ),
    );
  }
  if (!tail.records.length && !tail.failure && tail.status.state !== 'topic-missing') {
    body.append(
      h(
        'div',
        { class: 'tail-empty' },
        tail.status.state === 'live'
          ? `No events yet. New events on ${tail.topic} appear here as they are produced.`
          : 'Connecting to Kafka…',
      ),
    );
  }
  for (const record of tail.records) body.append(renderEvent(record));
  pane.replaceChildren(head, body);
}
