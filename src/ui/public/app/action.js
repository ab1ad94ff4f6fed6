// @ts-check
// An operator's action in a dialog of its own (outside the views that redraw every few seconds):
// the form, then *Preview* (the server's dry run: exactly what would change), then *Apply*, which
// sends the body that was previewed, unchanged (the form is locked while the preview shows). The
// server checks the role and writes the audit log whatever the page does.
import { ApiError, send } from './api.js';
import { h } from './dom.js';
import { go } from './route.js';
import { state } from './state.js';

/** Whether the signed-in user may act (the server checks it again on every request). */
export function isOperator() {
  return state.me?.user?.role === 'operator';
}

/**
 * @template T
 * @typedef {object} ActionSpec
 * @property {string} id  the dialog's data-action (tests and styles find it by this)
 * @property {string} title
 * @property {string} path  the POST route, already encoded
 * @property {(Node | string | null)[]} fields  the form's controls
 * @property {() => Record<string, unknown>} body  the request body the fields make (without dryRun)
 * @property {(answer: T, dryRun: boolean) => Node} describe  what the answer says will change, or changed
 * @property {(answer: T) => boolean} [changes]  false: the preview changes nothing, no Apply
 * @property {(answer: T, body: Record<string, unknown>) => Record<string, unknown>} [applyBody]  what Apply
 *   sends when it is more than the previewed body (the event as the dry run filled it, so the same one is sent)
 */

/**
 * Opens the action's dialog.
 * @template T
 * @param {ActionSpec<T>} spec
 */
export function openAction(spec) {
  document.querySelector('.action-dialog')?.remove();
  const form = h(
    'form',
    { class: 'action-form', onsubmit: (e) => (e.preventDefault(), void preview()) },
    ...spec.fields,
  );
  const out = h('div', { class: 'action-out', 'aria-live': 'polite' });
  const buttons = h('div', { class: 'action-buttons' });
  const close = () => {
    dialog.remove();
    window.removeEventListener('hashchange', close);
  };
  // leaving the view leaves the action
  window.addEventListener('hashchange', close);
  const dialog = h(
    'div',
    {
      class: 'action-dialog',
      role: 'dialog',
      'aria-modal': 'true',
      'aria-label': spec.title,
      dataset: { action: spec.id },
    },
    h('div', { class: 'action-card' }, h('h2', {}, spec.title), form, out, buttons),
  );
  const cancel = () =>
    h('button', { type: 'button', class: 'link-button', dataset: { step: 'cancel' }, onclick: close }, 'Cancel');
  /** @param {boolean} locked */
  const lock = (locked) =>
    form.querySelectorAll('input, select, textarea').forEach((el) => {
      /** @type {HTMLInputElement} */ (el).disabled = locked;
    });
  const editing = () => {
    lock(false);
    out.replaceChildren();
    buttons.replaceChildren(
      h('button', { type: 'button', dataset: { step: 'preview' }, onclick: () => void preview() }, 'Preview'),
      ' ',
      cancel(),
    );
  };
  /** @param {unknown} error */
  const failed = (error) => {
    const e = error instanceof ApiError ? error.body : { code: 'ERROR', message: String(error), hint: undefined };
    out.replaceChildren(
      h(
        'div',
        { class: 'action-error', role: 'alert', dataset: { errorCode: e.code } },
        h('strong', {}, e.code),
        ' ',
        e.message,
        e.hint ? h('p', { class: 'hint' }, 'Fix: ', e.hint) : null,
      ),
    );
  };
  const preview = async () => {
    let body;
    try {
      body = spec.body();
    } catch (error) {
      failed(error);
      return;
    }
    lock(true);
    out.replaceChildren(h('div', { class: 'loading' }, 'Dry run…'));
    try {
      /** @type {T} */
      const answer = await send(spec.path, { ...body, dryRun: true });
      const changes = spec.changes ? spec.changes(answer) : true;
      out.replaceChildren(
        h(
          'div',
          { class: 'action-preview', dataset: { changes: String(changes) } },
          h('p', { class: 'note' }, 'Dry run: nothing changed yet.'),
          spec.describe(answer, true),
        ),
      );
      buttons.replaceChildren(
        changes
          ? h(
              'button',
              {
                type: 'button',
                class: 'danger',
                dataset: { step: 'apply' },
                onclick: () => void apply(spec.applyBody ? spec.applyBody(answer, body) : body),
              },
              'Apply',
            )
          : '',
        ' ',
        h('button', { type: 'button', class: 'link-button', dataset: { step: 'back' }, onclick: editing }, 'Back'),
        ' ',
        cancel(),
      );
    } catch (error) {
      lock(false);
      failed(error);
    }
  };
  /** @param {Record<string, unknown>} body  exactly what was previewed */
  const apply = async (body) => {
    buttons.replaceChildren();
    out.append(h('div', { class: 'loading' }, 'Applying…'));
    try {
      /** @type {T} */
      const answer = await send(spec.path, { ...body, dryRun: false });
      out.replaceChildren(
        h(
          'div',
          { class: 'action-result', role: 'status' },
          h('p', { class: 'note' }, 'Applied.'),
          spec.describe(answer, false),
        ),
      );
      buttons.replaceChildren(h('button', { type: 'button', dataset: { step: 'done' }, onclick: close }, 'Done'));
      go({}); // the view shows what changed
    } catch (error) {
      failed(error);
      buttons.replaceChildren(
        h('button', { type: 'button', class: 'link-button', dataset: { step: 'back' }, onclick: editing }, 'Back'),
        ' ',
        cancel(),
      );
    }
  };
  dialog.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') close();
    e.stopPropagation(); // the page's shortcuts stay out of the form
  });
  editing();
  document.body.append(dialog);
  /** @type {HTMLElement | null} */ (form.querySelector('input, select, textarea'))?.focus();
}

/**
 * A labelled control of an action's form.
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string} [note]
 */
export function field(label, control, note) {
  return h(
    'label',
    { class: 'action-field' },
    h('span', {}, label),
    control,
    note ? h('small', { class: 'note' }, note) : null,
  );
}
