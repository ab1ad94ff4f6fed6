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
