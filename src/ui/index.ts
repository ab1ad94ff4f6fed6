/**
 * The contracts web UI: subjects, versions, references, diffs with the offline checker's verdict,
 * the generated TypeScript of a version and a live decoded tail, over any Confluent-compatible
 * registry and the Kafka cluster; sign-in, roles and an operator's actions (access.ts, audit.ts).
 */
export {
  buildUiApp,
  createUiServer,
  DEFAULT_UI_HOST,
  DEFAULT_UI_PORT,
  type UiServer,
  type UiServerOptions,
} from './server';
export { hashPassword, loadUsers, type UiRole, type UiUser } from './access';
export {
  checkOidcOptions,
  DEFAULT_OIDC_SCOPES,
  OIDC_SECRET_ENV,
  roleOf,
  type OidcOptions,
  type OidcSettings,
} from './oidc';
export type {
  LevelChange,
  Me,
  RouteParams,
  RouteQuery,
  TailEvents,
  TailStream,
  TypeScriptView,
  UiApiError,
  UiInfo,
  UiQueries,
  UiRoute,
  UiRoutes,
} from './api';
export { createCatalog, type Catalog, type SubjectList, type SubjectSummary, type VersionView } from './catalog';
export {
  createComparer,
  sideBySide,
  type CompareRequest,
  type DiffRow,
  type DiffView,
  type FindingView,
} from './compare';
export { renderTypeScript } from './typescript';
export { runLiveTail, type LiveTailStatus } from './live-tail';
