/**
 * The line between poison and failure (src/consumer/decide.ts), drawn on real errors: each row
 * decodes real bytes with the kit's serde, against the in-memory registry (message faults) or the
 * kit's HTTP client talking to a local server that answers as an auth proxy, a failing registry or
 * something that is not a registry at all (environment faults). docs/runtime.md has the same table.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KafkaJSConnectionError, KafkaJSNonRetriableError } from 'kafkajs';
import { classify, decide, isReplayForAnotherGroup, type Decision, type Stage } from '../../../src/consumer/decide';
import { REPLAY_HEADERS } from '../../../src/dlq';
import {
  EventValidationError,
  HandlerError,
  KafkaError,
  RegistryError,
  UnknownEventTypeError,
  UsageError,
} from '../../../src/errors';
import { bookingsContract } from '../../../src/generated/bookings';
import { toKafkaError } from '../../../src/kafka/client';
import {
  createInMemoryRegistry,
  createSchemaRegistryClient,
  registerContract,
  type SchemaRegistryClient,
} from '../../../src/registry';
import { createSerde } from '../../../src/serde';
import { encodeFrame } from '../../../src/wire';
import { bookingEvents } from '../../support/bookings-fixtures';

let server: Server;
let base: string;
/** What the local server answers: [status, body]. */
let answer: (url: string) => [number, unknown] | Promise<[number, unknown]> = () => [200, {}];

beforeAll(async () => {
  server = createServer((req, res) => {
    void Promise.resolve(answer(req.url ?? '')).then(([status, body]) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const decodeStage: Stage = { stage: 'decode', unknownEventType: 'dead-letter' };

async function decodeError(bytes: Buffer | null, registry: SchemaRegistryClient): Promise<unknown> {
  return createSerde(bookingsContract, registry)
    .decode(bytes)
    .then(
      () => {
        throw new Error('expected the decode to fail');
      },
      (error: unknown) => error,
    );
}

async function memory() {
  const registry = createInMemoryRegistry({ compatibility: 'NONE' });
  const ids = await registerContract(bookingsContract, registry);
  const valid = await createSerde(bookingsContract, registry).encode(bookingEvents()['booking.created']);
  return { registry, id: ids['bookings-value']!.id, valid };
}

describe('poison: what is wrong with the message is dead-lettered', () => {
  const cases: Array<[string, (m: Awaited<ReturnType<typeof memory>>) => Buffer | null, string, string]> = [
    [
      'bytes not framed (JSON sent raw)',
      () => Buffer.from('{"eventType":"booking.created"}'),
      'WIRE_FORMAT',
      'undecodable',
    ],
    ['a tombstone', () => null, 'WIRE_FORMAT', 'undecodable'],
    ['a header cut short', () => Buffer.from([0, 0, 0]), 'WIRE_FORMAT', 'undecodable'],
    [
      'a schema ID the registry says does not exist',
      () => encodeFrame(0x7ffffff0, Buffer.from([2])),
      'SCHEMA_NOT_FOUND',
      'undecodable',
    ],
    [
      'a body that does not decode',
      (m) => encodeFrame(m.id, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff])),
      'DECODE_FAILED',
      'undecodable',
    ],
    ['a body cut short', (m) => m.valid.subarray(0, m.valid.length - 10), 'DECODE_FAILED', 'undecodable'],
  ];
  it.each(cases)('%s → dead-letter (%s)', async (_name, bytes, code, reason) => {
    const m = await memory();
    const error = await decodeError(bytes(m), m.registry);
    expect(classify(error)).toMatchObject({ fault: 'message', code });
    expect(decide(error, decodeStage)).toEqual<Decision>({
      action: 'dead-letter',
      reason: reason as 'undecodable',
      code,
    });
    // the policy for environment failures does not change what poison is
    expect(decide(error, decodeStage, 'stop')).toEqual(decide(error, decodeStage, 'pause'));
  });

  it('an event type the contract does not know: dead-letter, or ignore by option', () => {
    const error = new UnknownEventTypeError('booking.teleported', ['booking.created']);
    expect(decide(error, decodeStage)).toEqual({
      action: 'dead-letter',
      reason: 'unknown-event-type',
      code: 'UNKNOWN_EVENT_TYPE',
    });
    expect(decide(error, { stage: 'decode', unknownEventType: 'ignore' })).toEqual({
      action: 'ignore',
      reason: 'unknown-event-type',
    });
  });

  it('a handler that keeps failing: retried while attempts remain, then dead-lettered', () => {
    const thrown = new TypeError('inventory service refused');
    expect(decide(thrown, { stage: 'handler', attempt: 1, attempts: 3 })).toEqual({ action: 'retry-handler' });
    expect(decide(thrown, { stage: 'handler', attempt: 2, attempts: 3 })).toEqual({ action: 'retry-handler' });
    expect(decide(thrown, { stage: 'handler', attempt: 3, attempts: 3 })).toEqual({
      action: 'dead-letter',
      reason: 'handler-failed',
      code: 'HANDLER_FAILED',
    });
    // a handler that publishes an invalid event fails because of this message too
    const invalid = new EventValidationError('booking.created', [
      { path: '/x', expected: 'string', keyword: 'type', message: 'must be string' },
    ]);
    expect(decide(invalid, { stage: 'handler', attempt: 3, attempts: 3 })).toMatchObject({ action: 'dead-letter' });
  });
});

describe('failure: what is wrong with the environment is never dead-lettered', () => {
  const registryAnswering = (status: number, body: unknown) => {
    answer = () => [status, body];
    return createSchemaRegistryClient({ url: `${base}/apis/ccompat/v7`, auth: { username: 'svc', password: 'wrong' } });
  };
  const cases: Array<[string, () => SchemaRegistryClient, string, boolean]> = [
    [
      'registry refuses the credentials (401)',
      () => registryAnswering(401, { message: 'Unauthorized' }),
      'REGISTRY_AUTH',
      false,
    ],
    ['registry forbids (403)', () => registryAnswering(403, { message: 'Forbidden' }), 'REGISTRY_AUTH', false],
    ['registry answers 503', () => registryAnswering(503, { message: 'unavailable' }), 'REGISTRY_HTTP', true],
    [
      'registry answers 500',
      () => registryAnswering(500, { error_code: 50001, message: 'store down' }),
      'REGISTRY_HTTP',
      true,
    ],
    ['rate limited (429)', () => registryAnswering(429, {}), 'REGISTRY_HTTP', true],
    [
      'a URL that is not a registry API (404 without 40403)',
      () => registryAnswering(404, { title: 'RESTEASY003210: Could not find resource' }),
      'REGISTRY_HTTP',
      false,
    ],
    [
      'registry unreachable',
      () => createSchemaRegistryClient({ url: 'http://127.0.0.1:1/apis/ccompat/v7', timeoutMs: 2_000 }),
      'REGISTRY_UNREACHABLE',
      true,
    ],
  ];
  it.each(cases)('%s → pause (%s), never dead-letter', async (_name, registry, code, retriable) => {
    const error = await decodeError(encodeFrame(7, Buffer.from([2])), registry());
    expect(error).toBeInstanceOf(RegistryError);
    expect(classify(error)).toEqual({ fault: 'environment', code, retriable });
    expect(decide(error, decodeStage)).toEqual({ action: 'pause', code, retriable });
    // with onEnvironmentFailure 'stop', what waiting cannot fix stops the consumer; the rest still waits
    expect(decide(error, decodeStage, 'stop')).toEqual(
      retriable ? { action: 'pause', code, retriable } : { action: 'stop', code },
    );
    // met by a handler (say, its own producer), the same failure is not the message's either
    expect(decide(error, { stage: 'handler', attempt: 3, attempts: 3 })).toMatchObject({ action: 'pause', code });
  });

  it('a refusal is not remembered: the same decoder decodes once the registry accepts the credentials', async () => {
    const m = await memory();
    const serde = createSerde(bookingsContract, registryAnswering(401, { message: 'Unauthorized' }));
    await expect(serde.decode(m.valid)).rejects.toMatchObject({ code: 'REGISTRY_AUTH' });
    // now the server answers as the registry does
    answer = async (url) => {
      const byId = /\/schemas\/ids\/(\d+)$/.exec(url);
      const byVersion = /\/subjects\/([^/]+)\/versions\/(\d+)$/.exec(url);
      if (byId) return [200, await m.registry.getSchemaById(Number(byId[1]))];
      if (byVersion)
        return [200, await m.registry.getSubjectVersion(decodeURIComponent(byVersion[1]!), Number(byVersion[2]))];
      return [404, { error_code: 40401, message: url }];
    };
    await expect(serde.decode(m.valid)).resolves.toMatchObject({ eventType: 'booking.created' });
  });

  it('the broker: a dead-letter send that fails keeps the message, whatever kafkajs says', () => {
    const down = toKafkaError(
      new KafkaJSConnectionError('Connection error: ECONNREFUSED'),
      'sending to the dead-letter topic',
      'bookings.dlq',
    );
    expect(decide(down, { stage: 'dead-letter' })).toEqual({ action: 'pause', code: 'KAFKA', retriable: true });
    const refused = new KafkaError('not authorized to write bookings.dlq', 'bookings.dlq', { retriable: false });
    expect(decide(refused, { stage: 'dead-letter' })).toEqual({ action: 'pause', code: 'KAFKA', retriable: false });
    expect(decide(refused, { stage: 'dead-letter' }, 'stop')).toEqual({ action: 'stop', code: 'KAFKA' });
    // a retriable kafkajs error thrown from a handler pauses; a non-retriable one is the handler's failure
    expect(decide(new KafkaJSConnectionError('down'), { stage: 'handler', attempt: 3, attempts: 3 })).toMatchObject({
      action: 'pause',
    });
    expect(
      decide(new KafkaJSNonRetriableError('too large'), { stage: 'handler', attempt: 3, attempts: 3 }),
    ).toMatchObject({ action: 'dead-letter' });
  });

  it('a config that does not fit, or an error the decoder should never throw, stops the partition instead of dead-lettering', () => {
    expect(decide(new UsageError('no handler for booking.created'), decodeStage)).toEqual({
      action: 'pause',
      code: 'USAGE',
      retriable: false,
    });
    expect(decide(new RangeError('kit bug'), decodeStage)).toEqual({
      action: 'pause',
      code: 'INTERNAL',
      retriable: false,
    });
    expect(decide(new RangeError('kit bug'), decodeStage, 'stop')).toEqual({ action: 'stop', code: 'INTERNAL' });
  });

  it('judges a handler failure by what the handler threw, also once wrapped', () => {
    const auth = new RegistryError('http://r', 401, undefined, 'refused');
    expect(
      decide(new HandlerError('booking.created', 3, auth), { stage: 'handler', attempt: 3, attempts: 3 }),
    ).toMatchObject({ action: 'pause', code: 'REGISTRY_AUTH' });
  });
});

describe('replays', () => {
  it('a replayed copy is for its target group only', () => {
    const headers = { [REPLAY_HEADERS.TARGET_GROUP]: Buffer.from('billing') };
    expect(isReplayForAnotherGroup(headers, 'billing')).toBe(false);
    expect(isReplayForAnotherGroup(headers, 'analytics')).toBe(true);
    expect(isReplayForAnotherGroup({}, 'analytics')).toBe(false);
    expect(isReplayForAnotherGroup(undefined, 'analytics')).toBe(false);
  });
});
