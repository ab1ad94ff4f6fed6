// @ts-check
// The location hash is the page's state worth a link: `#/subjects?s=<subject>&tab=diff&v=2&from=1&to=local&level=FULL`,
// `#/tail?t=payments` (the live events of a topic), or a monitor view with its query: `#/overview`, `#/groups?g=billing`,
// `#/messages?t=bookings&p=0&o=12`, `#/dead-letters?t=bookings&g=billing&r=handler-failed`.
import { h } from './dom.js';
import { state } from './state.js';

export const TABS = /** @type {const} */ ([
  { id: 'schema', label: 'Schema', key: 's' },
  { id: 'diff', label: 'Diff', key: 'd' },
  { id: 'ts', label: 'TypeScript', key: 't' },
  { id: 'refs', label: 'References', key: 'r' },
]);

/** @typedef {(typeof TABS)[number]['id']} TabId */
/** The views with a query of their own (src/ui/public/app/monitor.js draws them). */
export const MONITOR_VIEWS = /** @type {const} */ (['overview', 'groups', 'messages', 'dead-letters']);
/** @typedef {(typeof MONITOR_VIEWS)[number]} MonitorView */
/**
 * @typedef {object} Route
 * @property {'subjects' | 'tail' | MonitorView} view
 * @property {Record<string, string>} [q]  a monitor view's query (`g`, `t`, `p`, `o`, …)
 * @property {string | null} [subject]
 * @property {TabId} [tab]
 * @property {string | null} [version]  a version number, else the latest
 * @property {string | null} [from]  the diff's older side
 * @property {string | null} [to]  the diff's newer side: a version or `local`
 * @property {string | null} [level]  the level the diff is checked at, else the subject's
 */

/** @returns {Route} */
export function parseRoute() {
  const hash = location.hash.replace(/^#/, '') || '/overview';
  const [path, query] = hash.split('?');
  const params = new URLSearchParams(query || '');
  if (path === '/tail') return { view: 'tail', q: Object.fromEntries(params) };
  const monitor = MONITOR_VIEWS.find((v) => `/${v}` === path);
  if (monitor) return { view: monitor, q: Object.fromEntries(params) };
  return {
    view: 'subjects',
    subject: params.get('s'),
    tab: TABS.find((t) => t.id === params.get('tab'))?.id ?? 'schema',
    version: params.get('v'),
    from: params.get('from'),
    to: params.get('to'),
    level: params.get('level'),
  };
}

/** @param {Route} route */
export function routeHash(route) {
  if (route.view !== 'subjects') {
    const q = new URLSearchParams(Object.entries(route.q ?? {}).filter(([, v]) => v !== '')).toString();
    return `#/${route.view}${q ? `?${q}` : ''}`;
  }
  const params = new URLSearchParams();
  if (route.subject) params.set('s', route.subject);
  if (route.subject && route.tab && route.tab !== 'schema') params.set('tab', route.tab);
  for (const key of /** @type {const} */ (['version', 'from', 'to', 'level'])) {
    const name = key === 'version' ? 'v' : key;
    const value = route[key];
    if (value) params.set(name, value);
  }
  const q = params.toString();
  return `#/subjects${q ? `?${q}` : ''}`;
}

let onRoute = () => {};

/**
 * Calls `handler` on every change of route, and when `go` asks for the route already shown.
 * @param {() => void} handler
 */
export function listenToRoutes(handler) {
  onRoute = handler;
  window.addEventListener('hashchange', handler);
}

/**
 * Navigates to the current route changed by `patch`.
 * @param {Partial<Route>} patch
 */
export function go(patch) {
  const next = { ...state.route, ...patch };
  const hash = routeHash(next);
  if (location.hash === hash) onRoute();
  else location.hash = hash;
}

/**
 * A link to a monitor view with its query.
 * @param {MonitorView} view
 * @param {Record<string, string>} q
 * @param {...import('./dom.js').Child} children
 */
export function viewLink(view, q, ...children) {
  return h('a', { href: routeHash({ view, q }) }, ...children);
}

/**
 * A link to a subject (at a version).
 * @param {string} subject
 * @param {number} [version]
 */
export function subjectLink(subject, version) {
  return h(
    'a',
    { href: routeHash({ view: 'subjects', subject, tab: 'schema', version: version ? String(version) : null }) },
    subject,
    version ? ` v${version}` : '',
  );
}
