// @ts-check
// The subject list in the sidebar: search, filters, keyboard selection, and only the rows in view
// in the page.
import { $, formatBadge, h } from './dom.js';
import { go } from './route.js';
import { state } from './state.js';

const ROW_HEIGHT = 54;

const search = () => $('search', HTMLInputElement);
const formatFilter = () => $('filter-format', HTMLSelectElement);
const levelFilter = () => $('filter-level', HTMLSelectElement);

export function applyFilter() {
  const terms = search().value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const format = formatFilter().value;
  const level = levelFilter().value;
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

export function renderList() {
  const list = $('list');
  const sizer = /** @type {HTMLElement} */ (list.querySelector('.list-sizer'));
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
    state.filtered.length === total
      ? `${total} subject${total === 1 ? '' : 's'}`
      : `${state.filtered.length} of ${total} subjects`;
  if (total === 0) {
    list.append(h('div', { class: 'list-empty' }, 'The registry has no subjects yet.'));
    sizer.style.height = '0px';
    return;
  }
  if (state.filtered.length === 0) {
    const filtered = formatFilter().value || levelFilter().value;
    list.append(
      h(
        'div',
        { class: 'list-empty' },
        `No subject matches “${search().value.trim()}”`,
        filtered ? ' with these filters' : '',
        '.',
      ),
    );
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
    if (!s) continue;
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
        // the version and ID first and never cut; the level gives way when the row is narrow
        h('span', { class: 'row-version' }, `v${s.latestVersion} · ID ${s.latestId}`),
        formatBadge(s.format),
        h(
          'span',
          { class: 'row-level', title: `${s.level}${s.levelSource === 'global' ? ' (the global level)' : ''}` },
          s.level,
          s.levelSource === 'global' ? ' (global)' : '',
        ),
        s.references.length ? h('span', { title: 'references' }, `→${s.references.length}`) : null,
        s.referencedBy.length ? h('span', { title: 'referenced by' }, `←${s.referencedBy.length}`) : null,
      ),
    );
    row.style.top = `${i * ROW_HEIGHT}px`;
    list.append(row);
  }
}

/**
 * `text` cut to `max` characters in the middle, keeping more of its end.
 * @param {string} text
 * @param {number} max
 */
function middleEllipsis(text, max) {
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) * 0.35);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}

/** @param {number} delta rows down (up when negative) */
export function moveSelection(delta) {
  if (!state.filtered.length) return;
  state.selected = Math.max(0, Math.min(state.filtered.length - 1, state.selected + delta));
  state.reveal = true;
  renderList();
}

/** @param {string} subject */
export function openSubject(subject) {
  go({ view: 'subjects', subject, tab: state.route.tab || 'schema', version: null, from: null, to: null, level: null });
}

/** Opens the selected subject, if any. */
export function openSelected() {
  const s = state.filtered[state.selected];
  if (s) openSubject(s.subject);
}
