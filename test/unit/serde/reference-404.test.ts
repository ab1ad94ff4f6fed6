/**
 * A registry answer without the registry's own error code (a proxy's 404 page) is the
 * environment's fault wherever the serde meets it: for the schema a message names, and for the
 * schemas that schema references. Only the registry's "not found" (40401/40402/40403) is the message's.
 */
import { RegistryError } from '../../../src/errors';
import { createInMemoryRegistry, registerContract, type SchemaRegistryClient } from '../../../src/registry';
import { createSerde } from '../../../src/serde';
import { classify } from '../../../src/consumer/decide';
import { bookingsProtoContract } from '../../../src/generated/bookings-proto';
import { protobufPlainEvents } from '../../support/protobuf-fixtures';

async function withReferenceAnswer(answer: RegistryError) {
  const registry = createInMemoryRegistry({ compatibility: 'NONE' });
  await registerContract(bookingsProtoContract, registry);
  const writer = createSerde(bookingsProtoContract, registry);
  const bytes = await writer.encode(protobufPlainEvents('B-404')['booking.created'] as never);
  let asked = 0;
  const failing: SchemaRegistryClient = Object.create(registry, {
    getSubjectVersion: {
      value: async () => {
        asked += 1;
        throw answer;
      },
    },
  });
  const reader = createSerde(bookingsProtoContract, failing);
  const error = await reader.decode(bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, asked };
}

describe('a 404 for a referenced schema', () => {
  it('without the registry error code is a RegistryError, which the consumer pauses on (not a dead letter)', async () => {
    const { error, asked } = await withReferenceAnswer(
      new RegistryError(
        'http://proxy/apis/ccompat/v7',
        404,
        undefined,
        'GET /subjects/x/versions/1 answered 404 (text/html)',
      ),
    );
    expect(asked).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ status: 404, message: expect.stringContaining("not a schema registry's answer") });
    expect(classify(error).fault).toBe('environment');
  });

  it("with the registry's 40401 is the message's fault (DECODE_FAILED)", async () => {
    const { error } = await withReferenceAnswer(new RegistryError('http://registry', 404, 40401, 'Subject not found'));
    expect(error).toMatchObject({ code: 'DECODE_FAILED' });
    expect(classify(error).fault).toBe('message');
  });
});
