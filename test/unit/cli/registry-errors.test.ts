/**
 * Bad registries: unreachable, HTTP errors, refused credentials. The CLI ends with exit 2, names
 * the URL and the cause, and never prints a credential (basic or bearer, from URL or env).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../support/bookings-samples';

// These tests start the CLI (about 1.5 s each through tsx, more on a busy machine).
jest.setTimeout(60_000);

const SECRET = 's3cr3t-Pa55';
const TOKEN = 'tok-9f8e7d6c5b4a';

/** Runs the CLI asynchronously (the fake registry lives in this process). */
function cli(args: string[], env: Record<string, string>): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'contracts.js'), ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        SCHEMA_REGISTRY_URL: '',
        SCHEMA_REGISTRY_AUTH: '',
        SCHEMA_REGISTRY_TOKEN: '',
        SCHEMA_REGISTRY_AUTH_FILE: '',
        SCHEMA_REGISTRY_TOKEN_FILE: '',
        // the CLI's default level (npm test's global setup lowers it for the test processes)
        CONTRACTS_LOG_LEVEL: 'warn',
        NO_COLOR: '1',
        ...env,
      },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (status) => resolve({ status, out }));
  });
}

let server: Server;
let port: number;
let closedPort: number;
const seenAuth: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seenAuth.push(req.headers.authorization ?? '');
    if (req.url?.startsWith('/unauthorized')) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error_code: 40101, message: 'Unauthorized' }));
    } else {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error_code: 50001, message: 'Error in the backend data store' }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  // a port that was free a moment ago: connection refused
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe.each([
  ['ls', []],
  ['register --dry-run', []],
  ['check --registry', []],
  ['pull --out -', []],
])('contracts %s', (command) => {
  const args = command.split(' ');

  it.concurrent('names an unreachable registry and exits 2 without printing the password from the URL', async () => {
    const result = await cli(args, {
      SCHEMA_REGISTRY_URL: `http://admin:${SECRET}@127.0.0.1:${closedPort}/apis/ccompat/v7`,
    });
    expect(result.status).toBe(2);
    expect(result.out).toMatch(
      new RegExp(`http://127\\.0\\.0\\.1:${closedPort}/apis/ccompat/v7/\\S* failed: ECONNREFUSED`),
    );
    expect(result.out).not.toContain(SECRET);
    expect(result.out).not.toContain('admin:');
  });

  it.concurrent('names a refused login (401) and the fix, exit 2, without printing the basic credentials', async () => {
    const result = await cli(args, {
      SCHEMA_REGISTRY_URL: `http://127.0.0.1:${port}/unauthorized`,
      SCHEMA_REGISTRY_AUTH: `admin:${SECRET}`,
    });
    expect(result.status).toBe(2);
    expect(result.out).toMatch(new RegExp(`http://127\\.0\\.0\\.1:${port}/unauthorized/\\S* answered 401`));
    expect(result.out).toMatch(/check the registry credentials/);
    expect(result.out).not.toContain(SECRET);
    expect(result.out).not.toContain(Buffer.from(`admin:${SECRET}`).toString('base64'));
    // the credentials did reach the registry: the test exercised them
    expect(seenAuth).toContain(`Basic ${Buffer.from(`admin:${SECRET}`).toString('base64')}`);
  });

  it.concurrent(
    "names an HTTP error (500) with the registry's message, exit 2, without printing a bearer token",
    async () => {
      const result = await cli(args, {
        SCHEMA_REGISTRY_URL: `http://127.0.0.1:${port}/broken`,
        SCHEMA_REGISTRY_TOKEN: TOKEN,
      });
      expect(result.status).toBe(2);
      expect(result.out).toMatch(/answered 500 \(error code 50001\): Error in the backend data store/);
      expect(result.out).not.toContain(TOKEN);
      expect(seenAuth).toContain(`Bearer ${TOKEN}`);
    },
  );
});

it('says how to configure a registry when there is none', async () => {
  const result = await cli(['ls'], {});
  expect(result.status).toBe(2);
  expect(result.out).toMatch(/no schema registry configured/);
  expect(result.out).toMatch(/SCHEMA_REGISTRY_URL/);
});

describe('registry secrets', () => {
  const SLASHED = 'pa/ss@wo:rd';

  it('never prints a password that breaks the URL (it holds / and @), and says where credentials go', async () => {
    const result = await cli(['ls'], { SCHEMA_REGISTRY_URL: `http://admin:${SLASHED}@127.0.0.1:${port}/x` });
    expect(result.status).toBe(2);
    expect(result.out).not.toContain('pa/ss');
    expect(result.out).not.toContain('wo:rd');
    expect(result.out).toMatch(/SCHEMA_REGISTRY_AUTH_FILE/);
  });

  it('takes the credentials from a file (SCHEMA_REGISTRY_AUTH_FILE) for --registry, and never prints them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-auth-'));
    const file = join(dir, 'auth');
    writeFileSync(file, `admin:${SLASHED}\n`);
    const result = await cli(['ls', '--registry', `http://127.0.0.1:${port}/unauthorized`], {
      SCHEMA_REGISTRY_AUTH_FILE: file,
    });
    rmSync(dir, { recursive: true, force: true });
    expect(result.status).toBe(2);
    expect(result.out).toMatch(/answered 401/);
    expect(seenAuth).toContain(`Basic ${Buffer.from(`admin:${SLASHED}`).toString('base64')}`);
    expect(result.out).not.toContain(SLASHED);
  });

  it('warns that a password on the command line is visible to every user of the machine', async () => {
    const result = await cli(['ls', '--registry', `http://admin:${SECRET}@127.0.0.1:${port}/broken`], {});
    expect(result.out).toMatch(/--registry carries a password/);
    expect(result.out).toMatch(/SCHEMA_REGISTRY_AUTH_FILE/);
    expect(result.out).not.toContain(SECRET);
  });

  it('names an unreadable credentials file without its content', async () => {
    const result = await cli(['ls'], {
      SCHEMA_REGISTRY_URL: `http://127.0.0.1:${port}/x`,
      SCHEMA_REGISTRY_AUTH_FILE: '/nonexistent/registry-auth',
    });
    expect(result.status).toBe(2);
    expect(result.out).toMatch(
      /SCHEMA_REGISTRY_AUTH_FILE names \/nonexistent\/registry-auth, which cannot be read \(ENOENT\)/,
    );
  });
});
