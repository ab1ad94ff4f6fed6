/**
 * What the registry-parity tests ask a registry: a transcript of the kit's calls (compared with the
 * in-memory registry's) and raw probes of where registries differ from Confluent's documented API.
 */
import { RegistryError } from '../../src/errors';
import type { SchemaRegistryClient } from '../../src/registry';

export const money = JSON.stringify({
  type: 'record',
  name: 'Money',
  namespace: 'p',
  fields: [
    { name: 'amountMinor', type: 'long' },
    { name: 'currency', type: 'string' },
  ],
});
export const order = JSON.stringify({
  type: 'record',
  name: 'Order',
  namespace: 'p',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'total', type: 'p.Money' },
  ],
});
export const thing = (fields: object[]) =>
  JSON.stringify({ type: 'record', name: 'Thing', namespace: 'p', fields: [{ name: 'a', type: 'string' }, ...fields] });

export async function transcript(registry: SchemaRegistryClient, prefix: string): Promise<unknown[]> {
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
  const version = (v: { id: number; version: number; subject: string; references: unknown }) => ({
    ...v,
    id: id(v.id),
    schema: undefined,
  });

  await step('register Money', () => registry.register(s('Money'), { schema: money }), idOf);
  await step('register Money again', () => registry.register(s('Money'), { schema: money }), idOf);
  const ref = [{ name: 'p.Money', subject: s('Money'), version: 1 }];
  await step(
    'register Order (references Money v1)',
    () => registry.register(s('Order'), { schema: order, references: ref }),
    idOf,
  );
  await step('lookup Order', () => registry.lookup(s('Order'), { schema: order, references: ref }), version);
  const orderId = (await registry.lookup(s('Order'), { schema: order, references: ref })).id;
  await step(
    'schema by ID with references',
    () => registry.getSchemaById(orderId),
    (v: { schema: string; schemaType: string; references: unknown }) => ({
      ...v,
      schema: JSON.parse(v.schema) as unknown,
    }),
  );
  await step('subjects of the ID', () => registry.getSubjectVersionsById(orderId));
  await step('same schema, other subject: same ID', () => registry.register(s('Money-copy'), { schema: money }), idOf);
  await step('subject version 1 of Order', () => registry.getSubjectVersion(s('Order'), 1), version);

  await step('register Thing v1', () => registry.register(s('Thing'), { schema: thing([]) }), idOf);
  await step('set compatibility', () => registry.setCompatibility('BACKWARD', s('Thing')));
  await step('get compatibility', () => registry.getCompatibility(s('Thing')));
  await step(
    'test incompatible',
    () => registry.testCompatibility(s('Thing'), { schema: thing([{ name: 'b', type: 'int' }]) }),
    (v: { isCompatible: boolean }) => v.isCompatible,
  );
  await step(
    'register incompatible',
    () => registry.register(s('Thing'), { schema: thing([{ name: 'b', type: 'int' }]) }),
    idOf,
  );
  await step(
    'test compatible',
    () => registry.testCompatibility(s('Thing'), { schema: thing([{ name: 'b', type: 'int', default: 0 }]) }),
    (v: { isCompatible: boolean }) => v.isCompatible,
  );
  await step(
    'register Thing v2',
    () => registry.register(s('Thing'), { schema: thing([{ name: 'b', type: 'int', default: 0 }]) }),
    idOf,
  );
  await step('versions of Thing', () => registry.listVersions(s('Thing')));
  await step('latest of Thing', () => registry.getSubjectVersion(s('Thing'), 'latest'), version);
  await step(
    'test against a subject with no versions',
    () => registry.testCompatibility(s('Nothing'), { schema: thing([]) }),
    (v: { isCompatible: boolean }) => v.isCompatible,
  );
  await step(
    'test against every version',
    () =>
      registry.testCompatibility(
        s('Thing'),
        { schema: thing([{ name: 'b', type: 'int', default: 0 }]) },
        { against: 'all' },
      ),
    (v: { isCompatible: boolean }) => v.isCompatible,
  );
  await step(
    'test against version 1',
    () => registry.testCompatibility(s('Thing'), { schema: thing([{ name: 'c', type: 'int' }]) }, { against: 1 }),
    (v: { isCompatible: boolean }) => v.isCompatible,
  );
  await step('test against a version that does not exist', () =>
    registry.testCompatibility(s('Thing'), { schema: thing([]) }, { against: 99 }),
  );
  await step('test against every version of an unknown subject', () =>
    registry.testCompatibility(s('Nothing'), { schema: thing([]) }, { against: 'all' }),
  );
  await step('level of a subject without its own', () => registry.getCompatibility(s('Money')));
  await step('global level', () => registry.getCompatibility());
  await step('subjects listed', async () => (await registry.listSubjects()).filter((x) => x.startsWith(prefix)).sort());

  await step('lookup in an unknown subject', () => registry.lookup(s('Unknown'), { schema: money }));
  await step('lookup of a schema not in the subject', () =>
    registry.lookup(s('Money'), { schema: order, references: ref }),
  );
  await step('unknown schema ID', () => registry.getSchemaById(2_000_000_000));
  // Confluent and Apicurio: 40403; Karapace: [] (a named difference, probed below); an ID with
  // no subjects is one the kit cannot use either way
  await step('subjects of an unknown schema ID', async () => {
    const found = await registry.getSubjectVersionsById(2_000_000_000).catch((error: unknown) => {
      if (error instanceof RegistryError && error.status === 404 && error.registryCode === 40403) return [];
      throw error;
    });
    return found.length === 0 ? 'no subjects' : found;
  });
  await step('unknown version', () => registry.getSubjectVersion(s('Money'), 99));
  await step('version of an unknown subject', () => registry.getSubjectVersion(s('Unknown'), 1));
  await step('versions of an unknown subject', () => registry.listVersions(s('Unknown')));
  await step('invalid schema', () => registry.register(s('Invalid'), { schema: '{"type":"nope"}' }));
  await step('reference to a missing subject', () =>
    registry.register(s('Dangling'), {
      schema: order,
      references: [{ name: 'p.Money', subject: s('Missing'), version: 1 }],
    }),
  );
  return out;
}

/**
 * Where a registry answers other than Confluent documents, by name. Each probe asks the real
 * registry with a raw request (not through the kit's client, which smooths these over) and names
 * the answer: Confluent's documented one, or a known difference of a registry (with the kit's
 * fallback). An answer that is neither fails the test: a new difference to name and handle.
 */
export interface Raw {
  status: number;
  body: { error_code?: number; message?: string; is_compatible?: boolean; compatibilityLevel?: string } | string;
}
export interface Probe {
  name: string;
  run: (
    ask: (method: string, path: string, body?: unknown) => Promise<Raw>,
    s: (name: string) => string,
  ) => Promise<Raw>;
  documented: (raw: Raw) => boolean;
  /** Known differences: name (registry: answer → the kit's fallback) and how to recognise it. */
  known: Array<{ name: string; matches: (raw: Raw) => boolean }>;
}

const code = (raw: Raw) => (typeof raw.body === 'object' ? raw.body.error_code : undefined);
const jsonAmount = JSON.stringify({
  $id: 'amount.schema.json',
  type: 'object',
  properties: { v: { type: 'integer' } },
});
const jsonOrder = JSON.stringify({ type: 'object', properties: { amount: { $ref: 'amount.schema.json' } } });

export const PROBES: Probe[] = [
  {
    name: 'subjects of an unknown schema ID',
    run: (ask) => ask('GET', '/schemas/ids/2000000000/versions'),
    documented: (raw) => raw.status === 404 && code(raw) === 40403,
    known: [
      {
        name: 'karapace-subjects-of-unknown-id: 200 [] → the same for the kit (an ID without subjects)',
        matches: (raw) => raw.status === 200 && Array.isArray(raw.body) && raw.body.length === 0,
      },
    ],
  },
  {
    name: 'compatibility test of every version of an unknown subject',
    run: (ask, s) => ask('POST', `/compatibility/subjects/${s('NoSuch')}/versions?verbose=true`, { schema: money }),
    documented: (raw) => raw.status === 200 && typeof raw.body === 'object' && raw.body.is_compatible === true,
    known: [
      {
        name: 'apicurio-all-versions-unknown-subject: 404 40401 → compatible (nothing to conflict with)',
        matches: (raw) => raw.status === 404 && code(raw) === 40401,
      },
      {
        name: 'karapace-no-all-versions-route: 404 "Not Found" → one test per version',
        matches: (raw) => raw.status === 404 && code(raw) === undefined,
      },
    ],
  },
  {
    name: 'level of a subject without its own level',
    run: async (ask, s) => {
      await ask('POST', `/subjects/${s('Lvl')}/versions`, { schema: money });
      return ask('GET', `/config/${s('Lvl')}`);
    },
    documented: (raw) => raw.status === 404 && code(raw) === 40408,
    known: [
      {
        name: 'apicurio-subject-level-none: 200 NONE (the global level applies) → ?defaultToGlobal=true',
        matches: (raw) => raw.status === 200 && typeof raw.body === 'object' && raw.body.compatibilityLevel === 'NONE',
      },
    ],
  },
  {
    name: 'compatibility test of every version',
    run: async (ask, s) => {
      await ask('POST', `/subjects/${s('All')}/versions`, { schema: money });
      return ask('POST', `/compatibility/subjects/${s('All')}/versions?verbose=true`, { schema: money });
    },
    documented: (raw) => raw.status === 200 && typeof raw.body === 'object' && raw.body.is_compatible === true,
    known: [
      {
        name: 'karapace-no-all-versions-route: 404 "Not Found" → one test per version',
        matches: (raw) => raw.status === 404 && code(raw) === undefined,
      },
    ],
  },
  {
    name: 'compatibility test against the latest of a subject without versions',
    run: (ask, s) =>
      ask('POST', `/compatibility/subjects/${s('Empty')}/versions/latest?verbose=true`, { schema: money }),
    documented: (raw) => raw.status === 200 && typeof raw.body === 'object' && raw.body.is_compatible === true,
    known: [
      {
        name: 'karapace-latest-of-no-versions: 404 40402 → compatible (nothing to conflict with)',
        matches: (raw) => raw.status === 404 && code(raw) === 40402,
      },
    ],
  },
  {
    name: 'compatibility test of an Avro schema with references',
    run: async (ask, s) => {
      await ask('POST', `/subjects/${s('RefMoney')}/versions`, { schema: money });
      const references = [{ name: 'p.Money', subject: s('RefMoney'), version: 1 }];
      await ask('POST', `/subjects/${s('RefOrder')}/versions`, { schema: order, references });
      return ask('POST', `/compatibility/subjects/${s('RefOrder')}/versions/latest?verbose=true`, {
        schema: order,
        references,
      });
    },
    documented: (raw) => raw.status === 200 && typeof raw.body === 'object' && raw.body.is_compatible === true,
    known: [
      {
        name: "apicurio-avro-references-untestable: 422 → the kit's checker (labelled offline)",
        matches: (raw) => raw.status === 422,
      },
    ],
  },
  {
    name: 'compatibility test of a JSON Schema with $ref',
    run: async (ask, s) => {
      await ask('POST', `/subjects/${s('amount')}/versions`, { schema: jsonAmount, schemaType: 'JSON' });
      const references = [{ name: 'amount.schema.json', subject: s('amount'), version: 1 }];
      const registered = await ask('POST', `/subjects/${s('jorder')}/versions`, {
        schema: jsonOrder,
        schemaType: 'JSON',
        references,
      });
      if (registered.status !== 200) return registered;
      return ask('POST', `/compatibility/subjects/${s('jorder')}/versions/latest?verbose=true`, {
        schema: jsonOrder,
        schemaType: 'JSON',
        references,
      });
    },
    documented: (raw) => raw.status === 200 && typeof raw.body === 'object' && raw.body.is_compatible === true,
    known: [
      {
        name: "apicurio-json-references-untestable: 500 (3.0: MalformedURLException, 3.3: Unresolved JSON Schema reference) → the kit's checker (labelled offline)",
        matches: (raw) =>
          raw.status === 500 && /MalformedURLException|Unresolved JSON Schema reference/.test(JSON.stringify(raw.body)),
      },
      {
        name: 'karapace-no-json-references: 422 44302 → bundled schemas (jsonReferences: "bundle")',
        matches: (raw) => raw.status === 422 && code(raw) === 44302,
      },
    ],
  },
];

/**
 * Each probe's verdict on the registry at `registryUrl`: 'as documented', a known difference's name, or
 * UNKNOWN DIFFERENCE.
 */
export async function classifyRegistry(registryUrl: string, prefix: string): Promise<Array<[string, string]>> {
  const s = (name: string) => `${prefix}${name}`;
  const ask = async (method: string, path: string, body?: unknown): Promise<Raw> => {
    const response = await fetch(registryUrl + path, {
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
    seen.push([
      probe.name,
      probe.documented(raw) ? 'as documented' : (known?.name ?? `UNKNOWN DIFFERENCE ${JSON.stringify(raw)}`),
    ]);
  }
  return seen;
}

/** The registry implementations whose own Protobuf verdicts the rule fixtures record. */
export type RegistryImplementation = 'apicurio' | 'karapace' | 'confluent';

/**
 * Which implementation answers at `registryUrl`: Apicurio serves the Confluent API under
 * `/apis/ccompat/`, Karapace names its version at `/_health`; anything else is taken to follow
 * Confluent's documented API.
 */
export async function registryImplementation(registryUrl: string): Promise<RegistryImplementation> {
  if (/\/apis\/ccompat\//.test(registryUrl)) return 'apicurio';
  const health = await fetch(`${registryUrl}/_health`).catch(() => undefined);
  const body = health?.ok ? ((await health.json().catch(() => ({}))) as { karapace_version?: unknown }) : {};
  return typeof body.karapace_version === 'string' ? 'karapace' : 'confluent';
}
