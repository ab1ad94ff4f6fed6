/**
 * The registry client over HTTP (Node's fetch), for Confluent Schema Registry and Apicurio 3's
 * ccompat API (`http://host:8080/apis/ccompat/v7`). Every failure is a RegistryError naming the URL
 * (never the credentials), the HTTP status and the registry's error code.
 *
 * Caching follows what is immutable: a schema by ID never changes, nor does a numbered version of
 * a subject, nor the ID of a schema in a subject once resolved; so after warm-up a producer or
 * consumer makes no registry calls per message. Concurrent calls for the same key share one request.
 */
import { readFileSync } from 'node:fs';
import type { CompatibilityLevel } from '../config';
import { COMPATIBILITY_LEVELS } from '../config';
import { DEFAULT_SCHEMA_TYPE } from '../formats';
import { RegistryConfigError, RegistryError } from '../errors';
import { isMissingRoute, RegistryCapabilities } from './capabilities';
import { REGISTRY_ERROR_CODES } from './error-codes';
import type {
  CompatibilityResult,
  CompatibilityTestOptions,
  RegistryRequestInfo,
  SchemaInput,
  SchemaReference,
  SchemaRegistryClient,
  SchemaType,
  StoredSchema,
  SubjectVersion,
} from './types';

export type RegistryAuth = { username: string; password: string } | { token: string };

export interface HttpRegistryOptions {
  /** Base URL; for Apicurio the ccompat root, e.g. `http://localhost:8080/apis/ccompat/v7`. */
  url: string;
  /** Basic (`username`/`password`) or bearer (`token`) auth. `user:pass@` in the URL works too. */
  auth?: RegistryAuth;
  /** Timeout of each HTTP request (each attempt); a timeout is a retriable RegistryError. Default 10 s. */
  timeoutMs?: number;
  /**
   * Attempts of a request whose connection the server closed or reset before answering (an idle
   * keep-alive connection it had closed: uvicorn does after 5 s). Only idempotent requests are
   * sent again; a registration is first looked up. Default 3.
   */
  connectionAttempts?: number;
  /** Called before each HTTP request: count calls in tests and benchmarks. */
  onRequest?: (request: RegistryRequestInfo) => void;
  /** Extra headers for every request (proxies, tenancy). */
  headers?: Record<string, string>;
}

/** Environment variables read by `registryOptionsFromEnv` and `registryAuthFromEnv`. */
export const REGISTRY_ENV = {
  URL: 'SCHEMA_REGISTRY_URL',
  /** `username:password` for basic auth. */
  AUTH: 'SCHEMA_REGISTRY_AUTH',
  /** A file holding `username:password` (a mounted secret); used when AUTH is not set. */
  AUTH_FILE: 'SCHEMA_REGISTRY_AUTH_FILE',
  /** A bearer token; used when neither of the above is set. */
  TOKEN: 'SCHEMA_REGISTRY_TOKEN',
  /** A file holding a bearer token. */
  TOKEN_FILE: 'SCHEMA_REGISTRY_TOKEN_FILE',
} as const;

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export function createSchemaRegistryClient(options: HttpRegistryOptions): SchemaRegistryClient {
  return new HttpSchemaRegistryClient(options);
}

/** Options from SCHEMA_REGISTRY_URL and the credentials of `registryAuthFromEnv`; undefined without a URL. */
export function registryOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): HttpRegistryOptions | undefined {
  const url = env[REGISTRY_ENV.URL];
  if (!url) return undefined;
  return { url, auth: registryAuthFromEnv(env) };
}

/**
 * Credentials from the environment, never from a command line (which any user of the machine can
 * read): SCHEMA_REGISTRY_AUTH (`user:password`), SCHEMA_REGISTRY_AUTH_FILE (a file holding it, as a
 * mounted secret), SCHEMA_REGISTRY_TOKEN or SCHEMA_REGISTRY_TOKEN_FILE (a bearer token), in that order.
 */
export function registryAuthFromEnv(env: NodeJS.ProcessEnv = process.env): RegistryAuth | undefined {
  const fromFile = (name: string): string | undefined => {
    const file = env[name];
    if (!file) return undefined;
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new RegistryConfigError(
        `${name} names ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        `point ${name} at a readable file holding the credentials`,
      );
    }
  };
  const basic = env[REGISTRY_ENV.AUTH] || fromFile(REGISTRY_ENV.AUTH_FILE);
  if (basic) {
    const colon = basic.indexOf(':');
    if (colon <= 0) {
      // never echo the value: it may be a secret
      throw new RegistryConfigError(
        `${env[REGISTRY_ENV.AUTH] ? REGISTRY_ENV.AUTH : REGISTRY_ENV.AUTH_FILE} must be username:password (the value set has ${colon < 0 ? 'no ":"' : 'no username before ":"'})`,
        `set ${REGISTRY_ENV.AUTH}=user:password (or ${REGISTRY_ENV.AUTH_FILE}=<file>) for basic auth, or ${REGISTRY_ENV.TOKEN} for a bearer token`,
      );
    }
    return { username: basic.slice(0, colon), password: basic.slice(colon + 1) };
  }
  const token = env[REGISTRY_ENV.TOKEN] || fromFile(REGISTRY_ENV.TOKEN_FILE);
  return token ? { token } : undefined;
}

/** True when a registry URL carries a password in it (`https://user:secret@host`). */
export function urlHasPassword(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*:[^@]*@/i.test(url);
}

class HttpSchemaRegistryClient implements SchemaRegistryClient {
  readonly url: string;
  readonly capabilities = new RegistryCapabilities();
  private readonly connectionAttempts: number;
  private requests = 0;
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;
  private readonly onRequest: ((request: RegistryRequestInfo) => void) | undefined;
  private readonly extraHeaders: Record<string, string>;
  private readonly byId = new Map<number, Promise<StoredSchema>>();
  private readonly bySchema = new Map<string, Promise<SubjectVersion>>();
  private readonly registered = new Map<string, Promise<{ id: number }>>();
  private readonly versions = new Map<string, Promise<SubjectVersion>>();

  constructor(options: HttpRegistryOptions) {
    const parsed = safeParseUrl(options.url);
    let auth = options.auth;
    if (parsed.username && !auth) {
      auth = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
    }
    parsed.username = '';
    parsed.password = '';
    this.url = parsed.toString().replace(/\/+$/, '');
    this.authorization = !auth
      ? undefined
      : 'token' in auth
        ? `Bearer ${auth.token}`
        : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.connectionAttempts = Math.max(1, options.connectionAttempts ?? 3);
    this.onRequest = options.onRequest;
    this.extraHeaders = options.headers ?? {};
  }

  get requestCount(): number {
    return this.requests;
  }

  register(subject: string, schema: SchemaInput): Promise<{ id: number }> {
    return memo(this.registered, schemaKey(subject, schema), async () => {
      const send = () =>
        this.request<{ id: number }>('POST', `/subjects/${enc(subject)}/versions`, requestBody(schema), {
          idempotent: false,
        });
      try {
        return { id: (await send()).id };
      } catch (error) {
        if (!isClosedConnection(error)) throw error;
        // The request may have been registered before the connection closed: ask (a read) before
        // sending it again, as it is never sent twice blindly.
        try {
          return { id: (await this.lookup(subject, schema)).id };
        } catch (lookupError) {
          if (!(lookupError instanceof RegistryError && lookupError.status === 404)) throw lookupError;
        }
        return { id: (await send()).id };
      }
    });
  }

  lookup(subject: string, schema: SchemaInput): Promise<SubjectVersion> {
    return memo(this.bySchema, schemaKey(subject, schema), async () => {
      const body = await this.request<RawSubjectVersion>('POST', `/subjects/${enc(subject)}`, requestBody(schema), {
        idempotent: true,
      });
      return toSubjectVersion(body, subject, schema);
    });
  }

  getSchemaById(id: number): Promise<StoredSchema> {
    return memo(this.byId, id, async () => {
      const body = await this.request<RawSchema>('GET', `/schemas/ids/${id}`);
      return toStoredSchema(body);
    });
  }

  async getSubjectVersionsById(id: number): Promise<Array<{ subject: string; version: number }>> {
    const body = await this.request<Array<{ subject: string; version: number }>>('GET', `/schemas/ids/${id}/versions`);
    return body.map((v) => ({ subject: v.subject, version: Number(v.version) }));
  }

  getSubjectVersion(subject: string, version: number | 'latest'): Promise<SubjectVersion> {
    const load = async () => {
      const body = await this.request<RawSubjectVersion>('GET', `/subjects/${enc(subject)}/versions/${version}`);
      return toSubjectVersion(body, subject);
    };
    // `latest` moves; a numbered version does not
    return version === 'latest' ? load() : memo(this.versions, `${subject}\u0000${version}`, load);
  }

  listSubjects(): Promise<string[]> {
    return this.request<string[]>('GET', '/subjects');
  }

  async listVersions(subject: string): Promise<number[]> {
    const body = await this.request<Array<number | string>>('GET', `/subjects/${enc(subject)}/versions`);
    return body.map(Number);
  }

  async getCompatibility(subject?: string): Promise<CompatibilityLevel | null> {
    const path = subject === undefined ? '/config' : `/config/${enc(subject)}`;
    const read = async (query = '') => {
      const body = await this.request<{ compatibilityLevel?: string; compatibility?: string }>('GET', path + query);
      return toLevel(body.compatibilityLevel ?? body.compatibility, this.url + path);
    };
    let own: CompatibilityLevel | null;
    try {
      own = await read();
    } catch (error) {
      // Confluent and Karapace: 40408 "subject has no subject-level compatibility"; 40401 for a subject without versions
      if (subject !== undefined && error instanceof RegistryError && error.status === 404) return null;
      throw error;
    }
    if (subject === undefined || own !== 'NONE') return own;
    // Apicurio answers NONE for a subject without a level of its own (and applies the global level);
    // Confluent's defaultToGlobal tells the two apart: it stays NONE only for a subject-level NONE.
    const effective = await read('?defaultToGlobal=true');
    if (effective === 'NONE') return own;
    this.capabilities.fallback(
      'subject-level-unset',
      new RegistryError(
        this.url + path,
        200,
        undefined,
        `GET ${path} answered NONE, ?defaultToGlobal=true ${effective}`,
      ),
    );
    return null;
  }

  async setCompatibility(level: CompatibilityLevel, subject?: string): Promise<CompatibilityLevel> {
    const path = subject === undefined ? '/config' : `/config/${enc(subject)}`;
    const put = () =>
      this.request<{ compatibility?: string; compatibilityLevel?: string }>('PUT', path, { compatibility: level });
    let body;
    try {
      body = await put();
    } catch (error) {
      // Apicurio creates a subject's rule on its first PUT: two clients setting the level at once
      // (two services deploying, two test files) race, and one gets 409 "A rule named
      // 'COMPATIBILITY' already exists". The rule is there now, so the same PUT updates it.
      if (!(error instanceof RegistryError && error.status === 409)) throw error;
      body = await put();
    }
    return toLevel(body.compatibility ?? body.compatibilityLevel ?? level, this.url + path) ?? level;
  }

  async testCompatibility(
    subject: string,
    schema: SchemaInput,
    options: CompatibilityTestOptions = {},
  ): Promise<CompatibilityResult> {
    const against = options.against ?? 'latest';
    if (against === 'latest') return this.testAgainstLatest(subject, schema);
    if (against !== 'all') return this.testAgainst(subject, schema, `/versions/${against}`);
    if (!this.capabilities.usesFallback('compatibility-all-versions')) {
      try {
        const result = await this.testAgainst(subject, schema, '/versions');
        this.capabilities.supported('compatibility-all-versions');
        return result;
      } catch (error) {
        if (isSubjectNotFound(error)) return { isCompatible: true, messages: [] };
        if (!isMissingRoute(error)) throw error;
        this.capabilities.fallback('compatibility-all-versions', error);
      }
    }
    return this.testEachVersion(subject, schema);
  }

  /**
   * The latest of a subject without versions has nothing to conflict with: Confluent and Apicurio
   * answer compatible, Karapace 404 40402 ("Version -1 not found"); every registry gets Confluent's answer.
   */
  private async testAgainstLatest(subject: string, schema: SchemaInput): Promise<CompatibilityResult> {
    try {
      return await this.testAgainst(subject, schema, '/versions/latest');
    } catch (error) {
      if (
        error instanceof RegistryError &&
        error.status === 404 &&
        error.registryCode === REGISTRY_ERROR_CODES.VERSION_NOT_FOUND
      ) {
        return { isCompatible: true, messages: [] };
      }
      throw error;
    }
  }

  /**
   * Without the all-versions route, one test per version, as Confluent's clients do with
   * `…/versions/{v}` (Karapace checks every version there at a transitive level anyway).
   * A subject without versions is compatible, as Confluent answers for `…/versions`.
   */
  private async testEachVersion(subject: string, schema: SchemaInput): Promise<CompatibilityResult> {
    let versions: number[];
    try {
      versions = await this.listVersions(subject);
    } catch (error) {
      if (error instanceof RegistryError && error.status === 404) return { isCompatible: true, messages: [] };
      throw error;
    }
    const messages: string[] = [];
    // Karapace's `…/versions/{v}` checks every version at a transitive level: its answer for v2
    // repeats v1's findings, which are listed once, under the first version that had them
    const seen = new Set<string>();
    let isCompatible = true;
    for (const version of versions) {
      const result = await this.testAgainst(subject, schema, `/versions/${version}`);
      if (result.isCompatible) continue;
      isCompatible = false;
      for (const message of result.messages) {
        if (seen.has(message)) continue;
        seen.add(message);
        messages.push(`version ${version}: ${message}`);
      }
    }
    return { isCompatible, messages };
  }

  private async testAgainst(subject: string, schema: SchemaInput, versions: string): Promise<CompatibilityResult> {
    const body = await this.request<{ is_compatible: boolean; messages?: string[] }>(
      'POST',
      `/compatibility/subjects/${enc(subject)}${versions}?verbose=true`,
      requestBody(schema),
      { idempotent: true },
    );
    return { isCompatible: body.is_compatible === true, messages: (body.messages ?? []).map(String) };
  }

  /**
   * One request, sent again (up to `connectionAttempts`) when the connection closed or reset
   * before an answer, if it is idempotent: GET, PUT, DELETE and the POSTs that only read
   * (lookup, compatibility tests). Each attempt has its own timeout.
   */
  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    options: { idempotent?: boolean } = {},
  ): Promise<T> {
    const idempotent = options.idempotent ?? method !== 'POST';
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.send<T>(method, path, body);
      } catch (error) {
        if (!idempotent || attempt >= this.connectionAttempts || !isClosedConnection(error)) throw error;
      }
    }
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    this.requests += 1;
    this.onRequest?.({ method, path });
    const url = this.url + path;
    const headers: Record<string, string> = { Accept: `${CONTENT_TYPE}, application/json`, ...this.extraHeaders };
    if (body !== undefined) headers['Content-Type'] = CONTENT_TYPE;
    if (this.authorization) headers.Authorization = this.authorization;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      // duck-typed: fetch's errors may come from another realm (test runners' VMs)
      const reason =
        (cause as { name?: unknown } | null)?.name === 'TimeoutError'
          ? `no answer within ${this.timeoutMs} ms`
          : describeNetworkError(cause);
      throw new RegistryError(url, undefined, undefined, `schema registry ${method} ${url} failed: ${reason}`, {
        retriable: true,
        cause,
        hint: `check that the registry runs at ${this.url} (${REGISTRY_ENV.URL})`,
      });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) throw httpError(method, url, response.status, text);
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw new RegistryError(
        url,
        response.status,
        undefined,
        `schema registry ${method} ${url} answered with non-JSON: ${text.slice(0, 200)}`,
        {
          cause,
          hint: `check that ${REGISTRY_ENV.URL} points at the Confluent-compatible API (for Apicurio: /apis/ccompat/v7)`,
        },
      );
    }
  }
}

type RawSchema = {
  schema: string;
  schemaType?: string;
  references?: Array<{ name: string; subject: string; version: number | string }>;
};
type RawSubjectVersion = RawSchema & { subject?: string; version: number | string; id: number };

function requestBody(schema: SchemaInput): Record<string, unknown> {
  const body: Record<string, unknown> = { schema: schema.schema };
  // Confluent's default is AVRO; leaving it out keeps the request identical to Confluent's serializers
  if (schema.schemaType && schema.schemaType !== DEFAULT_SCHEMA_TYPE) body.schemaType = schema.schemaType;
  if (schema.references && schema.references.length > 0) body.references = schema.references;
  return body;
}

function toStoredSchema(raw: RawSchema): StoredSchema {
  return {
    schema: raw.schema,
    schemaType: (raw.schemaType as SchemaType | undefined) ?? DEFAULT_SCHEMA_TYPE,
    references: (raw.references ?? []).map((r) => ({ name: r.name, subject: r.subject, version: Number(r.version) })),
  };
}

function toSubjectVersion(raw: RawSubjectVersion, subject: string, input?: SchemaInput): SubjectVersion {
  const stored = toStoredSchema({
    schema: raw.schema ?? input?.schema ?? '',
    schemaType: raw.schemaType ?? input?.schemaType,
    references: raw.references ?? input?.references,
  });
  return { ...stored, subject: raw.subject ?? subject, version: Number(raw.version), id: Number(raw.id) };
}

function toLevel(value: string | undefined, url: string): CompatibilityLevel | null {
  if (value === undefined) return null;
  if ((COMPATIBILITY_LEVELS as readonly string[]).includes(value)) return value as CompatibilityLevel;
  throw new RegistryError(
    url,
    200,
    undefined,
    `schema registry ${url} answered an unknown compatibility level "${value}"`,
  );
}

function httpError(method: string, url: string, status: number, text: string): RegistryError {
  let registryCode: number | undefined;
  let detail = text.slice(0, 500);
  try {
    const body = JSON.parse(text) as { error_code?: number; message?: string };
    if (typeof body.error_code === 'number') registryCode = body.error_code;
    if (typeof body.message === 'string') detail = body.message;
  } catch {
    // not JSON: keep the text
  }
  const retriable = status >= 500 || status === 429 || status === 408;
  const hint =
    status === 401 || status === 403
      ? `check the registry credentials (${REGISTRY_ENV.AUTH}=user:password or ${REGISTRY_ENV.TOKEN})`
      : status === 404 && registryCode === undefined
        ? `${url} answered 404 without a registry error code: is it the Confluent-compatible API? Apicurio serves it under /apis/ccompat/v7 (${new URL(url).origin}/apis/ccompat/v7), Confluent and Karapace at the root`
        : undefined;
  return new RegistryError(
    url,
    status,
    registryCode,
    `schema registry ${method} ${url} answered ${status}${registryCode !== undefined ? ` (error code ${registryCode})` : ''}: ${detail}`,
    { retriable, hint },
  );
}

/** Network codes of a connection the server closed or reset (undici: "other side closed"). */
const CLOSED_CONNECTION_CODES = new Set(['UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNRESET', 'EPIPE']);

/** The connection closed before an answer: no HTTP status, and the network error says so. */
function isClosedConnection(error: unknown): boolean {
  if (!(error instanceof RegistryError) || error.status !== undefined) return false;
  const inner = (error.cause as { cause?: { code?: string } } | undefined)?.cause;
  return inner?.code !== undefined && CLOSED_CONNECTION_CODES.has(inner.code);
}

function describeNetworkError(cause: unknown): string {
  if (typeof cause !== 'object' || cause === null || typeof (cause as { message?: unknown }).message !== 'string')
    return String(cause);
  const inner = (cause as { cause?: { code?: string; message?: string } }).cause;
  const message = (cause as { message: string }).message;
  if (inner?.code) return `${inner.code} ${inner.message ?? ''}`.trim();
  // undici's "fetch failed" alone says nothing; its cause does (e.g. "bad port")
  return inner?.message ? `${message}: ${inner.message}` : message;
}

const URL_HINT = `set ${REGISTRY_ENV.URL} (or --registry) to e.g. http://localhost:8081 (Confluent, Karapace) or http://localhost:8080/apis/ccompat/v7 (Apicurio); credentials go in ${REGISTRY_ENV.AUTH} or ${REGISTRY_ENV.AUTH_FILE}, not in the URL (a password with / or @ in it breaks the URL)`;

function safeParseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RegistryConfigError(`the schema registry URL "${redactUrl(url)}" is not a URL`, URL_HINT);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new RegistryConfigError(`the schema registry URL "${redactUrl(url)}" is not http(s)`, URL_HINT);
  }
  return parsed;
}

/**
 * The URL as a user typed it, without its credentials: everything between `//` and the last `@`
 * goes, whatever it holds (a password with `/` or `:` in it made the URL unparsable, and the old
 * pattern then printed it whole).
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^]*@/i, '$1***@');
}

function enc(subject: string): string {
  return encodeURIComponent(subject);
}

export function schemaKey(subject: string, schema: SchemaInput): string {
  return JSON.stringify([subject, schema.schemaType ?? DEFAULT_SCHEMA_TYPE, schema.schema, schema.references ?? []]);
}

/** Caches a promise under a key; a failure is forgotten so the next call tries again. */
function memo<K, V>(cache: Map<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
  const hit = cache.get(key);
  if (hit) return hit;
  const pending = load();
  cache.set(key, pending);
  pending.catch(() => cache.delete(key));
  return pending;
}

export type { SchemaReference };

/** Apicurio answers 40401 for every version of a subject it does not have; Confluent: compatible. */
function isSubjectNotFound(error: unknown): boolean {
  return (
    error instanceof RegistryError &&
    error.status === 404 &&
    error.registryCode === REGISTRY_ERROR_CODES.SUBJECT_NOT_FOUND
  );
}
