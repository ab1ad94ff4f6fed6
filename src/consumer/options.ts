/**
 * The consumer's options, their defaults, and what they resolve to for the pipeline: one place
 * where a default is written down, next to the documentation of its option. Public types; the
 * consumer's index.ts re-exports them.
 */
import type { ConsumerConfig } from 'kafkajs';
import type { EventMapOf, EventTypeOf, TopicContract } from '../contract';
import { UsageError } from '../errors';
import type { KafkaConnectionOptions } from '../kafka/client';
import type { RegistrySource } from '../registry/resolve';
import { backoffDelay } from '../retry';
import type { AnyTopicContract, UnknownProperties } from '../serde';
import type { EnvironmentPolicy } from './decide';
import type { EventHandler } from './message';
import type { PipelineOptions } from './pipeline';
import type { SupervisionOptions } from './supervisor';

/**
 * One entry per event type of the contract: a handler, or `'ignore'` to opt out explicitly. A
 * missing entry is a compile error, so a new event type in the contract cannot be dropped silently.
 */
export type Handlers<C> = { [K in EventTypeOf<C>]: EventHandler<EventMapOf<C>[K]> | 'ignore' };

export interface RetryOptions {
  /**
   * Runs of a failing handler before its message is dead-lettered, the first included. Default 8:
   * with the default delays that is about 35 s of retries, so a downstream blip of tens of seconds
   * (a deploy, a failover) is ridden out instead of dead-lettering good events. A poison event costs
   * that long too: lower it where handlers fail only on bad data.
   */
  attempts?: number;
  /** Delay before the first retry; doubles each time. Default 500 ms. */
  initialDelayMs?: number;
  /** Upper bound of the delay. Default 10 s. */
  maxDelayMs?: number;
}

/** 0.5 + 1 + 2 + 4 + 8 + 10 + 10 s between 8 runs: about 35 s before a failing handler's event is dead-lettered. */
export const RETRY_DEFAULTS = { attempts: 8, initialDelayMs: 500, maxDelayMs: 10_000 } as const;

export interface TransientRetryOptions {
  /** First pause of a partition after a retriable failure; doubles while it lasts. Default 500 ms. */
  initialDelayMs?: number;
  /** Default 30 s. */
  maxDelayMs?: number;
}

export interface ConsumerOptions<C extends AnyTopicContract> extends KafkaConnectionOptions {
  contract: C;
  groupId: string;
  handlers: Handlers<C>;
  registry?: RegistrySource;
  /** Where a new group starts: the earliest offset (true) or new messages only (false, default). */
  fromBeginning?: boolean;
  retry?: RetryOptions;
  transientRetry?: TransientRetryOptions;
  /**
   * An environment failure that waiting cannot fix (registry refusing the credentials, a registry
   * URL that is not a registry's API): keep the partition paused and retry with backoff (`'pause'`,
   * default: fixing the server side resumes the consumer), or stop the consumer and emit
   * `consumer.stopped` with a ConsumerStoppedError (`'stop'`). Nothing is dead-lettered or
   * committed past either way; unreachable servers and 5xx always pause and retry.
   */
  onEnvironmentFailure?: EnvironmentPolicy;
  /** An event type the contract does not know: skip it, or dead-letter it (default). */
  onUnknownEventType?: 'ignore' | 'dead-letter';
  /**
   * JSON Schema topics: properties of an event that this consumer's contract does not define (a
   * newer producer's additions, read through the writer's schema) are dropped (`'drop'`, default:
   * the handler gets exactly the contract's type) or kept (`'keep'`). See CodecOptions.
   */
  unknownProperties?: UnknownProperties;
  /** Default: the contract's deadLetterTopic (`bookings.dlq`). */
  deadLetterTopic?: string;
  /** Stop gracefully on these signals (handled messages committed, the rest redelivered). Default ['SIGTERM']; [] to opt out. */
  stopOnSignals?: NodeJS.Signals[];
  /**
   * How long one run of a handler may take before it counts as failed (a HandlerTimeoutError,
   * code HANDLER_TIMEOUT: retried, then dead-lettered) and its `context.signal` is aborted, so a
   * hung call cannot hold the partition, or the others behind it, without bound. Default 30 s;
   * `Infinity` for none.
   */
  handlerTimeoutMs?: number;
  /**
   * A partition with records waiting (or a handler running) that has handled nothing for this long
   * is `stalled`: health() says `degraded` with the partition, offset and why, and a warn line is
   * written. Default 60 s.
   */
  stallAfterMs?: number;
  /** Partitions handled in parallel (order is kept within each partition). Default 1. */
  partitionsConsumedConcurrently?: number;
  /**
   * Commit within a batch after this many handled messages of a partition; handled messages are
   * always committed at the end of every batch. Default: end of batch only (a commit is a broker
   * round trip; a crash redelivers at most one batch, which at-least-once allows).
   */
  commitEvery?: number;
  /** Rebuilding a consumer kafkajs gave up on, and when to stop for good (see SupervisionOptions). */
  supervision?: SupervisionOptions;
  /** Other kafkajs consumer settings (sessionTimeout, heartbeatInterval, …). */
  consumerConfig?: Omit<ConsumerConfig, 'groupId'>;
  /**
   * How this member joins its group, for smoother deploys. The platformatic transport only:
   * kafkajs has neither, and refuses them with a TransportUnsupportedError. Default: the classic
   * protocol, a new member id at each start, eager round robin (what kafkajs does).
   */
  membership?: GroupMembership;
}

/** See ConsumerOptions.membership. */
export interface GroupMembership {
  /**
   * Static membership (KIP-345): the member's id across restarts (a pod's name, say; one per
   * process). A member that comes back with it within the session timeout is given its
   * partitions again; two live members with one id fence each other.
   */
  instanceId?: string;
  /**
   * `'consumer'`: Kafka 4's consumer group protocol (KIP-848): the broker assigns partitions and
   * moves only those that change owner, so a member joining or leaving stops no other. The
   * session and heartbeat settings are then the broker's (`group.consumer.*`); a kafkajs member
   * cannot share such a group. Default `'classic'`.
   */
  protocol?: 'classic' | 'consumer';
}

/** What the pipeline takes from the options, defaults filled in. */
export function pipelineSettings(
  options: ConsumerOptions<AnyTopicContract>,
): Pick<
  PipelineOptions<AnyTopicContract>,
  'attempts' | 'retryDelay' | 'transientDelay' | 'unknownEventType' | 'environmentPolicy' | 'handlerTimeoutMs'
> {
  const { retry, transientRetry } = options;
  return {
    attempts: Math.max(1, retry?.attempts ?? RETRY_DEFAULTS.attempts),
    retryDelay: (n) =>
      backoffDelay(
        n,
        retry?.initialDelayMs ?? RETRY_DEFAULTS.initialDelayMs,
        retry?.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs,
      ),
    transientDelay: (n) => backoffDelay(n, transientRetry?.initialDelayMs ?? 500, transientRetry?.maxDelayMs ?? 30_000),
    unknownEventType: options.onUnknownEventType ?? 'dead-letter',
    environmentPolicy: options.onEnvironmentFailure ?? 'pause',
    handlerTimeoutMs: options.handlerTimeoutMs ?? 30_000,
  };
}

/** Every event type of the contract has a handler or `'ignore'` (the types say so; plain JavaScript may not). */
export function assertHandlers(
  contract: TopicContract,
  handlers: Record<string, EventHandler<unknown> | 'ignore' | undefined>,
): void {
  for (const eventType of Object.keys(contract.events)) {
    const h = handlers[eventType];
    if (h !== 'ignore' && typeof h !== 'function') {
      throw new UsageError(
        `no handler for ${eventType}`,
        `add a handler for "${eventType}", or set it to 'ignore' to skip these events`,
      );
    }
  }
}
