/**
 * The in-memory registry answers like the real one (here Apicurio 3's Confluent-compatible API) for
 * every call the kit makes: the same sequence runs against both and the transcripts must match.
 * IDs are compared by identity, not value (each registry numbers its own way): the transcript
 * names each ID by the order it first appeared.
 */
import { randomBytes } from 'node:crypto';
import { createInMemoryRegistry, createSchemaRegistryClient } from '../../../src/registry';
import { classifyRegistry, money, order, transcript } from '../../support/registry-probes';
import { stackEnv } from '../../support/stack-env';

jest.setTimeout(60_000);

describe('in-memory registry parity with the real registry', () => {
  it("answers the kit's calls the same way, error codes included", async () => {
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

describe('known differences between registries', () => {
  it('names every answer that is not as Confluent documents, and the in-memory registry answers as documented', async () => {
    const env = stackEnv();
    const prefix = `diff-${randomBytes(4).toString('hex')}.`;
    const s = (name: string) => `${prefix}${name}`;
    const seen = await classifyRegistry(env.registryUrl, prefix);
    process.stdout.write(`registry at ${env.registryUrl}:\n${seen.map(([p, v]) => `  ${p}: ${v}`).join('\n')}\n`);
    expect(seen.filter(([, v]) => v.startsWith('UNKNOWN'))).toEqual([]);

    // the kit's client smooths each difference over; the in-memory registry has none of them
    const memory = createInMemoryRegistry();
    await memory.register('Lvl', { schema: money });
    expect(await memory.getCompatibility('Lvl')).toBeNull();
    await memory.register('Money', { schema: money });
    await memory.register('Order', { schema: order, references: [{ name: 'p.Money', subject: 'Money', version: 1 }] });
    await expect(
      memory.testCompatibility(
        'Order',
        { schema: order, references: [{ name: 'p.Money', subject: 'Money', version: 1 }] },
        { against: 'all' },
      ),
    ).resolves.toEqual({ isCompatible: true, messages: [] });
    const real = createSchemaRegistryClient({ url: env.registryUrl });
    expect(await real.getCompatibility(s('Lvl'))).toBeNull();
  });
});
