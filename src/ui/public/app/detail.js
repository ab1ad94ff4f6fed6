// @ts-check
// The right-hand side of the subjects view: a subject's version with its tabs (schema, diff,
// TypeScript, references), or what to do when no subject is open.
/** @import { LevelChange, SubjectList, SubjectSummary, VersionView } from '../../api' */
import { api, send } from './api.js';
import { renderDiff } from './diff.js';
import { $, codeBlock, formatBadge, h } from './dom.js';
import { errorCard } from './error-card.js';
import { TABS, go, subjectLink } from './route.js';
import { state } from './state.js';

/** @param {string} subject */
function summaryOf(subject) {
  return state.list ? state.list.subjects.find((s) => s.subject === subject) : undefined;
}

/**
 * Draws the detail of the current route; a render that a newer one overtook draws nothing.
 * @param {{ reloadList: () => void }} actions  what the error card of an unreadable list retries
 */
export async function renderDetail(actions) {
  const detail = $('detail');
  const route = state.route;
  const token = ++state.detailToken;
  const stale = () => token !== state.detailToken;
  if (state.listError && !route.subject) {
    detail.replaceChildren(errorCard(state.listError, actions.reloadList));
    return;
  }
  if (!route.subject) {
    if (!state.list) {
      detail.replaceChildren(h('div', { class: 'loading' }, 'Reading the registry…'));
      return;
    }
    const hints = state.info?.hints;
    detail.replaceChildren(
      state.list.subjects.length === 0
        ? h(
            'div',
            { class: 'state' },
            h('h2', {}, 'No subjects yet'),
            h('p', {}, 'The registry at ', h('code', {}, state.list.registryUrl), ' holds no schemas.'),
            h(
              'p',
              { class: 'hint' },
              'Register the contracts with ',
              h('code', {}, hints?.register ?? 'npx contracts apply'),
              hints?.produce
                ? [' (', h('code', {}, hints.produce), ' also starts services that produce events)']
                : null,
              '.',
            ),
          )
        : subjectsSummary(state.list),
    );
    return;
  }
  if (!detail.querySelector(`[data-view-subject="${CSS.escape(route.subject)}"]`)) {
    detail.replaceChildren(h('div', { class: 'loading' }, `Loading ${route.subject}…`));
  }
  let view;
  try {
    view = await api('/api/subjects/:subject/versions/:version', {
      subject: route.subject,
      version: route.version || 'latest',
    });
  } catch (error) {
    if (!stale()) detail.replaceChildren(errorCard(error, () => renderDetail(actions)));
    return;
  }
  if (stale()) return;
  const summary = summaryOf(route.subject);
  const header = h(
    'div',
    { dataset: { viewSubject: route.subject } },
    h('h2', {}, view.subject),
    h(
      'div',
      { class: 'subhead' },
      formatBadge(view.format),
      h(
        'span',
        {
          class: 'badge',
          title: view.levelSource === 'global' ? 'the registry-wide level applies' : "the subject's own level",
        },
        `${view.level}${view.levelSource === 'global' ? ' (global)' : ''}`,
      ),
      state.me?.user?.role === 'operator' ? levelControl(view.subject) : null,
      h('span', {}, `version ${view.version} of ${view.versions.length}`),
      h('span', {}, `ID ${view.id}`),
    ),
    h(
      'div',
      { class: 'versions', role: 'group', 'aria-label': 'Versions' },
      view.versions.map((v) =>
        h(
          'button',
          {
            type: 'button',
            class: `chip${v.version === view.version ? ' active' : ''}`,
            title: `version ${v.version}, schema ID ${v.id}`,
            onclick: () => go({ version: String(v.version) }),
          },
          `v${v.version} `,
          h('small', {}, `#${v.id}`),
        ),
      ),
    ),
    h(
      'div',
      { class: 'tabs', role: 'tablist' },
      TABS.map((t) =>
        h(
          'button',
          {
            type: 'button',
            role: 'tab',
            class: route.tab === t.id ? 'active' : '',
            'aria-selected': String(route.tab === t.id),
            dataset: { tab: t.id },
            onclick: () => go({ tab: t.id }),
          },
          t.id === 'refs'
            ? `${t.label} (uses ${view.references.length} · used by ${summary ? summary.referencedBy.length : view.referencedBy.length})`
            : t.label,
          h('kbd', {}, t.key),
        ),
      ),
    ),
  );
  const body = h('div', { class: 'tab-body' });
  detail.replaceChildren(header, body);
  if (route.tab === 'schema') body.append(codeBlock(view.schema));
  else if (route.tab === 'refs') body.append(renderRefs(view, summary));
  else if (route.tab === 'ts') await renderTypeScript(body, view, stale);
  else if (route.tab === 'diff') await renderDiff(body, view, stale);
}

/**
 * What the subjects view shows before a subject is picked: every subject with its format, versions
 * and level, and the config's subjects the registry does not have yet.
 * @param {SubjectList} list
 */
function subjectsSummary(list) {
  const local = state.info ? state.info.localSubjects : [];
  const registered = new Set(list.subjects.map((s) => s.subject));
  const missing = local.filter((s) => !registered.has(s));
  return h(
    'div',
    { class: 'summary' },
    h('h2', {}, `${list.subjects.length} subject${list.subjects.length === 1 ? '' : 's'}`),
    h(
      'p',
      { class: 'note' },
      'In ',
      h('code', {}, list.registryUrl),
      `; global level ${list.globalLevel}. Pick one on the left (`,
      h('kbd', {}, '/'),
      ' searches, ',
      h('kbd', {}, 'j'),
      ' ',
      h('kbd', {}, 'k'),
      ' move, ',
      h('kbd', {}, 'Enter'),
      ' opens, ',
      h('kbd', {}, '?'),
      ' lists all keys).',
    ),
    missing.length
      ? h(
          'p',
          { class: 'state error', dataset: { unregistered: String(missing.length) } },
          `The config has ${missing.length} subject${missing.length === 1 ? '' : 's'} the registry does not: `,
          missing.join(', '),
          '. Register with ',
          h('code', {}, state.info?.hints.register ?? 'npx contracts apply'),
          '.',
        )
      : null,
    h(
      'table',
      { class: 'grid' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['subject', 'format', 'latest', 'versions', 'level', 'uses', 'used by'].map((c) => h('th', {}, c)),
        ),
      ),
      h(
        'tbody',
        {},
        list.subjects.map((s) =>
          h(
            'tr',
            {},
            h(
              'td',
              {},
              subjectLink(s.subject),
              local.includes(s.subject) ? h('span', { class: 'badge' }, 'config') : null,
            ),
            h('td', {}, formatBadge(s.format)),
            h('td', {}, `v${s.latestVersion} · ID ${s.latestId}`),
            h('td', {}, String(s.versions.length)),
            h('td', {}, s.level, s.levelSource === 'global' ? ' (global)' : ''),
            h('td', {}, String(s.references.length)),
            h('td', {}, String(s.referencedBy.length)),
          ),
        ),
      ),
    ),
  );
}

/**
 * @param {VersionView} view
 * @param {SubjectSummary | undefined} summary
 */
function renderRefs(view, summary) {
  const uses = view.references.length
    ? h(
        'ul',
        {},
        view.references.map((r) =>
          h('li', {}, subjectLink(r.subject, r.version), h('br'), h('small', {}, `as ${r.name}`)),
        ),
      )
    : h('p', { class: 'note' }, `Version ${view.version} imports no other schema.`);
  const users = summary
    ? summary.referencedBy
    : view.referencedBy.map((r) => ({ ...r, referencedVersion: view.version }));
  const usedBy = users.length
    ? h(
        'ul',
        {},
        users.map((r) =>
          h(
            'li',
            {},
            subjectLink(r.subject, r.version),
            h('br'),
            h('small', {}, `imports version ${r.referencedVersion}`),
          ),
        ),
      )
    : h('p', { class: 'note' }, 'No subject imports this one (in their latest versions).');
  return h(
    'div',
    { class: 'refs' },
    h('section', {}, h('h3', {}, `References (version ${view.version})`), uses),
    h('section', {}, h('h3', {}, 'Referenced by'), usedBy),
  );
}

/**
 * @param {HTMLElement} body
 * @param {VersionView} view
 * @param {() => boolean} stale
 */
async function renderTypeScript(body, view, stale) {
  body.append(h('div', { class: 'loading' }, 'Generating TypeScript…'));
  let result;
  try {
    result = await api('/api/subjects/:subject/versions/:version/typescript', {
      subject: view.subject,
      version: String(view.version),
    });
  } catch (error) {
    if (!stale()) body.replaceChildren(errorCard(error));
    return;
  }
  if (stale()) return;
  const { typescript } = result;
  /** @type {HTMLButtonElement} */
  const copy = h(
    'button',
    {
      type: 'button',
      onclick: () =>
        navigator.clipboard && navigator.clipboard.writeText(typescript).then(() => (copy.textContent = 'Copied')),
    },
    'Copy',
  );
  body.replaceChildren(
    h(
      'div',
      { class: 'toolbar' },
      h(
        'p',
        { class: 'note' },
        `What `,
        h('code', {}, 'contracts generate'),
        ` declares for ${view.subject} version ${view.version} (ID ${view.id}): the decoded types. Literal event types and the …Input types come from the config.`,
      ),
      copy,
    ),
    codeBlock(typescript.trimEnd()),
  );
}

/**
 * An operator's "Change level": pick a level, see what would change (a dry run on the server),
 * then apply it or not. The server checks the role and writes the audit log either way.
 * @param {string} subject
 */
function levelControl(subject) {
  const box = h('span', { class: 'level-control' });
  const path = `/api/subjects/${encodeURIComponent(subject)}/level`;
  const closed = () =>
    box.replaceChildren(
      h('button', { type: 'button', class: 'link-button', id: 'change-level', onclick: open }, 'Change level…'),
    );
  const open = () => {
    const select = h(
      'select',
      { 'aria-label': 'New level', id: 'new-level' },
      (state.info ? state.info.levels : []).map((l) => h('option', { value: l }, l)),
    );
    const preview = async () => {
      const to = /** @type {HTMLSelectElement} */ (select).value;
      try {
        /** @type {LevelChange} */
        const change = await send(path, { level: to, dryRun: true });
        box.replaceChildren(
          h(
            'span',
            { class: 'confirm', role: 'alert', id: 'level-preview' },
            change.changes
              ? `${subject}: ${change.from}${change.fromSource === 'global' ? ' (global)' : ''} → ${change.to}. `
              : `${subject} is already at ${change.to}. `,
          ),
          change.changes ? h('button', { type: 'button', id: 'apply-level', onclick: () => apply(to) }, 'Apply') : '',
          ' ',
          h('button', { type: 'button', class: 'link-button', onclick: closed }, 'Cancel'),
        );
      } catch (error) {
        box.replaceChildren(
          h('span', { class: 'error', role: 'alert' }, /** @type {Error} */ (error).message),
          ' ',
          h('button', { type: 'button', class: 'link-button', onclick: closed }, 'Close'),
        );
      }
    };
    box.replaceChildren(
      select,
      ' ',
      h('button', { type: 'button', id: 'preview-level', onclick: preview }, 'Preview'),
      ' ',
      h('button', { type: 'button', class: 'link-button', onclick: closed }, 'Cancel'),
    );
  };
  /** @param {string} to */
  const apply = async (to) => {
    try {
      await send(path, { level: to, dryRun: false });
      state.detailToken++;
      $('detail').replaceChildren();
      void renderDetail({ reloadList: () => location.reload() });
    } catch (error) {
      box.replaceChildren(h('span', { class: 'error', role: 'alert' }, /** @type {Error} */ (error).message));
    }
  };
  closed();
  return box;
}
