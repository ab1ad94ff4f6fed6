// @ts-check
// The landing page: each topic of the cluster (the config's and the registry's first, Kafka's
// internal ones when asked) with its contract, partitions, message counts and retention, the
// consumer groups reading it with their lag and its trend, and its dead letters per group and
// reason. Topic cards can be searched and sorted; the choice is kept in the location hash
// (`#/overview?q=pay&sort=lag&internal=1`). Everything links into its own view.
/** @import { OverviewView, TopicGroup } from '../../api' */
import { api } from './api.js';
import { formatBadge, h } from './dom.js';
import { sparkline, table, trendText } from './widgets.js';
import { routeHash, subjectLink, viewLink } from './route.js';
import { state } from './state.js';
import { formatDuration, timeElement } from './time.js';

/** @typedef {OverviewView['topics'][number]} TopicView */

/** How the cards can be ordered: the default keeps the config's and the registry's topics first. */
const SORTS = /** @type {const} */ ([
  ['', 'config and registry first'],
  ['name', 'name'],
  ['messages', 'most messages'],
  ['lag', 'most lag'],
  ['dead', 'most dead letters'],
]);

/** @param {TopicView} t */
const lagOf = (t) => t.groups.reduce((sum, g) => sum + (g.lag ?? 0), 0);

/**
 * The cards in the order asked for.
 * @param {TopicView[]} topics
 * @param {string} sort
 */
function sorted(topics, sort) {
  const by = {
    name: (/** @type {TopicView} */ a, /** @type {TopicView} */ b) => a.topic.localeCompare(b.topic),
    messages: (/** @type {TopicView} */ a, /** @type {TopicView} */ b) => b.messages - a.messages,
    lag: (/** @type {TopicView} */ a, /** @type {TopicView} */ b) => lagOf(b) - lagOf(a),
    dead: (/** @type {TopicView} */ a, /** @type {TopicView} */ b) => b.deadLetters.records - a.deadLetters.records,
  }[sort];
  return by ? [...topics].sort((a, b) => by(a, b) || a.topic.localeCompare(b.topic)) : topics;
}

/**
 * Whether a card matches the search: every space-separated word is in its topic, a subject or a group.
 * @param {TopicView} t
 * @param {string} search
 */
function matches(t, search) {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const text = [t.topic, ...t.contract.map((c) => c.subject), ...t.groups.map((g) => g.groupId)]
    .join(' ')
    .toLowerCase();
  return words.every((w) => text.includes(w));
}

/**
 * The overview's query in the hash, without a redraw (the search box keeps its focus).
 * @param {Record<string, string>} q
 */
function keepQuery(q) {
  const hash = routeHash({ view: 'overview', q });
  state.route = { ...state.route, q };
  history.replaceState(null, '', hash);
  const root = document.getElementById('monitor');
  if (root) root.dataset.rendered = hash;
}

export async function renderOverview() {
  const q = { ...(state.route.q ?? {}) };
  const view = await api('/api/overview', {}, q.internal === '1' ? { internal: '1' } : {});
  document.title = 'Overview · Contracts';
  const cards = h('div', { class: 'topic-cards' });
  const count = h('span', { class: 'note', id: 'topic-count' });
  const draw = () => {
    const shown = sorted(view.topics, q.sort ?? '').filter((t) => matches(t, q.q ?? ''));
    cards.replaceChildren(...(view.topics.length === 0 ? [noTopics()] : shown.map((t) => topicCard(t))));
    count.textContent = `${shown.length} of ${view.topics.length} topic${view.topics.length === 1 ? '' : 's'}`;
  };
  /**
   * @param {string} name
   * @param {string} value
   */
  const set = (name, value) => {
    if (value) q[name] = value;
    else delete q[name];
    keepQuery(q);
    draw();
  };
  const search = h('input', {
    type: 'search',
    id: 'topic-search',
    value: q.q ?? '',
    placeholder: 'Search topics, subjects, groups',
    'aria-label': 'Search topics',
    spellcheck: 'false',
    oninput: (e) => set('q', /** @type {HTMLInputElement} */ (e.target).value.trim()),
  });
  const sort = h(
    'select',
    {
      id: 'topic-sort',
      'aria-label': 'Sort topics',
      onchange: (e) => set('sort', /** @type {HTMLSelectElement} */ (e.target).value),
    },
    SORTS.map(([value, label]) => h('option', { value, selected: (q.sort ?? '') === value }, label)),
  );
  const internal = h('input', {
    type: 'checkbox',
    id: 'show-internal',
    checked: q.internal === '1',
    // the server lists them: read again
    onchange: (e) => {
      if (/** @type {HTMLInputElement} */ (e.target).checked) q.internal = '1';
      else delete q.internal;
      location.hash = routeHash({ view: 'overview', q });
    },
  });
  draw();
  return h(
    'div',
    { class: 'monitor overview' },
    h(
      'div',
      { class: 'monitor-head' },
      h('h2', {}, 'Overview'),
      h('span', { class: 'note' }, 'read at ', timeElement(view.at), ' · refreshes every 5 s'),
    ),
    h(
      'div',
      { class: 'overview-tools' },
      search,
      h('label', {}, 'Sort ', sort),
      h('label', {}, internal, ' Kafka’s internal topics (__…)'),
      count,
    ),
    view.registryError
      ? h(
          'p',
          { class: 'state error', role: 'alert', dataset: { errorCode: view.registryError.code } },
          'The registry could not be read: ',
          view.registryError.message,
          '. Kafka is shown; contracts are missing.',
        )
      : null,
    cards,
    otherGroups(view),
  );
}

function noTopics() {
  const hints = state.info?.hints;
  return h(
    'div',
    { class: 'state' },
    h('h3', {}, 'No topics yet'),
    h('p', {}, 'The cluster has no topic, and neither the config nor the registry names one.'),
    h(
      'p',
      { class: 'hint' },
      'Create the topics and register the contracts with ',
      h('code', {}, hints?.register ?? 'npx contracts apply'),
      hints?.produce ? [' (', h('code', {}, hints.produce), ' also produces events)'] : null,
      '.',
    ),
  );
}

/**
 * @param {OverviewView['topics'][number]} t
 */
function topicCard(t) {
  const hints = state.info?.hints;
  return h(
    'section',
    { class: 'topic-card', dataset: { topic: t.topic } },
    h(
      'div',
      { class: 'topic-head' },
      h('h3', {}, viewLink('messages', { t: t.topic }, t.topic)),
      t.sources.map((s) =>
        h(
          'span',
          { class: 'badge', dataset: { source: s } },
          s === 'config' ? 'in the config' : s === 'registry' ? 'in the registry' : 'on the cluster only',
        ),
      ),
      t.exists ? null : h('span', { class: 'badge warn', dataset: { missing: 'true' } }, 'not on the cluster'),
    ),
    h(
      'div',
      { class: 'contract' },
      h('span', { class: 'label' }, 'Contract'),
      t.contract.length === 0
        ? h('span', { class: 'note' }, 'no subject in the registry')
        : t.contract.map((c) =>
            h(
              'span',
              { class: 'contract-subject', dataset: { subject: c.subject } },
              c.registered ? subjectLink(c.subject) : h('code', {}, c.subject),
              c.format ? formatBadge(c.format) : null,
              c.registered
                ? h(
                    'span',
                    {},
                    `v${c.latestVersion} (${c.versions} version${c.versions === 1 ? '' : 's'}) · ${c.level}${c.levelSource === 'global' ? ' (global)' : ''}`,
                  )
                : h('span', { class: 'badge warn' }, 'not registered'),
            ),
          ),
    ),
    t.exists
      ? h(
          'div',
          { class: 'stats' },
          stat('partitions', String(t.partitions.length)),
          stat('messages', t.messages.toLocaleString('en')),
          stat('retention', formatDuration(t.retentionMs)),
          stat('cleanup', t.cleanupPolicy ?? '—'),
          h(
            'details',
            { class: 'partitions' },
            h('summary', {}, 'per partition'),
            table(
              ['partition', 'start', 'end', 'messages'],
              t.partitions.map((p) => [
                viewLink('messages', { t: t.topic, p: String(p.partition) }, String(p.partition)),
                p.low,
                p.high,
                String(p.messages),
              ]),
            ),
          ),
        )
      : t.sources.includes('config')
        ? h('p', { class: 'hint' }, 'Create it with ', h('code', {}, hints?.register ?? 'npx contracts apply'), '.')
        : // only a subject names it: apply would not create it, as it is not in this project's config
          h(
            'p',
            { class: 'note', dataset: { orphan: 'true' } },
            "Only its subject is in the registry: no topic of this name is on the cluster or in this project's config.",
          ),
    h('h4', {}, 'Consumer groups'),
    t.groups.length === 0
      ? h('p', { class: 'note' }, 'No consumer group has committed on this topic or is assigned to it.')
      : table(
          ['group', 'state', 'members', 'lag', 'trend', 'lag per partition'],
          t.groups.map((g) => groupRow(g)),
          { 'data-table': 'groups' },
        ),
    h(
      'h4',
      {},
      'Dead letters · ',
      h('code', {}, t.deadLetters.topic),
      t.deadLetters.exists ? ` · ${t.deadLetters.records} record${t.deadLetters.records === 1 ? '' : 's'}` : '',
    ),
    !t.deadLetters.exists
      ? h('p', { class: 'note' }, 'The dead-letter topic does not exist (yet): nothing was dead-lettered.')
      : !t.deadLetters.counted
        ? h(
            'p',
            { class: 'note' },
            viewLink('dead-letters', { t: t.topic }, 'Open the dead letters'),
            ' for their groups and reasons (not read here for a topic known only from the cluster).',
          )
        : t.deadLetters.counts.length === 0
          ? h('p', { class: 'note' }, 'None.')
          : table(
              ['group', 'reason', 'error codes', 'records', 'pending'],
              t.deadLetters.counts.map((c) => [
                viewLink(
                  'dead-letters',
                  { t: t.topic, g: c.group, r: c.reason },
                  c.group || '(no dead-letter headers)',
                ),
                c.reason || '—',
                c.errorCodes.join(', ') || '—',
                String(c.records),
                String(c.pending),
              ]),
              { 'data-table': 'dead-letters' },
            ),
  );
  /** @param {TopicGroup} g */
  function groupRow(g) {
    return [
      h(
        'span',
        { dataset: { group: g.groupId } },
        viewLink('groups', { g: g.groupId }, g.groupId),
        g.trend.stalled
          ? h('span', { class: 'badge bad stalled', title: 'lag, and no commit moved' }, 'stopped committing')
          : null,
      ),
      h('span', { class: `gstate ${g.state.toLowerCase()}` }, g.state),
      String(g.members),
      g.lag === null ? h('span', { class: 'note' }, 'no commit') : h('strong', { class: 'lag' }, String(g.lag)),
      h('span', {}, sparkline(g.trend.totals), ' ', trendText(g.trend.change)),
      h(
        'span',
        { class: 'plags' },
        g.partitions.map((p) =>
          h('span', { title: `committed ${p.committed ?? '—'} · end ${p.end}` }, `p${p.partition}:${p.lag ?? '–'}`),
        ),
      ),
    ];
  }
}

/**
 * @param {string} label
 * @param {string} value
 */
function stat(label, value) {
  return h(
    'div',
    { class: 'stat', dataset: { stat: label } },
    h('span', { class: 'label' }, label),
    h('strong', {}, value),
  );
}

/** @param {OverviewView} view */
function otherGroups(view) {
  const shown = new Set(view.topics.flatMap((t) => t.groups.map((g) => g.groupId)));
  const rest = view.groups.filter((g) => !shown.has(g.groupId));
  if (rest.length === 0) return null;
  return h(
    'section',
    { class: 'topic-card' },
    h('h3', {}, 'Other consumer groups'),
    table(
      ['group', 'state', 'members', 'topics', 'lag'],
      rest.map((g) => [
        viewLink('groups', { g: g.groupId }, g.groupId),
        g.state,
        String(g.members),
        g.topics.join(', ') || '—',
        g.lag === null ? '—' : String(g.lag),
      ]),
    ),
  );
}
