/**
 * Sign-in with OpenID Connect (`contracts ui --oidc-issuer … --oidc-client-id …`), through
 * openid-client: the authorization code flow with PKCE, a state and a nonce per attempt, bound to
 * the browser that started it by a short-lived cookie. Whoever signs in is a `viewer` unless a
 * claim (`groups` or `roles` by default) holds one of the operator values; the session that
 * follows is the users file's (access.ts): same cookie, CSRF token, idle and maximum age.
 *
 * Pure parts (the options' checks, the role and name of a set of claims) are exported for the unit
 * tests; `connectOidc` reads the issuer's discovery document once, at start, and refuses to start
 * without it.
 */
import * as client from 'openid-client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UiAccessError } from '../errors';
import { createLogger } from '../log';
import { cookie, escapeHtml, signInPage, type UiRole, type UiUser } from './access';

/** The environment variable the CLI reads the client secret from (never a flag: flags show in `ps`). */
export const OIDC_SECRET_ENV = 'CONTRACTS_UI_OIDC_SECRET';
/** The claims looked at for operator values when none is named: Keycloak/Okta-style groups, Entra-style roles. */
export const DEFAULT_ROLE_CLAIMS: readonly string[] = ['groups', 'roles'];
export const DEFAULT_OIDC_SCOPES = 'openid profile email';
/** Where the provider sends the browser back, on the UI's own address unless `redirectUrl` says otherwise. */
export const OIDC_CALLBACK_PATH = '/login/callback';
/** The cookie that binds a sign-in under way to its browser (Lax: the provider's redirect back is cross-site). */
const PENDING_COOKIE = 'contracts_oidc';
const PENDING_MAX_AGE_MS = 10 * 60_000;
/** Sign-ins under way kept at most, so unauthenticated requests cannot grow the map without end. */
const PENDING_LIMIT = 10_000;

export interface OidcOptions {
  /** The issuer URL: https, or http on a loopback address (a provider on this machine). */
  issuer: string;
  clientId: string;
  /** Without one the UI is a public client (PKCE alone). The CLI reads it from CONTRACTS_UI_OIDC_SECRET. */
  clientSecret?: string;
  /** Registered at the provider; default `<the address the browser used>/login/callback`. */
  redirectUrl?: string;
  /** Default `openid profile email`; add what your provider needs for the role claim (often `groups`). */
  scopes?: string;
  /** The claim whose values decide the role, a dotted path for nested ones (`realm_access.roles`). Default `groups`, then `roles`. */
  roleClaim?: string;
  /** Values of the role claim that make an operator; anyone else who signs in is a viewer. */
  operatorValues?: readonly string[];
  /** How long a request to the provider may take. Default 10 s. */
  timeoutMs?: number;
}

/** The options checked and settled: what `connectOidc` and the role mapping use. */
export interface OidcSettings {
  issuer: URL;
  clientId: string;
  clientSecret: string | undefined;
  redirectUrl: URL | undefined;
  scopes: string;
  roleClaims: readonly string[];
  operatorValues: ReadonlySet<string>;
  timeoutMs: number;
}

const invalid = (message: string, hint: string) => new UiAccessError('UI_OIDC_INVALID', message, hint);

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname);
}

/** Checks the options; every mistake is a UiAccessError (UI_OIDC_INVALID) naming the flag that fixes it. */
export function checkOidcOptions(options: OidcOptions): OidcSettings {
  let issuer: URL;
  try {
    issuer = new URL(options.issuer);
  } catch {
    throw invalid(`the OpenID Connect issuer "${options.issuer}" is not a URL`, 'give --oidc-issuer https://…');
  }
  // tokens and codes travel to the issuer: in clear only to a provider on this machine
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname)))
    throw invalid(
      `the OpenID Connect issuer ${issuer.href} is not https`,
      'give --oidc-issuer an https URL (http only for a provider on this machine: localhost or 127.0.0.1)',
    );
  if (!options.clientId?.trim())
    throw invalid('no OpenID Connect client ID', 'give --oidc-client-id, the client registered at the provider');
  let redirectUrl: URL | undefined;
  if (options.redirectUrl !== undefined) {
    try {
      redirectUrl = new URL(options.redirectUrl);
    } catch {
      throw invalid(
        `the redirect URL "${options.redirectUrl}" is not a URL`,
        `give --oidc-redirect-url the full URL registered at the provider, e.g. https://contracts.example.com${OIDC_CALLBACK_PATH}`,
      );
    }
    if (redirectUrl.pathname !== OIDC_CALLBACK_PATH)
      throw invalid(
        `the redirect URL ${redirectUrl.href} does not end in ${OIDC_CALLBACK_PATH}, where the UI takes the provider's answer`,
        `register and give <the UI's address>${OIDC_CALLBACK_PATH}`,
      );
  }
  const scopes = (options.scopes ?? DEFAULT_OIDC_SCOPES).trim().split(/[\s,]+/);
  if (!scopes.includes('openid'))
    throw invalid(
      `the scopes "${scopes.join(' ')}" lack "openid": the provider would not answer with an ID token`,
      'add openid to --oidc-scopes',
    );
  const roleClaim = options.roleClaim?.trim();
  if (options.roleClaim !== undefined && !roleClaim)
    throw invalid('the role claim is empty', 'give --oidc-role-claim a claim name (groups, roles, realm_access.roles)');
  return {
    issuer,
    clientId: options.clientId.trim(),
    clientSecret: options.clientSecret || undefined,
    redirectUrl,
    scopes: scopes.join(' '),
    roleClaims: roleClaim ? [roleClaim] : DEFAULT_ROLE_CLAIMS,
    operatorValues: new Set((options.operatorValues ?? []).map((v) => v.trim()).filter(Boolean)),
    timeoutMs: options.timeoutMs ?? 10_000,
  };
}

/** The values of a claim at a dotted path: a list of strings, or one string of several (space or comma separated). */
export function claimValues(claims: Readonly<Record<string, unknown>>, path: string): string[] | undefined {
  let value: unknown = path in claims ? claims[path] : claims;
  if (!(path in claims))
    for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return undefined;
}

/** Operator when a role claim holds an operator value; a viewer otherwise, a claim missing included. */
export function roleOf(
  claims: Readonly<Record<string, unknown>>,
  settings: Pick<OidcSettings, 'roleClaims' | 'operatorValues'>,
): UiRole {
  const operator = settings.roleClaims.some((claim) =>
    (claimValues(claims, claim) ?? []).some((value) => settings.operatorValues.has(value)),
  );
  return operator ? 'operator' : 'viewer';
}

/** The name the page and the audit log show: the one people know, the subject as a last resort. */
export function nameOf(claims: Readonly<Record<string, unknown>>): string {
  for (const claim of ['preferred_username', 'email', 'name', 'sub']) {
    const value = claims[claim];
    if (typeof value === 'string' && value.trim()) return value;
  }
  return 'unknown';
}

/** A sign-in under way: what the callback must see again. */
interface Pending {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  next: string;
  created: number;
}

export interface OidcSignIn {
  settings: OidcSettings;
  /** The provider's authorization URL for a new attempt, and what its callback must match. */
  begin(redirectUri: string, next: string): Promise<{ url: URL; pending: Pending }>;
  /** Redeems the code of a callback: the user, or a UiAccessError (UI_OIDC_SIGN_IN_FAILED) saying why not. */
  finish(callback: URL, pending: Pending): Promise<UiUser>;
}

/**
 * Reads the issuer's discovery document: the UI does not start when the issuer cannot be reached
 * (UiAccessError UI_OIDC_UNREACHABLE, naming the issuer and what to check).
 */
export async function connectOidc(options: OidcOptions): Promise<OidcSignIn> {
  const settings = checkOidcOptions(options);
  const log = createLogger('ui');
  let config: client.Configuration;
  try {
    config = await client.discovery(
      settings.issuer,
      settings.clientId,
      settings.clientSecret,
      settings.clientSecret ? client.ClientSecretBasic(settings.clientSecret) : client.None(),
      {
        timeout: Math.ceil(settings.timeoutMs / 1000),
        // checkOidcOptions allows http for a loopback issuer only
        ...(settings.issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
      },
    );
  } catch (cause) {
    const error = new UiAccessError(
      'UI_OIDC_UNREACHABLE',
      `contracts ui cannot read the OpenID Connect issuer ${settings.issuer.href} (${describeCause(cause)}), so nobody could sign in; it does not start`,
      `check --oidc-issuer: ${new URL('.well-known/openid-configuration', withSlash(settings.issuer)).href} must answer from this machine (the provider up, the URL exact, no proxy in the way)`,
      undefined,
      cause,
    );
    log.error(error.describe(), { issuer: settings.issuer.href, code: error.code });
    throw error;
  }
  log.info(
    `sign-in with OpenID Connect at ${settings.issuer.href} as client ${settings.clientId}; ` +
      (settings.operatorValues.size
        ? `operators: ${settings.roleClaims.join(' or ')} has ${[...settings.operatorValues].join(' or ')}`
        : 'no --oidc-operators: everyone who signs in is a viewer'),
  );

  return {
    settings,
    async begin(redirectUri, next) {
      const pending: Pending = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        verifier: client.randomPKCECodeVerifier(),
        redirectUri,
        next,
        created: Date.now(),
      };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: settings.scopes,
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
      });
      return { url, pending };
    },
    async finish(callback, pending) {
      try {
        const tokens = await client.authorizationCodeGrant(config, callback, {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        let claims: Record<string, unknown> = { ...tokens.claims() };
        // many providers put groups in the userinfo answer only, not in the ID token
        const missing = settings.roleClaims.every((claim) => claimValues(claims, claim) === undefined);
        if (missing && config.serverMetadata().userinfo_endpoint) {
          const info = await client.fetchUserInfo(config, tokens.access_token, String(claims.sub));
          claims = { ...info, ...claims };
        }
        return { name: nameOf(claims), role: roleOf(claims, settings) };
      } catch (cause) {
        throw new UiAccessError(
          'UI_OIDC_SIGN_IN_FAILED',
          `the OpenID Connect sign-in was refused: ${describeCause(cause)}`,
          'sign in again from the sign-in page; if it keeps failing, check the client registered at the provider (redirect URL, secret)',
          undefined,
          cause,
        );
      }
    },
  };
}

export interface OidcRouteHooks {
  /** Starts a session for the user: the Set-Cookie header of its cookie. */
  startSession(user: UiUser): string;
  /** Told of each sign-in and failed sign-in (the audit log). */
  onSignIn(event: { user: string; role?: UiRole; ok: boolean; ip: string; reason?: string }): void;
  /** Where to go after signing in: a path of this server, never another site. */
  safeNext(next: string | undefined): string;
  /** The `Secure` flag of cookies (TLS in front). */
  secureCookie: boolean;
}

/** The sign-in routes: `/login` (the page), `/login/oidc` (off to the provider), `/login/callback` (back). */
export function installOidcRoutes(app: FastifyInstance, oidc: OidcSignIn, hooks: OidcRouteHooks): void {
  const pendingById = new Map<string, Pending>();
  const log = createLogger('ui');
  const pendingCookie = (value: string, maxAgeS: number) =>
    `${PENDING_COOKIE}=${value}; Path=/login; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${hooks.secureCookie ? '; Secure' : ''}`;
  const provider = oidc.settings.issuer.host;

  app.get<{ Querystring: { next?: string; failed?: string; out?: string } }>('/login', async (request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .send(
        oidcLoginPage(
          provider,
          hooks.safeNext(request.query.next),
          request.query.failed !== undefined,
          request.query.out !== undefined,
        ),
      ),
  );

  app.get<{ Querystring: { next?: string } }>('/login/oidc', async (request, reply) => {
    const now = Date.now();
    for (const [id, entry] of pendingById)
      if (now - entry.created > PENDING_MAX_AGE_MS || pendingById.size >= PENDING_LIMIT) pendingById.delete(id);
    const redirectUri = oidc.settings.redirectUrl?.href ?? ownCallback(request, hooks.secureCookie);
    const { url, pending } = await oidc.begin(redirectUri, hooks.safeNext(request.query.next));
    const id = client.randomState();
    pendingById.set(id, pending);
    return reply
      .header('Set-Cookie', pendingCookie(id, PENDING_MAX_AGE_MS / 1000))
      .header('Cache-Control', 'no-store')
      .redirect(url.href, 303);
  });

  app.get(OIDC_CALLBACK_PATH, async (request, reply) => {
    const id = cookie(request, PENDING_COOKIE);
    const pending = id ? pendingById.get(id) : undefined;
    // each attempt is redeemed once
    if (id) pendingById.delete(id);
    reply.header('Set-Cookie', pendingCookie('', 0)).header('Cache-Control', 'no-store');
    const refuse = (reason: string) => {
      hooks.onSignIn({ user: '-', ok: false, ip: request.ip, reason });
      return reply.redirect('/login?failed=1', 303);
    };
    if (!pending || Date.now() - pending.created > PENDING_MAX_AGE_MS)
      return refuse('no OpenID Connect sign-in under way in this browser (expired, used, or started elsewhere)');
    const at = request.url.indexOf('?');
    let user: UiUser;
    try {
      user = await oidc.finish(new URL(`${pending.redirectUri}${at >= 0 ? request.url.slice(at) : ''}`), pending);
    } catch (error) {
      log.debug('OpenID Connect callback refused', { cause: String((error as UiAccessError).cause) });
      return refuse((error as Error).message);
    }
    hooks.onSignIn({ user: user.name, role: user.role, ok: true, ip: request.ip });
    // a page, not a redirect: a browser keeps a SameSite=Strict cookie from a navigation that began
    // at another site (the provider), and sends it on the next one this page starts
    return reply
      .header('Set-Cookie', [pendingCookie('', 0), hooks.startSession(user)])
      .type('text/html; charset=utf-8')
      .send(continuePage(pending.next));
  });
}

/** `<scheme>://<the Host the browser used>/login/callback`: https when the cookie is Secure (TLS in front). */
function ownCallback(request: FastifyRequest, secure: boolean): string {
  return `${secure ? 'https' : 'http'}://${request.headers.host}${OIDC_CALLBACK_PATH}`;
}

/** The chain of messages under an error: openid-client's own says little ("invalid response encountered") without its causes. */
function describeCause(cause: unknown): string {
  const parts: string[] = [];
  for (let at = cause, depth = 0; at !== undefined && depth < 4; depth++) {
    // duck-typed: fetch's errors may come from another realm (a test runner's), where instanceof fails
    const error =
      typeof at === 'object' && at !== null ? (at as { message?: string; code?: string; cause?: unknown }) : undefined;
    const text = error ? error.message || error.code : String(at);
    if (text && !parts.includes(text)) parts.push(text);
    at = error?.cause;
  }
  return parts.join(': ');
}

function withSlash(url: URL): URL {
  return new URL(url.href.endsWith('/') ? url.href : `${url.href}/`);
}

function oidcLoginPage(provider: string, next: string, failed: boolean, signedOut: boolean): string {
  return signInPage(`<form class="login-form" method="get" action="/login/oidc">
        <h1>Contracts</h1>
        ${failed ? '<p class="error" role="alert">The sign-in did not succeed; please try again.</p>' : ''}
        ${signedOut ? '<p class="notice" role="status">Signed out.</p>' : ''}
        <input type="hidden" name="next" value="${escapeHtml(next)}" />
        <button type="submit">Sign in with ${escapeHtml(provider)}</button>
      </form>`);
}

function continuePage(next: string): string {
  const target = escapeHtml(next);
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta http-equiv="refresh" content="0;url=${target}" />
    <title>Signed in · Contracts</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/app.css" />
  </head>
  <body class="login">
    <main><p>Signed in. <a href="${target}">Continue</a></p></main>
  </body>
</html>
`;
}
