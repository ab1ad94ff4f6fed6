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
import type { OffsetTarget, TopicForm } from '../actions';
import type { ReplayResult } from '../dlq/replay';
import type {
  ClusterOverview,
  CommitTimes,
  DeadLetterView,
  GroupState,
  LagTrend,
  MessagePage,
  TopicOverview,
} from '../monitor';

export type { CompatibilityLevel } from '../config';
export type { TailRecord } from '../tail';
export type { SubjectList, SubjectRef, SubjectSummary, VersionView } from './catalog';
export type { ChangeView, DiffLine, DiffRow, DiffSide, DiffView, FindingView } from './compare';
export type { LiveTailStatus } from './live-tail';
export type {
  ClusterOverview,
  CommitTimes,
  DeadLetterCount,
  DeadLetterRecord,
  DeadLetterView,
  GroupMember,
  GroupState,
  GroupSummary,
  LagTrend,
  MessagePage,
  PartitionLag,
  TopicGroup,
  TopicOverview,
} from '../monitor';
export type { BytesPreview } from '../wire/preview';
export type { JsonSchema } from '../formats/model';
export type { EventFormSchema, OffsetResetPlan, OffsetTarget, ProducedRecord, TopicForm } from '../actions';
export type { DeadLetterInfo } from '../dlq/headers';

/** What `GET /api/info` answers: what the page is connected to. */
export interface UiInfo {
  registryUrl: string;
  brokers: string[];
  topic: string;
  deadLetterTopic: string;
  configFile: string | null;
  /** The config's topics: the ones an operator can produce to (their contract is known). */
  configTopics: string[];
  /** Subjects the config's schema files would register (compare "local" with them). */
  localSubjects: string[];
  /** Why the local schema files could not be read, when they could not. */
  localError: string | null;
  levels: readonly CompatibilityLevel[];
  /** What to tell the user to run, for the project the UI runs in. */
  hints: ProjectHints;
}

/** Commands that fit the project the UI runs in: the kit's own repository, or a service's project. */
export interface ProjectHints {
  /** How the CLI is started there: `npx contracts`, or `npm run contracts --` in the kit's repository. */
  cli: string;
  /** How the contracts get registered and the topics created. */
  register: string;
  /** What puts events on the topic there, when the project has such a command (`npm start` in the kit's repository). */
  produce: string | null;
}

/** A subject of a topic's contract, as the overview shows it. */
export interface ContractRef {
  subject: string;
  /** False for a subject of the config not in the registry yet. */
  registered: boolean;
  format: string | null;
  versions: number;
  latestVersion: number | null;
  level: CompatibilityLevel | null;
  levelSource: 'subject' | 'global' | null;
}

/** What `GET /api/overview` answers: the cluster's topics with their contract, groups and dead letters. */
export interface OverviewView extends Omit<ClusterOverview, 'topics'> {
  topics: Array<TopicOverview & { contract: ContractRef[] }>;
  /** Why the registry's half is missing, when it could not be read (Kafka's half is still shown). */
  registryError: UiApiError['error'] | null;
}

/** What `GET /api/groups/:group` answers. */
export interface GroupView extends GroupState {
  /** Per topic the group reads: the lag's trend and whether it stopped committing. */
  trends: Record<string, LagTrend>;
  /** When it last committed per partition, from the broker's `__consumer_offsets`, or why that could not be read. */
  commits: CommitTimes;
  /** No commit movement with lag for this long counts as stalled. */
  stallAfterMs: number;
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

/** What `GET /api/me` answers: how people sign in, who this is, and the token a change carries. */
export interface Me {
  /** How people sign in: nobody does, a users file, or an OpenID Connect provider. */
  signIn: 'none' | 'users' | 'oidc';
  user: { name: string; role: 'viewer' | 'operator' } | null;
  /** Sent as the `X-Contracts-CSRF` header of every change. */
  csrf: string | null;
}

/** What `POST /api/subjects/:subject/level` (body `{ level, dryRun }`; dryRun by default) answers. */
export interface LevelChange {
  subject: string;
  from: CompatibilityLevel;
  /** Whether `from` was the subject's own level or the registry-wide one. */
  fromSource: 'subject' | 'global';
  to: CompatibilityLevel;
  dryRun: boolean;
  /** Whether applying it changes anything. */
  changes: boolean;
}

/** The body of `POST /api/groups/:group/offsets`: where the group's offsets on `topic` go (dryRun by default). */
export interface OffsetResetBody {
  topic: string;
  to: OffsetTarget['to'];
  /** For `to: 'offset'`. */
  offset?: string;
  /** For `to: 'timestamp'`: ISO 8601 or ms since the epoch. */
  timestamp?: string;
  /** Only these partitions; default all. */
  partitions?: number[];
  dryRun?: boolean;
}

/** The body of `POST /api/topics/:topic/dead-letters/replay` (dryRun by default). */
export interface ReplayBody {
  group: string;
  /** Only dead letters of this reason; default every reason of the group. */
  reason?: string;
  dryRun?: boolean;
}

/** What the replay answers: `replayDeadLetters`'s counts (with dryRun, what would be sent), and the selection. */
export interface ReplayAnswer extends ReplayResult {
  /** Where the copies go. */
  topic: string;
  group: string;
  reason: string | null;
  dryRun: boolean;
}

/** The body of `POST /api/subjects/:subject/draft` (any role: it changes nothing); it answers a `DiffView`. */
export interface DraftCheckBody {
  /** The draft's schema text, in the subject's format. */
  schema: string;
  /** The registered version shown beside it; default the latest (the verdict is the registry's either way). */
  from?: string;
  /** The level to judge at; default the subject's. */
  level?: string;
}

/** The body of `POST /api/topics/:topic/produce` (dryRun by default): the event as JSON. */
export interface ProduceBody {
  eventType: string;
  /** Auto fields may be left out; timestamps as ISO 8601 or ms, bytes as `0x…` hex. */
  payload: unknown;
  /** Overrides the contract's key field. */
  key?: string;
  dryRun?: boolean;
}

/** What `GET /api/subjects/:subject/versions/:version/typescript` answers. */
export interface TypeScriptView {
  subject: string;
  version: number;
  id: number;
  /** What `contracts generate` declares for the version (no config: no literal event types). */
  typescript: string;
}

/** Every JSON GET route and the body it answers with 200; any other status answers `UiApiError`. */
export interface UiRoutes {
  '/api/me': Me;
  '/api/info': UiInfo;
  '/api/subjects': SubjectList;
  '/api/subjects/:subject/versions/:version': VersionView;
  '/api/subjects/:subject/versions/:version/typescript': TypeScriptView;
  '/api/subjects/:subject/diff': DiffView;
  '/api/overview': OverviewView;
  '/api/groups/:group': GroupView;
  '/api/topics/:topic/messages': MessagePage;
  '/api/topics/:topic/dead-letters': DeadLetterView;
  /** The event types of a config topic with the JSON Schema the produce form is built from. */
  '/api/topics/:topic/form': TopicForm;
}

export type UiRoute = keyof UiRoutes;

/** The query strings the routes read; a route not named here reads none. */
export interface UiQueries {
  /** `refresh=1` reads the registry again instead of the kept list. */
  '/api/subjects': { refresh?: string };
  /** `from`: a version or `latest`; `to`: a version, `latest` or `local`; `level`: default the subject's. */
  '/api/subjects/:subject/diff': { from?: string; to?: string; level?: string };
  /** The window (partition, offset or time in ms, order) and the filters, evaluated on decoded events. */
  '/api/topics/:topic/messages': {
    partition?: string;
    offset?: string;
    time?: string;
    order?: string;
    limit?: string;
    key?: string;
    eventType?: string;
    version?: string;
    path?: string;
    value?: string;
  };
  '/api/topics/:topic/dead-letters': { group?: string; reason?: string };
  /** `internal=1`: Kafka's internal `__…` topics too. */
  '/api/overview': { internal?: string };
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
