/**
 * The JSON API of `contracts ui` as types: every route with the body it answers, the query it
 * reads, and the events of the live tail's streams. One declaration for both ends: the server's
 * handlers are checked against it (server.ts) and so is the page (src/ui/public, `// @ts-check`
 * modules that import these types in JSDoc; `npm run typecheck` runs tsconfig.ui.json).
 *
 * Type-only on purpose: the page reads it without a bundler, so nothing here may run.
 */
import type { CompatibilityLevel } from '../config';
import type { TailRecord } from '../tail';
import type { SubjectList, VersionView } from './catalog';
import type { DiffView } from './compare';
import type { LiveTailStatus } from './live-tail';

export type { CompatibilityLevel } from '../config';
export type { TailRecord } from '../tail';
export type { SubjectList, SubjectRef, SubjectSummary, VersionView } from './catalog';
export type { DiffLine, DiffRow, DiffSide, DiffView, FindingView } from './compare';
export type { LiveTailStatus } from './live-tail';

/** What `GET /api/info` answers: what the page is connected to. */
export interface UiInfo {
  registryUrl: string;
  brokers: string[];
  topic: string;
  deadLetterTopic: string;
  configFile: string | null;
  /** Subjects the config's schema files would register (compare "local" with them). */
  localSubjects: string[];
  /** Why the local schema files could not be read, when they could not. */
  localError: string | null;
  levels: readonly CompatibilityLevel[];
  readOnly: true;
}

/** The body of every answer that is not a 200. */
export interface UiApiError {
  error: {
    code: string;
    message: string;
    hint?: string;
    /** The registry the failure came from (never with credentials). */
    registryUrl?: string;
    /** The registry's HTTP status. */
    status?: number;
  };
}

/** What `GET /api/subjects/:subject/versions/:version/typescript` answers. */
export interface TypeScriptView {
  subject: string;
  version: number;
  id: number;
  /** What `contracts generate` declares for the version (no config: no literal event types). */
  typescript: string;
}

/** Every JSON route (all GET) and the body it answers with 200; any other status answers `UiApiError`. */
export interface UiRoutes {
  '/api/info': UiInfo;
  '/api/subjects': SubjectList;
  '/api/subjects/:subject/versions/:version': VersionView;
  '/api/subjects/:subject/versions/:version/typescript': TypeScriptView;
  '/api/subjects/:subject/diff': DiffView;
}

export type UiRoute = keyof UiRoutes;

/** The query strings the routes read; a route not named here reads none. */
export interface UiQueries {
  /** `refresh=1` reads the registry again instead of the kept list. */
  '/api/subjects': { refresh?: string };
  /** `from`: a version or `latest`; `to`: a version, `latest` or `local`; `level`: default the subject's. */
  '/api/subjects/:subject/diff': { from?: string; to?: string; level?: string };
}

export type RouteQuery<R extends UiRoute> = R extends keyof UiQueries ? UiQueries[R] : Record<never, never>;

/** The `:name` segments of a route path. */
type ParamNames<Path extends string> = Path extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : Path extends `${string}:${infer Name}`
    ? Name
    : never;

/** The path parameters of a route: `'/api/subjects/:subject/diff'` → `{ subject: string }`. */
export type RouteParams<R extends UiRoute> = { [Name in ParamNames<R>]: string };

/** The streams of `GET /api/tail/:stream`: the topic, or its dead-letter topic. */
export type TailStream = 'topic' | 'dlq';

/** The Server-Sent Events of a tail stream, by event name, with the JSON of their `data`. */
export interface TailEvents {
  status: LiveTailStatus;
  record: TailRecord;
  /** The tail stopped (Kafka unreachable, …); the browser reconnects after the stream's `retry`. */
  failure: UiApiError['error'];
}
