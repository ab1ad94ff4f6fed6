// @ts-check
// Small pieces the monitor's views share: a table, the lag's sparkline and its change.
import { h } from './dom.js';

/**
 * A small table.
 * @param {string[]} head
 * @param {Array<Array<import('./dom.js').Child | import('./dom.js').Child[]>>} rows
 * @param {Record<string, string>} [attrs]
 */
export function table(head, rows, attrs = {}) {
  return h(
    'table',
    { class: 'grid', ...attrs },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        head.map((c) => h('th', {}, c)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          {},
          r.map((c) => h('td', {}, c)),
        ),
      ),
    ),
  );
}

/**
 * The lag's last totals as a bar line: ▁▂▄█.
 * @param {number[]} totals
 */
export function sparkline(totals) {
  const bars = '▁▂▃▄▅▆▇█';
  const max = Math.max(...totals, 0);
  const line = totals.map((t) => (max === 0 ? bars[0] : bars[Math.min(7, Math.round((t / max) * 7))])).join('');
  return h('span', { class: 'spark', title: `lag at the last ${totals.length} reads: ${totals.join(', ')}` }, line);
}

/** @param {number} change */
export function trendText(change) {
  if (change > 0) return h('span', { class: 'trend up' }, `▲ ${change}`);
  if (change < 0) return h('span', { class: 'trend down' }, `▼ ${-change}`);
  return h('span', { class: 'trend flat' }, '= 0');
}
