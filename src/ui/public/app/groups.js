// @ts-check
// Consumer groups: all of them, or one with its members, the partitions each is assigned, and per
// partition the committed offset, the end offset and the lag. A group with lag whose commits have
// not moved is marked as having stopped committing.
/** @import { GroupView, OffsetResetPlan } from '../../api' */
import { field, isOperator, openAction } from './action.js';
import { api } from './api.js';
import { h } from './dom.js';
import { sparkline, table, trendText } from './widgets.js';
import { viewLink } from './route.js';
import { formatTime, timeElement } from './time.js';

/** @param {Record<string, string>} q */
export async function renderGroups(q) {
  if (!q.g) return renderAllGroups();
  const group = await api('/api/groups/:group', { group: q.g });
  document.title = `${group.groupId} · Contracts`;
  const stalled = Object.entries(group.trends).filter(([, t]) => t.stalled);
  return h(
    'div',
    { class: 'monitor group', dataset: { group: group.groupId, state: group.state } },
    h(
      'div',
      { class: 'monitor-head' },
      h('h2', {}, group.groupId),
      h('span', { class: `badge gstate ${group.state.toLowerCase()}` }, group.state),
      group.protocol ? h('span', { class: 'note' }, `assignor ${group.protocol}`) : null,
      h(
        'span',
        { class: 'note' },
        `${group.members.length} member${group.members.length === 1 ? '' : 's'} · refreshes every 5 s`,
      ),
      isOperator()
        ? h(
            'button',
            { type: 'button', id: 'reset-offsets', class: 'action-open', onclick: () => resetOffsets(group) },
            'Reset offsets…',
          )
        : null,
    ),
    stalled.length
      ? h(
          'div',
          { class: 'verdict bad stalled-banner', role: 'alert' },
          'Stopped committing',
          h(
            'small',
            {},
            stalled
              .map(
                ([topic, t]) =>
                  `${topic}: lag ${t.totals[t.totals.length - 1]}, ${
                    lastCommitAt(group, topic)
                      ? `last commit ${formatTime(lastCommitAt(group, topic) ?? '')}`
                      : `no commit moved since ${t.moveSeen ? '' : 'this page first saw the group, '}${formatTime(t.lastCommitMoveAt)}`
                  }`,
              )
              .join('; '),
            ` (more than ${Math.round(group.stallAfterMs / 1000)} s with lag and no commit).`,
          ),
        )
      : null,
    h('h3', {}, 'Members'),
    group.members.length === 0
      ? h(
          'p',
          { class: 'note' },
          'No member: nothing consumes for this group now (state Empty). Its committed offsets remain.',
        )
      : table(
          ['client', 'host', 'member ID', 'assigned'],
          group.members.map((m) => [
            h('code', {}, m.clientId),
            m.host,
            h('code', { class: 'small' }, m.memberId),
            Object.entries(m.assignment)
              .map(([topic, ps]) => `${topic} [${ps.join(', ')}]`)
              .join('; ') || '—',
          ]),
          { 'data-table': 'members' },
        ),
    [...new Set(group.partitions.map((p) => p.topic))].map((topic) => {
      const trend = group.trends[topic];
      const rows = group.partitions.filter((p) => p.topic === topic);
      const member = (/** @type {string | null} */ id) => group.members.find((m) => m.memberId === id);
      return h(
        'section',
        { class: 'topic-card', dataset: { topic } },
        h(
          'div',
          { class: 'topic-head' },
          h('h3', {}, viewLink('messages', { t: topic }, topic)),
          trend
            ? h(
                'span',
                {},
                'lag ',
                h('strong', { class: 'lag' }, String(trend.totals[trend.totals.length - 1] ?? 0)),
                ' ',
                sparkline(trend.totals),
                ' ',
                trendText(trend.change),
              )
            : null,
          lastCommit(group, topic),
          trend
            ? h(
                'span',
                { class: 'note', dataset: { moved: String(trend.moveSeen) } },
                trend.moveSeen ? 'offsets last moved ' : 'offsets unchanged since this page first saw the group, ',
                timeElement(trend.lastCommitMoveAt),
              )
            : null,
          trend?.stalled ? h('span', { class: 'badge bad stalled' }, 'stopped committing') : null,
        ),
        table(
          ['partition', 'member', 'committed', 'committed at', 'end', 'lag'],
          rows.map((p) => {
            const m = member(p.member);
            return [
              viewLink(
                'messages',
                p.committed === null
                  ? { t: topic, p: String(p.partition) }
                  : { t: topic, p: String(p.partition), o: p.committed, order: 'oldest' },
                String(p.partition),
              ),
              m ? `${m.clientId} (${m.host})` : h('span', { class: 'note' }, 'unassigned'),
              p.committed ?? h('span', { class: 'note' }, 'no commit'),
              group.commits.available && group.commits.partitions[`${topic}:${p.partition}`]
                ? timeElement(group.commits.partitions[`${topic}:${p.partition}`] ?? '')
                : '—',
              p.end,
              p.lag === null ? '—' : h('strong', { class: p.lag > 0 ? 'lag behind' : 'lag' }, String(p.lag)),
            ];
          }),
          { 'data-table': 'partitions' },
        ),
      );
    }),
  );
}

async function renderAllGroups() {
  const view = await api('/api/overview', {});
  document.title = 'Consumer groups · Contracts';
  return h(
    'div',
    { class: 'monitor groups' },
    h(
      'div',
      { class: 'monitor-head' },
      h('h2', {}, 'Consumer groups'),
      h('span', { class: 'note' }, `${view.groups.length} on the cluster · refreshes every 5 s`),
    ),
    view.groups.length === 0
      ? h('p', { class: 'note' }, 'The cluster has no consumer group (the kit’s own throw-away readers are not shown).')
      : table(
          ['group', 'state', 'members', 'topics', 'lag'],
          view.groups.map((g) => [
            h(
              'span',
              {},
              viewLink('groups', { g: g.groupId }, g.groupId),
              g.stalled ? h('span', { class: 'badge bad stalled' }, 'stopped committing') : null,
            ),
            h('span', { class: `gstate ${g.state.toLowerCase()}` }, g.state),
            String(g.members),
            g.topics.join(', ') || '—',
            g.lag === null ? '—' : String(g.lag),
          ]),
          { 'data-table': 'all-groups' },
        ),
  );
}
/**
 * The group's latest commit on a topic in the broker's record, if it could be read.
 * @param {GroupView} group
 * @param {string} topic
 * @returns {string | undefined}
 */
function lastCommitAt(group, topic) {
  if (!group.commits.available) return undefined;
  return Object.entries(group.commits.partitions)
    .filter(([key]) => key.startsWith(`${topic}:`))
    .map(([, at]) => at)
    .sort()
    .at(-1);
}

/**
 * When the group last committed on a topic: the broker's record (`__consumer_offsets`), or why it
 * could not be read.
 * @param {GroupView} group
 * @param {string} topic
 */
function lastCommit(group, topic) {
  if (!group.commits.available)
    return h(
      'span',
      { class: 'note', dataset: { lastCommit: 'unavailable' }, title: group.commits.reason },
      'last commit time unavailable',
    );
  const last = lastCommitAt(group, topic);
  if (last) return h('span', { class: 'note', dataset: { lastCommit: last } }, 'last commit ', timeElement(last));
  return group.commits.reading
    ? h('span', { class: 'note', dataset: { lastCommit: 'reading' } }, 'reading the commit times…')
    : h('span', { class: 'note', dataset: { lastCommit: 'none' } }, 'no commit on record');
}

/**
 * An operator's offset reset: topic, where to (earliest, latest, a time, an offset), which
 * partitions; the preview lists old → new per partition. The server refuses while the group has
 * members, naming them.
 * @param {GroupView} group
 */
function resetOffsets(group) {
  const topics = [...new Set(group.partitions.map((p) => p.topic))];
  const topic = h('input', { name: 'topic', required: true, list: 'reset-topics', value: topics[0] ?? '' });
  const to = h(
    'select',
    { name: 'to' },
    ['earliest', 'latest', 'timestamp', 'offset'].map((t) =>
      h('option', { value: t }, t === 'timestamp' ? 'a time' : t),
    ),
  );
  const value = h('input', { name: 'value', placeholder: 'for a time: 2026-12-01T13:00:00Z; for an offset: 12' });
  const partitions = h('input', { name: 'partitions', placeholder: 'all', inputmode: 'numeric' });
  openAction(
    /** @type {import('./action.js').ActionSpec<OffsetResetPlan>} */ ({
      id: 'reset-offsets',
      title: `Reset the offsets of ${group.groupId}`,
      path: `/api/groups/${encodeURIComponent(group.groupId)}/offsets`,
      fields: [
        field('Topic', topic),
        h(
          'datalist',
          { id: 'reset-topics' },
          topics.map((t) => h('option', { value: t })),
        ),
        field('To', to),
        field('Time or offset', value, 'only for “a time” (the first record at or after it) and “offset”'),
        field('Partitions', partitions, 'comma-separated; empty: every partition'),
      ],
      body: () => {
        const kind = to.value;
        const list = partitions.value
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean)
          .map(Number);
        return {
          topic: topic.value.trim(),
          to: kind,
          ...(kind === 'offset' ? { offset: value.value.trim() } : {}),
          ...(kind === 'timestamp' ? { timestamp: value.value.trim() } : {}),
          ...(list.length ? { partitions: list } : {}),
        };
      },
      changes: (plan) => plan.changes > 0,
      describe: (plan, dryRun) =>
        h(
          'div',
          { class: 'offset-plan' },
          h(
            'p',
            {},
            `${plan.group} (${plan.state}) on ${plan.topic}, to ${plan.target}: `,
            h(
              'strong',
              {},
              `${plan.changes} partition${plan.changes === 1 ? '' : 's'} ${dryRun ? 'would move' : 'moved'}`,
            ),
            '.',
          ),
          table(
            ['partition', 'committed', '→', 'new offset', 'holds'],
            plan.partitions.map((p) => [
              String(p.partition),
              p.from ?? h('span', { class: 'note' }, 'no commit'),
              p.from === p.to ? '=' : '→',
              h('strong', {}, p.to),
              `${p.low} – ${p.high}`,
            ]),
            { 'data-table': 'offset-plan' },
          ),
        ),
    }),
  );
}
