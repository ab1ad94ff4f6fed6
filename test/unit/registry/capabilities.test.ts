/**
 * The HTTP client against a registry that lacks optional routes or drops connections: what it
 * learns from each answer (src/registry/capabilities.ts) and when it sends a request again.
 * The answers are the ones Karapace, Apicurio 3.0 and uvicorn give (quoted from their runs).
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryError } from '../../../src/errors';
import { createSchemaRegistryClient } from '../../../src/registry';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => { status: number; body: unknown } | 'drop';

let server: Server;
let base: string;
const seen: string[] = [];
let handle: Handler = () => ({ status: 200, body: {} });

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}`);
      const answer = handle(req, body, res);
      // a keep-alive connection the server closes instead of answering: undici's "other side closed"
      if (answer === 'drop') return void req.socket.destroy();
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  seen.length = 0;
});

const schema = { schema: '{"type":"string"}' };

describe('registry capabilities', () => {
  it('falls back to one check per version where the all-versions route is missing (Karapace: 404 "Not Found"), and remembers it', async () => {
    handle = (req) => {
      if (req.url === '/compatibility/subjects/s/versions?verbose=true') return { status: 404, body: 'Not Found' };
      if (req.url === '/subjects/s/versions') return { status: 200, body: [1, 2, 3] };
      if (req.url === '/compatibility/subjects/s/versions/2?verbose=true')
        return { status: 200, body: { is_compatible: false, messages: ['reader field b has no default'] } };
      return { status: 200, body: { is_compatible: true } };
    };
    const client = createSchemaRegistryClient({ url: base });
    const result = await client.testCompatibility('s', schema, { against: 'all' });
    expect(result).toEqual({ isCompatible: false, messages: ['version 2: reader field b has no default'] });
    expect(client.capabilities?.get('compatibility-all-versions')).toMatchObject({ state: 'fallback', status: 404 });
    seen.length = 0;
    await client.testCompatibility('s', schema, { against: 'all' });
    // learnt: the missing route is not asked again
    expect(seen).toEqual([
      'GET /subjects/s/versions',
      'POST /compatibility/subjects/s/versions/1?verbose=true',
      'POST /compatibility/subjects/s/versions/2?verbose=true',
      'POST /compatibility/subjects/s/versions/3?verbose=true',
    ]);
  });

  it('falls back on 405 too, but a 404 with a Confluent "subject not found" code is an answer, not a missing route', async () => {
    handle = (req) =>
      req.url?.startsWith('/compatibility/subjects/gone/')
        ? { status: 404, body: { error_code: 40401, message: "Subject 'gone' not found." } }
        : req.url === '/compatibility/subjects/s/versions?verbose=true'
          ? { status: 405, body: { error_code: 405, message: 'HTTP 405 Method Not Allowed' } }
          : req.url === '/subjects/s/versions'
            ? { status: 200, body: [1] }
            : { status: 200, body: { is_compatible: true } };
    const client = createSchemaRegistryClient({ url: base });
    // the route is there: an unknown subject has nothing to conflict with (Confluent's answer)
    await expect(client.testCompatibility('gone', schema, { against: 'all' })).resolves.toEqual({
      isCompatible: true,
      messages: [],
    });
    expect(client.capabilities?.get('compatibility-all-versions')).toEqual({ state: 'unknown' });
    await expect(client.testCompatibility('s', schema, { against: 'all' })).resolves.toEqual({
      isCompatible: true,
      messages: [],
    });
    expect(client.capabilities?.usesFallback('compatibility-all-versions')).toBe(true);
  });

  it('reads Apicurio\'s NONE for "no subject level" as none, and keeps a real subject-level NONE', async () => {
    handle = (req) => {
      if (req.url === '/config/unset') return { status: 200, body: { compatibilityLevel: 'NONE' } };
      if (req.url === '/config/unset?defaultToGlobal=true')
        return { status: 200, body: { compatibilityLevel: 'BACKWARD' } };
      if (req.url?.startsWith('/config/none')) return { status: 200, body: { compatibilityLevel: 'NONE' } };
      if (req.url === '/config/confluent')
        return {
          status: 404,
          body: {
            error_code: 40408,
            message: "Subject 'confluent' does not have subject-level compatibility configured",
          },
        };
      return { status: 200, body: { compatibilityLevel: 'BACKWARD' } };
    };
    const client = createSchemaRegistryClient({ url: base });
    expect(await client.getCompatibility('unset')).toBeNull();
    expect(await client.getCompatibility('none')).toBe('NONE');
    expect(await client.getCompatibility('confluent')).toBeNull();
    expect(client.capabilities?.usesFallback('subject-level-unset')).toBe(true);
  });
});

describe('requests on closed connections', () => {
  it('sends an idempotent request again when the server closed the connection (up to connectionAttempts)', async () => {
    let drops = 2;
    handle = () => (drops-- > 0 ? 'drop' : { status: 200, body: ['a'] });
    const client = createSchemaRegistryClient({ url: base });
    expect(await client.listSubjects()).toEqual(['a']);
    expect(seen).toEqual(['GET /subjects', 'GET /subjects', 'GET /subjects']);
    drops = 5;
    const error = (await client.listSubjects().catch((e: unknown) => e)) as RegistryError;
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.code).toBe('REGISTRY_UNREACHABLE');
    expect(error.message).toMatch(/UND_ERR_SOCKET|other side closed|ECONNRESET/);
    expect(seen.length).toBe(3 + 3);
  });

  it('reads (lookup, compatibility tests) are sent again; a registration is looked up before it is sent again', async () => {
    let registered = false;
    let dropRegister = true;
    handle = (req, body) => {
      if (req.url === '/subjects/s/versions' && req.method === 'POST') {
        registered = true;
        if (dropRegister) {
          dropRegister = false;
          return 'drop';
        }
        return { status: 200, body: { id: 7 } };
      }
      if (req.url === '/subjects/s' && req.method === 'POST') {
        return registered
          ? { status: 200, body: { subject: 's', version: 1, id: 7, schema: JSON.parse(body).schema } }
          : { status: 404, body: { error_code: 40403, message: 'Schema not found' } };
      }
      return { status: 500, body: {} };
    };
    const client = createSchemaRegistryClient({ url: base });
    // the registration landed before the connection closed: the lookup finds it, nothing is sent twice
    expect(await client.register('s', schema)).toEqual({ id: 7 });
    expect(seen).toEqual(['POST /subjects/s/versions', 'POST /subjects/s']);
  });

  it('a registration that did not land is sent again after the lookup says so', async () => {
    let drop = true;
    handle = (req) => {
      if (req.url === '/subjects/t/versions') {
        if (drop) {
          drop = false;
          return 'drop';
        }
        return { status: 200, body: { id: 8 } };
      }
      return { status: 404, body: { error_code: 40401, message: "Subject 't' not found." } };
    };
    const client = createSchemaRegistryClient({ url: base });
    expect(await client.register('t', schema)).toEqual({ id: 8 });
    expect(seen).toEqual(['POST /subjects/t/versions', 'POST /subjects/t', 'POST /subjects/t/versions']);
  });

  it('never sends a request again after a timeout or an HTTP error', async () => {
    handle = () => ({ status: 503, body: { error_code: 50003, message: 'busy' } });
    const client = createSchemaRegistryClient({ url: base });
    await expect(client.listSubjects()).rejects.toMatchObject({ status: 503 });
    expect(seen).toEqual(['GET /subjects']);
    seen.length = 0;
    handle = () => ({ status: 200, body: [] });
    const slow = createServer(() => undefined);
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    await expect(createSchemaRegistryClient({ url, timeoutMs: 100 }).listSubjects()).rejects.toThrow(
      /no answer within 100 ms/,
    );
    slow.closeAllConnections();
    await new Promise<void>((r) => slow.close(() => r()));
  });
});
