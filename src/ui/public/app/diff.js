// @ts-check
// The diff tab: pick two sides and a level, then the offline checker's verdict, its findings and
// the two schemas side by side. The page holds no rules: findings are the server's.
/** @import { DiffView, VersionView } from '../../api' */
import { api, send } from './api.js';
import { renderSideBySide, flashLine } from './diff-table.js';
import { h, valueOf, withCode } from './dom.js';
import { errorCard } from './error-card.js';
import { go } from './route.js';
import { state } from './state.js';

/** The pasted draft of each subject, kept while the page is open (a level or version change redraws the tab). */
/** @type {Map<string, string>} */
const drafts = new Map();

/**
 * @param {HTMLElement} body
 * @param {VersionView} view
 * @param {() => boolean} stale
 */
export async function renderDiff(body, view, stale) {
  const route = state.route;
  const versions = view.versions.map((v) => v.version);
  const latest = versions[versions.length - 1];
  const hasLocal = state.info && state.info.localSubjects.includes(view.subject);
  const to = route.to || (hasLocal && versions.length === 1 ? 'local' : String(latest));
  // a local draft is the next version: shown beside the latest by default (the verdict is the
  // registry's whichever version is shown); two registered versions: the latest and the one before
  const from = route.from || String(to === 'local' || versions.length === 1 ? latest : versions[versions.length - 2]);
  const levelSelect = h(
    'select',
    {
      id: 'diff-level',
      'aria-label': 'Level',
      onchange: (e) => go({ tab: 'diff', from, to, level: valueOf(e) === '' ? null : valueOf(e) }),
    },
    h('option', { value: '' }, `${view.level} (the subject's)`),
    (state.info ? state.info.levels : []).map((l) => h('option', { value: l, selected: route.level === l }, l)),
  );
  /**
   * @param {string} id
   * @param {string} value
   * @param {boolean | null} withLocal
   * @param {(event: Event) => void} onchange
   */
  const versionSelect = (id, value, withLocal, onchange) =>
    h(
      'select',
      { id, onchange },
      versions.map((v) => h('option', { value: String(v), selected: String(v) === value }, `version ${v}`)),
      withLocal ? h('option', { value: 'local', selected: value === 'local' }, 'local file') : null,
      withLocal !== false ? h('option', { value: 'draft', selected: value === 'draft' }, 'a pasted draft…') : null,
    );
  body.append(
    h(
      'div',
      { class: 'toolbar' },
      h(
        'label',
        {},
        'From',
        versionSelect('diff-from', from, false, (e) => go({ tab: 'diff', from: valueOf(e), to })),
      ),
      h(
        'label',
        {},
        'to',
        versionSelect('diff-to', to, hasLocal, (e) =>
          go({
            tab: 'diff',
            from: valueOf(e) === 'local' || valueOf(e) === 'draft' ? String(latest) : from,
            to: valueOf(e),
          }),
        ),
      ),
      h('label', {}, 'checked at', levelSelect),
    ),
  );
  const out = h('div', {}, h('div', { class: 'loading' }, 'Comparing…'));
  if (to === 'draft') {
    body.append(draftForm(view, from, out, stale), out);
    out.replaceChildren(h('p', { class: 'note' }, 'Paste the next version and check it: nothing is registered.'));
    return;
  }
  body.append(out);
  if (versions.length === 1 && to !== 'local' && to !== 'draft') {
    out.replaceChildren(
      h(
        'div',
        { class: 'state' },
        h('h3', {}, 'Only one version'),
        h('p', {}, `${view.subject} has a single version: nothing to compare yet.`),
        hasLocal ? h('p', { class: 'hint' }, 'Pick “local file” to compare it with the schema file.') : null,
      ),
    );
    return;
  }
  let diff;
  try {
    diff = await api(
      '/api/subjects/:subject/diff',
      { subject: view.subject },
      { from, to, level: route.level || undefined },
    );
  } catch (error) {
    if (!stale()) out.replaceChildren(errorCard(error));
    return;
  }
  if (stale()) return;
  out.replaceChildren(renderVerdict(diff), renderFindings(diff), renderSideBySide(diff));
}

/**
 * The pasted draft's box: the text (the shown version's schema to start from) and *Check*, which
 * asks the server for the verdict at the level picked (POST: the text can be long; nothing is
 * registered, so any role may).
 * @param {VersionView} view
 * @param {string} from
 * @param {HTMLElement} out
 * @param {() => boolean} stale
 */
function draftForm(view, from, out, stale) {
  const area = h(
    'textarea',
    { id: 'draft-schema', 'aria-label': 'Draft schema', spellcheck: 'false', rows: 14 },
    drafts.get(view.subject) ?? view.schema,
  );
  const check = async () => {
    drafts.set(view.subject, area.value);
    out.replaceChildren(h('div', { class: 'loading' }, 'Checking the draft…'));
    try {
      /** @type {DiffView} */
      const diff = await send(`/api/subjects/${encodeURIComponent(view.subject)}/draft`, {
        schema: area.value,
        from,
        level: state.route.level || undefined,
      });
      if (!stale()) out.replaceChildren(renderVerdict(diff), renderFindings(diff), renderSideBySide(diff));
    } catch (error) {
      if (!stale()) out.replaceChildren(errorCard(error));
    }
  };
  return h(
    'div',
    { class: 'draft-box' },
    area,
    h(
      'button',
      { type: 'button', class: 'primary', id: 'check-draft', onclick: () => void check() },
      'Check the draft',
    ),
  );
}

/**
 * The changes `contracts diff` names, when none breaks anything (a field added with a default, …).
 * @param {DiffView} diff
 */
function renderChanges(diff) {
  return h(
    'ul',
    { class: 'findings changes' },
    diff.changes.map((c) => {
      const at = c.at;
      return h(
        'li',
        { class: `finding${c.breaks.length ? ' breaking' : ''}`, dataset: { change: c.kind } },
        h(
          'div',
          { class: 'finding-head' },
          h('span', { class: `badge ${c.breaks.length ? 'bad' : 'ok'}` }, c.breaks.length ? 'breaking' : 'compatible'),
          h('span', { class: 'rule-id' }, c.kind),
          h('code', {}, c.path),
          at
            ? h(
                'button',
                { type: 'button', title: 'show in the diff', onclick: () => flashLine(at) },
                at.endLine > at.line ? `lines ${at.line}–${at.endLine}` : `line ${at.line}`,
              )
            : null,
        ),
        h('p', {}, withCode(c.description)),
      );
    }),
  );
}

/** @param {DiffView} diff */
function renderVerdict(diff) {
  const breaking = diff.verdict.findings.filter((f) => f.breaking).length;
  const against = diff.verdict.checkedAgainst.map((v) => `version ${v}`).join(', ');
  const what =
    diff.right.file !== undefined || diff.right.draft
      ? `${diff.right.label} as the subject's next version, as the registry will check it (shown beside ${diff.left.label})`
      : `${diff.right.label} as the next version after ${diff.left.label}`;
  if (diff.level === 'NONE') {
    return h(
      'div',
      { class: 'verdict none', dataset: { verdict: 'none' } },
      'NONE accepts any change',
      h('small', {}, 'Pick a level above to see what a change would break.'),
    );
  }
  if (diff.verdict.compatible) {
    return h(
      'div',
      { class: 'verdict ok', dataset: { verdict: 'compatible' } },
      `Compatible at ${diff.level}`,
      h('small', {}, `${what}; checked against ${against}.`),
    );
  }
  return h(
    'div',
    { class: 'verdict bad', dataset: { verdict: 'incompatible' } },
    `Breaks ${diff.level}: ${breaking} breaking change${breaking === 1 ? '' : 's'}`,
    h('small', {}, `${what}; checked against ${against}.`),
  );
}

/**
 * A schema fragment of a finding, cut to one line.
 * @param {unknown} value
 */
function fragment(value) {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/** @param {DiffView} diff */
function renderFindings(diff) {
  if (!diff.verdict.findings.length) {
    if (diff.changes.length) return renderChanges(diff);
    return diff.level === 'NONE'
      ? h('span')
      : h('p', { class: 'note' }, 'The two sides declare the same schema: no change to report.');
  }
  return h(
    'ul',
    { class: 'findings' },
    diff.verdict.findings.map((f) => {
      const at = f.at;
      return h(
        'li',
        { class: `finding${f.breaking ? ' breaking' : ''}`, dataset: { rule: f.ruleId } },
        h(
          'div',
          { class: 'finding-head' },
          h('span', { class: `badge ${f.breaking ? 'bad' : 'ok'}` }, f.breaking ? 'breaking' : 'compatible'),
          h('span', { class: 'rule-id' }, f.ruleId),
          h('span', { class: 'badge' }, `${f.direction} vs version ${f.previousVersion}`),
          at
            ? h(
                'button',
                { type: 'button', title: 'show in the diff', onclick: () => flashLine(at) },
                at.endLine > at.line ? `lines ${at.line}–${at.endLine}` : `line ${at.line}`,
              )
            : null,
        ),
        h('p', {}, withCode(f.message)),
        f.purpose ? h('p', { class: 'purpose' }, 'Rule: ', withCode(f.purpose)) : null,
        h('p', { class: 'where' }, `${f.path || '/'} · before ${fragment(f.before)} · after ${fragment(f.after)}`),
      );
    }),
  );
}
