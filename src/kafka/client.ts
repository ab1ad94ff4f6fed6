/**
 * Where the kit gets its kafkajs client: the caller's `Kafka` instance, or one built from
 * `brokers` / KAFKA_BROKERS (comma-separated, as in the seed). kafkajs and @platformatic/kafka
 * failures become KafkaErrors that keep the client's own verdict (kafkajs's `retriable`,
 * platformatic's `canRetry`), so both transports fail with the same classes and codes.
 */
import { Kafka, type KafkaConfig } from 'kafkajs';
import { isContractsError, KafkaError } from '../errors';
import { kafkaLogCreator, kafkaLogLevel } from './log';
import type { TransportName } from './transport';

export const KAFKA_ENV = {
  /** Comma-separated `host:port` list. */
  BROKERS: 'KAFKA_BROKERS',
} as const;

/** The seed's default, kept so existing `.env` files without KAFKA_BROKERS behave as before. */
export const DEFAULT_BROKERS = ['localhost:9092'];

export interface KafkaConnectionOptions {
  /**
   * The Kafka client underneath: `kafkajs` (default) or `platformatic` (@platformatic/kafka).
   * Default CONTRACTS_TRANSPORT, else kafkajs. See docs/runtime.md, "Choosing a transport".
   */
  transport?: TransportName;
  /** A kafkajs client to use as it is (SSL, SASL, logging are then the caller's). */
  kafka?: Kafka;
  /** Broker addresses; default KAFKA_BROKERS, else localhost:9092. */
  brokers?: string[] | string;
  clientId?: string;
  /** Extra kafkajs client settings (ssl, sasl, retry; logLevel/logCreator replace the kit's logger) when the kit builds the client. */
  kafkaConfig?: Omit<KafkaConfig, 'brokers' | 'clientId'>;
}

export function brokersFrom(value: string[] | string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = value ?? env[KAFKA_ENV.BROKERS];
  const list = (Array.isArray(raw) ? raw : (raw ?? '').split(',')).map((b) => b.trim()).filter(Boolean);
  return list.length > 0 ? list : DEFAULT_BROKERS;
}

export function resolveKafka(options: KafkaConnectionOptions, defaultClientId: string): Kafka {
  if (options.kafka) return options.kafka;
  return new Kafka({
    // through the kit's logger unless the caller brings its own
    logLevel: kafkaLogLevel(),
    logCreator: kafkaLogCreator,
    ...options.kafkaConfig,
    clientId: options.clientId ?? defaultClientId,
    brokers: brokersFrom(options.brokers),
  });
}

/** The brokers the kit connects to, for error messages; undefined when the caller passed its own client. */
export function brokersOf(options: KafkaConnectionOptions): string[] | undefined {
  return options.kafka ? undefined : brokersFrom(options.brokers);
}

/** Wraps a kafkajs failure (or passes a kit error through); `brokers` names the servers in the message. */
export function toKafkaError(error: unknown, action: string, topic?: string, brokers?: readonly string[]): Error {
  if (isContractsError(error)) return error;
  const e = error as { name?: string; message?: string; retriable?: boolean };
  const at = brokers && brokers.length > 0 ? ` at ${brokers.join(',')}` : '';
  const message = `${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`;
  // @platformatic/kafka's messages name the API, not the broker's error: the type says what went wrong
  const type = kafkaErrorType(error);
  // refused credentials stay refused: @platformatic/kafka marks its authentication errors retriable
  const refusedCredentials = isAuthenticationError(error) || (type !== undefined && SASL_REFUSALS.has(type));
  return new KafkaError(
    `${action}${topic ? ` (topic ${topic})` : ''}${at} failed: ${message}${type && !message.includes(type) ? ` (${type})` : ''}`,
    topic,
    {
      retriable: refusedCredentials
        ? false
        : type !== undefined && INSTANCE_ID_HELD.has(type)
          ? true
          : retriableOf(error),
      cause: error,
      hint: refusedCredentials
        ? `check the SASL credentials the client uses (kafkaConfig.sasl); the broker${at} refused them`
        : type !== undefined && INSTANCE_ID_HELD.has(type)
          ? 'another live member has this membership.instanceId, or the last process with it stopped without leaving (a crash) and its session has not expired yet (the consumer protocol: group.consumer.session.timeout.ms, 45 s by default): start again after that, and give each process an id of its own'
          : `check that Kafka is reachable at ${KAFKA_ENV.BROKERS} and that the topic exists (\`contracts stack up\` starts a local one)`,
    },
  );
}

/** The broker refused the client's SASL handshake or credentials: trying again cannot help. */
const SASL_REFUSALS = new Set(['SASL_AUTHENTICATION_FAILED', 'UNSUPPORTED_SASL_MECHANISM', 'ILLEGAL_SASL_STATE']);

/** A static member's instance id held by another member, until that one leaves or its session expires. */
const INSTANCE_ID_HELD = new Set(['UNRELEASED_INSTANCE_ID', 'FENCED_INSTANCE_ID']);

/**
 * The Kafka protocol error's type (`MESSAGE_TOO_LARGE`, `NOT_LEADER_FOR_PARTITION`, …) behind an
 * error, looking through the kit's and kafkajs's wrappers; undefined when there is none.
 */
export function kafkaErrorType(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string' && /^[A-Z_]+$/.test(type)) return type;
    // @platformatic/kafka: a ProtocolError's apiId, inside a ResponseError's list
    const apiId = (current as { apiId?: unknown }).apiId;
    if (typeof apiId === 'string' && /^[A-Z_]+$/.test(apiId)) return apiId;
    const inner = (current as { errors?: unknown }).errors;
    if (Array.isArray(inner) && inner.length > 0) {
      for (const e of inner) {
        const found = kafkaErrorType(e);
        if (found) return found;
      }
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isAuthenticationError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if ((current as { name?: unknown }).name === 'KafkaJSSASLAuthenticationError') return true;
    if ((current as { code?: unknown }).code === PLATFORMATIC_CODES.AUTHENTICATION) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * kafkajs's verdict, looking through its give-up wrappers: when its retries run out on a transient
 * failure (a broker down for longer than the retry budget), it throws KafkaJSNonRetriableError or
 * KafkaJSNumberOfRetriesExceeded (retriable: false) whose cause is the transient error. Retrying
 * later can still help then, so the kit's error is retriable; an error that is not transient all
 * the way down (bad credentials, a message too large) stays non-retriable.
 */
function retriableOf(error: unknown): boolean {
  if (isPlatformaticError(error)) return platformaticRetriable(error);
  const top = error as { retriable?: boolean } | undefined;
  if (top?.retriable === undefined) return true;
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if ((current as { retriable?: unknown }).retriable === true) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The codes of @platformatic/kafka's errors the kit judges (its GenericError family, `PLT_KFK_*`). */
const PLATFORMATIC_CODES = {
  AUTHENTICATION: 'PLT_KFK_AUTHENTICATION',
  NETWORK: 'PLT_KFK_NETWORK',
  TIMEOUT: 'PLT_KFK_TIMEOUT',
} as const;

interface PlatformaticError {
  code: string;
  canRetry?: boolean;
  apiId?: string;
  errors?: unknown[];
  cause?: unknown;
}

function isPlatformaticError(error: unknown): error is PlatformaticError {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('PLT_KFK_');
}

/**
 * @platformatic/kafka's verdict, judged as kafkajs's is: a network failure or a timeout is
 * retriable (its TimeoutError says `canRetry: false`, but kafkajs's request timeout is retriable,
 * and waiting is what heals one); refused credentials, an authorization failure or a record too
 * large are not; a protocol error keeps the broker's verdict; a list of errors (a ResponseError,
 * a retry budget spent) is retriable only when each of them is.
 */
function platformaticRetriable(error: PlatformaticError, depth = 0): boolean {
  if (depth > 5) return false;
  if (error.code === PLATFORMATIC_CODES.AUTHENTICATION) return false;
  if (error.apiId?.endsWith('_AUTHORIZATION_FAILED')) return false;
  if (Array.isArray(error.errors) && error.errors.length > 0) {
    return error.errors.every((e) => (isPlatformaticError(e) ? platformaticRetriable(e, depth + 1) : retriableOf(e)));
  }
  if (error.canRetry === true) return true;
  if (error.code === PLATFORMATIC_CODES.NETWORK || error.code === PLATFORMATIC_CODES.TIMEOUT) {
    return error.apiId === undefined;
  }
  const cause = error.cause;
  return isPlatformaticError(cause) ? platformaticRetriable(cause, depth + 1) : false;
}
