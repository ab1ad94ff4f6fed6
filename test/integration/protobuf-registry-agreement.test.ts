/**
 * The Protobuf rule fixtures (test/fixtures/compat/protobuf) against the stack's registry: each
 * pair's before is registered on a subject of its own at FULL, and the registry's compatibility
 * verdict on the after is compared with the one its expect.json records (`apicurio`); where the
 * registry and the kit differ, expect.json says why the kit follows Confluent (`apicurioDisagreement`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createSchemaRegistryClient } from '../../src/registry';
import { uniqueTopic } from '../support/contracts';
import { stackEnv } from '../support/stack-env';

jest.setTimeout(120_000);
const FIXTURES = path.resolve(__dirname, '../fixtures/compat/protobuf');
const fixtures = readdirSync(FIXTURES).sort();
const registry = createSchemaRegistryClient({ url: stackEnv().registryUrl });
const run = uniqueTopic('proto-agree');
const tally = { agree: 0, total: 0 };

interface Expectation {
  compatible: boolean;
  apicurio: 'passes' | 'breaks';
  apicurioDisagreement?: string;
}

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
    const theirs = compatible ? 'passes' : 'breaks';
    expect(theirs).toBe(expected.apicurio);
    tally.total++;
    if (compatible === expected.compatible) tally.agree++;
    const disagrees = compatible !== expected.compatible;
    expect({ disagrees, reason: Boolean(expected.apicurioDisagreement) }).toEqual({ disagrees, reason: disagrees });
  });

  afterAll(() => {
    process.stdout.write(`protobuf rules vs the registry: verdicts agree on ${tally.agree}/${tally.total}\n`);
  });
});
