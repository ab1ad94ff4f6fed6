/**
 * Who may use `contracts ui`, and how a write is told from a forged one.
 *
 * - **No sign-in** (the default, on loopback): a personal tool; the one user is `local`, an
 *   operator, as the CLI beside it is.
 * - **A users file** (`--users`): names, roles and scrypt password hashes (`contracts ui
 *   hash-password` makes one); a sign-in form; sessions in memory that end after `idleMs` without
 *   a request and `maxAgeMs` in all, in an HttpOnly, SameSite=Strict cookie.
 * - **OpenID Connect** (`--oidc-issuer`, oidc.ts): the provider's sign-in, a role from a claim;
 *   the session that follows is the one above (this file starts it for oidc.ts).
 * - Bound beyond loopback, the UI refuses to start without a users file or OpenID Connect unless
 *   told `--insecure-no-auth`; then everyone is a `viewer` (read-only), never an operator.
 *
 * Roles: `viewer` reads; `operator` also acts (the routes that write, each with a dry run). Every
 * request that is not a GET must come from this page: its Origin (or Referer) names the Host it
 * was sent to, and it carries the session's CSRF token in `X-Contracts-CSRF`.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UiAccessError } from '../errors';

export type UiRole = 'viewer' | 'operator';
export const UI_ROLES: readonly UiRole[] = ['viewer', 'operator'];

export interface UiUser {
  name: string;
  role: UiRole;
}

/**
 * How people sign in: nobody does (`none`), with a name and password from a users file, or at an
 * OpenID Connect provider (its routes are oidc.ts's; sessions are this file's).
 */
export type UiAccessMode =
  { kind: 'none'; role: UiRole } | { kind: 'users'; users: Map<string, StoredUser> } | { kind: 'oidc' };

interface StoredUser extends UiUser {
  password: string;
}

export interface UiSession {
  user: UiUser;
  csrf: string;
}

/** The cookie of a session. */
export const SESSION_COOKIE = 'contracts_session';
/** The header a write carries its CSRF token in. */
export const CSRF_HEADER = 'x-contracts-csrf';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

/** A password as the users file stores it: `scrypt:<N>:<salt>:<hash>` (base64). */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt:${SCRYPT.N}:${salt.toString('base64')}:${hash.toString('base64')}`;
}

function verifyPassword(password: string, stored: string): boolean {
  const [scheme, n, salt, hash] = stored.split(':');
  if (scheme !== 'scrypt' || !n || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: SCRYPT.r,
    p: SCRYPT.p,
  });
  return timingSafeEqual(actual, expected);
}

/** A hash to compare against when the name is unknown, so a wrong name costs what a wrong password does. */
const DECOY = hashPassword(randomBytes(12).toString('base64'));

/**
 * The users file: `{ "users": [{ "name": "ana", "role": "operator", "password": "scrypt:…" }] }`.
 * Every mistake is a UiAccessError naming the file, the entry and the fix.
 */
export function loadUsers(file: string): Map<string, StoredUser> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new UiAccessError(
      'UI_USERS_INVALID',
      `cannot read the users file: ${(cause as Error).message}`,
      'give --users a JSON file { "users": [{ "name": …, "role": "viewer" | "operator", "password": … }] }',
      file,
    );
  }
  const list = (parsed as { users?: unknown } | null)?.users;
  if (!Array.isArray(list) || list.length === 0) {
    throw new UiAccessError(
      'UI_USERS_INVALID',
      'has no "users" list',
      'list at least one user: { "users": [{ "name": …, "role": …, "password": … }] }',
      file,
    );
  }
  const users = new Map<string, StoredUser>();
  list.forEach((entry: unknown, index) => {
    const { name, role, password } = (entry ?? {}) as Partial<StoredUser>;
    const at = `users[${index}]${typeof name === 'string' ? ` (${name})` : ''}`;
    if (typeof name !== 'string' || name.trim() === '')
      throw new UiAccessError('UI_USERS_INVALID', `${at} has no "name"`, 'give each user a name', file);
    if (users.has(name))
      throw new UiAccessError('UI_USERS_INVALID', `${at}: the name is listed twice`, 'list each user once', file);
    if (!UI_ROLES.includes(role as UiRole))
      throw new UiAccessError(
        'UI_USERS_INVALID',
        `${at}: role ${JSON.stringify(role)} is none of ${UI_ROLES.join(', ')}`,
        'viewer reads; operator also changes things',
        file,
      );
    if (typeof password !== 'string' || !password.startsWith('scrypt:') || password.split(':').length !== 4)
      throw new UiAccessError(
        'UI_USERS_INVALID',
        `${at}: "password" is not a scrypt hash (never a password in clear)`,
        'make one with `npx contracts ui hash-password` and paste what it prints',
        file,
      );
    users.set(name, { name, role: role as UiRole, password });
  });
  return users;
}

export interface SignInEvent {
  user: string;
  /** The role signed in with, when the sign-in itself settles it (OpenID Connect). */
  role?: UiRole;
  ok: boolean;
  ip: string;
  reason?: string;
}

export interface AccessOptions {
  mode: UiAccessMode;
  /** A session ends after this long without a request. Default 30 min. */
  idleMs?: number;
  /** And after this long in all. Default 8 h. */
  maxAgeMs?: number;
  /** Sent with the cookie: `Secure` when the page is served over TLS (behind a proxy). */
  secureCookie?: boolean;
  /** Told of each sign-in, failed sign-in and sign-out (the audit log). */
  onSignIn?(event: SignInEvent): void;
  /** Told of each change refused here, before its route: another site's Origin, no CSRF token, no session (the audit log). */
  onWriteRefused?(event: { user?: string; role?: UiRole; method: string; path: string; code: string }): void;
}

export interface Access {
  /** The session of a request (undefined: not signed in). */
  session(request: FastifyRequest): UiSession | undefined;
  /** Starts a session for a user another module signed in (OpenID Connect): the Set-Cookie header of its cookie. */
  startSession(user: UiUser): string;
  /** Ends every session (the server closes). */
  clear(): void;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the access hook on every request it lets through. */
    uiSession?: UiSession;
  }
}

/** Paths served without a session: the sign-in page, what it needs, and OpenID Connect's way there and back. */
const OPEN_PATHS = new Set(['/login', '/login.js', '/app.css', '/api/me', '/login/oidc', '/login/callback']);

/** The sign-in page's one script: a link to a view (`#/subjects?s=…`) leads there after sign-in; the server never sees the hash. */
const LOGIN_SCRIPT = `'use strict';
const next = document.querySelector('input[name="next"]');
if (next && location.hash && !next.value.includes('#')) next.value += location.hash;
`;

/**
 * Installs sign-in, sessions and the write checks on the app, before its routes. Returns what the
 * routes ask of it.
 */
export function installAccess(app: FastifyInstance, options: AccessOptions): Access {
  const idleMs = options.idleMs ?? 30 * 60_000;
  const maxAgeMs = options.maxAgeMs ?? 8 * 3_600_000;
  const sessions = new Map<string, UiSession & { created: number; seen: number }>();
  const { mode } = options;
  // without sign-in there is one session, the local user's (or a viewer's, with --insecure-no-auth)
  const anonymous: UiSession | undefined =
    mode.kind === 'none' ? { user: { name: 'local', role: mode.role }, csrf: token() } : undefined;

  const sessionOf = (request: FastifyRequest): UiSession | undefined => {
    if (anonymous) return anonymous;
    const id = cookie(request, SESSION_COOKIE);
    const entry = id ? sessions.get(id) : undefined;
    if (!entry) return undefined;
    const now = Date.now();
    if (now - entry.seen > idleMs || now - entry.created > maxAgeMs) {
      sessions.delete(id!);
      return undefined;
    }
    entry.seen = now;
    return entry;
  };

  /** The session of a request as it stands, without touching it. */
  const peek = (request: FastifyRequest): UiSession | undefined => {
    if (anonymous) return anonymous;
    const id = cookie(request, SESSION_COOKIE);
    return id ? sessions.get(id) : undefined;
  };

  const cookieHeader = (value: string, maxAge: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${options.secureCookie ? '; Secure' : ''}`;
  /** A new session for a signed-in user: its cookie's Set-Cookie header. */
  const startSession = (user: UiUser): string => {
    const id = token();
    sessions.set(id, {
      user: { name: user.name, role: user.role },
      csrf: token(),
      created: Date.now(),
      seen: Date.now(),
    });
    return cookieHeader(id, Math.floor(maxAgeMs / 1000));
  };

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    const write = request.method !== 'GET' && request.method !== 'HEAD';
    const refuseWrite = (status: number, code: string, message: string) => {
      if (path !== '/login' && path !== '/logout') {
        // whose session it carried, without counting the refused change as the session's activity
        const user = (request.uiSession ?? peek(request))?.user;
        options.onWriteRefused?.({ user: user?.name, role: user?.role, method: request.method, path, code });
      }
      return refuse(reply, status, code, message);
    };
    if (write && !sameOrigin(request)) {
      return refuseWrite(403, 'FORBIDDEN_ORIGIN', 'a change must come from this page (its Origin is another site)');
    }
    const session = sessionOf(request);
    if (session) {
      request.uiSession = session;
      // a write also proves it was made by this page's script: the session's token
      const signingIn = path === '/login' || path === '/logout';
      if (write && !signingIn) {
        if (request.headers[CSRF_HEADER] !== session.csrf)
          return refuseWrite(403, 'CSRF', `a change must carry the page's ${CSRF_HEADER} header`);
      }
      return;
    }
    if (OPEN_PATHS.has(path)) return;
    if (write) return refuseWrite(401, 'SIGN_IN', 'sign in first (the session ended, or there was none)');
    if (path.startsWith('/api/'))
      return refuse(reply, 401, 'SIGN_IN', 'sign in first (the session ended, or there was none)');
    return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
  });

  app.get('/api/me', async (request) => {
    const session = request.uiSession;
    return {
      signIn: mode.kind,
      user: session?.user ?? null,
      csrf: session?.csrf ?? null,
    };
  });

  if (mode.kind !== 'none') {
    app.get('/login.js', async (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'no-cache').send(LOGIN_SCRIPT),
    );
    app.post('/logout', async (request, reply) => {
      const id = cookie(request, SESSION_COOKIE);
      if (id) sessions.delete(id);
      if (request.uiSession) {
        const { name, role } = request.uiSession.user;
        options.onSignIn?.({ user: name, role, ok: true, ip: request.ip, reason: 'signed out' });
      }
      // OpenID Connect's page would otherwise offer the provider's sign-in with no word of the sign-out
      return reply
        .header('Set-Cookie', cookieHeader('', 0))
        .redirect(mode.kind === 'oidc' ? '/login?out=1' : '/login', 303);
    });
  }

  if (mode.kind === 'users') {
    app.get<{ Querystring: { next?: string; failed?: string } }>('/login', async (request, reply) => {
      const failed = request.query.failed !== undefined;
      return reply
        .type('text/html; charset=utf-8')
        .header('Cache-Control', 'no-store')
        .send(loginPage(failed, safeNext(request.query.next)));
    });
    app.post<{ Body: { name?: string; password?: string; next?: string } }>('/login', async (request, reply) => {
      const { name = '', password = '', next } = request.body ?? {};
      const user = mode.users.get(name);
      const ok = verifyPassword(password, user?.password ?? DECOY) && user !== undefined;
      options.onSignIn?.({
        user: name,
        ...(user ? { role: user.role } : {}),
        ok,
        ip: request.ip,
        ...(ok ? {} : { reason: 'wrong name or password' }),
      });
      if (!ok) return reply.redirect(`/login?failed=1&next=${encodeURIComponent(safeNext(next))}`, 303);
      return reply.header('Set-Cookie', startSession(user)).redirect(safeNext(next), 303);
    });
  }

  return { session: (request) => request.uiSession, startSession, clear: () => sessions.clear() };
}

/** Refuses a request that `role` may not make (a viewer's write): true when it was refused. */
export async function refuseUnless(role: UiRole, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const user = request.uiSession?.user;
  if (user && (role === 'viewer' || user.role === 'operator')) return false;
  await refuse(
    reply,
    403,
    'FORBIDDEN_ROLE',
    `${user?.name ?? 'nobody'} (${user?.role ?? 'signed out'}) may not do this: it takes an ${role}`,
  );
  return true;
}

function refuse(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

function token(): string {
  return randomBytes(24).toString('base64url');
}

export function cookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=') || undefined;
  }
  return undefined;
}

/** The Origin (or, without one, the Referer) names the host the request was sent to. */
function sameOrigin(request: FastifyRequest): boolean {
  const source = request.headers.origin ?? request.headers.referer;
  if (!source) return false;
  try {
    return new URL(source).host === request.headers.host;
  } catch {
    return false;
  }
}

/** Where to go after signing in: a path of this server, never another site. */
export function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(failed: boolean, next: string): string {
  return signInPage(`<form class="login-form" method="post" action="/login">
        <h1>Contracts</h1>
        ${failed ? '<p class="error" role="alert">Wrong name or password.</p>' : ''}
        <label>Name <input name="name" autocomplete="username" required autofocus /></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
        <input type="hidden" name="next" value="${escapeHtml(next)}" />
        <button type="submit">Sign in</button>
      </form>`);
}

/** The sign-in page around its form (the users file's, or OpenID Connect's in oidc.ts). */
export function signInPage(form: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Sign in · Contracts</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/app.css" />
    <script src="/login.js" defer></script>
  </head>
  <body class="login">
    <main>
      ${form}
    </main>
  </body>
</html>
`;
}
