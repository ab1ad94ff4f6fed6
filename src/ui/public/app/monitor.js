// @ts-check
// The monitor's views (overview, groups, messages, dead letters) in one section of the page. The
// overview and a group refresh live: every few seconds while shown, each read a new sample of the
// lag's trend on the server.
import { $, h } from './dom.js';
import { errorCard } from './error-card.js';
import { renderDeadLetters } from './dead-letters.js';
import { renderGroups } from './groups.js';
import { renderMessages } from './messages.js';
import { renderOverview } from './overview.js';
import { routeHash } from './route.js';
import { state } from './state.js';

const REFRESH_MS = 5000;

/** @type {ReturnType<typeof setTimeout> | null} */
let timer = null;
/** bumped by each draw, so a slower read of a view left behind draws nothing */
let token = 0;

export function stopMonitor() {
  if (timer) clearTimeout(timer);
  timer = null;
  token++;
}

/** Draws the monitor view of the current route, and again every REFRESH_MS where it is live. */
export async function showMonitor() {
  stopMonitor();
  const mine = ++token;
  const root = $('monitor');
  const route = state.route;
  const q = route.q ?? {};
  const live = route.view === 'overview' || route.view === 'groups';
  if (!root.hasChildNodes() || root.dataset.view !== route.view) {
    root.replaceChildren(h('div', { class: 'loading' }, 'Reading Kafka…'));
  }
  root.dataset.view = route.view;
  /** @type {Node} */
  let content;
  try {
    if (route.view === 'overview') content = await renderOverview();
    else if (route.view === 'groups') content = await renderGroups(q);
    else if (route.view === 'messages') content = await renderMessages(q);
    else content = await renderDeadLetters(q);
  } catch (error) {
    content = errorCard(error, () => void showMonitor());
  }
  if (mine !== token) return;
  // a live view's redraw keeps the control being typed in (the overview's search) focused, its caret where it was
  const focused =
    document.activeElement instanceof HTMLInputElement && root.contains(document.activeElement)
      ? document.activeElement
      : null;
  root.replaceChildren(content);
  if (focused && focused.id) {
    const again = document.getElementById(focused.id);
    if (again instanceof HTMLInputElement && again !== focused) {
      // what was typed while the view was read (the new control holds the value from before it)
      if (again.value !== focused.value) {
        again.value = focused.value;
        again.dispatchEvent(new Event('input'));
      }
      again.focus();
      if (again.type === 'search' || again.type === 'text')
        again.setSelectionRange(focused.selectionStart, focused.selectionEnd);
    }
  }
  // which route the view shows now: tests (and anyone) can wait for this draw
  root.dataset.rendered = routeHash(route);
  if (live) timer = setTimeout(() => void showMonitor(), REFRESH_MS);
}
