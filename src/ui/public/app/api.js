// @ts-check
// The JSON API of `contracts ui`, typed by the server's own declaration of its routes (src/ui/api.ts).
/** @import { RouteParams, RouteQuery, UiApiError, UiRoute, UiRoutes } from '../../api' */
import { state } from './state.js';

export class ApiError extends Error {
  /**
   * @param {number} status  0 when the server did not answer
   * @param {Partial<UiApiError> | null} body  the server's error body, when it sent one
   */
  constructor(status, body) {
    super((body && body.error && body.error.message) || `HTTP ${status}`);
    this.status = status;
    /** @type {UiApiError['error']} */
    this.body = (body && body.error) || { code: 'HTTP', message: `HTTP ${status}` };
  }
}

/**
 * GET one of the server's routes: `api('/api/subjects/:subject/diff', { subject }, { from, to })`.
 * @template {UiRoute} R
 * @param {R} route
 * @param {RouteParams<R>} params  the `:name` segments, encoded here
 * @param {RouteQuery<R>} [query]  entries left undefined are not sent
 * @returns {Promise<UiRoutes[R]>}
 */
export async function api(route, params, query) {
  const values = /** @type {Record<string, string>} */ (params);
  let path = route.replace(/:(\w+)/g, (_, name) => encodeURIComponent(values[name] ?? ''));
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) search.set(name, String(value));
  const q = search.toString();
  if (q) path += `?${q}`;
  let response;
  try {
    response = await fetch(path, { headers: { Accept: 'application/json' } });
  } catch {
    throw new ApiError(0, {
      error: {
        code: 'UI_UNREACHABLE',
        message: 'the contracts ui server does not answer',
        hint: 'is `contracts ui` still running?',
      },
    });
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

/**
 * POST a change: `send('/api/subjects/x/level', { level, dryRun: true })`, with the session's CSRF
 * token (the server refuses a change without it). Answers the JSON body, or throws an ApiError.
 * @param {string} path  already encoded
 * @param {unknown} body
 * @returns {Promise<any>}
 */
export async function send(path, body) {
  let response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/json',
        'X-Contracts-CSRF': (state.me && state.me.csrf) || '',
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { error: { code: 'UI_UNREACHABLE', message: 'the contracts ui server does not answer' } });
  }
  const answer = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}
