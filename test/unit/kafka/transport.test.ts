/**
 * Which Kafka client a producer or consumer runs on: the `transport` option, else
 * CONTRACTS_TRANSPORT, else kafkajs; an unknown name is a typed error, and so is a kafkajs-only
 * setting handed to a platformatic client. Nothing connects here.
 */
import { Kafka } from 'kafkajs';
import { createConsumer, createProducer, TransportUnsupportedError, UnknownTransportError } from '../../../src';
import { nodeRunsPlatformatic, platformaticBase } from '../../../src/kafka/platformatic';
import { resolveTransport, TRANSPORT_ENV } from '../../../src/kafka/transport';
import { createInMemoryRegistry } from '../../../src/testing';
import { bookingsContract } from '../../../src/generated/bookings';

describe('resolveTransport', () => {
  it('is kafkajs by default', () => {
    expect(resolveTransport(undefined, {})).toBe('kafkajs');
  });

  it('takes CONTRACTS_TRANSPORT when no option is given', () => {
    expect(resolveTransport(undefined, { [TRANSPORT_ENV.TRANSPORT]: 'platformatic' })).toBe('platformatic');
    expect(resolveTransport(undefined, { [TRANSPORT_ENV.TRANSPORT]: ' ' })).toBe('kafkajs');
  });

  it('prefers the option to the environment', () => {
    expect(resolveTransport('kafkajs', { [TRANSPORT_ENV.TRANSPORT]: 'platformatic' })).toBe('kafkajs');
    expect(resolveTransport('platformatic', {})).toBe('platformatic');
  });

  it('refuses an unknown name with a typed error that names where it came from', () => {
    const fromOption = (() => {
      try {
        return resolveTransport('rdkafka', {});
      } catch (error) {
        return error;
      }
    })() as UnknownTransportError;
    expect(fromOption).toBeInstanceOf(UnknownTransportError);
    expect(fromOption.code).toBe('TRANSPORT_UNKNOWN');
    expect(fromOption.retriable).toBe(false);
    expect(fromOption.source).toBe('option');
    expect(fromOption.hint).toContain('kafkajs, platformatic');
    expect(() => resolveTransport(undefined, { [TRANSPORT_ENV.TRANSPORT]: 'Platformatic' })).toThrow(
      /unknown Kafka transport "Platformatic" \(from CONTRACTS_TRANSPORT\)/,
    );
  });
});

describe('the factories', () => {
  const registry = createInMemoryRegistry();
  const saved = process.env[TRANSPORT_ENV.TRANSPORT];
  afterEach(() => {
    if (saved === undefined) delete process.env[TRANSPORT_ENV.TRANSPORT];
    else process.env[TRANSPORT_ENV.TRANSPORT] = saved;
  });

  it('refuse an unknown transport when the client is made, from the option or the environment', () => {
    expect(() => createProducer({ contract: bookingsContract, registry, transport: 'nope' as never })).toThrow(
      UnknownTransportError,
    );
    process.env[TRANSPORT_ENV.TRANSPORT] = 'nope';
    expect(() => createConsumer({ contract: bookingsContract, registry, groupId: 'g', handlers: {} as never })).toThrow(
      UnknownTransportError,
    );
  });

  it('refuse a kafkajs instance or kafkajs-only settings on a platformatic client', () => {
    const kafka = new Kafka({ brokers: ['localhost:1'] });
    expect(() => createProducer({ contract: bookingsContract, registry, kafka, transport: 'platformatic' })).toThrow(
      TransportUnsupportedError,
    );
    process.env[TRANSPORT_ENV.TRANSPORT] = 'platformatic';
    expect(() =>
      createProducer({
        contract: bookingsContract,
        registry,
        kafkaConfig: { ssl: true, authenticationTimeout: 1, retry: { retries: 1, maxRetryTime: 5 } },
      }),
    ).toThrow(/does not support kafkajs client settings \(kafkaConfig: authenticationTimeout, retry.maxRetryTime\)/);
    expect(() =>
      createConsumer({
        contract: bookingsContract,
        registry,
        groupId: 'g',
        handlers: {} as never,
        consumerConfig: { allowAutoTopicCreation: true },
      }),
    ).toThrow(expect.objectContaining({ code: 'TRANSPORT_UNSUPPORTED' }));
  });

  it('make a platformatic producer without connecting', () => {
    expect(() => createProducer({ contract: bookingsContract, registry, transport: 'platformatic' })).not.toThrow();
  });

  it('refuse a compression code neither client knows on a platformatic producer', () => {
    expect(() =>
      createProducer({ contract: bookingsContract, registry, transport: 'platformatic', compression: 7 }),
    ).toThrow(/does not support compression 7/);
    expect(() =>
      createProducer({ contract: bookingsContract, registry, transport: 'platformatic', compression: 4 }),
    ).not.toThrow();
  });
});

describe("kafkajs's connection settings on a platformatic client", () => {
  it('become TLS, SASL, timeouts and retries of @platformatic/kafka', () => {
    const base = platformaticBase(
      {
        brokers: 'b1:9093,b2:9093',
        kafkaConfig: {
          ssl: true,
          sasl: { mechanism: 'scram-sha-512', username: 'billing', password: 'secret' },
          connectionTimeout: 3_000,
          requestTimeout: 5_000,
          retry: { retries: 2, initialRetryTime: 50 },
          logLevel: 1,
        },
      },
      'billing',
    );
    expect(base).toEqual({
      clientId: 'billing',
      bootstrapBrokers: ['b1:9093', 'b2:9093'],
      tls: {},
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'billing', password: 'secret' },
      connectTimeout: 3_000,
      requestTimeout: 5_000,
      retries: 2,
      retryDelay: 50,
    });
    const ca = 'a CA certificate';
    expect(platformaticBase({ kafkaConfig: { ssl: { ca } } }, 'x').tls).toEqual({ ca });
    expect(
      platformaticBase({ kafkaConfig: { sasl: { mechanism: 'plain', username: 'u', password: 'p' } } }, 'x').sasl,
    ).toEqual({ mechanism: 'PLAIN', username: 'u', password: 'p' });
  });

  it("asks kafkajs's OAUTHBEARER provider for each token", async () => {
    let asked = 0;
    const { sasl } = platformaticBase(
      {
        kafkaConfig: {
          sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: `token-${++asked}` }) },
        },
      },
      'x',
    );
    expect(sasl?.mechanism).toBe('OAUTHBEARER');
    const token = sasl?.token as () => Promise<string>;
    expect(await token()).toBe('token-1');
    expect(await token()).toBe('token-2');
  });

  it('refuse a SASL mechanism @platformatic/kafka does not speak, naming it', () => {
    const aws = {
      mechanism: 'aws' as const,
      authorizationIdentity: 'id',
      accessKeyId: 'key',
      secretAccessKey: 'secret',
    };
    expect(() => platformaticBase({ kafkaConfig: { sasl: aws } }, 'x')).toThrow(
      expect.objectContaining({
        code: 'TRANSPORT_UNSUPPORTED',
        message: expect.stringContaining('SASL mechanism aws'),
      }),
    );
  });
});

describe('the Node.js lines @platformatic/kafka runs on', () => {
  it('are 22.22 and newer, though the kit itself runs from 22.13', () => {
    const verdicts = ['22.13.0', '22.21.9', '22.22.0', '24.0.0', '26.1.0'].map((v) => [v, nodeRunsPlatformatic(v)]);
    expect(Object.fromEntries(verdicts)).toEqual({
      '22.13.0': false,
      '22.21.9': false,
      '22.22.0': true,
      '24.0.0': true,
      '26.1.0': true,
    });
  });
});
