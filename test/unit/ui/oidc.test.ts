/**
 * OpenID Connect's pure parts (src/ui/oidc.ts): the options' checks, each refusal naming the flag
 * that fixes it; the role a set of claims maps to; the name shown; and the refusal to start when
 * the issuer cannot be read (a loopback port nothing listens on), logged through the kit's logger.
 */
import { createServer } from 'node:net';
import { UiAccessError } from '../../../src/errors';
import { configureLogging, type LogEntry } from '../../../src/log';
import { createInMemoryRegistry } from '../../../src/registry';
import { checkOidcOptions, createUiServer, roleOf, type OidcOptions } from '../../../src/ui';
import { claimValues, nameOf } from '../../../src/ui/oidc';
import { writeUsersFile } from '../../support/ui-users';

const base: OidcOptions = { issuer: 'https://login.example.com/realms/platform', clientId: 'contracts-ui' };

describe('the OpenID Connect options', () => {
  it('settles the defaults: groups then roles, openid profile email, everyone a viewer', () => {
    const settings = checkOidcOptions(base);
    expect(settings).toMatchObject({
      clientId: 'contracts-ui',
      clientSecret: undefined,
      redirectUrl: undefined,
      scopes: 'openid profile email',
      roleClaims: ['groups', 'roles'],
      timeoutMs: 10_000,
    });
    expect([...settings.operatorValues]).toEqual([]);
  });

  it.each<[string, Partial<OidcOptions>, RegExp, RegExp]>([
    ['an issuer that is not a URL', { issuer: 'login.example.com' }, /is not a URL/, /--oidc-issuer/],
    ['an http issuer on another machine', { issuer: 'http://login.example.com' }, /is not https/, /https/],
    ['no client ID', { clientId: ' ' }, /no OpenID Connect client ID/, /--oidc-client-id/],
    ['a redirect URL that is not a URL', { redirectUrl: 'contracts/cb' }, /is not a URL/, /--oidc-redirect-url/],
    [
      'a redirect URL elsewhere than /login/callback',
      { redirectUrl: 'https://contracts.example.com/callback' },
      /does not end in \/login\/callback/,
      /\/login\/callback/,
    ],
    ['scopes without openid', { scopes: 'profile groups' }, /lack "openid"/, /--oidc-scopes/],
    ['an empty role claim', { roleClaim: ' ' }, /role claim is empty/, /--oidc-role-claim/],
  ])('refuses %s with UI_OIDC_INVALID and the flag that fixes it', (_what, change, message, hint) => {
    let thrown: unknown;
    try {
      checkOidcOptions({ ...base, ...change });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UiAccessError);
    expect(thrown).toMatchObject({ code: 'UI_OIDC_INVALID', message: expect.stringMatching(message) });
    expect((thrown as UiAccessError).hint).toMatch(hint);
  });

  it('takes an http issuer on this machine (a provider for local work and tests)', () => {
    for (const issuer of ['http://127.0.0.1:8080', 'http://localhost:8080/realms/dev'])
      expect(checkOidcOptions({ ...base, issuer }).issuer.href).toBe(new URL(issuer).href);
  });

  it('keeps a redirect URL, a comma-separated scope list and the operator values as given', () => {
    const settings = checkOidcOptions({
      ...base,
      redirectUrl: 'https://contracts.example.com/login/callback',
      scopes: 'openid,profile groups',
      roleClaim: 'realm_access.roles',
      operatorValues: [' platform ', '', 'sre'],
    });
    expect(settings.redirectUrl?.href).toBe('https://contracts.example.com/login/callback');
    expect(settings.scopes).toBe('openid profile groups');
    expect(settings.roleClaims).toEqual(['realm_access.roles']);
    expect([...settings.operatorValues]).toEqual(['platform', 'sre']);
  });
});

describe('the role of a set of claims', () => {
  const defaults = checkOidcOptions({ ...base, operatorValues: ['platform'] });

  it.each<[string, Record<string, unknown>, 'viewer' | 'operator']>([
    ['an operator value in groups', { groups: ['staff', 'platform'] }, 'operator'],
    ['an operator value in roles', { roles: ['platform'] }, 'operator'],
    ['groups without an operator value', { groups: ['staff'] }, 'viewer'],
    ['no role claim at all', { sub: 'x' }, 'viewer'],
    ['a group that only contains the value', { groups: ['platform-readers'] }, 'viewer'],
    ['one string of several values', { groups: 'staff platform' }, 'operator'],
    ['values that are not strings', { groups: [1, { platform: true }] }, 'viewer'],
  ])('%s: %s', (_what, claims, role) => {
    expect(roleOf(claims, defaults)).toBe(role);
  });

  it('reads a named claim only, at a dotted path (Keycloak realm roles)', () => {
    const settings = checkOidcOptions({ ...base, roleClaim: 'realm_access.roles', operatorValues: ['platform'] });
    expect(roleOf({ realm_access: { roles: ['platform'] } }, settings)).toBe('operator');
    expect(roleOf({ groups: ['platform'] }, settings)).toBe('viewer');
    // a claim whose name holds a dot is read as it is named
    expect(claimValues({ 'https://example.com/roles': ['a'] }, 'https://example.com/roles')).toEqual(['a']);
  });

  it('makes nobody an operator without operator values', () => {
    expect(roleOf({ groups: ['platform'] }, checkOidcOptions(base))).toBe('viewer');
  });

  it('names the user by the name people know, the subject last', () => {
    expect(nameOf({ sub: 's1', email: 'ana@example.com', preferred_username: 'ana' })).toBe('ana');
    expect(nameOf({ sub: 's1', email: 'ana@example.com' })).toBe('ana@example.com');
    expect(nameOf({ sub: 's1' })).toBe('s1');
  });
});

describe('starting with OpenID Connect', () => {
  it('refuses to start when the issuer cannot be read, naming it and the fix, in the log too', async () => {
    // a port that was free a moment ago: nothing answers there
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const entries: LogEntry[] = [];
    configureLogging({ level: 'info', sink: (entry) => entries.push(entry) });
    try {
      const start = createUiServer({
        port: 0,
        registry: createInMemoryRegistry(),
        oidc: { issuer: `http://127.0.0.1:${port}`, clientId: 'contracts-ui' },
      });
      await expect(start).rejects.toThrow(UiAccessError);
      await expect(start).rejects.toMatchObject({
        code: 'UI_OIDC_UNREACHABLE',
        message: expect.stringContaining(`cannot read the OpenID Connect issuer http://127.0.0.1:${port}/`),
        hint: expect.stringContaining(`http://127.0.0.1:${port}/.well-known/openid-configuration must answer`),
      });
      expect(entries).toContainEqual(
        expect.objectContaining({
          level: 'error',
          logger: 'ui',
          message: expect.stringMatching(
            /cannot read the OpenID Connect issuer .*ECONNREFUSED[\s\S]*fix: check --oidc-issuer/,
          ),
        }),
      );
    } finally {
      configureLogging({ level: 'warn', sink: undefined });
    }
  });

  it('refuses a users file and an issuer at once', async () => {
    const start = createUiServer({
      port: 0,
      registry: createInMemoryRegistry(),
      users: writeUsersFile([{ name: 'ana', role: 'operator', password: 'ana-secret-1' }]),
      oidc: base,
    });
    await expect(start).rejects.toMatchObject({
      code: 'UI_OIDC_INVALID',
      hint: 'give --users or --oidc-issuer, not both',
    });
  });
});
