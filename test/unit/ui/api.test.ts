/**
 * The UI's JSON API, without a browser or external servers: the UI listens on a free loopback port
 * in this process and reads the in-memory registry (for the error states: a closed port, and a
 * registry that answers 401). fastify's inject() cannot load under Jest on Node 20 (an ESM-only
 * dependency), so the requests are real HTTP.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { checkCompatibility } from '../../../src/formats/compatibility';
import { loadConfig } from '../../../src/config';
import { bookingsContract } from '../../../src/generated/bookings';
import { createInMemoryRegistry, registerContract, type InMemorySchemaRegistry } from '../../../src/registry';
import {
  createUiServer,
  type DiffView,
  type SubjectList,
  type UiServer,
  type UiServerOptions,
  type VersionView,
} from '../../../src/ui';

const money = {
  type: 'record',
  name: 'Money',
  namespace: 'shop',
  fields: [
    { name: 'amountMinor', type: 'long' },
    { name: 'currency', type: 'string' },
  ],
};
const orderV1 = {
  type: 'record',
  name: 'OrderPlaced',
  namespace: 'shop',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'total', type: 'shop.Money' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
};
// v2 adds a field without a default: consumers on v2 cannot read v1 data (BACKWARD breaks)
const orderV2 = { ...orderV1, fields: [...orderV1.fields, { name: 'channel', type: 'string' }] };

async function seed(registry: InMemorySchemaRegistry): Promise<void> {
  await registry.register('shop.Money', { schema: JSON.stringify(money) });
  const ref = [{ name: 'shop.Money', subject: 'shop.Money', version: 1 }];
  await registry.setCompatibility('NONE', 'orders-value');
  await registry.register('orders-value', { schema: JSON.stringify(orderV1), references: ref });
  await registry.register('orders-value', { schema: JSON.stringify(orderV2), references: ref });
  await registry.register('profile-json', {
    schemaType: 'JSON',
    schema: JSON.stringify({
      title: 'Profile',
      type: 'object',
      properties: { name: { type: 'string' } },
      required: ['name'],
    }),
  });
}

type App = UiServer;

function start(options: UiServerOptions): Promise<App> {
  return createUiServer({ ...options, port: 0 });
}

async function get<T>(app: App, url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(app.url + url);
  return { status: response.status, body: (await response.json()) as T };
}

/** A raw request, so the Host header can be anything. */
function rawRequest(
  app: App,
  method: string,
  path: string,
  host: string,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(app.url);
  return new Promise((done, fail) => {
    const req = httpRequest({ hostname, port, path, method, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('contracts ui JSON API', () => {
  let registry: InMemorySchemaRegistry;
  let app: App;

  beforeEach(async () => {
    registry = createInMemoryRegistry();
    await seed(registry);
    app = await start({ registry });
  });
  afterEach(() => app.close());

  it('lists every subject in one call with format, level, versions, latest ID and references both ways', async () => {
    const { status, body } = await get<SubjectList>(app, '/api/subjects');
    expect(status).toBe(200);
    expect(body.globalLevel).toBe('BACKWARD');
    const bySubject = Object.fromEntries(body.subjects.map((s) => [s.subject, s]));
    expect(Object.keys(bySubject)).toEqual(['orders-value', 'profile-json', 'shop.Money']);
    expect(bySubject['orders-value']).toMatchObject({
      format: 'AVRO',
      level: 'NONE',
      levelSource: 'subject',
      versions: [1, 2],
      latestVersion: 2,
      references: [{ name: 'shop.Money', subject: 'shop.Money', version: 1 }],
    });
    expect(bySubject['profile-json']).toMatchObject({ format: 'JSON', level: 'BACKWARD', levelSource: 'global' });
    expect(bySubject['shop.Money']!.referencedBy).toEqual([
      { subject: 'orders-value', version: 2, referencedVersion: 1 },
    ]);
  });

  it('reads the registry once per subject list and serves searches and filters from it', async () => {
    const many = createInMemoryRegistry();
    for (let i = 0; i < 300; i++) {
      await many.register(`subject-${String(i).padStart(3, '0')}`, {
        schema: JSON.stringify({ type: 'record', name: `R${i}`, fields: [] }),
      });
    }
    const big = await start({ registry: many });
    try {
      const before = many.requestCount;
      const first = await get<SubjectList>(big, '/api/subjects');
      expect(first.body.subjects).toHaveLength(300);
      const calls = many.requestCount - before;
      // versions, level and latest version per subject, plus the list and the global level
      expect(calls).toBeLessThanOrEqual(3 * 300 + 2);
      await get<SubjectList>(big, '/api/subjects');
      expect(many.requestCount - before).toBe(calls);
    } finally {
      await big.close();
    }
  });

  it('shows a version pretty-printed, with the IDs of every version and who imports it', async () => {
    const { status, body } = await get<VersionView>(app, '/api/subjects/shop.Money/versions/latest');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      subject: 'shop.Money',
      version: 1,
      format: 'AVRO',
      level: 'BACKWARD',
      levelSource: 'global',
    });
    expect(body.schema).toBe(JSON.stringify(money, null, 2));
    expect(body.referencedBy).toEqual([{ subject: 'orders-value', version: 2 }]);
    const orders = await get<VersionView>(app, '/api/subjects/orders-value/versions/1');
    expect(orders.body.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(orders.body.versions.every((v) => Number.isInteger(v.id))).toBe(true);
  });

  it('diffs two versions with the offline checker’s findings at the level asked for', async () => {
    const { status, body } = await get<DiffView>(app, '/api/subjects/orders-value/diff?from=1&to=2&level=BACKWARD');
    expect(status).toBe(200);
    expect(body.level).toBe('BACKWARD');
    expect(body.subjectLevel).toBe('NONE');
    expect(body.verdict.compatible).toBe(false);
    expect(body.verdict.checkedAgainst).toEqual([1]);
    const expected = checkCompatibility({
      format: 'AVRO',
      level: 'BACKWARD',
      previous: [{ schema: orderV1, references: [{ name: 'shop.Money', schema: money }], version: 1 }],
      candidate: { schema: orderV2, references: [{ name: 'shop.Money', schema: money }], version: 2 },
      includeNonBreaking: true,
    });
    expect(body.verdict.findings.map((f) => [f.ruleId, f.path, f.breaking])).toEqual(
      expected.findings.map((f) => [f.ruleId, f.path, f.breaking]),
    );
    const finding = body.verdict.findings[0]!;
    expect(finding.ruleId).toBe('FIELD_ADDED_WITHOUT_DEFAULT');
    expect(finding.purpose).not.toBe('');
    expect(finding.at?.side).toBe('right');
    const at = finding.at!;
    const flagged = body.rows.filter((r) => r.right && r.right.line >= at.line && r.right.line <= at.endLine);
    expect(flagged.map((r) => r.right?.text.trim())).toEqual(['{', '"name": "channel",', '"type": "string"', '}']);
    expect(flagged.find((r) => r.right?.text.includes('channel'))?.kind).toBe('added');
    expect(body.rows.filter((r) => r.kind === 'added' || r.kind === 'changed').length).toBeGreaterThan(0);
  });

  it("checks at the subject's level by default: NONE accepts the change", async () => {
    const { body } = await get<DiffView>(app, '/api/subjects/orders-value/diff?from=1&to=2');
    expect(body.level).toBe('NONE');
    expect(body.verdict).toEqual({ compatible: true, checkedAgainst: [], findings: [] });
  });

  it('compares the local schema file of the config with the registered version', async () => {
    const config = loadConfig(resolve(__dirname, '..', '..', '..', 'contracts.config.json'));
    const withLocal = createInMemoryRegistry();
    await registerContract(bookingsContract, withLocal);
    const local = await start({ registry: withLocal, config });
    try {
      const info = await get<{ localSubjects: string[] }>(local, '/api/info');
      expect(info.body.localSubjects).toContain('bookings-value');
      const { status, body } = await get<DiffView>(
        local,
        '/api/subjects/bookings-value/diff?from=latest&to=local&level=FULL',
      );
      expect(status).toBe(200);
      expect(body.right.file).toBe('schemas/avro/bookings-value.avsc');
      expect(body.verdict.compatible).toBe(true);
      expect(body.rows.every((r) => r.kind === 'same')).toBe(true);
      // the topic's union as codegen declares it: the decoder unwraps it
      const ts = await get<{ typescript: string }>(local, '/api/subjects/bookings-value/versions/1/typescript');
      expect(ts.body.typescript).toContain(
        'export type BookingsEvent = BookingCreated | BookingConfirmed | BookingCancelled | BookingFailed;',
      );
      expect(ts.body.typescript).toMatch(/export interface BookingCreated \{[\s\S]*?timestamp: Date;/);
    } finally {
      await local.close();
    }
  });

  it('renders the TypeScript of a version: records as interfaces, references resolved, timestamps as Date', async () => {
    const { status, body } = await get<{ typescript: string }>(app, '/api/subjects/orders-value/versions/2/typescript');
    expect(status).toBe(200);
    expect(body.typescript).toMatch(/export interface OrderPlaced \{/);
    expect(body.typescript).toMatch(/total: Money;/);
    expect(body.typescript).toMatch(/at: Date;/);
    expect(body.typescript).toMatch(/export interface Money \{[^}]*amountMinor: number;/);
    const json = await get<{ typescript: string }>(app, '/api/subjects/profile-json/versions/1/typescript');
    expect(json.body.typescript).toMatch(/export interface Profile \{[^}]*name: string;/);
  });

  it('names the unknown subject and refuses a version that is not a number', async () => {
    const missing = await get<{ error: { code: string } }>(app, '/api/subjects/nope/versions/latest');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    const bad = await get<{ error: { code: string; hint: string } }>(app, '/api/subjects/orders-value/versions/abc');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('USAGE');
    const level = await get<{ error: { code: string } }>(
      app,
      '/api/subjects/orders-value/diff?from=1&to=2&level=SIDEWAYS',
    );
    expect(level.status).toBe(400);
  });

  it("refuses a change that is not this page's and answers only requests addressed to a loopback name", async () => {
    // no Origin naming this server: refused before any route (access.test.ts has the rest)
    const post = await rawRequest(app, 'POST', '/api/subjects', '127.0.0.1');
    expect(post.status).toBe(403);
    const rebound = await rawRequest(app, 'GET', '/api/info', 'attacker.example:8088');
    expect(rebound.status).toBe(403);
    const page = await rawRequest(app, 'GET', '/', 'localhost:8088');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script src="/app.js" defer></script>');
    expect(page.body).not.toMatch(/https?:\/\//);
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");
  });
});

describe('contracts ui error states', () => {
  it('reports an unreachable registry with its URL', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const app = await start({ registry: `http://127.0.0.1:${port}` });
    try {
      const { status, body } = await get<{ error: { code: string; registryUrl: string; hint: string } }>(
        app,
        '/api/subjects',
      );
      expect(status).toBe(502);
      expect(body.error.code).toBe('REGISTRY_UNREACHABLE');
      expect(body.error.registryUrl).toBe(`http://127.0.0.1:${port}`);
      expect(body.error.hint).toContain(`http://127.0.0.1:${port}`);
    } finally {
      await app.close();
    }
  });

  it('reports a registry that refuses the credentials as unauthorised, without the credentials', async () => {
    const server: Server = createServer((_req, res) => {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error_code: 40101, message: 'Unauthorized' }));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as AddressInfo).port;
    const app = await start({ registry: `http://user:secret@127.0.0.1:${port}` });
    try {
      const { status, body } = await get<{ error: { code: string; status: number; registryUrl: string } }>(
        app,
        '/api/subjects',
      );
      expect(status).toBe(502);
      expect(body.error).toMatchObject({ code: 'REGISTRY_AUTH', status: 401, registryUrl: `http://127.0.0.1:${port}` });
      expect(JSON.stringify(body)).not.toContain('secret');
    } finally {
      await app.close();
      await new Promise<void>((done) => server.close(() => done()));
    }
  });
});
