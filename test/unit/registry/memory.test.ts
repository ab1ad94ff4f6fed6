import { RegistryError } from '../../../src/errors';
import { bookingsContract } from '../../../src/generated/bookings';
import { createInMemoryRegistry, createSchemaIdResolver, registerContract } from '../../../src/registry';

const record = (fields: object[]) => JSON.stringify({ type: 'record', name: 'Thing', namespace: 't', fields });
const V1 = record([{ name: 'a', type: 'string' }]);
const V2_WITH_DEFAULT = record([
  { name: 'a', type: 'string' },
  { name: 'b', type: 'int', default: 0 },
]);
const V2_NO_DEFAULT = record([
  { name: 'a', type: 'string' },
  { name: 'b', type: 'int' },
]);

async function codeOf(promise: Promise<unknown>): Promise<number | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return (error as RegistryError).registryCode;
}

describe('in-memory schema registry', () => {
  it('gives the same ID for the same schema, and new versions for new schemas', async () => {
    const registry = createInMemoryRegistry();
    const first = await registry.register('s', { schema: V1 });
    expect(await registry.register('s', { schema: V1 })).toEqual(first);
    const second = await registry.register('s', { schema: V2_WITH_DEFAULT });
    expect(second.id).not.toBe(first.id);
    expect(await registry.listVersions('s')).toEqual([1, 2]);
    expect(await registry.lookup('s', { schema: V1 })).toMatchObject({ id: first.id, version: 1, subject: 's' });
    expect(await registry.getSubjectVersion('s', 'latest')).toMatchObject({ version: 2, id: second.id });
    expect(await registry.getSubjectVersionsById(first.id)).toEqual([{ subject: 's', version: 1 }]);
    // same schema in another subject: same ID, as Confluent answers
    expect((await registry.register('other', { schema: V1 })).id).toBe(first.id);
  });

  it('answers with the registry error codes', async () => {
    const registry = createInMemoryRegistry();
    await registry.register('s', { schema: V1 });
    expect(await codeOf(registry.lookup('missing', { schema: V1 }))).toBe(40401);
    expect(await codeOf(registry.lookup('s', { schema: V2_WITH_DEFAULT }))).toBe(40403);
    expect(await codeOf(registry.getSchemaById(999))).toBe(40403);
    expect(await codeOf(registry.getSubjectVersion('s', 9))).toBe(40402);
    expect(await codeOf(registry.getSubjectVersion('missing', 1))).toBe(40401);
    expect(await codeOf(registry.listVersions('missing'))).toBe(40401);
    // nothing to conflict with: compatible, as Confluent answers
    expect(await registry.testCompatibility('missing', { schema: V1 }, { against: 'all' })).toEqual({
      isCompatible: true,
      messages: [],
    });
    expect(await codeOf(registry.register('bad', { schema: '{"type":"nope"}' }))).toBe(42201);
  });

  it('enforces the compatibility level with Avro resolution', async () => {
    const registry = createInMemoryRegistry();
    await registry.register('s', { schema: V1 });
    expect(await registry.getCompatibility()).toBe('BACKWARD');
    expect(await registry.getCompatibility('s')).toBeNull();
    expect(await registry.testCompatibility('s', { schema: V2_NO_DEFAULT })).toMatchObject({ isCompatible: false });
    expect(await codeOf(registry.register('s', { schema: V2_NO_DEFAULT }))).toBe(409);
    expect(await registry.testCompatibility('s', { schema: V2_WITH_DEFAULT })).toEqual({
      isCompatible: true,
      messages: [],
    });
    await registry.setCompatibility('NONE', 's');
    expect(await registry.getCompatibility('s')).toBe('NONE');
    await expect(registry.register('s', { schema: V2_NO_DEFAULT })).resolves.toHaveProperty('id');
  });

  it('refuses references to versions that do not exist', async () => {
    const registry = createInMemoryRegistry();
    const schema = JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'm', type: 'x.Money' }] });
    expect(
      await codeOf(registry.register('r', { schema, references: [{ name: 'x.Money', subject: 'money', version: 1 }] })),
    ).toBe(42201);
  });

  it('registers a whole contract idempotently and resolves its IDs with lookups only', async () => {
    const registry = createInMemoryRegistry();
    const first = await registerContract(bookingsContract, registry);
    expect(Object.keys(first)).toEqual(bookingsContract.schemas.map((s) => s.subject));
    expect(await registerContract(bookingsContract, registry)).toEqual(first);
    const before = registry.requestCount;
    const resolve = createSchemaIdResolver(bookingsContract, registry);
    expect(await resolve('bookings-value')).toEqual(first['bookings-value']);
    const lookups = registry.requestCount - before;
    await resolve('bookings-value');
    expect(registry.requestCount - before).toBe(lookups);
  });

  it('tells which command fixes a contract that is not registered', async () => {
    const resolve = createSchemaIdResolver(bookingsContract, createInMemoryRegistry());
    const error = (await resolve('bookings-value').catch((e: unknown) => e)) as RegistryError;
    expect(error.hint).toMatch(/registerContract|contracts register/);
  });
});
