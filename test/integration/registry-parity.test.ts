/**
 * The in-memory registry answers like the real one (here Apicurio 3's Confluent-compatible API) for
 * every call the kit makes: the same sequence runs against both and the transcripts must match.
 * IDs are compared by identity, not value (each registry numbers its own way): the transcript
 * names each ID by the order it first appeared.
 */
import { randomBytes } from 'node:crypto';
import { RegistryError } from '../../src/errors';
import { createInMemoryRegistry, createSchemaRegistryClient, type SchemaRegistryClient } from '../../src/registry';
import { stackEnv } from '../support/stack-env';

jest.setTimeout(60_000);

const money = JSON.stringify({ type: 'record', name: 'Money', namespace: 'p', fields: [{ name: 'amountMinor', type: 'long' }, { name: 'currency', type: 'string' }] });
const order = JSON.stringify({ type: 'record', name: 'Order', namespace: 'p', fields: [{ name: 'id', type: 'string' }, { name: 'total', type: 'p.Money' }] });
const thing = (fields: object[]) => JSON.stringify({ type: 'record', name: 'Thing', namespace: 'p', fields: [{ name: 'a', type: 'string' }, ...fields] });

async function transcript(registry: SchemaRegistryClient, prefix: string): Promise<unknown[]> {
  const ids = new Map<number, string>();
  const id = (n: number) => {
    if (!ids.has(n)) ids.set(n, `id#${ids.size + 1}`);
    return ids.get(n)!;
  };
  const s = (name: string) => `${prefix}${name}`;
  const unprefix = (value: unknown): unknown => JSON.parse(JSON.stringify(value).split(prefix).join(''));
  const out: unknown[] = [];
  const step = async (name: string, call: () => Promise<unknown>, shape: (v: never) => unknown = (v) => v) => {
    try {
      out.push([name, unprefix(shape((await call()) as never))]);
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      out.push([name, 'error', error.status, error.registryCode]);
    }
  };
  const idOf = (v: { id: number }) => id(v.id);
  const version = (v: { id: number; version: number; subject: string; references: unknown }) => ({ ...v, id: id(v.id), schema: undefined });

  await step('register Money', () => registry.register(s('Money'), { schema: money }), idOf);
  await step('register Money again', () => registry.register(s('Money'), { schema: money }), idOf);
  const ref = [{ name: 'p.Money', subject: s('Money'), version: 1 }];
  await step('register Order (references Money v1)', () => registry.register(s('Order'), { schema: order, references: ref }), idOf);
  await step('lookup Order', () => registry.lookup(s('Order'), { schema: order, references: ref }), version);
  const orderId = (await registry.lookup(s('Order'), { schema: order, references: ref })).id;
  await step('schema by ID with references', () => registry.getSchemaById(orderId), (v: { schema: string; schemaType: string; references: unknown }) => ({
    ...v,
    schema: JSON.parse(v.schema) as unknown,
  }));
  await step('subjects of the ID', () => registry.getSubjectVersionsById(orderId));
  await step('same schema, other subject: same ID', () => registry.register(s('Money-copy'), { schema: money }), idOf);
  await step('subject version 1 of Order', () => registry.getSubjectVersion(s('Order'), 1), version);

  await step('register Thing v1', () => registry.register(s('Thing'), { schema: thing([]) }), idOf);
  await step('set compatibility', () => registry.setCompatibility('BACKWARD', s('Thing')));
  await step('get compatibility', () => registry.getCompatibility(s('Thing')));
  await step('test incompatible', () => registry.testCompatibility(s('Thing'), { schema: thing([{ name: 'b', type: 'int' }]) }), (v: { isCompatible: boolean }) => v.isCompatible);
  await step('register incompatible', () => registry.register(s('Thing'), { schema: thing([{ name: 'b', type: 'int' }]) }), idOf);
  await step('test compatible', () => registry.testCompatibility(s('Thing'), { schema: thing([{ name: 'b', type: 'int', default: 0 }]) }), (v: { isCompatible: boolean }) => v.isCompatible);
  await step('register Thing v2', () => registry.register(s('Thing'), { schema: thing([{ name: 'b', type: 'int', default: 0 }]) }), idOf);
  await step('versions of Thing', () => registry.listVersions(s('Thing')));
  await step('latest of Thing', () => registry.getSubjectVersion(s('Thing'), 'latest'), version);
  await step('test against a subject with no versions', () => registry.testCompatibility(s('Nothing'), { schema: thing([]) }), (v: { isCompatible: boolean }) => v.isCompatible);
  await step('test against every version', () => registry.testCompatibility(s('Thing'), { schema: thing([{ name: 'b', type: 'int', default: 0 }]) }, { against: 'all' }), (v: { isCompatible: boolean }) => v.isCompatible);
  await step('test against version 1', () => registry.testCompatibility(s('Thing'), { schema: thing([{ name: 'c', type: 'int' }]) }, { against: 1 }), (v: { isCompatible: boolean }) => v.isCompatible);
  await step('test against a version that does not exist', () => registry.testCompatibility(s('Thing'), { schema: thing([]) }, { against: 99 }));
  await step('test against every version of an unknown subject', () => registry.testCompatibility(s('Nothing'), { schema: thing([]) }, { against: 'all' }));
  await step('level of a subject without its own', () => registry.getCompatibility(s('Money')));
  await step('global level', () => registry.getCompatibility());
  await step('subjects listed', async () => (await registry.listSubjects()).filter((x) => x.startsWith(prefix)).sort());

  await step('lookup in an unknown subject', () => registry.lookup(s('Unknown'), { schema: money }));
  await step('lookup of a schema not in the subject', () => registry.lookup(s('Money'), { schema: order, references: ref }));
  await step('unknown schema ID', () => registry.getSchemaById(2_000_000_000));
  await step('subjects of an unknown schema ID', () => registry.getSubjectVersionsById(2_000_000_000));
  await step('unknown version', () => registry.getSubjectVersion(s('Money'), 99));
  await step('version of an unknown subject', () => registry.getSubjectVersion(s('Unknown'), 1));
  await step('versions of an unknown subject', () => registry.listVersions(s('Unknown')));
  await step('invalid schema', () => registry.register(s('Invalid'), { schema: '{"type":"nope"}' }));
  await step('reference to a missing subject', () =>
    registry.register(s('Dangling'), { schema: order, references: [{ name: 'p.Money', subject: s('Missing'), version: 1 }] }),
  );
  return out;
}

describe('in-memory registry parity with the real registry', () => {
  it('answers the kit\'s calls the same way, error codes included', async () => {
    const env = stackEnv();
    const prefix = `parity-${randomBytes(4).toString('hex')}.`;
    const real = await transcript(createSchemaRegistryClient({ url: env.registryUrl }), prefix);
    const memory = await transcript(createInMemoryRegistry(), prefix);
    expect(memory).toEqual(real);
    // and the transcript says what the kit relies on
    expect(real).toContainEqual(['register Money again', 'id#1']);
    expect(real).toContainEqual(['unknown schema ID', 'error', 404, 40403]);
    expect(real).toContainEqual(['lookup in an unknown subject', 'error', 404, 40401]);
    expect(real).toContainEqual(['register incompatible', 'error', 409, 409]);
    expect(real).toContainEqual(['versions of Thing', [1, 2]]);
  });
});

/**
 * Where a registry answers other than Confluent documents, by name. Each probe asks the real
 * registry with a raw request (not through the kit's client, which smooths these over) and names
 * the answer: Confluent's documented one, or a known difference of a registry (with the kit's
 * fallback). An answer that is neither fails the test: a new difference to name and handle.
 */
interface Raw {
  status: number;
  body: { error_code?: number; message?: string; is_compatible?: boolean; compatibilityLevel?: string } | string;
}
interface Probe {
  name: string;
  run: (ask: (method: string, path: string, body?: unknown) => Promise<Raw>, s: (name: string) => string) => Promise<Raw>;
  documented: (raw: Raw) => boolean;
  /** Known differences: name (registry: answer → the kit's fallback) and how to recognise it. */
  known: Array<{ name: string; matches: (raw: Raw) => boolean }>;
}

const code = (raw: Raw) => (typeof raw.body === 'object' ? raw.body.error_code : undefined);
const jsonAmount = JSON.stringify({ $id: 'amount.schema.json', type: 'object', properties: { v: { type: 'integer' } } });
const jsonOrder = JSON.stringify({ type: 'object', properties: { amount: { $ref: 'amount.schema.json' } } });

const PROBES: Probe[] = [
  {
    name: 'level of a subject without its own level',
    run: async (ask, s) => {
      await ask('POST', `/subjects/${s('Lvl')}/versions`, { schema: money });
      return ask('GET', `/config/${s('Lvl')}`);
    },
    documented: (raw) => raw.status === 404 && code(raw) === 40408,
    known: [{ name: 'apicurio-subject-level-none: 200 NONE (the global level applies) → ?defaultToGlobal=true', matches: (raw) => raw.status === 200 && typeof raw.body === 'object' && raw.body.compatibilityLevel === 'NONE' }],
  },
  {
    name: 'compatibility test of every version',
    run: async (ask, s) => {
      await ask('POST', `/subjects/${s('All')}/versions`, { schema: money });
      return ask('POST', `/compatibility/subjects/${s('All')}/versions?verbose=true`, { schema: money });
    },
    documented: (raw) => raw.status === 200 && typeof raw.body === 'object' && raw.body.is_compatible === true,
    known: [{ name: 'karapace-no-all-versions-route: 404 "Not Found" → one test per version', matches: (raw) => raw.status === 404 && code(raw) === undefined }],
  },
  {
    name: 'compatibility test of an Avro schema with references',
    run: async (ask, s) => {
      await ask('POST', `/subjects/${s('RefMoney')}/versions`, { schema: money });
      const references = [{ name: 'p.Money', subject: s('RefMoney'), version: 1 }];
      await ask('POST', `/subjects/${s('RefOrder')}/versions`, { schema: order, references });
      return ask('POST', `/compatibility/subjects/${s('RefOrder')}/versions/latest?verbose=true`, { schema: order, references });
    },
    documented: (raw) => raw.status === 200 && typeof raw.body === 'object' && raw.body.is_compatible === true,
    known: [{ name: "apicurio-avro-references-untestable: 422 → the kit's checker (labelled offline)", matches: (raw) => raw.status === 422 }],
  },
  {
    name: 'compatibility test of a JSON Schema with $ref',
    run: async (ask, s) => {
      await ask('POST', `/subjects/${s('amount')}/versions`, { schema: jsonAmount, schemaType: 'JSON' });
      const references = [{ name: 'amount.schema.json', subject: s('amount'), version: 1 }];
      const registered = await ask('POST', `/subjects/${s('jorder')}/versions`, { schema: jsonOrder, schemaType: 'JSON', references });
      if (registered.status !== 200) return registered;
      return ask('POST', `/compatibility/subjects/${s('jorder')}/versions/latest?verbose=true`, { schema: jsonOrder, schemaType: 'JSON', references });
    },
    documented: (raw) => raw.status === 200 && typeof raw.body === 'object' && raw.body.is_compatible === true,
    known: [
      {
        name: "apicurio-json-references-untestable: 500 (3.0: MalformedURLException, 3.3: Unresolved JSON Schema reference) → the kit's checker (labelled offline)",
        matches: (raw) => raw.status === 500 && /MalformedURLException|Unresolved JSON Schema reference/.test(JSON.stringify(raw.body)),
      },
      { name: 'karapace-no-json-references: 422 44302 → bundled schemas (jsonReferences: "bundle")', matches: (raw) => raw.status === 422 && code(raw) === 44302 },
    ],
  },
];

describe('known differences between registries', () => {
  it('names every answer that is not as Confluent documents, and the in-memory registry answers as documented', async () => {
    const env = stackEnv();
    const prefix = `diff-${randomBytes(4).toString('hex')}.`;
    const s = (name: string) => `${prefix}${name}`;
    const ask = async (method: string, path: string, body?: unknown): Promise<Raw> => {
      const response = await fetch(env.registryUrl + path, {
        method,
        headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: Raw['body'] = text;
      try {
        parsed = JSON.parse(text) as Raw['body'];
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed };
    };
    const seen: Array<[string, string]> = [];
    for (const probe of PROBES) {
      const raw = await probe.run(ask, s);
      const known = probe.known.find((k) => k.matches(raw));
      const verdict = probe.documented(raw) ? 'as documented' : (known?.name ?? `UNKNOWN DIFFERENCE ${JSON.stringify(raw)}`);
      seen.push([probe.name, verdict]);
    }
    process.stdout.write(`registry at ${env.registryUrl}:\n${seen.map(([p, v]) => `  ${p}: ${v}`).join('\n')}\n`);
    expect(seen.filter(([, v]) => v.startsWith('UNKNOWN'))).toEqual([]);

    // the kit's client smooths each difference over; the in-memory registry has none of them
    const memory = createInMemoryRegistry();
    await memory.register('Lvl', { schema: money });
    expect(await memory.getCompatibility('Lvl')).toBeNull();
    await memory.register('Money', { schema: money });
    await memory.register('Order', { schema: order, references: [{ name: 'p.Money', subject: 'Money', version: 1 }] });
    await expect(memory.testCompatibility('Order', { schema: order, references: [{ name: 'p.Money', subject: 'Money', version: 1 }] }, { against: 'all' })).resolves.toEqual({ isCompatible: true, messages: [] });
    const real = createSchemaRegistryClient({ url: env.registryUrl });
    expect(await real.getCompatibility(s('Lvl'))).toBeNull();
  });
});
