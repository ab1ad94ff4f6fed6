/**
 * The Protobuf rule fixtures (test/fixtures/compat/protobuf) against the stack's registry: each
 * pair's before is registered on a subject of its own at FULL, and the registry's compatibility
 * verdict on the after is compared with the one its expect.json records for that implementation
 * (`apicurio`, `karapace`; Confluent's is the kit's own, `compatible`). Where the registry and the
 * kit differ, expect.json says why the kit follows Confluent (`apicurioDisagreement`, …).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createSchemaRegistryClient } from '../../src/registry';
import { uniqueTopic } from '../support/contracts';
import { registryImplementation, type RegistryImplementation } from '../support/registry-probes';
import { stackEnv } from '../support/stack-env';

jest.setTimeout(120_000);
const FIXTURES = path.resolve(__dirname, '../fixtures/compat/protobuf');
const fixtures = readdirSync(FIXTURES).sort();
const registry = createSchemaRegistryClient({ url: stackEnv().registryUrl });
const run = uniqueTopic('proto-agree');
const tally = { agree: 0, total: 0 };

type Verdict = 'passes' | 'breaks';
interface Expectation {
  compatible: boolean;
  forwardCompatible: boolean;
  apicurio: Verdict;
  apicurioDisagreement?: string;
  karapace: Verdict;
  karapaceDisagreement?: string;
}

/** What `implementation` answers for the fixture, and why where the kit answers otherwise. */
function expectationOf(expected: Expectation, implementation: RegistryImplementation) {
  // FULL: the kit's BACKWARD and FORWARD verdicts (Confluent's check is directional)
  const kit: Verdict = expected.compatible && expected.forwardCompatible ? 'passes' : 'breaks';
  if (implementation === 'confluent') return { verdict: kit, disagreement: undefined };
  return { verdict: expected[implementation], disagreement: expected[`${implementation}Disagreement`] };
}

let implementation: RegistryImplementation;
beforeAll(async () => {
  implementation = await registryImplementation(stackEnv().registryUrl);
});

const proto = (name: string, side: string) =>
  readFileSync(path.join(FIXTURES, name, side, 'shop/v1/order.proto'), 'utf8');

describe('Protobuf rules against the registry', () => {
  it.each(fixtures)('%s', async (name) => {
    const expected = JSON.parse(readFileSync(path.join(FIXTURES, name, 'expect.json'), 'utf8')) as Expectation;
    const subject = `${run}-${name}`;
    await registry.setCompatibility('FULL', subject);
    await registry.register(subject, { schema: proto(name, 'before'), schemaType: 'PROTOBUF' });
    const { isCompatible: compatible } = await registry.testCompatibility(subject, {
      schema: proto(name, 'after'),
      schemaType: 'PROTOBUF',
    });
    const { verdict, disagreement } = expectationOf(expected, implementation);
    expect(compatible ? 'passes' : 'breaks').toBe(verdict);
    tally.total++;
    const kitFull = expected.compatible && expected.forwardCompatible;
    if (compatible === kitFull) tally.agree++;
    const disagrees = compatible !== kitFull;
    expect({ disagrees, reason: Boolean(disagreement) }).toEqual({ disagrees, reason: disagrees });
  });

  afterAll(() => {
    process.stdout.write(`protobuf rules vs ${implementation}: verdicts agree on ${tally.agree}/${tally.total}\n`);
  });
});
