// @ts-check
// The page's start: wires the controls, reads what the server is connected to, then follows the
// route. Every view below draws from `state` (state.js) and the JSON API (api.js).
import { api } from './api.js';
import { renderDetail } from './detail.js';
import { $, h } from './dom.js';
import { errorCard } from './error-card.js';
import { onKey } from './keys.js';
import { applyFilter, renderList } from './list.js';
import { showMonitor, stopMonitor } from './monitor.js';
import { listenToRoutes, parseRoute } from './route.js';
import { state } from './state.js';
import { startTails, stopTails } from './tail.js';

const detailActions = { reloadList: () => void loadList(true) };

function onRoute() {
  const route = parseRoute();
  const previous = state.route;
  state.route = route;
  document
    .querySelectorAll('[data-nav]')
    .forEach((a) => a.classList.toggle('active', /** @type {HTMLElement} */ (a).dataset.nav === route.view));
  $('view-subjects').hidden = route.view !== 'subjects';
  $('view-tail').hidden = route.view !== 'tail';
  $('view-monitor').hidden = route.view === 'subjects' || route.view === 'tail';
  if (route.view !== 'subjects' && route.view !== 'tail') {
    stopTails();
    void showMonitor();
    return;
  }
  stopMonitor();
  if (route.view === 'tail') {
    startTails(route.q?.t);
    document.title = `Live events · ${route.q?.t || state.info?.topic || ''} · Contracts`;
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
  if (!previous || JSON.stringify(previous) !== JSON.stringify(route) || !$('detail').hasChildNodes())
    renderDetail(detailActions);
}

/** Who is signed in, and the way out when there is a sign-in. */
function renderWho() {
  const who = $('who');
  const me = state.me;
  if (!me || !me.user) return;
  who.replaceChildren(
    h('span', { title: me.signIn === 'none' ? 'no sign-in: this machine only' : 'signed in' }, me.user.name),
    ' · ',
    h('span', { class: 'role', dataset: { role: me.user.role } }, me.user.role),
  );
  if (me.signIn !== 'none') {
    who.append(
      ' ',
      h(
        'form',
        { method: 'post', action: '/logout', class: 'inline' },
        h('button', { type: 'submit', class: 'link-button' }, 'Sign out'),
      ),
    );
  }
}

/** The line in the top bar naming the registry and the brokers. */
function renderConn() {
  const conn = $('conn');
  conn.replaceChildren();
  if (!state.info) return;
  conn.append('registry ', h('code', {}, state.info.registryUrl));
  if (state.info.brokers.length) conn.append(' · kafka ', h('code', {}, state.info.brokers.join(',')));
  conn.title = `registry ${state.info.registryUrl}\nkafka ${state.info.brokers.join(',')}\nconfig ${state.info.configFile || '(none)'}`;
}

/** @param {boolean} refresh  read the registry again rather than the server's kept list */
async function loadList(refresh) {
  state.listError = null;
  $('count').textContent = 'Reading the registry…';
  try {
    state.list = await api('/api/subjects', {}, refresh ? { refresh: '1' } : {});
  } catch (error) {
    state.list = null;
    state.listError = error;
  }
  applyFilter();
  if (!state.route.subject && state.route.view === 'subjects') renderDetail(detailActions);
}

export async function start() {
  const search = $('search');
  const help = $('help');
  search.addEventListener('input', applyFilter);
  search.addEventListener('search', applyFilter); // the box's own clear button
  $('filter-format').addEventListener('change', applyFilter);
  $('filter-level').addEventListener('change', applyFilter);
  $('refresh').addEventListener('click', () => loadList(true));
  $('list').addEventListener('scroll', () => renderList(), { passive: true });
  window.addEventListener('resize', () => renderList());
  $('help-button').addEventListener('click', () => (help.hidden = !help.hidden));
  $('help-close').addEventListener('click', () => (help.hidden = true));
  document.addEventListener('keydown', onKey);
  listenToRoutes(onRoute);
  try {
    state.me = await api('/api/me', {});
    if (!state.me.user) {
      location.assign(`/login?next=${encodeURIComponent(location.pathname + location.hash)}`);
      return;
    }
    renderWho();
    state.info = await api('/api/info', {});
    for (const level of state.info.levels) $('filter-level').append(h('option', { value: level }, level));
  } catch (error) {
    $('view-subjects').hidden = false;
    $('detail').replaceChildren(errorCard(error, () => location.reload()));
    return;
  }
  renderConn();
  onRoute();
  await loadList(false);
  if (state.route.view === 'subjects') onRoute();
}
