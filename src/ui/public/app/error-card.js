// @ts-check
import { ApiError } from './api.js';
import { h } from './dom.js';
import { state } from './state.js';

/**
 * An error as an empty-state card: what happened, where, how to fix it.
 * @param {unknown} error
 * @param {() => void} [retry]
 */
export function errorCard(error, retry) {
  const message = error && typeof error === 'object' && 'message' in error && error.message ? error.message : error;
  /** @type {ApiError['body']} */
  const e = error instanceof ApiError ? error.body : { code: 'ERROR', message: String(message) };
  let title = 'Something went wrong';
  let lead = null;
  if (e.code === 'REGISTRY_UNREACHABLE') {
    title = 'Schema registry unreachable';
    lead = h(
      'p',
      {},
      'No answer from the registry at ',
      h('code', {}, e.registryUrl || (state.info && state.info.registryUrl) || '?'),
      '.',
    );
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
