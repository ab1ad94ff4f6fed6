// @ts-check
// The keyboard: `/` search, `j` `k` move, Enter open, `s` `d` `t` `r` tabs, `[` `]` versions,
// `o` `c` `m` `x` `g` `e` views, `?` help, Esc out (index.html's help lists the same).
import { $ } from './dom.js';
import { moveSelection, openSelected } from './list.js';
import { TABS, go } from './route.js';
import { state } from './state.js';

/**
 * Whether a key press goes to a form field rather than to the page.
 * @param {EventTarget | null} target
 * @returns {target is HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement}
 */
function typing(target) {
  return (
    target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement
  );
}

/** @param {number} delta */
function stepVersion(delta) {
  const chips = /** @type {HTMLButtonElement[]} */ ([...document.querySelectorAll('.versions .chip')]);
  const active = chips.findIndex((c) => c.classList.contains('active'));
  const next = chips[active + delta];
  if (next) next.click();
}

/** @param {KeyboardEvent} e */
export function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const help = $('help');
  const search = $('search', HTMLInputElement);
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
  if (e.target === search) {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      moveSelection(1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      moveSelection(-1);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      openSelected();
    }
    return;
  }
  if (typing(e.target)) return;
  const key = e.key;
  if (key === '?') {
    help.hidden = !help.hidden;
    return;
  }
  if (key === '/') {
    e.preventDefault();
    if (state.route.view !== 'subjects') go({ view: 'subjects' });
    search.focus();
    search.select();
    return;
  }
  if (key === 'g') return go({ view: 'subjects' });
  if (key === 'o') return go({ view: 'overview', q: {} });
  if (key === 'c') return go({ view: 'groups', q: {} });
  if (key === 'm') return go({ view: 'messages', q: {} });
  if (key === 'x') return go({ view: 'dead-letters', q: {} });
  if (key === 'e') return go({ view: 'tail' });
  if (state.route.view !== 'subjects') return;
  if (key === 'j' || key === 'ArrowDown') {
    e.preventDefault();
    moveSelection(1);
    return;
  }
  if (key === 'k' || key === 'ArrowUp') {
    e.preventDefault();
    moveSelection(-1);
    return;
  }
  if (key === 'Enter') {
    openSelected();
    return;
  }
  if (key === '[') return stepVersion(-1);
  if (key === ']') return stepVersion(1);
  const tab = TABS.find((t) => t.key === key);
  if (tab && state.route.subject) go({ tab: tab.id });
}
