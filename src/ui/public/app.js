// The contracts UI: plain JavaScript, no build step. It reads the JSON API of `contracts ui`
// (src/ui/server.ts) and the Server-Sent Events of the live tail. Every text from the registry or
// a topic goes into the page as text (never as HTML).
'use strict';

(() => {
  const ROW_HEIGHT = 54;
  const MAX_EVENTS = 500;
  const TABS = [
    { id: 'schema', label: 'Schema', key: 's' },
    { id: 'diff', label: 'Diff', key: 'd' },
    { id: 'ts', label: 'TypeScript', key: 't' },
    { id: 'refs', label: 'References', key: 'r' },
  ];

  const state = {
    info: null,
    list: null, // { subjects, globalLevel, registryUrl }
    listError: null,
    filtered: [],
    selected: 0,
    route: { view: 'subjects', subject: null, tab: 'schema', version: null, from: null, to: null, level: null },
    detailToken: 0,
    reveal: false,
  };

  // ---------- helpers ----------
  const $ = (id) => document.getElementById(id);

  /** Element builder: h('div', { class: 'x', onclick }, child, 'text', ...). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
      else if (name === 'class') el.className = value;
      else if (name === 'dataset') Object.assign(el.dataset, value);
      else el.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error && body.error.message) || `HTTP ${status}`);
      this.status = status;
      this.body = (body && body.error) || { code: 'HTTP', message: `HTTP ${status}` };
    }
  }

  async function api(path) {
    let response;
    try {
      response = await fetch(path, { headers: { Accept: 'application/json' } });
    } catch (cause) {
      throw new ApiError(0, { error: { code: 'UI_UNREACHABLE', message: 'the contracts ui server does not answer', hint: 'is `contracts ui` still running?' } });
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
  }

  /** An error as an empty-state card: what happened, where, how to fix it. */
  function errorCard(error, retry) {
    const e = error instanceof ApiError ? error.body : { code: 'ERROR', message: String(error && error.message ? error.message : error) };
    let title = 'Something went wrong';
    let lead = null;
    if (e.code === 'REGISTRY_UNREACHABLE') {
      title = 'Schema registry unreachable';
      lead = h('p', {}, 'No answer from the registry at ', h('code', {}, e.registryUrl || (state.info && state.info.registryUrl) || '?'), '.');
    } else if (e.code === 'REGISTRY_AUTH') {
      title = `Unauthorised: the registry refused access (${e.status || '401/403'})`;
      lead = h('p', {}, 'The registry at ', h('code', {}, e.registryUrl || '?'), ' needs other credentials.');
    } else if (e.code === 'REGISTRY_HTTP') {
      title = `The registry answered with an error (${e.status || '?'})`;
    } else if (e.code === 'NOT_FOUND') {
      title = 'Not found';
    } else if (e.code === 'UI_UNREACHABLE') {
      title = 'The UI server is gone';
    } else if (e.code === 'SCHEMA_INVALID' || e.code === 'CONFIG_INVALID') {
      title = 'A schema could not be read';
    }
    return h(
      'div',
      { class: 'state error', role: 'alert', dataset: { errorCode: e.code } },
      h('h2', {}, title),
      lead,
      h('p', {}, e.message),
      e.hint ? h('p', { class: 'hint' }, 'Fix: ', e.hint) : null,
      retry ? h('p', {}, h('button', { type: 'button', onclick: retry }, 'Retry')) : null,
    );
  }

  function codeBlock(text) {
    const pre = h('pre', { class: 'code' });
    const lines = String(text).split('\n');
    for (const line of lines) pre.append(h('span', { class: 'ln' }, line || ' '));
    return pre;
  }

  function formatBadge(format) {
    return h('span', { class: `badge ${String(format).toLowerCase()}` }, format === 'JSON' ? 'JSON Schema' : format === 'AVRO' ? 'Avro' : format);
  }

  // ---------- routing ----------
  function parseRoute() {
    const hash = location.hash.replace(/^#/, '') || '/subjects';
    const [path, query] = hash.split('?');
    const params = new URLSearchParams(query || '');
    if (path === '/tail') return { view: 'tail' };
    return {
      view: 'subjects',
      subject: params.get('s'),
      tab: TABS.some((t) => t.id === params.get('tab')) ? params.get('tab') : 'schema',
      version: params.get('v'),
      from: params.get('from'),
      to: params.get('to'),
      level: params.get('level'),
    };
  }

  function routeHash(route) {
    if (route.view === 'tail') return '#/tail';
    const params = new URLSearchParams();
    if (route.subject) params.set('s', route.subject);
    if (route.subject && route.tab && route.tab !== 'schema') params.set('tab', route.tab);
    for (const key of ['version', 'from', 'to', 'level']) {
      const name = key === 'version' ? 'v' : key;
      if (route[key]) params.set(name, route[key]);
    }
    const q = params.toString();
    return `#/subjects${q ? `?${q}` : ''}`;
  }

  function go(patch) {
    const next = { ...state.route, ...patch };
    const hash = routeHash(next);
    if (location.hash === hash) onRoute();
    else location.hash = hash;
  }

  function onRoute() {
    const route = parseRoute();
    const previous = state.route;
    state.route = route;
    document.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('active', a.dataset.nav === route.view));
    $('view-subjects').hidden = route.view !== 'subjects';
    $('view-tail').hidden = route.view !== 'tail';
    if (route.view === 'tail') {
      startTails();
      document.title = 'Live events · Contracts';
      return;
    }
    stopTails();
    document.title = route.subject ? `${route.subject} · Contracts` : 'Contracts';
    if (route.subject) {
      const index = state.filtered.findIndex((s) => s.subject === route.subject);
      if (index >= 0 && index !== state.selected) {
        state.selected = index;
        state.reveal = true;
      }
    }
    renderList();
    if (!previous || JSON.stringify(previous) !== JSON.stringify(route) || !$('detail').hasChildNodes()) renderDetail();
  }

  // ---------- connection line ----------
  function renderConn() {
    const conn = $('conn');
    conn.replaceChildren();
    if (!state.info) return;
    conn.append('registry ', h('code', {}, state.info.registryUrl));
    if (state.info.brokers.length) conn.append(' · kafka ', h('code', {}, state.info.brokers.join(',')));
    conn.title = `registry ${state.info.registryUrl}\nkafka ${state.info.brokers.join(',')}\nconfig ${state.info.configFile || '(none)'}`;
  }

  // ---------- subject list ----------
  async function loadList(refresh) {
    state.listError = null;
    $('count').textContent = 'Reading the registry…';
    try {
      state.list = await api(`/api/subjects${refresh ? '?refresh=1' : ''}`);
    } catch (error) {
      state.list = null;
      state.listError = error;
    }
    applyFilter();
    if (!state.route.subject && state.route.view === 'subjects') renderDetail();
  }

  function applyFilter() {
    const terms = $('search').value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const format = $('filter-format').value;
    const level = $('filter-level').value;
    const subjects = state.list ? state.list.subjects : [];
    state.filtered = subjects.filter((s) => {
      if (format && s.format !== format) return false;
      if (level && s.level !== level) return false;
      const name = s.subject.toLowerCase();
      return terms.every((t) => name.includes(t));
    });
    const open = state.route.subject ? state.filtered.findIndex((s) => s.subject === state.route.subject) : -1;
    state.selected = open >= 0 && terms.length === 0 ? open : 0;
    $('list').scrollTop = 0;
    state.reveal = true;
    renderList();
  }

  /** Scrolls the list so that the selected row is in view. */
  function revealSelected() {
    const list = $('list');
    const top = state.selected * ROW_HEIGHT;
    if (top < list.scrollTop) list.scrollTop = top;
    else if (top + ROW_HEIGHT > list.scrollTop + list.clientHeight) list.scrollTop = top + ROW_HEIGHT - list.clientHeight;
  }

  function renderList() {
    const list = $('list');
    const sizer = list.querySelector('.list-sizer');
    list.querySelectorAll('.row, .list-empty').forEach((el) => el.remove());
    const count = $('count');
    if (state.listError) {
      count.textContent = 'The registry could not be read';
      list.append(h('div', { class: 'list-empty' }, 'No subjects to show. See the message on the right.'));
      sizer.style.height = '0px';
      return;
    }
    if (!state.list) return;
    const total = state.list.subjects.length;
    count.textContent =
      state.filtered.length === total ? `${total} subject${total === 1 ? '' : 's'}` : `${state.filtered.length} of ${total} subjects`;
    if (total === 0) {
      list.append(h('div', { class: 'list-empty' }, 'The registry has no subjects yet.'));
      sizer.style.height = '0px';
      return;
    }
    if (state.filtered.length === 0) {
      list.append(h('div', { class: 'list-empty' }, `No subject matches “${$('search').value.trim()}”`, $('filter-format').value || $('filter-level').value ? ' with these filters' : '', '.'));
      sizer.style.height = '0px';
      return;
    }
    sizer.style.height = `${state.filtered.length * ROW_HEIGHT}px`;
    if (state.reveal) {
      state.reveal = false;
      revealSelected();
    }
    // only the rows in view (and a few around) exist: hundreds of subjects cost nothing
    const first = Math.max(0, Math.floor(list.scrollTop / ROW_HEIGHT) - 5);
    const last = Math.min(state.filtered.length, Math.ceil((list.scrollTop + list.clientHeight) / ROW_HEIGHT) + 5);
    // long names keep their end, where subjects differ (prefix.travel.bookings.BookingCreated)
    const budget = Math.max(12, Math.floor((list.clientWidth - 26) / 9));
    for (let i = first; i < last; i++) {
      const s = state.filtered[i];
      const row = h(
        'div',
        {
          class: `row${i === state.selected ? ' selected' : ''}${s.subject === state.route.subject ? ' open' : ''}`,
          role: 'option',
          'aria-selected': i === state.selected ? 'true' : 'false',
          dataset: { subject: s.subject, index: String(i) },
          onclick: () => {
            state.selected = i;
            openSubject(s.subject);
          },
        },
        h('div', { class: 'row-name', title: s.subject }, middleEllipsis(s.subject, budget)),
        h(
          'div',
          { class: 'row-meta' },
          formatBadge(s.format),
          h('span', {}, s.level, s.levelSource === 'global' ? ' (global)' : ''),
          h('span', {}, `v${s.latestVersion} · ID ${s.latestId}`),
          s.references.length ? h('span', { title: 'references' }, `→${s.references.length}`) : null,
          s.referencedBy.length ? h('span', { title: 'referenced by' }, `←${s.referencedBy.length}`) : null,
        ),
      );
      row.style.top = `${i * ROW_HEIGHT}px`;
      list.append(row);
    }
  }

  function middleEllipsis(text, max) {
    if (text.length <= max) return text;
    const head = Math.ceil((max - 1) * 0.35);
    return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
  }

  function moveSelection(delta) {
    if (!state.filtered.length) return;
    state.selected = Math.max(0, Math.min(state.filtered.length - 1, state.selected + delta));
    state.reveal = true;
    renderList();
  }

  function openSubject(subject) {
    go({ view: 'subjects', subject, tab: state.route.tab || 'schema', version: null, from: null, to: null, level: null });
  }

  // ---------- detail ----------
  function summaryOf(subject) {
    return state.list ? state.list.subjects.find((s) => s.subject === subject) : undefined;
  }

  async function renderDetail() {
    const detail = $('detail');
    const route = state.route;
    const token = ++state.detailToken;
    const stale = () => token !== state.detailToken;
    if (state.listError && !route.subject) {
      detail.replaceChildren(errorCard(state.listError, () => loadList(true)));
      return;
    }
    if (!route.subject) {
      if (!state.list) {
        detail.replaceChildren(h('div', { class: 'loading' }, 'Reading the registry…'));
        return;
      }
      detail.replaceChildren(
        state.list.subjects.length === 0
          ? h(
              'div',
              { class: 'state' },
              h('h2', {}, 'No subjects yet'),
              h('p', {}, 'The registry at ', h('code', {}, state.list.registryUrl), ' holds no schemas.'),
              h('p', { class: 'hint' }, 'Register the contracts with ', h('code', {}, 'contracts register'), ' (or run ', h('code', {}, 'npm start'), ').'),
            )
          : h(
              'div',
              { class: 'state' },
              h('h2', {}, 'Pick a subject'),
              h('p', {}, `${state.list.subjects.length} subjects in `, h('code', {}, state.list.registryUrl), `; global level ${state.list.globalLevel}.`),
              h('p', { class: 'hint' }, 'Press ', h('kbd', {}, '/'), ' to search, ', h('kbd', {}, 'j'), ' ', h('kbd', {}, 'k'), ' to move, ', h('kbd', {}, 'Enter'), ' to open, ', h('kbd', {}, '?'), ' for all keys.'),
            ),
      );
      return;
    }
    if (!detail.querySelector(`[data-view-subject="${CSS.escape(route.subject)}"]`)) {
      detail.replaceChildren(h('div', { class: 'loading' }, `Loading ${route.subject}…`));
    }
    let view;
    try {
      view = await api(`/api/subjects/${encodeURIComponent(route.subject)}/versions/${route.version || 'latest'}`);
    } catch (error) {
      if (!stale()) detail.replaceChildren(errorCard(error, () => renderDetail()));
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
        h('span', { class: 'badge', title: view.levelSource === 'global' ? 'the registry-wide level applies' : "the subject's own level" }, `${view.level}${view.levelSource === 'global' ? ' (global)' : ''}`),
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
            { type: 'button', role: 'tab', class: route.tab === t.id ? 'active' : '', 'aria-selected': String(route.tab === t.id), dataset: { tab: t.id }, onclick: () => go({ tab: t.id }) },
            t.id === 'refs' ? `${t.label} (uses ${view.references.length} · used by ${summary ? summary.referencedBy.length : view.referencedBy.length})` : t.label,
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

  function subjectLink(subject, version, extra) {
    return h(
      'a',
      { href: routeHash({ view: 'subjects', subject, tab: 'schema', version: version ? String(version) : null }) },
      subject,
      version ? ` v${version}` : '',
      extra || '',
    );
  }

  function renderRefs(view, summary) {
    const uses = view.references.length
      ? h('ul', {}, view.references.map((r) => h('li', {}, subjectLink(r.subject, r.version), h('br'), h('small', {}, `as ${r.name}`))))
      : h('p', { class: 'note' }, `Version ${view.version} imports no other schema.`);
    const users = summary ? summary.referencedBy : view.referencedBy.map((r) => ({ ...r, referencedVersion: view.version }));
    const usedBy = users.length
      ? h(
          'ul',
          {},
          users.map((r) => h('li', {}, subjectLink(r.subject, r.version), h('br'), h('small', {}, `imports version ${r.referencedVersion}`))),
        )
      : h('p', { class: 'note' }, 'No subject imports this one (in their latest versions).');
    return h(
      'div',
      { class: 'refs' },
      h('section', {}, h('h3', {}, `References (version ${view.version})`), uses),
      h('section', {}, h('h3', {}, 'Referenced by'), usedBy),
    );
  }

  async function renderTypeScript(body, view, stale) {
    body.append(h('div', { class: 'loading' }, 'Generating TypeScript…'));
    let result;
    try {
      result = await api(`/api/subjects/${encodeURIComponent(view.subject)}/versions/${view.version}/typescript`);
    } catch (error) {
      if (!stale()) body.replaceChildren(errorCard(error));
      return;
    }
    if (stale()) return;
    const copy = h('button', { type: 'button', onclick: () => navigator.clipboard && navigator.clipboard.writeText(result.typescript).then(() => (copy.textContent = 'Copied')) }, 'Copy');
    body.replaceChildren(
      h(
        'div',
        { class: 'toolbar' },
        h('p', { class: 'note' }, `What `, h('code', {}, 'contracts generate'), ` declares for ${view.subject} version ${view.version} (ID ${view.id}): the decoded types. Literal event types and the …Input types come from the config.`),
        copy,
      ),
      codeBlock(result.typescript.trimEnd()),
    );
  }

  async function renderDiff(body, view, stale) {
    const route = state.route;
    const versions = view.versions.map((v) => v.version);
    const latest = versions[versions.length - 1];
    const hasLocal = state.info && state.info.localSubjects.includes(view.subject);
    const to = route.to || (hasLocal && versions.length === 1 ? 'local' : String(latest));
    const from = route.from || String(versions.length > 1 ? versions[versions.length - 2] : latest);
    const levelSelect = h(
      'select',
      { id: 'diff-level', 'aria-label': 'Level', onchange: (e) => go({ tab: 'diff', from, to, level: e.target.value === '' ? null : e.target.value }) },
      h('option', { value: '' }, `${view.level} (the subject's)`),
      (state.info ? state.info.levels : []).map((l) => h('option', { value: l, selected: route.level === l }, l)),
    );
    const versionSelect = (id, value, withLocal, onchange) =>
      h(
        'select',
        { id, onchange },
        versions.map((v) => h('option', { value: String(v), selected: String(v) === value }, `version ${v}`)),
        withLocal ? h('option', { value: 'local', selected: value === 'local' }, 'local file') : null,
      );
    body.append(
      h(
        'div',
        { class: 'toolbar' },
        h('label', {}, 'From', versionSelect('diff-from', from, false, (e) => go({ tab: 'diff', from: e.target.value, to }))),
        h('label', {}, 'to', versionSelect('diff-to', to, hasLocal, (e) => go({ tab: 'diff', from, to: e.target.value }))),
        h('label', {}, 'checked at', levelSelect),
      ),
    );
    const out = h('div', {}, h('div', { class: 'loading' }, 'Comparing…'));
    body.append(out);
    if (versions.length === 1 && to !== 'local') {
      out.replaceChildren(h('div', { class: 'state' }, h('h3', {}, 'Only one version'), h('p', {}, `${view.subject} has a single version: nothing to compare yet.`), hasLocal ? h('p', { class: 'hint' }, 'Pick “local file” to compare it with the schema file.') : null));
      return;
    }
    const params = new URLSearchParams({ from, to });
    if (route.level) params.set('level', route.level);
    let diff;
    try {
      diff = await api(`/api/subjects/${encodeURIComponent(view.subject)}/diff?${params}`);
    } catch (error) {
      if (!stale()) out.replaceChildren(errorCard(error));
      return;
    }
    if (stale()) return;
    out.replaceChildren(renderVerdict(diff), renderFindings(diff), renderSideBySide(diff));
  }

  function renderVerdict(diff) {
    const breaking = diff.verdict.findings.filter((f) => f.breaking).length;
    const against = diff.verdict.checkedAgainst.map((v) => `version ${v}`).join(', ');
    const what = `${diff.right.label} as the next version after ${diff.left.label}`;
    if (diff.level === 'NONE') {
      return h('div', { class: 'verdict none', dataset: { verdict: 'none' } }, 'NONE accepts any change', h('small', {}, 'Pick a level above to see what a change would break.'));
    }
    if (diff.verdict.compatible) {
      return h('div', { class: 'verdict ok', dataset: { verdict: 'compatible' } }, `Compatible at ${diff.level}`, h('small', {}, `${what}; checked against ${against}.`));
    }
    return h(
      'div',
      { class: 'verdict bad', dataset: { verdict: 'incompatible' } },
      `Breaks ${diff.level}: ${breaking} breaking change${breaking === 1 ? '' : 's'}`,
      h('small', {}, `${what}; checked against ${against}.`),
    );
  }

  function fragment(value) {
    if (value === undefined) return '(absent)';
    const text = JSON.stringify(value);
    return text.length > 160 ? `${text.slice(0, 157)}…` : text;
  }

  function renderFindings(diff) {
    if (!diff.verdict.findings.length) {
      return diff.level === 'NONE' ? h('span') : h('p', { class: 'note' }, 'No differences the checker reports.');
    }
    return h(
      'ul',
      { class: 'findings' },
      diff.verdict.findings.map((f) =>
        h(
          'li',
          { class: `finding${f.breaking ? ' breaking' : ''}`, dataset: { rule: f.ruleId } },
          h(
            'div',
            { class: 'finding-head' },
            h('span', { class: `badge ${f.breaking ? 'bad' : 'ok'}` }, f.breaking ? 'breaking' : 'compatible'),
            h('span', { class: 'rule-id' }, f.ruleId),
            h('span', { class: 'badge' }, `${f.direction} vs version ${f.previousVersion}`),
            f.at ? h('button', { type: 'button', title: 'show in the diff', onclick: () => flashLine(f.at) }, f.at.endLine > f.at.line ? `lines ${f.at.line}–${f.at.endLine}` : `line ${f.at.line}`) : null,
          ),
          h('p', {}, f.message),
          f.purpose ? h('p', { class: 'purpose' }, `Rule: ${f.purpose}`) : null,
          h('p', { class: 'where' }, `${f.path || '/'} · before ${fragment(f.before)} · after ${fragment(f.after)}`),
        ),
      ),
    );
  }

  function renderSideBySide(diff) {
    const flagged = new Set();
    for (const f of diff.verdict.findings) {
      if (!f.at || !f.breaking) continue;
      for (let line = f.at.line; line <= f.at.endLine; line++) flagged.add(`${f.at.side}:${line}`);
    }
    const table = h(
      'table',
      { class: 'diff', 'aria-label': 'Side-by-side diff' },
      h('colgroup', {}, h('col', { class: 'n' }), h('col'), h('col', { class: 'n' }), h('col')),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { colspan: '2' }, diff.left.label, diff.left.id ? ` (ID ${diff.left.id})` : ''),
          h('th', { colspan: '2' }, diff.right.label, diff.right.id ? ` (ID ${diff.right.id})` : ''),
        ),
      ),
    );
    const tbody = h('tbody');
    const rowEl = (row) => {
      const flagLeft = row.left && flagged.has(`left:${row.left.line}`);
      const flagRight = row.right && flagged.has(`right:${row.right.line}`);
      return h(
        'tr',
        { class: `${row.kind}${flagLeft ? ' flag-left' : ''}${flagRight ? ' flag-right' : ''}`, dataset: { left: row.left ? String(row.left.line) : undefined, right: row.right ? String(row.right.line) : undefined } },
        h('td', { class: 'n nl' }, row.left ? row.left.line : ''),
        h('td', { class: 'l' }, row.left ? row.left.text : ''),
        h('td', { class: 'n nr sep' }, row.right ? row.right.line : ''),
        h('td', { class: 'r' }, row.right ? row.right.text : ''),
      );
    };
    // long unchanged runs fold to three lines of context on each side of a change
    const changed = diff.rows.some((r) => r.kind !== 'same');
    const CONTEXT = 3;
    for (let i = 0; i < diff.rows.length; ) {
      if (diff.rows[i].kind !== 'same' || !changed) {
        tbody.append(rowEl(diff.rows[i]));
        i++;
        continue;
      }
      let j = i;
      while (j < diff.rows.length && diff.rows[j].kind === 'same') j++;
      const run = diff.rows.slice(i, j);
      const keepHead = i === 0 ? 0 : CONTEXT;
      const keepTail = j === diff.rows.length ? 0 : CONTEXT;
      if (run.length > keepHead + keepTail + 2) {
        run.slice(0, keepHead).forEach((r) => tbody.append(rowEl(r)));
        const hidden = run.slice(keepHead, run.length - keepTail);
        const fold = h('tr', { class: 'fold' });
        fold.append(
          h('td', { colspan: '4' }, h('button', { type: 'button', onclick: () => fold.replaceWith(...hidden.map(rowEl)) }, `⋯ ${hidden.length} unchanged lines`)),
        );
        tbody.append(fold);
        run.slice(run.length - keepTail).forEach((r) => tbody.append(rowEl(r)));
      } else {
        run.forEach((r) => tbody.append(rowEl(r)));
      }
      i = j;
    }
    table.append(tbody);
    return table;
  }

  function flashLine(at) {
    let row = document.querySelector(`table.diff tr[data-${at.side}="${at.line}"]`);
    if (!row) {
      document.querySelectorAll('table.diff tr.fold button').forEach((b) => b.click());
      row = document.querySelector(`table.diff tr[data-${at.side}="${at.line}"]`);
    }
    if (!row) return;
    row.scrollIntoView({ block: 'center', behavior: 'smooth' });
    row.classList.add('flash');
    setTimeout(() => row.classList.remove('flash'), 1500);
  }

  // ---------- live tail ----------
  const tails = {};

  function startTails() {
    if (!state.info) return;
    for (const stream of ['topic', 'dlq']) {
      if (tails[stream] && tails[stream].source) continue;
      const topic = stream === 'dlq' ? state.info.deadLetterTopic : state.info.topic;
      const tail = tails[stream] || { stream, topic, records: [], seen: new Set(), paused: false, status: { state: 'connecting', topic } };
      tails[stream] = tail;
      tail.source = new EventSource(`/api/tail/${stream}`);
      tail.source.addEventListener('status', (e) => {
        tail.status = JSON.parse(e.data);
        tail.failure = null;
        renderTail(tail);
      });
      tail.source.addEventListener('failure', (e) => {
        tail.failure = JSON.parse(e.data);
        renderTail(tail);
      });
      tail.source.addEventListener('record', (e) => {
        const record = JSON.parse(e.data);
        const key = `${record.partition}:${record.offset}`;
        if (tail.seen.has(key)) return; // replayed after a reconnect
        tail.seen.add(key);
        tail.records.unshift(record);
        if (tail.records.length > MAX_EVENTS) tail.records.length = MAX_EVENTS;
        if (!tail.paused) renderTail(tail);
      });
      tail.source.onerror = () => {
        if (tail.status.state === 'live') tail.status = { state: 'reconnecting', topic };
        renderTail(tail);
      };
      renderTail(tail);
    }
  }

  function stopTails() {
    for (const tail of Object.values(tails)) {
      if (tail.source) tail.source.close();
      tail.source = null;
    }
  }

  function statusPill(tail) {
    if (tail.failure) return h('span', { class: 'pill bad', dataset: { state: 'failure' } }, tail.failure.code === 'KAFKA' ? 'Kafka unreachable' : 'error');
    const s = tail.status.state;
    if (s === 'live') return h('span', { class: 'pill live', dataset: { state: 'live' } }, 'live');
    if (s === 'topic-missing') return h('span', { class: 'pill warn', dataset: { state: 'topic-missing' } }, 'topic missing');
    return h('span', { class: 'pill', dataset: { state: s } }, s === 'reconnecting' ? 'reconnecting…' : 'connecting…');
  }

  function renderTail(tail) {
    const pane = $(`pane-${tail.stream}`);
    const pause = h('button', { type: 'button', onclick: () => { tail.paused = !tail.paused; renderTail(tail); } }, tail.paused ? 'Resume' : 'Pause');
    const clear = h('button', { type: 'button', onclick: () => { tail.records = []; renderTail(tail); } }, 'Clear');
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
          h('p', { class: 'hint' }, tail.stream === 'dlq' ? 'It is created with the topic (contracts register, npm start) or when a consumer first dead-letters a record.' : 'Create it with contracts register or npm start; this page checks again every 5 seconds.'),
        ),
      );
    }
    if (!tail.records.length && !tail.failure && tail.status.state !== 'topic-missing') {
      body.append(
        h('div', { class: 'tail-empty' }, tail.status.state === 'live' ? `No events yet. New events on ${tail.topic} appear here as they are produced.` : 'Connecting to Kafka…'),
      );
    }
    for (const record of tail.records) body.append(renderEvent(record));
    pane.replaceChildren(head, body);
  }

  function renderEvent(record) {
    const dl = record.deadLetter;
    const schema =
      record.schemaId === undefined || record.schemaId === null
        ? null
        : h('span', {}, 'schema ', h('code', {}, `ID ${record.schemaId}`), record.subject ? h('span', {}, ' · ', subjectLink(record.subject, record.version)) : null);
    const card = h(
      'article',
      { class: `event${dl ? ' dead' : ''}${record.error ? ' undecodable' : ''}`, dataset: { offset: record.offset, eventType: record.eventType || '' } },
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
          h('dt', {}, 'reason'), h('dd', {}, dl.reason),
          h('dt', {}, 'error'), h('dd', { class: 'error' }, `${dl.errorClass} (${dl.errorCode}): ${dl.errorMessage}`),
          h('dt', {}, 'from'), h('dd', {}, `${dl.originalTopic} p${dl.originalPartition} @ ${dl.originalOffset}`),
          h('dt', {}, 'attempts'), h('dd', {}, String(dl.attempts)),
          h('dt', {}, 'group'), h('dd', {}, dl.consumerGroup),
          h('dt', {}, 'at'), h('dd', {}, dl.deadLetteredAt),
        ),
      );
    }
    return card;
  }

  // ---------- keyboard ----------
  function typing(target) {
    return target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement;
  }

  function stepVersion(delta) {
    const chips = [...document.querySelectorAll('.versions .chip')];
    const active = chips.findIndex((c) => c.classList.contains('active'));
    const next = chips[active + delta];
    if (next) next.click();
  }

  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const help = $('help');
    if (e.key === 'Escape') {
      if (!help.hidden) help.hidden = true;
      else if (typing(e.target)) {
        // leave the box with the filter kept (Chromium would clear a search box on Escape)
        e.preventDefault();
        e.target.blur();
        $('list').focus();
      }
      return;
    }
    if (e.target === $('search')) {
      if (e.key === 'ArrowDown') { e.preventDefault(); moveSelection(1); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); moveSelection(-1); }
      else if (e.key === 'Enter') { e.preventDefault(); const s = state.filtered[state.selected]; if (s) openSubject(s.subject); }
      return;
    }
    if (typing(e.target)) return;
    const key = e.key;
    if (key === '?') { help.hidden = !help.hidden; return; }
    if (key === '/') {
      e.preventDefault();
      if (state.route.view !== 'subjects') go({ view: 'subjects' });
      $('search').focus();
      $('search').select();
      return;
    }
    if (key === 'g') return go({ view: 'subjects' });
    if (key === 'e') return go({ view: 'tail' });
    if (state.route.view !== 'subjects') return;
    if (key === 'j' || key === 'ArrowDown') { e.preventDefault(); moveSelection(1); return; }
    if (key === 'k' || key === 'ArrowUp') { e.preventDefault(); moveSelection(-1); return; }
    if (key === 'Enter') { const s = state.filtered[state.selected]; if (s) openSubject(s.subject); return; }
    if (key === '[') return stepVersion(-1);
    if (key === ']') return stepVersion(1);
    const tab = TABS.find((t) => t.key === key);
    if (tab && state.route.subject) go({ tab: tab.id });
  }

  // ---------- start ----------
  async function start() {
    $('search').addEventListener('input', applyFilter);
    $('search').addEventListener('search', applyFilter); // the box's own clear button
    $('filter-format').addEventListener('change', applyFilter);
    $('filter-level').addEventListener('change', applyFilter);
    $('refresh').addEventListener('click', () => loadList(true));
    $('list').addEventListener('scroll', () => renderList(), { passive: true });
    window.addEventListener('resize', () => renderList());
    $('help-button').addEventListener('click', () => ($('help').hidden = !$('help').hidden));
    $('help-close').addEventListener('click', () => ($('help').hidden = true));
    document.addEventListener('keydown', onKey);
    window.addEventListener('hashchange', onRoute);
    try {
      state.info = await api('/api/info');
      for (const level of state.info.levels) $('filter-level').append(h('option', { value: level }, level));
    } catch (error) {
      $('detail').replaceChildren(errorCard(error, () => location.reload()));
      return;
    }
    renderConn();
    onRoute();
    await loadList(false);
    if (state.route.view === 'subjects') onRoute();
  }

  start();
})();
