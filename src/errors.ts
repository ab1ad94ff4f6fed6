/**
 * One error family for the whole kit.
 *
 * Every error the kit throws is a `ContractsError`: it carries a stable `code`, whether retrying
 * can help (`retriable`, read by the retry loops and the consumer's dead-letter decision), a
 * fix-it `hint` for people, and the underlying `cause`. Subclasses add the context that names the
 * thing at fault (file and JSON pointer, event and field path, registry URL, topic/partition).
 */

export type ContractsErrorCode =
  | 'CONFIG_INVALID'
  | 'SCHEMA_INVALID'
  | 'CODEGEN_STALE'
  | 'EVENT_INVALID'
  | 'WIRE_FORMAT'
  | 'SCHEMA_NOT_FOUND'
  | 'DECODE_FAILED'
  | 'UNKNOWN_EVENT_TYPE'
  | 'REGISTRY_HTTP'
  | 'REGISTRY_UNREACHABLE'
  | 'REGISTRY_AUTH'
  | 'REGISTRY_CONFIG'
  | 'TOPIC_NOT_FOUND'
  | 'KAFKA'
  | 'DELIVERY_TIMEOUT'
  | 'TRANSPORT_UNKNOWN'
  | 'TRANSPORT_UNSUPPORTED'
  | 'CONSUMER_FAILED'
  | 'HANDLER_FAILED'
  | 'HANDLER_TIMEOUT'
  | 'DEAD_LETTER_TOO_LARGE'
  | 'CONSUMER_STOPPED'
  | 'TRANSACTION_FENCED'
  | 'TRANSACTION_ABORTED'
  | 'INCOMPATIBLE'
  | 'BASELINE_INVALID'
  | 'STACK'
  | 'USAGE'
  | 'UI_AUTH_REQUIRED'
  | 'UI_USERS_INVALID'
  | 'UI_OIDC_INVALID'
  | 'UI_OIDC_UNREACHABLE'
  | 'UI_OIDC_SIGN_IN_FAILED'
  | 'GROUP_NOT_EMPTY'
  | 'INTERNAL';

export interface ContractsErrorOptions {
  retriable?: boolean;
  hint?: string;
  cause?: unknown;
}

export class ContractsError extends Error {
  readonly code: ContractsErrorCode;
  readonly retriable: boolean;
  readonly hint: string | undefined;
  override readonly cause: unknown;

  constructor(code: ContractsErrorCode, message: string, options: ContractsErrorOptions = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.hint = options.hint;
    this.cause = options.cause;
  }

  /** The message followed by the hint, as the CLI prints it. */
  describe(): string {
    return this.hint ? `${this.message}\n  fix: ${this.hint}` : this.message;
  }
}

export function isContractsError(error: unknown): error is ContractsError {
  return error instanceof ContractsError;
}

/** The config file (contracts.config.json) is missing, unreadable or does not fit its shape. */
export class ConfigError extends ContractsError {
  constructor(
    readonly file: string,
    message: string,
    options: ContractsErrorOptions = {},
  ) {
    super('CONFIG_INVALID', `${file}: ${message}`, options);
  }
}

/** A schema file cannot be read, parsed or understood. `pointer` is a JSON pointer inside it. */
export class SchemaFileError extends ContractsError {
  constructor(
    readonly file: string,
    readonly pointer: string,
    readonly reason: string,
    options: ContractsErrorOptions = {},
  ) {
    super('SCHEMA_INVALID', `${file}${pointer ? ` at ${pointer}` : ''}: ${reason}`, options);
  }
}

/** `contracts generate --check` found generated files that differ from what the schemas give. */
export class StaleGeneratedCodeError extends ContractsError {
  constructor(
    readonly files: string[],
    /** File by file, the declarations that changed. */
    readonly summary: string,
    /** Unified diff of the readable files (not of the compiled validators). */
    readonly diff: string,
  ) {
    super('CODEGEN_STALE', `generated code is out of date: ${files.join(', ')}`, {
      hint: 'run `npx contracts generate` and commit the result',
    });
  }
}

export interface ValidationIssue {
  /** JSON pointer of the offending value inside the event, e.g. `/data/price/amountMinor`. */
  path: string;
  /** What the contract expects there, e.g. `integer`, `one of flight, hotel, car`. */
  expected: string;
  /** The rule that failed: a JSON Schema keyword (`type`, `required`, `enum`, …). */
  keyword: string;
  message: string;
}

/** An event does not match its contract; nothing was sent. */
export class EventValidationError extends ContractsError {
  constructor(
    readonly eventType: string,
    readonly issues: ValidationIssue[],
  ) {
    const first = issues[0];
    const where = first ? ` at ${first.path || '/'}: ${first.message}` : '';
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super('EVENT_INVALID', `${eventType} does not match its contract${where}${more}`, {
      hint: first
        ? `set ${first.path || 'the event'} to ${first.expected}; the contract is in schemas/ (see the generated types)`
        : undefined,
    });
  }
}

/** Bytes that are not a Confluent-framed message (magic byte 0, 4-byte schema ID, body). */
export class WireFormatError extends ContractsError {
  constructor(
    message: string,
    readonly found?: number,
    readonly expected?: number,
  ) {
    super('WIRE_FORMAT', message, {
      hint: 'the producer did not use a Schema Registry serializer; publish through the kit or a Confluent serializer',
    });
  }
}

/** The body could not be decoded with the schema its header names. */
export class DecodeError extends ContractsError {
  constructor(
    message: string,
    readonly schemaId?: number,
    options: ContractsErrorOptions = {},
  ) {
    super('DECODE_FAILED', message, options);
  }
}

/** The event type is not part of the topic's contract. */
export class UnknownEventTypeError extends ContractsError {
  constructor(
    readonly eventType: string,
    readonly known: readonly string[],
  ) {
    super('UNKNOWN_EVENT_TYPE', `unknown event type "${eventType}"; known: ${known.join(', ')}`, {
      hint: 'add the event to contracts.config.json and run `npx contracts generate`',
    });
  }
}

/** The registry answered with an HTTP error (or not at all). Never includes credentials. */
export class RegistryError extends ContractsError {
  constructor(
    readonly url: string,
    readonly status: number | undefined,
    readonly registryCode: number | undefined,
    message: string,
    options: ContractsErrorOptions = {},
  ) {
    super(
      status === 401 || status === 403
        ? 'REGISTRY_AUTH'
        : status === undefined
          ? 'REGISTRY_UNREACHABLE'
          : 'REGISTRY_HTTP',
      message,
      options,
    );
  }
}

/** The registry settings cannot work as given (a URL that is not one, credentials of the wrong shape): fix them. */
export class RegistryConfigError extends ContractsError {
  constructor(message: string, hint: string) {
    super('REGISTRY_CONFIG', message, { hint });
  }
}

/** A read-only command was pointed at a topic the cluster does not have (it never creates one). */
export class TopicNotFoundError extends ContractsError {
  constructor(
    readonly topic: string,
    brokers: readonly string[] | undefined,
  ) {
    super('TOPIC_NOT_FOUND', `topic ${topic} does not exist${brokers?.length ? ` on ${brokers.join(',')}` : ''}`, {
      hint: "check the name (`npx contracts ls` lists subjects); `npx contracts apply` creates the config's topics",
    });
  }
}

/** A failure the stack command (local Kafka and registry) reports. */
export class StackError extends ContractsError {
  constructor(message: string, options: ContractsErrorOptions = {}) {
    super('STACK', message, options);
  }
}

/** A command-line usage error: unknown flag, missing argument. */
export class UsageError extends ContractsError {
  constructor(message: string, hint?: string) {
    super('USAGE', message, { hint });
  }
}

/**
 * A command-line flag was given a value it does not take (`--format yaml`, `--timeout soon`).
 * `flag` names it, `value` is what was given, `valid` lists what it takes: its values, or examples
 * of its grammar.
 */
export class FlagValueError extends UsageError {
  constructor(
    readonly flag: string,
    readonly value: string,
    readonly valid: readonly string[],
    message: string,
    hint: string,
  ) {
    super(message, hint);
  }
}

/** The registry has no schema with the ID a message names; retrying cannot help. */
export class SchemaNotFoundError extends DecodeError {
  override readonly code: ContractsErrorCode = 'SCHEMA_NOT_FOUND';

  constructor(
    readonly registryUrl: string,
    schemaId: number,
    options: ContractsErrorOptions = {},
  ) {
    super(`schema ID ${schemaId} is not in the registry at ${registryUrl}`, schemaId, {
      hint: 'the message was framed against another registry (check SCHEMA_REGISTRY_URL) or the schema was deleted',
      ...options,
    });
  }
}

/** A consumer's handler threw; `attempts` counts every try, the first one included. */
export class HandlerError extends ContractsError {
  constructor(
    readonly eventType: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super('HANDLER_FAILED', `the handler of ${eventType} failed after ${attempts} attempt(s): ${reason}`, {
      cause,
      retriable: cause instanceof ContractsError ? cause.retriable : false,
    });
  }
}

/**
 * A handler did not settle within the consumer's `handlerTimeoutMs`. Its `AbortSignal` (the
 * context's `signal`) is aborted with this error; the message is retried and then dead-lettered
 * like any failing handler's, and the partitions behind it move on.
 */
export class HandlerTimeoutError extends ContractsError {
  constructor(
    readonly eventType: string,
    readonly timeoutMs: number,
    readonly position: { topic: string; partition: number; offset: string },
  ) {
    super(
      'HANDLER_TIMEOUT',
      `the handler of ${eventType} at ${position.topic}[${position.partition}]@${position.offset} did not finish within ${timeoutMs} ms`,
      {
        hint: "make the handler honour context.signal (pass it to fetch and clients), or raise the consumer's handlerTimeoutMs",
      },
    );
  }
}

/**
 * Not even the bounded dead-letter record of a message (a prefix of its bytes, the kit's headers)
 * fits the dead-letter topic: the consumer stops at the message rather than stall on it or skip it.
 */
export class DeadLetterTooLargeError extends ContractsError {
  constructor(
    readonly deadLetterTopic: string,
    readonly position: { topic: string; partition: number; offset: string },
    cause: unknown,
  ) {
    super(
      'DEAD_LETTER_TOO_LARGE',
      `the dead-letter topic ${deadLetterTopic} refused even the truncated record of ${position.topic}[${position.partition}]@${position.offset} as too large`,
      {
        cause,
        hint: `raise max.message.bytes of ${deadLetterTopic} (\`contracts apply\` sizes it from its source topic), then start the consumer again`,
      },
    );
  }
}

/**
 * A consumer stopped itself on an environment failure that waiting cannot fix (registry refusing
 * the credentials, a URL that is not a registry's API), as `onEnvironmentFailure: 'stop'` asks.
 * Names the message it stopped at (not committed: a restarted consumer reads it again) and keeps
 * the failure as `cause` (its code as `causeCode`).
 */
export class ConsumerStoppedError extends ContractsError {
  readonly causeCode: string;

  constructor(
    readonly groupId: string,
    readonly topic: string,
    readonly partition: number,
    readonly offset: string,
    cause: unknown,
  ) {
    const causeCode = isContractsError(cause) ? cause.code : 'INTERNAL';
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'CONSUMER_STOPPED',
      `consumer group ${groupId} stopped at ${topic}[${partition}]@${offset} (not committed): ${reason}`,
      {
        cause,
        hint:
          isContractsError(cause) && cause.hint
            ? cause.hint
            : 'fix the environment and start the consumer again; nothing was dead-lettered',
      },
    );
    this.causeCode = causeCode;
  }
}

/** Kafka (kafkajs) failed: connect, send, commit. `retriable` comes from kafkajs. */
export class KafkaError extends ContractsError {
  constructor(
    message: string,
    readonly topic: string | undefined,
    options: ContractsErrorOptions = {},
  ) {
    super('KAFKA', message, options);
  }
}

/**
 * The Kafka client named by a `transport` option or CONTRACTS_TRANSPORT is not one the kit has
 * (`kafkajs`, `platformatic`). Not retriable: the configuration is wrong.
 */
export class UnknownTransportError extends ContractsError {
  constructor(
    readonly transport: string,
    readonly source: 'option' | 'env',
    readonly known: readonly string[],
  ) {
    super(
      'TRANSPORT_UNKNOWN',
      `unknown Kafka transport "${transport}"${source === 'env' ? ' (from CONTRACTS_TRANSPORT)' : ''}`,
      { hint: `use one of: ${known.join(', ')} (kafkajs is the default)` },
    );
  }
}

/**
 * The chosen transport cannot do what was asked of it yet (e.g. a kafkajs `Kafka` instance or
 * kafkajs-only settings handed to a platformatic client). Not retriable.
 */
export class TransportUnsupportedError extends ContractsError {
  constructor(
    readonly transport: string,
    readonly feature: string,
    hint?: string,
  ) {
    super('TRANSPORT_UNSUPPORTED', `the ${transport} transport does not support ${feature} yet`, {
      hint: hint ?? `use transport: 'kafkajs' for this client`,
    });
  }
}

/**
 * A publish the broker did not acknowledge within the producer's `deliveryTimeoutMs` (a stalled or
 * partitioned broker). Retriable: kafkajs may still deliver the abandoned send, so publishing again
 * can write the event twice (consumers de-duplicate on eventId).
 */
export class DeliveryTimeoutError extends KafkaError {
  override readonly code: ContractsErrorCode = 'DELIVERY_TIMEOUT';

  constructor(
    topic: string,
    readonly timeoutMs: number,
    readonly messages: number,
  ) {
    super(`publishing ${messages} message(s) (topic ${topic}) was not acknowledged within ${timeoutMs} ms`, topic, {
      retriable: true,
      hint: 'the broker is stalled or unreachable; publish again later (consumers de-duplicate on eventId), or raise deliveryTimeoutMs',
    });
  }
}

/**
 * The consumer stopped for good: it left its group (a crash kafkajs does not restart from, a
 * session that expired during a stall) and the kit's supervisor could not bring it back within
 * its budget (`supervision.giveUpAfterMs`), or the failure cannot heal by rejoining (refused
 * credentials or permissions). `cause` is the last failure.
 */
export class ConsumerFailedError extends ContractsError {
  constructor(
    readonly groupId: string,
    readonly topic: string,
    /** Rebuilds of the kafkajs consumer the supervisor tried. */
    readonly restarts: number,
    /** How long the consumer had been out of its group when it gave up. */
    readonly downForMs: number,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(
      'CONSUMER_FAILED',
      `the consumer of group ${groupId} on ${topic} stopped after ${downForMs} ms out of its group and ${restarts} restart(s): ${reason}`,
      {
        cause,
        hint: 'check that Kafka is reachable and the group may be joined; restart the service (supervision.exitOnFailure lets an orchestrator do it), or raise supervision.giveUpAfterMs',
      },
    );
  }
}

/** Where a transformer's transaction stood: its input partition and the last offset it covered. */
export interface TransactionPosition {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Another instance of the transformer's group took this input partition over (its producer of the
 * same transactional id fenced this one, or the group moved on to a newer generation): this
 * instance's transaction was aborted, and nothing it wrote for the partition is visible to
 * `read_committed` readers. The usual cause is an instance paused past its session timeout (a
 * long GC, a stopped container) that then woke up as a zombie. Not retriable here: the
 * partition's messages are the new owner's; this instance rejoins the group.
 */
export class TransactionFencedError extends ContractsError {
  constructor(
    readonly groupId: string,
    readonly transactionalId: string,
    readonly position: TransactionPosition,
    cause: unknown,
  ) {
    super(
      'TRANSACTION_FENCED',
      `the transaction of ${transactionalId} (group ${groupId}, up to ${position.topic}[${position.partition}]@${position.offset}) was fenced: another instance owns the partition now; nothing of it was written`,
      {
        cause,
        hint: 'another instance took the partition over (this one was out of the group past its session timeout); it goes on from the committed offset. Look for long pauses of this process; raise sessionTimeout if they are expected',
      },
    );
  }
}

/**
 * A transformer's transaction failed and was aborted (a broker or coordinator unavailable, a
 * timeout): nothing of it is visible to `read_committed` readers and its input offset was not
 * committed, so its messages are handled again from the committed offset. Retriable.
 */
export class TransactionAbortedError extends ContractsError {
  constructor(
    readonly groupId: string,
    readonly transactionalId: string,
    readonly position: TransactionPosition,
    cause: unknown,
    retriable = true,
    /** What to change when trying again cannot help (a setting the brokers refuse, a missing ACL). */
    hint?: string,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'TRANSACTION_ABORTED',
      `the transaction of ${transactionalId} (group ${groupId}, up to ${position.topic}[${position.partition}]@${position.offset}) was aborted: ${reason}`,
      {
        cause,
        retriable,
        hint:
          hint ??
          'nothing of it was written and its messages are handled again; check that Kafka (and its transaction coordinator) is reachable',
      },
    );
  }
}

/** A baseline for `contracts check --against` (git ref or lock file) is missing or malformed. */
export class BaselineError extends ContractsError {
  constructor(
    /** The lock file, or `<ref>:<path>` for a file at a git ref. */
    readonly source: string,
    message: string,
    options: ContractsErrorOptions = {},
  ) {
    super('BASELINE_INVALID', `${source}: ${message}`, options);
  }
}

/**
 * `contracts ui` cannot start as asked: bound beyond loopback with no sign-in configured
 * (`UI_AUTH_REQUIRED`), a users file it cannot use (`UI_USERS_INVALID`, with the file), OpenID
 * Connect options it cannot use (`UI_OIDC_INVALID`) or an issuer it cannot read
 * (`UI_OIDC_UNREACHABLE`); or an OpenID Connect sign-in was refused (`UI_OIDC_SIGN_IN_FAILED`: a
 * state or nonce that does not match, a code the provider would not redeem).
 */
export class UiAccessError extends ContractsError {
  constructor(
    code:
      'UI_AUTH_REQUIRED' | 'UI_USERS_INVALID' | 'UI_OIDC_INVALID' | 'UI_OIDC_UNREACHABLE' | 'UI_OIDC_SIGN_IN_FAILED',
    message: string,
    hint: string,
    /** The users file at fault, for UI_USERS_INVALID. */
    readonly file?: string,
    cause?: unknown,
  ) {
    super(code, file ? `${file}: ${message}` : message, { hint, cause });
  }
}

/**
 * A consumer group's offsets were to be reset while it has members: Kafka moves a group's offsets
 * only while it is empty, and a running member would commit over the reset. Names the group, its
 * state and each member (client ID, host, member ID).
 */
export class GroupNotEmptyError extends ContractsError {
  constructor(
    readonly group: string,
    readonly state: string,
    readonly members: ReadonlyArray<{ memberId: string; clientId: string; host: string }>,
  ) {
    super(
      'GROUP_NOT_EMPTY',
      `consumer group "${group}" is ${state} with ${members.length} member${members.length === 1 ? '' : 's'} (${
        members.map((m) => `${m.clientId} on ${m.host}, member ${m.memberId}`).join('; ') || 'joining'
      }): its offsets can be reset only while it is empty`,
      { hint: 'stop its consumers and wait until the group is Empty (the groups page shows its state), then reset' },
    );
  }
}
