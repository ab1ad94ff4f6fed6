/**
 * `contracts ui`: a web page over a Confluent-compatible registry and the Kafka cluster.
 *
 * One fastify app serves the page (src/ui/public: HTML, CSS and JavaScript modules, no build step),
 * a JSON API (typed in ./api) whose few writes are an operator's, each with a dry run and an entry
 * in the audit log, and Server-Sent Events for the live tail. Who may do what is ./access.ts. It
 * binds to 127.0.0.1 by default and then answers only requests addressed to a loopback name, so a
 * web page elsewhere cannot reach it through DNS rebinding; beyond loopback it will not start
 * without sign-in unless told so.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { extname, join, relative, sep } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { logLevel, type Kafka } from 'kafkajs';
import { COMPATIBILITY_LEVELS, type CompatibilityLevel, type ContractsConfig } from '../config';
import { ContractsError, RegistryError, isContractsError, UsageError } from '../errors';
import { brokersFrom, resolveKafka, type KafkaConnectionOptions } from '../kafka/client';
import { browseMessages, createOverviewReader, createTrendTracker, readDeadLetterView } from '../monitor';
import { createSchemaRegistryClient, registryOptionsFromEnv } from '../registry/http';
import { resolveRegistry, type RegistrySource } from '../registry/resolve';
import type { SchemaRegistryClient } from '../registry/types';
import { buildAsyncApiDocument, renderAsyncApi } from '../asyncapi';
import type { SubjectList } from './catalog';
import type { DraftCheckBody, RouteParams, RouteQuery, TailEvents, UiApiError, UiRoute, UiRoutes } from './api';
import { contractsOf, monitoredTopics, projectHints, topicOf } from './topics';
import { createCatalog, isNotFound } from './catalog';
import { createComparer } from './compare';
import { runLiveTail } from './live-tail';
import { createLocalSchemas } from './local';
import { renderTypeScript } from './typescript';
import { jsonReplacer } from '../json-text';
import { UiAccessError } from '../errors';
import { installAccess, loadUsers, safeNext, type SignInEvent, type UiAccessMode } from './access';
import { connectOidc, installOidcRoutes, type OidcOptions, type OidcSignIn } from './oidc';
import { installActions } from './actions';
import { createContractProducers } from '../actions';
import { createAuditLog } from './audit';

export const DEFAULT_UI_PORT = 8088;

const ROUTES = new WeakMap<FastifyInstance, Array<{ method: string; url: string }>>();
export const DEFAULT_UI_HOST = '127.0.0.1';

export interface UiServerOptions extends KafkaConnectionOptions {
  /** Default 8088; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. Any other address needs `users` or `oidc` (sign-in), or `insecureNoAuth`. */
  host?: string;
  /** A users file (names, roles, scrypt hashes): the page asks people to sign in. */
  users?: string;
  /** Sign-in at an OpenID Connect provider instead of a users file; the issuer is read before the UI starts. */
  oidc?: OidcOptions;
  /** Beyond loopback without sign-in: everyone may read, nobody may change anything. */
  insecureNoAuth?: boolean;
  /** Appends one JSON line per sign-in and action to this file (they are logged in any case). */
  auditLog?: string;
  /** Sessions end after this long without a request (default 30 min) and after maxAgeMs (default 8 h). */
  sessionIdleMs?: number;
  sessionMaxAgeMs?: number;
  /** The session cookie is `Secure` (the page is served over TLS, e.g. behind a proxy). */
  secureCookie?: boolean;
  /** Fields tagged with these (`confluent:tags` in the schema) are masked for viewers. Default `['PII']`. */
  maskTags?: readonly string[];
  /** Registry client, options or URL; default SCHEMA_REGISTRY_URL (+ SCHEMA_REGISTRY_AUTH / _TOKEN). */
  registry?: RegistrySource;
  /** The config whose schema files the page compares with the registry; without it there is no "local" side. */
  config?: ContractsConfig;
  /** Topic of the live tail; default the config's first topic, else `bookings`. */
  topic?: string;
  /** Its dead-letter topic; default the config's, else `<topic>.dlq`. */
  deadLetterTopic?: string;
  /** Field naming the event type; default the config's, else `eventType`. */
  discriminator?: string;
  /** Records of each partition shown when a tail opens, before new ones. Default 20. */
  recentPerPartition?: number;
  /** How long the subject list is reused. Default 10 s. */
  listTtlMs?: number;
  /** A group with lag whose commits have not moved for this long is shown as stalled. Default 60 s. */
  stallAfterMs?: number;
}

export interface UiServer {
  /** e.g. `http://127.0.0.1:8088` */
  url: string;
  /** Every route it serves, method and path (the tests ask each write to refuse a viewer). */
  routes: ReadonlyArray<{ method: string; url: string }>;
  close(): Promise<void>;
}

/** The page and its API as a fastify app, not listening: `inject()` it in tests, or `createUiServer`. */
export async function buildUiApp(options: UiServerOptions = {}): Promise<FastifyInstance> {
  const registry = uiRegistry(options.registry);
  const configTopic = options.config?.topics.find((t) => t.name === (options.topic ?? options.config?.topics[0]?.name));
  const topic = options.topic ?? configTopic?.name ?? 'bookings';
  const deadLetterTopic = options.deadLetterTopic ?? configTopic?.deadLetterTopic ?? `${topic}.dlq`;
  const discriminator = options.discriminator ?? configTopic?.discriminator ?? 'eventType';
  const host = options.host ?? DEFAULT_UI_HOST;
  const catalog = createCatalog({ registry, listTtlMs: options.listTtlMs });
  const local = createLocalSchemas(options.config);
  const comparer = createComparer({ registry, catalog, local });
  let kafka: Kafka | undefined;
  const kafkaClient = () =>
    (kafka ??= resolveKafka(
      {
        ...options,
        kafkaConfig: {
          logLevel: logLevel.NOTHING,
          connectionTimeout: 3000,
          retry: { retries: 2, initialRetryTime: 300 },
          ...options.kafkaConfig,
        },
      },
      'contracts-ui',
    ));
  const hints = projectHints(options.config);
  const stallAfterMs = options.stallAfterMs ?? 60_000;
  const trends = createTrendTracker({ stallAfterMs });
  let overviewReader: ReturnType<typeof createOverviewReader> | undefined;
  const overview = () => (overviewReader ??= createOverviewReader({ kafka: kafkaClient(), trends, cli: hints.cli }));
  const streams = new Set<{ abort: AbortController; reply: FastifyReply; done: Promise<void> }>();

  const { mode: accessMode, oidc } = await uiAccessMode(options, host);
  const maskTags = new Set(options.maskTags ?? ['PII']);
  /** A viewer sees tagged fields masked and no raw bytes; an operator sees what the topic holds. */
  const maskFor = (request: FastifyRequest) => (request.uiSession?.user.role === 'operator' ? undefined : maskTags);
  const audit = createAuditLog(options.auditLog);
  const recordSignIn = ({ user, role, ok, ip, reason }: SignInEvent) =>
    audit.record({
      user,
      role: role ?? '-',
      action: reason === 'signed out' ? 'sign-out' : 'sign-in',
      target: ip,
      dryRun: false,
      result: ok ? 'ok' : 'refused',
      ...(reason && reason !== 'signed out' ? { detail: reason } : {}),
    });
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const routes: Array<{ method: string; url: string }> = [];
  ROUTES.set(app, routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  });
  if (isLoopback(host)) {
    app.addHook('onRequest', async (request, reply) => {
      const name = hostName(request.headers.host ?? '');
      if (!['127.0.0.1', 'localhost', '::1', host].includes(name)) {
        await reply
          .code(403)
          .send(
            apiError(
              'FORBIDDEN_HOST',
              `this server answers requests to 127.0.0.1 or localhost, not ${name || 'no host'}`,
            ),
          );
      }
    });
  }
  const access = installAccess(app, {
    mode: accessMode,
    idleMs: options.sessionIdleMs,
    maxAgeMs: options.sessionMaxAgeMs,
    secureCookie: options.secureCookie,
    onSignIn: (event) => recordSignIn(event),
    // a change refused before its route ran (another site's Origin, no CSRF token, no session)
    onWriteRefused: ({ user, role, method, path, code }) =>
      audit.record({
        user: user ?? '-',
        role: role ?? '-',
        action: 'write',
        target: `${method} ${path}`,
        dryRun: false,
        result: 'refused',
        detail: `${code} (refused before the request's body was read)`,
      }),
  });
  if (oidc) {
    installOidcRoutes(app, oidc, {
      startSession: access.startSession,
      onSignIn: (event) => recordSignIn(event),
      safeNext,
      secureCookie: options.secureCookie ?? false,
    });
  }
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    // same-origin, not no-referrer: with no-referrer a browser sends `Origin: null` on the page's own
    // form posts, and the write check (access.ts) could not tell them from a forged one
    reply.header('Referrer-Policy', 'same-origin');
    reply.header(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
    );
    return payload;
  });
  // decoded values hold Buffers (Avro bytes/fixed): hex, as in the tail's events
  app.setReplySerializer((payload) => JSON.stringify(payload, jsonReplacer));
  app.setErrorHandler(async (error, _request, reply) => {
    const { status, body } = toHttpError(error, registry.url);
    await reply.code(status).send(body);
  });
  app.setNotFoundHandler(async (request, reply) => {
    const message =
      request.method === 'GET'
        ? `no such page or API route: ${request.url}`
        : `${request.method} ${request.url} is not served`;
    await reply.code(request.method === 'GET' ? 404 : 405).send(apiError('NOT_FOUND', message));
  });

  // The page's files are listed once, here (no path from a request touches the disk).
  // @fastify/static would do, but its ESM-only dependency cannot load under Jest on Node 20.
  const root = publicDir();
  const files: Record<string, { file: string; type: string }> = {
    '/': { file: 'index.html', type: CONTENT_TYPES['.html']! },
    ...pageFiles(root),
  };
  for (const [path, { file, type }] of Object.entries(files)) {
    app.get(path, async (_request, reply) => {
      // read on each request: cheap, and an edited file shows on reload
      await reply
        .type(type)
        .header('Cache-Control', 'no-cache')
        .send(readFileSync(join(root, file)));
    });
  }
  // the config as an AsyncAPI document (what `contracts asyncapi` writes), with the registry's schema IDs
  for (const format of ['yaml', 'json'] as const) {
    app.get(`/asyncapi.${format}`, async (_request, reply) => {
      if (!options.config) {
        return reply
          .code(404)
          .send(apiError('NOT_FOUND', 'no contracts config: start `contracts ui` beside contracts.config.json'));
      }
      const document = await asyncApiOf(options.config, registry);
      // text/plain shows YAML in the browser instead of downloading it
      return reply
        .type(format === 'json' ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8')
        .header('Content-Disposition', `inline; filename="asyncapi.${format}"`)
        .header('Cache-Control', 'no-cache')
        .send(renderAsyncApi(document, format));
    });
  }
  // read the subject list while the user opens the page
  app.addHook('onReady', async () => {
    catalog.listSubjects().catch(() => undefined);
  });
  app.addHook('onClose', async () => {
    access.clear();
    await overviewReader?.close();
    // end every live tail and wait for its consumer to leave the cluster
    const open = [...streams];
    for (const stream of open) stream.abort.abort();
    await Promise.all(open.map((stream) => stream.done));
  });

  /** A JSON route of ./api's `UiRoutes`: its path, params, query and answer checked against it. */
  const route = <R extends UiRoute>(
    path: R,
    handler: (request: FastifyRequest<{ Params: RouteParams<R>; Querystring: RouteQuery<R> }>) => Promise<UiRoutes[R]>,
  ) => app.get<{ Params: RouteParams<R>; Querystring: RouteQuery<R> }>(path, (request) => handler(request));

  // every route that changes something: an operator's, with a dry run and the audit log (actions.ts)
  const deadLetterTopicOf = (name: string) =>
    topicOf(options.config, name)?.deadLetterTopic ?? (name === topic ? deadLetterTopic : `${name}.dlq`);
  const producers = createContractProducers({ config: options.config, registry, kafka: kafkaClient });
  app.addHook('onClose', () => producers.close());
  installActions(app, { audit, registry, catalog, kafka: kafkaClient, deadLetterTopicOf, producers });

  route('/api/topics/:topic/form', async (request) => producers.form(request.params.topic));

  route('/api/info', async () => {
    let localSubjects: string[] = [];
    let localError: string | null = null;
    try {
      localSubjects = [...local.bySubject().keys()].sort();
    } catch (error) {
      localError = isContractsError(error) ? error.describe() : String(error);
    }
    return {
      registryUrl: registry.url,
      brokers: options.kafka ? [] : brokersFrom(options.brokers),
      topic,
      deadLetterTopic,
      configFile: options.config?.configFile ?? null,
      configTopics: options.config?.topics.map((t) => t.name) ?? [],
      localSubjects,
      localError,
      levels: COMPATIBILITY_LEVELS,
      hints,
    };
  });

  route('/api/subjects', async (request) => catalog.listSubjects({ refresh: request.query.refresh === '1' }));

  route('/api/subjects/:subject/versions/:version', async (request) =>
    catalog.getVersion(request.params.subject, parseVersion(request.params.version)),
  );

  route('/api/subjects/:subject/versions/:version/typescript', async (request) => {
    const { subject } = request.params;
    const stored = await catalog.getRaw(subject, parseVersion(request.params.version));
    return {
      subject,
      version: stored.version,
      id: stored.id,
      typescript: await renderTypeScript({ registry, subject, schema: stored }),
    };
  });

  route('/api/subjects/:subject/diff', async (request) => {
    const { from, to, level } = request.query;
    return comparer.compare({
      subject: request.params.subject,
      from: from === undefined ? 'latest' : parseVersion(from),
      to: to === 'local' ? 'local' : to === undefined ? 'latest' : parseVersion(to),
      level: level ? (level as CompatibilityLevel) : undefined,
    });
  });

  // a pasted draft judged as the subject's next version, at its level or one asked for: a POST for
  // the schema's length, but it changes nothing, so any role may (the access hook still checks the
  // Origin and the CSRF token, as for every POST)
  app.post<{ Params: { subject: string }; Body: Partial<DraftCheckBody> }>(
    '/api/subjects/:subject/draft',
    async (request) => {
      const { schema, from, level } = request.body ?? {};
      return comparer.compare({
        subject: request.params.subject,
        from: from ? parseVersion(from) : 'latest',
        to: 'draft',
        draft: schema,
        level: level ? (level as CompatibilityLevel) : undefined,
      });
    },
  );

  route('/api/overview', async (request) => {
    let list: SubjectList | undefined;
    let registryError: UiApiError['error'] | null = null;
    try {
      list = await catalog.listSubjects();
    } catch (error) {
      registryError = toHttpError(error, registry.url).body.error;
    }
    const localSubjects = (() => {
      try {
        return local.subjects();
      } catch {
        return [];
      }
    })();
    const topics = monitoredTopics(options.config, list);
    // every topic of the cluster; Kafka's internal ones when asked (`internal=1`)
    const read = await overview().read(topics, { cluster: true, internal: request.query.internal === '1' });
    return {
      ...read,
      topics: read.topics.map((t) => ({ ...t, contract: contractsOf(t.topic, list, localSubjects) })),
      registryError,
    };
  });

  route('/api/groups/:group', async (request) => {
    const found = await overview().group(request.params.group);
    if (!found)
      throw new UsageError(
        `no consumer group "${request.params.group}" on the cluster`,
        'the overview lists the groups',
      );
    return { ...found, stallAfterMs };
  });

  route('/api/topics/:topic/messages', async (request) => {
    const q = request.query;
    const number = (name: string, text: string | undefined) => {
      if (text === undefined || text === '') return undefined;
      const n = Number(text);
      if (!Number.isFinite(n)) throw new UsageError(`${name} must be a number, got "${text}"`);
      return n;
    };
    const time = q.time ? (/^\d+$/.test(q.time) ? Number(q.time) : Date.parse(q.time)) : undefined;
    if (time !== undefined && Number.isNaN(time))
      throw new UsageError(`"${q.time}" is not a time`, 'use ISO 8601 (2026-12-01T13:00:00Z) or ms since the epoch');
    return browseMessages(
      {
        kafka: kafkaClient(),
        registry,
        discriminator: topicOf(options.config, request.params.topic)?.discriminator ?? discriminator,
        mask: maskFor(request),
      },
      {
        topic: request.params.topic,
        partition: number('partition', q.partition),
        offset: q.offset || undefined,
        time,
        order: q.order === 'oldest' ? 'oldest' : 'newest',
        limit: number('limit', q.limit),
        key: q.key || undefined,
        eventType: q.eventType || undefined,
        version: number('version', q.version),
        path: q.path || undefined,
        value: q.value,
      },
    );
  });

  route('/api/topics/:topic/dead-letters', async (request) => {
    const { topic } = request.params;
    const configured = topicOf(options.config, topic);
    return readDeadLetterView({
      kafka: kafkaClient(),
      registry,
      topic,
      deadLetterTopic: deadLetterTopicOf(topic),
      discriminator: configured?.discriminator ?? discriminator,
      cli: hints.cli,
      group: request.query.group || undefined,
      reason: request.query.reason || undefined,
      mask: maskFor(request),
    });
  });

  // `?topic=<name>`: the page's topic switch (default the --topic one); `dlq` follows its dead-letter topic
  app.get<{ Params: { stream: string }; Querystring: { topic?: string } }>(
    '/api/tail/:stream',
    async (request, reply) => {
      const which = request.params.stream;
      if (which !== 'topic' && which !== 'dlq') {
        throw new UsageError(`unknown stream "${which}"`, 'use /api/tail/topic or /api/tail/dlq');
      }
      const followed = request.query.topic || topic;
      const name = which === 'dlq' ? deadLetterTopicOf(followed) : followed;
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        'X-Content-Type-Options': 'nosniff',
      });
      // the browser reconnects by itself 5 s after the stream ends (topic missing, Kafka down)
      raw.write('retry: 5000\n\n');
      const send = <E extends keyof TailEvents>(event: E, data: TailEvents[E]) => {
        if (!raw.writableEnded) raw.write(`event: ${event}\ndata: ${JSON.stringify(data, jsonReplacer)}\n\n`);
      };
      const abort = new AbortController();
      let finished!: () => void;
      const entry = { abort, reply, done: new Promise<void>((resolve) => (finished = resolve)) };
      streams.add(entry);
      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
      request.raw.on('close', () => abort.abort());
      try {
        await runLiveTail({
          kafka: kafkaClient(),
          registry,
          topic: name,
          discriminator: topicOf(options.config, followed)?.discriminator ?? discriminator,
          recentPerPartition: options.recentPerPartition ?? 20,
          signal: abort.signal,
          mask: maskFor(request),
          onStatus: (status) => send('status', status),
          onRecord: (record) => send('record', record),
        });
      } catch (error) {
        send('failure', toHttpError(error, registry.url).body.error);
      } finally {
        clearInterval(heartbeat);
        streams.delete(entry);
        raw.end();
        finished();
      }
    },
  );

  return app;
}

/** Starts the page; resolves once it listens. */
export async function createUiServer(options: UiServerOptions = {}): Promise<UiServer> {
  const app = await buildUiApp(options);
  const host = options.host ?? DEFAULT_UI_HOST;
  try {
    await app.listen({ port: options.port ?? DEFAULT_UI_PORT, host });
  } catch (cause) {
    await app.close().catch(() => undefined);
    const code = (cause as { code?: string }).code;
    throw new ContractsError(
      'USAGE',
      `contracts ui cannot listen on ${host}:${options.port ?? DEFAULT_UI_PORT}: ${code ?? String(cause)}`,
      {
        cause,
        hint: code === 'EADDRINUSE' ? 'another program uses the port; pass --port <n> (0 picks a free one)' : undefined,
      },
    );
  }
  const address = app.server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${shown}:${address.port}`, routes: ROUTES.get(app) ?? [], close: () => app.close() };
}

function uiRegistry(source: RegistrySource): SchemaRegistryClient {
  // a page should say "unreachable" within seconds, not after the client's 10 s default
  if (source === undefined) {
    const fromEnv = registryOptionsFromEnv();
    if (fromEnv) return createSchemaRegistryClient({ timeoutMs: 5000, ...fromEnv });
  }
  if (typeof source === 'string')
    return createSchemaRegistryClient({ ...registryOptionsFromEnv(), timeoutMs: 5000, url: source });
  return resolveRegistry(source);
}

function parseVersion(text: string): number | 'latest' {
  if (text === 'latest') return 'latest';
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`"${text}" is not a version`, 'use a version number (1, 2, …) or latest');
  return n;
}

function apiError(
  code: string,
  message: string,
  extra: Omit<UiApiError['error'], 'code' | 'message'> = {},
): UiApiError {
  return { error: { code, message, ...extra } };
}

/** The HTTP status and body the page gets for an error. */
export function toHttpError(error: unknown, registryUrl: string): { status: number; body: UiApiError } {
  if (error instanceof RegistryError) {
    const extra = { hint: error.hint, registryUrl, status: error.status };
    if (isNotFound(error)) return { status: 404, body: apiError('NOT_FOUND', error.message, extra) };
    return { status: 502, body: apiError(error.code, error.message, extra) };
  }
  if (isContractsError(error)) {
    const status =
      error.code === 'USAGE' || error.code === 'TOPIC_NOT_FOUND'
        ? 400
        : error.code === 'KAFKA'
          ? 502
          : error.code === 'GROUP_NOT_EMPTY'
            ? 409
            : 422;
    return { status, body: apiError(error.code, error.message, { hint: error.hint }) };
  }
  const fastifyError = error as { statusCode?: number; message?: string };
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    return { status: fastifyError.statusCode, body: apiError('BAD_REQUEST', fastifyError.message ?? 'bad request') };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    status: 500,
    body: apiError('INTERNAL', `internal error: ${message}`, {
      hint: 'this is a bug in the kit; please file an issue with this message',
    }),
  };
}

/** The document with schema IDs; without them when the registry cannot answer (the page still shows it). */
async function asyncApiOf(config: ContractsConfig, registry: SchemaRegistryClient) {
  try {
    return (await buildAsyncApiDocument(config, { registry })).document;
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    return (await buildAsyncApiDocument(config, { registryUrl: registry.url })).document;
  }
}

/** Who signs in, and the refusal to serve the network without sign-in unless told so. */
async function uiAccessMode(
  options: UiServerOptions,
  host: string,
): Promise<{ mode: UiAccessMode; oidc?: OidcSignIn }> {
  if (options.users && options.oidc)
    throw new UiAccessError(
      'UI_OIDC_INVALID',
      'both a users file and an OpenID Connect issuer were given',
      'give --users or --oidc-issuer, not both',
    );
  if (options.users) return { mode: { kind: 'users', users: loadUsers(options.users) } };
  if (options.oidc) return { mode: { kind: 'oidc' }, oidc: await connectOidc(options.oidc) };
  if (isLoopback(host)) return { mode: { kind: 'none', role: 'operator' } };
  if (options.insecureNoAuth) return { mode: { kind: 'none', role: 'viewer' } };
  throw new UiAccessError(
    'UI_AUTH_REQUIRED',
    `contracts ui bound to ${host} would let anyone on the network read the registry and the cluster without signing in`,
    'give it a users file (--users users.json; `contracts ui hash-password` makes the hashes) or an OpenID Connect provider (--oidc-issuer, --oidc-client-id), or --insecure-no-auth to serve it read-only to everyone',
  );
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function hostName(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(1, hostHeader.indexOf(']'));
  return hostHeader.replace(/:\d+$/, '');
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  // modules need a JavaScript type to run
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Every page file under `root` by its URL path (`/app.js`, `/app/main.js`); other files are not served. */
function pageFiles(root: string): Record<string, { file: string; type: string }> {
  const files: Record<string, { file: string; type: string }> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const type = CONTENT_TYPES[extname(entry.name)];
    if (!entry.isFile() || !type) continue;
    const file = relative(root, join(entry.parentPath, entry.name));
    files[`/${file.split(sep).join('/')}`] = { file, type };
  }
  return files;
}

/** src/ui/public next to this file (sources, or a dist/ that copied it), else the package's src/ui/public. */
function publicDir(): string {
  const candidates = [join(__dirname, 'public'), join(__dirname, '..', '..', '..', 'src', 'ui', 'public')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found) {
    throw new ContractsError('INTERNAL', `the UI's static files are missing (looked in ${candidates.join(', ')})`, {
      hint: 'reinstall the package; a build must copy src/ui/public next to the compiled src/ui',
    });
  }
  return found;
}
