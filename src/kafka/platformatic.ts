/**
 * The @platformatic/kafka transport's client side the producer and the consumer share: the
 * library, loaded only when a client chooses it (a kafkajs-only service never loads it, and it is
 * ESM, required through Node's require(esm)); the connection options the kit builds from
 * `brokers` / KAFKA_BROKERS and `clientId`, with kafkajs's TLS, SASL (PLAIN, SCRAM, OAUTHBEARER),
 * timeouts and retries from `kafkaConfig` translated, refusing with a typed error what it cannot
 * translate (a kafkajs `Kafka` instance, AWS IAM or a custom SASL mechanism, kafkajs's other
 * client settings); and an idempotent acks=all producer
 * as the kit's RecordProducer. Admin work (topics, offsets, DLQ replay's transactions) stays on
 * kafkajs for now.
 */
import type * as Platformatic from '@platformatic/kafka';
import type { ConnectionOptions } from 'node:tls';
import { TransportUnsupportedError } from '../errors';
import { brokersFrom, type KafkaConnectionOptions } from './client';
import type { OutgoingRecord, RecordAck, RecordHeaders, RecordProducer } from './transport';

export type PlatformaticModule = typeof Platformatic;

let loaded: PlatformaticModule | undefined;

/** The library, required on first use. */
export function platformatic(): PlatformaticModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a client chooses this transport
  loaded ??= require('@platformatic/kafka') as PlatformaticModule;
  return loaded;
}

/** The options every platformatic client of the kit starts from. */
export interface PlatformaticBase {
  clientId: string;
  bootstrapBrokers: string[];
  tls?: ConnectionOptions;
  sasl?: Platformatic.SASLOptions;
  connectTimeout?: number;
  requestTimeout?: number;
  retries?: number;
  retryDelay?: number;
}

type KafkajsConfig = NonNullable<KafkaConnectionOptions['kafkaConfig']>;

/** kafkajs client settings the translation reads; logLevel and logCreator are the kit logger's on either transport. */
const TRANSLATED = new Set(['ssl', 'sasl', 'connectionTimeout', 'requestTimeout', 'retry', 'logLevel', 'logCreator']);
/** kafkajs `retry` settings with a platformatic equivalent (its retries and the delay between them). */
const TRANSLATED_RETRY = new Set(['retries', 'initialRetryTime']);

/** The connection options of a platformatic client, or a TransportUnsupportedError for what only kafkajs takes. */
export function platformaticBase(options: KafkaConnectionOptions, defaultClientId: string): PlatformaticBase {
  if (!nodeRunsPlatformatic(process.versions.node)) {
    throw new TransportUnsupportedError(
      'platformatic',
      `Node.js ${process.versions.node}`,
      "@platformatic/kafka needs Node.js 22.22 or newer (its engines); upgrade Node.js or use transport: 'kafkajs'",
    );
  }
  if (options.kafka) {
    throw new TransportUnsupportedError(
      'platformatic',
      'a kafkajs Kafka instance (the `kafka` option)',
      "pass `brokers` and `clientId` instead, or use transport: 'kafkajs'",
    );
  }
  const config = options.kafkaConfig ?? {};
  const untranslated = [
    ...Object.keys(config).filter((k) => !TRANSLATED.has(k)),
    ...Object.keys(config.retry ?? {})
      .filter((k) => !TRANSLATED_RETRY.has(k))
      .map((k) => `retry.${k}`),
  ];
  if (untranslated.length > 0) {
    throw new TransportUnsupportedError(
      'platformatic',
      `kafkajs client settings (kafkaConfig: ${untranslated.join(', ')})`,
      "the platformatic transport takes kafkaConfig's ssl, sasl, connectionTimeout, requestTimeout, retry.retries and retry.initialRetryTime; drop the others or use transport: 'kafkajs' for this client",
    );
  }
  return {
    clientId: options.clientId ?? defaultClientId,
    bootstrapBrokers: brokersFrom(options.brokers),
    ...(config.ssl ? { tls: config.ssl === true ? {} : config.ssl } : {}),
    ...(config.sasl ? { sasl: saslOf(config.sasl) } : {}),
    ...(config.connectionTimeout === undefined ? {} : { connectTimeout: config.connectionTimeout }),
    ...(config.requestTimeout === undefined ? {} : { requestTimeout: config.requestTimeout }),
    ...(config.retry?.retries === undefined ? {} : { retries: config.retry.retries }),
    ...(config.retry?.initialRetryTime === undefined ? {} : { retryDelay: config.retry.initialRetryTime }),
  };
}

/** kafkajs's SASL settings as @platformatic/kafka's: the same mechanisms by their protocol names. */
function saslOf(sasl: NonNullable<KafkajsConfig['sasl']>): Platformatic.SASLOptions {
  const named = SASL_MECHANISMS[sasl.mechanism];
  // a custom kafkajs mechanism (authenticationProvider) may reuse a name: the fields decide
  if (named && 'username' in sasl && 'password' in sasl) {
    return { mechanism: named, username: sasl.username, password: sasl.password };
  }
  if (sasl.mechanism === 'oauthbearer' && 'oauthBearerProvider' in sasl) {
    const provider = sasl.oauthBearerProvider;
    return { mechanism: 'OAUTHBEARER', token: async () => (await provider()).value };
  }
  throw new TransportUnsupportedError(
    'platformatic',
    `SASL mechanism ${sasl.mechanism} (kafkaConfig.sasl)`,
    "the platformatic transport speaks SASL PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 and OAUTHBEARER; use transport: 'kafkajs' for this client",
  );
}

/** kafkajs's names of the mechanisms with a username and a password, and their protocol names. */
const SASL_MECHANISMS: Record<string, Platformatic.SASLOptions['mechanism'] | undefined> = {
  plain: 'PLAIN',
  'scram-sha-256': 'SCRAM-SHA-256',
  'scram-sha-512': 'SCRAM-SHA-512',
};

/** Whether this Node.js runs @platformatic/kafka: 22.22 and newer (the kit itself runs from 22.13). */
export function nodeRunsPlatformatic(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 22);
}

/** Producer settings the kit passes through (kafkajs's `retries`, `maxInFlightRequests`, `compression`). */
export interface ProducerTuning {
  retries?: number;
  maxInflights?: number;
  compression?: 'gzip' | 'snappy' | 'lz4' | 'zstd';
}

/** How a record without a partition of its own is placed: returns any non-negative number, taken modulo the partition count. */
export type PartitionChooser = (record: { key: Buffer | undefined; headers: RecordHeaders | undefined }) => number;

type Client = Platformatic.Producer<Buffer, Buffer, string, Buffer | string>;

const toBuffer = (v: Buffer | string): Buffer => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);

/**
 * An idempotent acks=all producer on @platformatic/kafka (its sequences keep order per partition
 * under retries). `choose` places records that come without a partition.
 */
export function platformaticProducer(
  base: PlatformaticBase & ProducerTuning,
  choose?: PartitionChooser,
): RecordProducer & {
  partitionCount(topic: string): Promise<number | undefined>;
} {
  let client: Client | undefined;
  const open = (): Client => {
    const { Producer, ProduceAcks } = platformatic();
    client ??= new Producer<Buffer, Buffer, string, Buffer | string>({
      ...base,
      idempotent: true,
      acks: ProduceAcks.ALL,
      serializers: {
        headerKey: (k) => (k === undefined ? undefined : Buffer.from(k, 'utf8')),
        headerValue: (v) => (v === undefined ? undefined : toBuffer(v)),
      },
      ...(choose
        ? {
            partitioner: (message) =>
              choose({ key: message.key, headers: message.headers as RecordHeaders | undefined }),
          }
        : {}),
    });
    return client;
  };

  return {
    async connect() {
      // the library connects on first use: a metadata request proves the cluster answers
      await open().metadata({ topics: [] });
    },
    async send(topic: string, records: OutgoingRecord[]): Promise<RecordAck[]> {
      const messages = records.map((r) => ({
        topic,
        key: r.key === null ? undefined : toBuffer(r.key),
        value: r.value ?? undefined,
        headers: r.headers,
        ...(r.partition === undefined ? {} : { partition: r.partition }),
      }));
      const result = await open().send({
        messages: messages as Platformatic.MessageToProduce<Buffer, Buffer, string, Buffer | string>[],
      });
      return (result.offsets ?? []).map((o) => ({ partition: o.partition, baseOffset: String(o.offset) }));
    },
    async partitionCount(topic: string) {
      try {
        const metadata = await open().metadata({ topics: [topic] });
        const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
        return count > 0 ? count : undefined;
      } catch {
        return undefined;
      }
    },
    async disconnect() {
      const c = client;
      client = undefined;
      await c?.close();
    },
  };
}
