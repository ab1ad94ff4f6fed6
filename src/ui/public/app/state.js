// @ts-check
// What the page knows, shared by its views: one object, changed in place.
/** @import { Me, SubjectList, SubjectSummary, UiInfo } from '../../api' */
/** @import { Route } from './route.js' */

export const state = {
  /** @type {Me | null} who is signed in, and the token a change carries (`/api/me`) */
  me: null,
  /** @type {UiInfo | null} what the server is connected to (`/api/info`) */
  info: null,
  /** @type {SubjectList | null} */
  list: null,
  /** @type {unknown} why the list could not be read */
  listError: null,
  /** @type {SubjectSummary[]} the list after search and filters */
  filtered: [],
  /** index in `filtered` of the row the keyboard is on */
  selected: 0,
  /** @type {Route} */
  route: { view: 'subjects', subject: null, tab: 'schema', version: null, from: null, to: null, level: null },
  /** bumped by each detail render, so an older one that finishes late draws nothing */
  detailToken: 0,
  /** scroll the selected row into view at the next list render */
  reveal: false,
};
