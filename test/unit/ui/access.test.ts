/**
 * Who may use the UI and what a change needs (src/ui/access.ts, the level action in server.ts),
 * over real HTTP on a free loopback port with the in-memory registry: sign-in with a users file,
 * sessions that end, the refusals (viewer, foreign origin, missing CSRF token, no session), the
 * refusal to serve the network without sign-in, and the audit log of every attempt.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UiAccessError, UsageError } from '../../../src/errors';
import { createInMemoryRegistry, type InMemorySchemaRegistry } from '../../../src/registry';
import { writeUsersFile } from '../../support/ui-users';
import {
  buildUiApp,
  createUiServer,
  hashPassword,
  loadUsers,
  type UiServer,
  type UiServerOptions,
} from '../../../src/ui';

const dir = mkdtempSync(join(tmpdir(), 'contracts-ui-access-'));
const usersFile = writeUsersFile([
  { name: 'ana', role: 'operator', password: 'ana-secret-1' },
  { name: 'vic', role: 'viewer', password: 'vic-secret-1' },
]);

let registry: InMemorySchemaRegistry;
const servers: UiServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.close();
});

async function serve(options: UiServerOptions = {}): Promise<UiServer> {
  registry = createInMemoryRegistry();
  await registry.register('orders-value', { schema: JSON.stringify({ type: 'string' }) });
  const server = await createUiServer({ port: 0, registry, brokers: '127.0.0.1:1', ...options });
  servers.push(server);
  return server;
}

interface Reply {
  status: number;
  body: string;
  location: string | null;
  cookie: string | null;
}

async function call(server: UiServer, path: string, init: RequestInit & { cookie?: string } = {}): Promise<Reply> {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set('cookie', init.cookie);
  const response = await fetch(`${server.url}${path}`, { ...init, headers, redirect: 'manual' });
  return {
    status: response.status,
    body: await response.text(),
    location: response.headers.get('location'),
    cookie: response.headers.get('set-cookie'),
  };
}

/** Signs in as the page's form does: the session cookie and the CSRF token of /api/me. */
async function signIn(server: UiServer, name: string, password: string) {
  const reply = await call(server, '/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
    body: new URLSearchParams({ name, password, next: '/' }).toString(),
  });
  expect(reply.status).toBe(303);
  const cookie = reply.cookie!.split(';')[0]!;
  const me = JSON.parse((await call(server, '/api/me', { cookie })).body) as { csrf: string; user: { role: string } };
  return { cookie, csrf: me.csrf, role: me.user.role };
}

const levelChange = (
  server: UiServer,
  session: { cookie: string; csrf: string },
  body: object,
  extra: Record<string, string> = {},
) =>
  call(server, '/api/subjects/orders-value/level', {
    method: 'POST',
    cookie: session.cookie,
    headers: { 'content-type': 'application/json', origin: server.url, 'x-contracts-csrf': session.csrf, ...extra },
    body: JSON.stringify(body),
  });

describe('the UI with a users file', () => {
  let server: UiServer;
  const audit = join(dir, 'audit.jsonl');
  beforeAll(async () => {
    server = await serve({ users: usersFile, auditLog: audit });
  });

  it('sends a visitor without a session to the sign-in form, and refuses the API with 401', async () => {
    const page = await call(server, '/');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/login?next=%2F');
    expect((await call(server, '/login')).body).toContain('<form class="login-form" method="post" action="/login">');
    const api = await call(server, '/api/subjects');
    expect(api.status).toBe(401);
    expect(JSON.parse(api.body).error.code).toBe('SIGN_IN');
    expect(JSON.parse((await call(server, '/api/me')).body)).toEqual({ signIn: 'users', user: null, csrf: null });
  });

  it('refuses a wrong password and an unknown name alike, and logs both', async () => {
    for (const [name, password] of [
      ['ana', 'wrong-password'],
      ['nobody', 'ana-secret-1'],
    ]) {
      const reply = await call(server, '/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
        body: new URLSearchParams({ name: name!, password: password! }).toString(),
      });
      expect(reply.status).toBe(303);
      expect(reply.location).toMatch(/^\/login\?failed=1/);
      expect(reply.cookie).toBeNull();
    }
    const lines = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.action === 'sign-in' && l.result === 'refused').map((l) => l.user)).toEqual([
      'ana',
      'nobody',
    ]);
  });

  it('signs in with an HttpOnly, SameSite=Strict cookie and serves the page', async () => {
    const reply = await call(server, '/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
      body: new URLSearchParams({ name: 'vic', password: 'vic-secret-1', next: '/#/subjects' }).toString(),
    });
    expect(reply.location).toBe('/#/subjects');
    expect(reply.cookie).toMatch(/^contracts_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/);
    const cookie = reply.cookie!.split(';')[0]!;
    expect((await call(server, '/', { cookie })).status).toBe(200);
    expect((await call(server, '/api/subjects', { cookie })).status).toBe(200);
  });

  it('lets an operator preview and apply a level, and writes both to the audit log', async () => {
    const ana = await signIn(server, 'ana', 'ana-secret-1');
    const preview = await levelChange(server, ana, { level: 'FULL_TRANSITIVE', dryRun: true });
    expect(preview.status).toBe(200);
    expect(JSON.parse(preview.body)).toEqual({
      subject: 'orders-value',
      from: 'BACKWARD',
      fromSource: 'global',
      to: 'FULL_TRANSITIVE',
      dryRun: true,
      changes: true,
    });
    expect(await registry.getCompatibility('orders-value')).toBeNull(); // a dry run changes nothing
    const applied = await levelChange(server, ana, { level: 'FULL_TRANSITIVE', dryRun: false });
    expect(JSON.parse(applied.body)).toMatchObject({ from: 'BACKWARD', to: 'FULL_TRANSITIVE', dryRun: false });
    expect(await registry.getCompatibility('orders-value')).toBe('FULL_TRANSITIVE');
    const entries = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.filter((e) => e.action === 'set-level')).toEqual([
      expect.objectContaining({
        user: 'ana',
        role: 'operator',
        target: 'orders-value',
        dryRun: true,
        result: 'ok',
        detail: 'BACKWARD (global) → FULL_TRANSITIVE',
      }),
      expect.objectContaining({
        user: 'ana',
        dryRun: false,
        result: 'ok',
        detail: 'BACKWARD (global) → FULL_TRANSITIVE',
      }),
    ]);
  });

  it('refuses every write of a viewer, a foreign origin, a missing token, or no session', async () => {
    const ana = await signIn(server, 'ana', 'ana-secret-1');
    const vic = await signIn(server, 'vic', 'vic-secret-1');
    const cases: Array<[string, Promise<Reply>, number, string]> = [
      ['a viewer', levelChange(server, vic, { level: 'NONE', dryRun: false }), 403, 'FORBIDDEN_ROLE'],
      ["a viewer's dry run", levelChange(server, vic, { level: 'NONE' }), 403, 'FORBIDDEN_ROLE'],
      [
        'another site',
        levelChange(server, ana, { level: 'NONE', dryRun: false }, { origin: 'http://evil.example' }),
        403,
        'FORBIDDEN_ORIGIN',
      ],
      ['no token', levelChange(server, ana, { level: 'NONE', dryRun: false }, { 'x-contracts-csrf': '' }), 403, 'CSRF'],
      [
        "another session's token",
        levelChange(server, ana, { level: 'NONE', dryRun: false }, { 'x-contracts-csrf': vic.csrf }),
        403,
        'CSRF',
      ],
      [
        'no session',
        levelChange(server, { cookie: '', csrf: ana.csrf }, { level: 'NONE', dryRun: false }),
        401,
        'SIGN_IN',
      ],
    ];
    for (const [what, pending, status, code] of cases) {
      const reply = await pending;
      expect({ what, status: reply.status, code: JSON.parse(reply.body).error.code }).toEqual({ what, status, code });
    }
    expect(await registry.getCompatibility('orders-value')).not.toBe('NONE');
    // refused before their route ran, and still in the audit log: whose session, what, why
    const refused = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { user: string; action: string; target: string; detail: string })
      .filter((e) => e.action === 'write');
    expect(refused.map((e) => `${e.user} ${e.target} ${e.detail.split(' ')[0]}`)).toEqual(
      expect.arrayContaining([
        'ana POST /api/subjects/orders-value/level FORBIDDEN_ORIGIN',
        'ana POST /api/subjects/orders-value/level CSRF',
        '- POST /api/subjects/orders-value/level SIGN_IN',
      ]),
    );
  });

  it('ends a session at sign-out', async () => {
    const vic = await signIn(server, 'vic', 'vic-secret-1');
    const out = await call(server, '/logout', { method: 'POST', cookie: vic.cookie, headers: { origin: server.url } });
    expect(out.status).toBe(303);
    expect((await call(server, '/api/subjects', { cookie: vic.cookie })).status).toBe(401);
  });
});

describe('sessions that end', () => {
  it('after idleMs without a request', async () => {
    // long enough for a password check on a loaded machine (200 ms was not, in one CI run)
    const server = await serve({ users: usersFile, sessionIdleMs: 2_000 });
    const vic = await signIn(server, 'vic', 'vic-secret-1');
    expect((await call(server, '/api/subjects', { cookie: vic.cookie })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await call(server, '/api/subjects', { cookie: vic.cookie })).status).toBe(401);
  });
});

describe('the UI without sign-in', () => {
  it("on loopback: the local user is an operator, and a change still needs this page's origin and token", async () => {
    const server = await serve();
    const me = JSON.parse((await call(server, '/api/me')).body) as { signIn: string; user: object; csrf: string };
    expect(me).toEqual({ signIn: 'none', user: { name: 'local', role: 'operator' }, csrf: expect.any(String) });
    const session = { cookie: '', csrf: me.csrf };
    expect((await levelChange(server, session, { level: 'FORWARD' })).status).toBe(200);
    expect((await levelChange(server, session, { level: 'FORWARD' }, { origin: 'http://evil.example' })).status).toBe(
      403,
    );
    expect((await levelChange(server, session, { level: 'FORWARD' }, { 'x-contracts-csrf': 'guess' })).status).toBe(
      403,
    );
  });

  it('refuses to start with an audit log it cannot write, naming the file', async () => {
    const start = createUiServer({
      port: 0,
      registry: createInMemoryRegistry(),
      brokers: '127.0.0.1:1',
      auditLog: join(dir, 'no-such-folder', 'audit.jsonl'),
    });
    await expect(start).rejects.toThrow(UsageError);
    await expect(start).rejects.toThrow(/audit log .*no-such-folder.* cannot be written/);
  });

  it('beyond loopback: refuses to start, naming the fix', async () => {
    const start = createUiServer({
      port: 0,
      host: '0.0.0.0',
      registry: createInMemoryRegistry(),
      brokers: '127.0.0.1:1',
    });
    await expect(start).rejects.toThrow(UiAccessError);
    await expect(start).rejects.toMatchObject({ code: 'UI_AUTH_REQUIRED', hint: expect.stringContaining('--users') });
  });

  it('beyond loopback with --insecure-no-auth: everyone reads, nobody changes anything', async () => {
    // configured as bound to every address, listening on loopback only (tests bind nothing else)
    const app = await buildUiApp({
      host: '0.0.0.0',
      insecureNoAuth: true,
      registry: createInMemoryRegistry(),
      brokers: '127.0.0.1:1',
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const me = JSON.parse(await (await fetch(`${url}/api/me`)).text()) as { user: { role: string }; csrf: string };
      expect(me.user.role).toBe('viewer');
      const reply = await fetch(`${url}/api/subjects/orders-value/level`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: url, 'x-contracts-csrf': me.csrf },
        body: JSON.stringify({ level: 'NONE', dryRun: false }),
      });
      expect(reply.status).toBe(403);
      expect(((await reply.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN_ROLE');
    } finally {
      await app.close();
    }
  });
});

describe('the users file', () => {
  it.each([
    ['not JSON', '{', /cannot read the users file/],
    ['no users', '{"users": []}', /has no "users" list/],
    [
      'a password in clear',
      JSON.stringify({ users: [{ name: 'a', role: 'viewer', password: 'hunter2' }] }),
      /users\[0\] \(a\): "password" is not a scrypt hash/,
    ],
    [
      'an unknown role',
      JSON.stringify({ users: [{ name: 'a', role: 'admin', password: hashPassword('x') }] }),
      /role "admin" is none of viewer, operator/,
    ],
    [
      'a name twice',
      JSON.stringify({
        users: [
          { name: 'a', role: 'viewer', password: hashPassword('x') },
          { name: 'a', role: 'viewer', password: hashPassword('y') },
        ],
      }),
      /listed twice/,
    ],
  ])('refuses %s with a UiAccessError naming the file and the entry', (_what, text, message) => {
    const file = join(dir, `users-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, text);
    expect(() => loadUsers(file)).toThrow(UiAccessError);
    expect(() => loadUsers(file)).toThrow(message);
    expect(() => loadUsers(file)).toThrow(file);
  });
});
