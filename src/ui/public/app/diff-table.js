// @ts-check
// The two schemas of a diff side by side, the lines of breaking findings flagged, long unchanged
// runs folded.
/** @import { DiffRow, DiffView, FindingView } from '../../api' */
import { h } from './dom.js';

// lines of context kept on each side of a change when an unchanged run folds
const CONTEXT = 3;

/** @param {DiffView} diff */
export function renderSideBySide(diff) {
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
  /** @param {DiffRow} row */
  const rowEl = (row) => {
    const flagLeft = row.left && flagged.has(`left:${row.left.line}`);
    const flagRight = row.right && flagged.has(`right:${row.right.line}`);
    return h(
      'tr',
      {
        class: `${row.kind}${flagLeft ? ' flag-left' : ''}${flagRight ? ' flag-right' : ''}`,
        dataset: {
          left: row.left ? String(row.left.line) : undefined,
          right: row.right ? String(row.right.line) : undefined,
        },
      },
      h('td', { class: 'n nl' }, row.left ? row.left.line : ''),
      h('td', { class: 'l' }, row.left ? row.left.text : ''),
      h('td', { class: 'n nr sep' }, row.right ? row.right.line : ''),
      h('td', { class: 'r' }, row.right ? row.right.text : ''),
    );
  };
  const rows = diff.rows;
  const changed = rows.some((r) => r.kind !== 'same');
  for (let i = 0; i < rows.length;) {
    const row = /** @type {DiffRow} */ (rows[i]);
    if (row.kind !== 'same' || !changed) {
      tbody.append(rowEl(row));
      i++;
      continue;
    }
    let j = i;
    while (j < rows.length && rows[j]?.kind === 'same') j++;
    const run = rows.slice(i, j);
    const keepHead = i === 0 ? 0 : CONTEXT;
    const keepTail = j === rows.length ? 0 : CONTEXT;
    if (run.length > keepHead + keepTail + 2) {
      run.slice(0, keepHead).forEach((r) => tbody.append(rowEl(r)));
      const hidden = run.slice(keepHead, run.length - keepTail);
      const fold = h('tr', { class: 'fold' });
      fold.append(
        h(
          'td',
          { colspan: '4' },
          h(
            'button',
            { type: 'button', onclick: () => fold.replaceWith(...hidden.map(rowEl)) },
            `⋯ ${hidden.length} unchanged lines`,
          ),
        ),
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

/**
 * Scrolls to a finding's lines (unfolding them) and flashes them.
 * @param {NonNullable<FindingView['at']>} at
 */
export function flashLine(at) {
  /** @type {HTMLElement | null} */
  let row = document.querySelector(`table.diff tr[data-${at.side}="${at.line}"]`);
  if (!row) {
    document.querySelectorAll('table.diff tr.fold button').forEach((b) => /** @type {HTMLButtonElement} */ (b).click());
    row = document.querySelector(`table.diff tr[data-${at.side}="${at.line}"]`);
  }
  if (!row) return;
  const flashed = row;
  flashed.scrollIntoView({ block: 'center', behavior: 'smooth' });
  flashed.classList.add('flash');
  setTimeout(() => flashed.classList.remove('flash'), 1500);
}
