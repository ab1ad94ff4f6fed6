/**
 * A JSON Schema topic on a registry without JSON Schema references (Karapace refuses them: 422,
 * 44302; here the real registry behind a proxy that answers so): the referencing contract is
 * refused with the fix in the error, the bundled one (`jsonReferences: "bundle"`) registers, and
 * its events go through the serde (what the producer and consumer use) both ways.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { TopicContract } from '../../src/contract';
import { RegistryError } from '../../src/errors';
import { createSchemaRegistryClient, registerContract } from '../../src/registry';
import { createSerde } from '../../src/serde';
import { bookingEvents } from '../support/bookings-fixtures';
import { withSubjectPrefix } from '../support/contracts';
import type { RouteFilterProxy } from '../support/route-filter-proxy';
import { stackEnv } from '../support/stack-env';

const ROOT = resolve(__dirname, '..', '..');
const load = (dir: string) =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require(resolve(ROOT, '.scratch', dir, 'bookings')) as { bookingsContract: TopicContract }).bookingsContract;

beforeAll(async () => {
  for (const config of ['bookings-json', 'bookings-json-bundle']) {
    execFileSync(
      process.execPath,
      ['bin/contracts.js', '-c', `test/fixtures/configs/${config}.config.json`, 'generate'],
      { cwd: ROOT, stdio: 'pipe' },
    );
  }
});

/**
 * The real registry behind a proxy that refuses JSON Schemas with references as Karapace does (decided
 * on the body).
 */
async function karapaceLike(): Promise<RouteFilterProxy> {
  const { createServer } = await import('node:http');
  const target = new URL(stackEnv().registryUrl);
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push(`${req.method} ${req.url}`);
      const parsed =
        body.length > 0 ? (JSON.parse(body.toString()) as { schemaType?: string; references?: unknown[] }) : {};
      if (parsed.schemaType === 'JSON' && (parsed.references?.length ?? 0) > 0) {
        res.writeHead(422, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error_code: 44302, message: "Schema references are not supported for 'JSON' schema type" }),
        );
        return;
      }
      fetch(`${target.origin}${req.url}`, {
        method: req.method,
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
        body: body.length > 0 ? body : undefined,
      })
        .then(async (answer) => {
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('JSON Schema on a registry without JSON references', () => {
  it('refuses the referencing contract with the fix, registers the bundled one, and the serde works both ways', async () => {
    const registryProxy = await karapaceLike();
    try {
      const prefix = `jb-${randomBytes(4).toString('hex')}.`;
      const registry = createSchemaRegistryClient({ url: registryProxy.url });
      const referencing = withSubjectPrefix(load('generated-json'), prefix);
      const error = (await registerContract(referencing, registry).catch((e: unknown) => e)) as RegistryError;
      expect(error).toBeInstanceOf(RegistryError);
      expect(error).toMatchObject({ status: 422, registryCode: 44302 });
      expect(error.hint).toMatch(/"jsonReferences": "bundle"/);
      expect(registry.capabilities?.usesFallback('json-schema-references')).toBe(true);

      const contract = withSubjectPrefix(load('generated-json-bundle'), prefix);
      const ids = await registerContract(contract, registry);
      expect(Object.keys(ids)).toEqual(contract.schemas.map((s) => s.subject));
      const producerSide = createSerde(contract, registry);
      const consumerSide = createSerde(contract, createSchemaRegistryClient({ url: registryProxy.url }));
      for (const [type, event] of Object.entries(bookingEvents())) {
        const json = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
        const bytes = await producerSide.encode(json as never);
        const decoded = await consumerSide.decode(bytes);
        expect([type, decoded.event]).toEqual([type, json]);
        expect(decoded.schemaId).toBe(ids[contract.valueSubject!]!.id);
      }
    } finally {
      await registryProxy.close();
    }
  });
});
