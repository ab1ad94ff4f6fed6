// @ts-check
// Every time on the page in one format, with the date and the zone: `2026-12-01 13:16:05.123 UTC`.
// UTC rather than the browser's zone, so that a time read off the page matches the logs and the CLI.

/**
 * @param {string | number | Date | null | undefined} value  ISO 8601, ms since the epoch, or a Date
 * @returns {string}
 */
export function formatTime(value) {
  if (value === null || value === undefined || value === '') return '—';
  const date =
    value instanceof Date ? value : new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().replace('T', ' ').replace('Z', '')} UTC`;
}

/**
 * A `<time>` element: the formatted time, the ISO form as its datetime.
 * @param {string | number | Date | null | undefined} value
 */
export function timeElement(value) {
  const el = document.createElement('time');
  el.textContent = formatTime(value);
  if (value !== null && value !== undefined && value !== '') {
    const date =
      value instanceof Date
        ? value
        : new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);
    if (!Number.isNaN(date.getTime())) el.dateTime = date.toISOString();
  }
  return el;
}

/**
 * A duration in ms as an operator reads it: `7 d`, `12 h`, `30 min`; -1 as unlimited.
 * @param {string | null} ms
 */
export function formatDuration(ms) {
  if (ms === null) return '—';
  const n = Number(ms);
  if (n < 0) return 'unlimited';
  for (const [unit, size] of /** @type {const} */ ([
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
  ]))
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  return `${n} ms`;
}
