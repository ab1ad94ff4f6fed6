import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryError } from '../../../src/errors';
import { createSchemaRegistryClient, registryOptionsFromEnv } from '../../../src/registry';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
let reply: (req: IncomingMessage, body: string) => { status: number; body: unknown } = () => ({
  status: 200,
  body: {},
});

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
      });
      const answer = reply(req, body);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/apis/ccompat/v7`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen.length = 0;
});

describe('HTTP schema registry client', () => {
  it('sends basic auth from the URL, and never puts the credentials in errors', async () => {
    reply = () => ({ status: 404, body: { error_code: 40403, message: 'Schema 5 not found' } });
    const client = createSchemaRegistryClient({ url: base.replace('http://', 'http://alice:s3cret@') });
    const error = (await client.getSchemaById(5).catch((e: unknown) => e)) as RegistryError;
    expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ status: 404, registryCode: 40403, retriable: false, url: `${base}/schemas/ids/5` });
    expect(`${error.message} ${error.url} ${client.url}`).not.toMatch(/alice|s3cret/);
  });

  it('sends a bearer token', async () => {
    reply = () => ({ status: 200, body: ['a'] });
    await createSchemaRegistryClient({ url: base, auth: { token: 'tok' } }).listSubjects();
    expect(seen[0]?.authorization).toBe('Bearer tok');
  });

  it('reads SCHEMA_REGISTRY_URL, SCHEMA_REGISTRY_AUTH and SCHEMA_REGISTRY_TOKEN', () => {
    expect(registryOptionsFromEnv({ SCHEMA_REGISTRY_URL: base, SCHEMA_REGISTRY_AUTH: 'u:p:q' })).toEqual({
      url: base,
      auth: { username: 'u', password: 'p:q' },
    });
    expect(registryOptionsFromEnv({ SCHEMA_REGISTRY_URL: base, SCHEMA_REGISTRY_TOKEN: 't' })).toEqual({
      url: base,
      auth: { token: 't' },
    });
    expect(registryOptionsFromEnv({})).toBeUndefined();
  });

  it('marks 5xx and 429 retriable, 4xx not', async () => {
    const client = createSchemaRegistryClient({ url: base });
    for (const [status, retriable] of [
      [500, true],
      [503, true],
      [429, true],
      [422, false],
      [401, false],
    ] as const) {
      reply = () => ({ status, body: { error_code: status * 100 + 1, message: 'x' } });
      const error = (await client.listSubjects().catch((e: unknown) => e)) as RegistryError;
      expect(error).toMatchObject({ status, retriable });
    }
  });

  it('reports an unreachable registry as retriable REGISTRY_UNREACHABLE', async () => {
    const client = createSchemaRegistryClient({ url: 'http://127.0.0.1:1/apis/ccompat/v7' });
    const error = (await client.listSubjects().catch((e: unknown) => e)) as RegistryError;
    expect(error).toMatchObject({ code: 'REGISTRY_UNREACHABLE', retriable: true, status: undefined });
  });

  it('caches schemas by ID forever and shares concurrent requests', async () => {
    reply = () => ({ status: 200, body: { schema: '"string"' } });
    const requests: string[] = [];
    const client = createSchemaRegistryClient({ url: base, onRequest: (r) => requests.push(`${r.method} ${r.path}`) });
    const [a, b] = await Promise.all([client.getSchemaById(3), client.getSchemaById(3)]);
    await client.getSchemaById(3);
    expect(a).toEqual({ schema: '"string"', schemaType: 'AVRO', references: [] });
    expect(b).toBe(a);
    expect(requests).toEqual(['GET /schemas/ids/3']);
    expect(client.requestCount).toBe(1);
  });

  it('registers with references and the Confluent content type, leaving out schemaType for Avro', async () => {
    reply = () => ({ status: 200, body: { id: 12 } });
    const client = createSchemaRegistryClient({ url: base });
    const refs = [{ name: 'x.Money', subject: 'x.Money', version: 1 }];
    expect(await client.register('a/b', { schema: '"string"', references: refs })).toEqual({ id: 12 });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/apis/ccompat/v7/subjects/a%2Fb/versions',
      contentType: 'application/vnd.schemaregistry.v1+json',
    });
    expect(JSON.parse(seen[0]!.body)).toEqual({ schema: '"string"', references: refs });
  });

  it('reads and sets compatibility levels, and asks for verbose compatibility tests', async () => {
    const client = createSchemaRegistryClient({ url: base });
    reply = (req) =>
      req.method === 'PUT'
        ? { status: 200, body: { compatibility: 'FULL' } }
        : req.url!.startsWith('/apis/ccompat/v7/compatibility')
          ? { status: 200, body: { is_compatible: false, messages: ['field b has no default'] } }
          : req.url!.endsWith('/config/none')
            ? { status: 404, body: { error_code: 40408, message: 'no subject level' } }
            : { status: 200, body: { compatibilityLevel: 'BACKWARD' } };
    expect(await client.setCompatibility('FULL', 's')).toBe('FULL');
    expect(JSON.parse(seen[0]!.body)).toEqual({ compatibility: 'FULL' });
    expect(await client.getCompatibility()).toBe('BACKWARD');
    expect(await client.getCompatibility('none')).toBeNull();
    expect(await client.testCompatibility('s', { schema: '"int"' })).toEqual({
      isCompatible: false,
      messages: ['field b has no default'],
    });
    expect(seen.at(-1)?.url).toBe('/apis/ccompat/v7/compatibility/subjects/s/versions/latest?verbose=true');
  });

  it('answers the latest of a subject without versions as compatible, as Confluent does, where Karapace answers 404 40402', async () => {
    const client = createSchemaRegistryClient({ url: base });
    reply = (req) =>
      req.url!.includes('/subjects/empty/')
        ? { status: 404, body: { error_code: 40402, message: 'Version -1 not found.' } }
        : { status: 404, body: { error_code: 40401, message: 'Subject not found.' } };
    expect(await client.testCompatibility('empty', { schema: '"int"' })).toEqual({ isCompatible: true, messages: [] });
    // a numbered version that is not there stays an error, and so does any other 404
    await expect(client.testCompatibility('empty', { schema: '"int"' }, { against: 3 })).rejects.toMatchObject({
      status: 404,
      registryCode: 40402,
    });
    await expect(client.testCompatibility('other', { schema: '"int"' })).rejects.toMatchObject({
      status: 404,
      registryCode: 40401,
    });
  });

  it('answers every version of a subject without versions as compatible, where Apicurio answers 404 40401', async () => {
    const client = createSchemaRegistryClient({ url: base });
    reply = () => ({ status: 404, body: { error_code: 40401, message: 'Subject not found.' } });
    expect(await client.testCompatibility('none', { schema: '"int"' }, { against: 'all' })).toEqual({
      isCompatible: true,
      messages: [],
    });
  });

  it("lists a finding once when a registry's per-version test checks every version (Karapace, transitive)", async () => {
    const client = createSchemaRegistryClient({ url: base });
    reply = (req) => {
      if (req.url!.endsWith('/versions?verbose=true')) return { status: 404, body: { message: 'Not Found' } };
      if (req.url!.endsWith('/subjects/s/versions')) return { status: 200, body: [1, 2] };
      // as Karapace at FULL_TRANSITIVE: the test against v2 reports v1's finding again
      const v2 = req.url!.includes('/versions/2?');
      return {
        status: 200,
        body: { is_compatible: false, messages: v2 ? ['field a removed', 'field b removed'] : ['field a removed'] },
      };
    };
    expect(await client.testCompatibility('s', { schema: '"int"' }, { against: 'all' })).toEqual({
      isCompatible: false,
      messages: ['version 1: field a removed', 'version 2: field b removed'],
    });
  });
});
