/**
 * Typed consumer: decodes each message with the registry, dispatches it to the handler of its
 * event type, and commits its offset only once it is handled or dead-lettered (at-least-once).
 *
 * - A handler that throws is retried with exponential backoff, then its message goes to the
 *   dead-letter topic with the headers of src/dlq/headers.ts, and the consumer carries on.
 * - A message that cannot be decoded (not framed, unknown schema ID, truncated, wrong schema) goes
 *   to the dead-letter topic at once: retrying cannot fix it.
 * - A failure of the environment (registry down or refusing the credentials, broker unavailable,
 *   a config that does not fit; whether met by the decoder, the dead-letter producer or a handler)
 *   is never dead-lettered: the partition is paused, rewound to the message and resumed after a
 *   backoff, or the consumer stops (onEnvironmentFailure). The line is drawn in ./decide.ts.
 * - A replayed copy meant for another group (src/dlq/replay.ts) is skipped and committed past.
 * - A kafkajs consumer that stops without restarting itself is rebuilt by the supervisor
 *   (./supervisor.ts), which also keeps the health snapshot; past its budget the consumer fails
 *   with a ConsumerFailedError through the `error` event and done().
 */
import { Partitioners } from 'kafkajs';
import type {
  Consumer as KafkaConsumer,
  ConsumerConfig,
  EachBatchPayload,
  IHeaders,
  KafkaMessage,
  Producer as KafkaProducer,
} from 'kafkajs';
import type { EventMapOf, EventTypeOf, TopicContract } from '../contract';
import {
  ConsumerStoppedError,
  HandlerError,
  isContractsError,
  UnknownEventTypeError,
  UsageError,
  type ConsumerFailedError,
} from '../errors';
import { deadLetterHeaders, headerString, type DeadLetterReason } from '../dlq/headers';
import { brokersOf, resolveKafka, toKafkaError, type KafkaConnectionOptions } from '../kafka/client';
import { MESSAGE_HEADERS } from '../producer';
import { resolveRegistry, type RegistrySource } from '../registry/resolve';
import { backoffDelay } from '../retry';
import { createSerde, type AnyTopicContract, type DecodedEvent, type Serde, type UnknownProperties } from '../serde';
import { classify, decide, isReplayForAnotherGroup, type EnvironmentPolicy } from './decide';
import { CONSUMER_EVENTS, type ConsumerEventName, type ConsumerEventPayloads, type ConsumerListener } from './events';
import { createSupervisor, type ConsumerHealth, type SupervisionOptions } from './supervisor';

export * from './events';
export { classify, decide, type Decision, type EnvironmentPolicy, type Fault, type Stage } from './decide';
export type { ConsumerHealth, ConsumerState, PartitionHealth, SupervisionOptions } from './supervisor';

export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** Kafka timestamp of the message (ms since the epoch, as a string). */
  timestamp: string;
  headers: IHeaders;
  /** W3C trace context from the `traceparent` header, when the producer sent one. */
  traceparent: string | undefined;
  schemaId: number;
  /** 1 on the first run of the handler for this message, 2 on the first retry, … */
  attempt: number;
  /** Keeps the group membership alive during long work. */
  heartbeat(): Promise<void>;
}

export type EventHandler<E> = (event: E, context: MessageContext) => Promise<void> | void;

/**
 * One entry per event type of the contract: a handler, or `'ignore'` to opt out explicitly. A
 * missing entry is a compile error, so a new event type in the contract cannot be dropped silently.
 */
export type Handlers<C> = { [K in EventTypeOf<C>]: EventHandler<EventMapOf<C>[K]> | 'ignore' };

export interface RetryOptions {
  /** Runs of a failing handler before its message is dead-lettered, the first included. Default 3. */
  attempts?: number;
  /** Delay before the first retry; doubles each time. Default 200 ms. */
  initialDelayMs?: number;
  /** Upper bound of the delay. Default 5 s. */
  maxDelayMs?: number;
}

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
}

export interface Consumer<C extends AnyTopicContract> {
  readonly serde: Serde<C>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Settles when the consumer (the run started last, or the next one) ends: resolves after stop(),
   * rejects with a ConsumerFailedError when supervision gives up. Never rejects unobserved.
   */
  done(): Promise<void>;
  /** State, last progress, lag per assigned partition: for liveness and readiness checks. */
  health(): ConsumerHealth;
  /** Subscribes to an instrumentation event (CONSUMER_EVENTS); returns the unsubscribe function. */
  on<N extends ConsumerEventName>(name: N, listener: ConsumerListener<N>): () => void;
}

type Outcome = 'done' | 'retry-later' | 'abandon' | { stop: ConsumerStoppedError };

const VALID_EVENTS = Object.values(CONSUMER_EVENTS) as string[];

export function createConsumer<C extends AnyTopicContract>(options: ConsumerOptions<C>): Consumer<C> {
  const contract = options.contract as unknown as TopicContract;
  const handlers = options.handlers as unknown as Record<string, EventHandler<unknown> | 'ignore' | undefined>;
  const registry = resolveRegistry(options.registry);
  const serde = createSerde(options.contract, registry, { unknownProperties: options.unknownProperties });
  const kafka = resolveKafka(options, `${options.groupId}`);
  const deadLetterTopic = options.deadLetterTopic ?? contract.deadLetterTopic;
  const attempts = Math.max(1, options.retry?.attempts ?? 3);
  const retryDelay = (n: number) =>
    backoffDelay(n, options.retry?.initialDelayMs ?? 200, options.retry?.maxDelayMs ?? 5000);
  const transientDelay = (n: number) =>
    backoffDelay(n, options.transientRetry?.initialDelayMs ?? 500, options.transientRetry?.maxDelayMs ?? 30_000);
  const unknownPolicy = options.onUnknownEventType ?? 'dead-letter';
  const environmentPolicy = options.onEnvironmentFailure ?? 'pause';
  const commitEvery = Math.max(1, options.commitEvery ?? Number.POSITIVE_INFINITY);
  const signals = options.stopOnSignals ?? ['SIGTERM'];

  const listeners = new Map<string, Set<(payload: never) => void>>();
  const emit = <N extends ConsumerEventName>(name: N, payload: ConsumerEventPayloads[N]) => {
    for (const listener of listeners.get(name) ?? []) {
      try {
        (listener as ConsumerListener<N>)(payload);
      } catch {
        // instrumentation must never break consumption
      }
    }
  };

  let dlqProducer: KafkaProducer | undefined;
  let running = false;
  let stopping: Promise<void> | undefined;
  /** Backoff timers, with what to run early when the consumer stops (a retry's sleep must end). */
  const timers = new Map<NodeJS.Timeout, () => void>();
  const transientFailures = new Map<string, number>();
  const onSignal = () => {
    void api.stop();
  };
  let run = deferred();

  const restartOnFailure = options.consumerConfig?.retry?.restartOnFailure;
  const supervisor = createSupervisor({
    groupId: options.groupId,
    topic: contract.topic,
    options: options.supervision,
    create: () =>
      kafka.consumer({
        ...options.consumerConfig,
        groupId: options.groupId,
        // kafkajs restarts a crashed consumer on a timer; a crash during stop() (a join or fetch cut
        // short by the disconnect) must not bring back a consumer nobody will stop again
        retry: {
          ...options.consumerConfig?.retry,
          restartOnFailure: async (e) => running && (restartOnFailure ? restartOnFailure(e) : true),
        },
      }),
    run: async (consumer) => {
      consumer.on(consumer.events.CRASH, (e) => {
        emit(CONSUMER_EVENTS.CRASHED, { error: e.payload.error, restart: e.payload.restart });
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [contract.topic], fromBeginning: options.fromBeginning ?? false });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => eachBatch(consumer, payload),
      });
    },
    onStateChange: (change) => emit(CONSUMER_EVENTS.STATE_CHANGED, change),
    onFailed: (error) => void fail(error),
  });

  const fail = async (error: ConsumerFailedError) => {
    running = false;
    for (const signal of signals) process.off(signal, onSignal);
    emit(CONSUMER_EVENTS.ERROR, { error });
    run.reject(error);
    await dlqProducer?.disconnect().catch(() => undefined);
    dlqProducer = undefined;
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (!running) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.set(timer, resolve);
    });

  const deadLetter = async (
    topic: string,
    partition: number,
    message: KafkaMessage,
    reason: DeadLetterReason,
    error: unknown,
    tries: number,
    eventType: string | undefined,
  ): Promise<Outcome> => {
    const cause = error instanceof HandlerError ? error.cause : error;
    const headers = {
      ...message.headers,
      ...deadLetterHeaders({
        originalTopic: topic,
        originalPartition: partition,
        originalOffset: message.offset,
        originalTimestamp: message.timestamp,
        reason,
        errorClass: cause instanceof Error ? cause.constructor.name : typeof cause,
        errorCode: isContractsError(error) ? error.code : 'UNKNOWN',
        errorMessage: cause instanceof Error ? cause.message : String(cause),
        attempts: tries,
        eventType,
        consumerGroup: options.groupId,
        deadLetteredAt: new Date().toISOString(),
      }),
    };
    try {
      await dlqProducer!.send({
        topic: deadLetterTopic,
        acks: -1,
        messages: [{ key: message.key, value: message.value, headers }],
      });
    } catch (sendError) {
      const wrapped = toKafkaError(sendError, 'sending to the dead-letter topic', deadLetterTopic);
      return environment(
        topic,
        partition,
        message,
        wrapped,
        decide(wrapped, { stage: 'dead-letter' }, environmentPolicy).action === 'stop',
      );
    }
    emit(CONSUMER_EVENTS.DEAD_LETTERED, {
      topic,
      partition,
      offset: message.offset,
      reason,
      eventType,
      attempts: tries,
      error,
      deadLetterTopic,
    });
    return 'done';
  };

  /** The environment failed on this message: keep it, and pause its partition or stop. */
  const environment = (
    topic: string,
    partition: number,
    message: KafkaMessage,
    error: unknown,
    stop: boolean,
  ): Outcome => {
    if (stop) return { stop: new ConsumerStoppedError(options.groupId, topic, partition, message.offset, error) };
    const key = `${topic}:${partition}`;
    const n = (transientFailures.get(key) ?? 0) + 1;
    transientFailures.set(key, n);
    emit(CONSUMER_EVENTS.TRANSIENT_ERROR, {
      topic,
      partition,
      offset: message.offset,
      error,
      code: classify(error).code,
      retryInMs: transientDelay(n),
    });
    return 'retry-later';
  };

  /** Listeners of an event, so the hot path builds no payload nobody reads. */
  const listening = (name: ConsumerEventName) => (listeners.get(name)?.size ?? 0) > 0;

  /**
   * One message, synchronously when it can be (the hot path: the schema ID is cached and the
   * handler returns without a promise): then no promise is made for it. Anything else (the first
   * message of a schema, an async handler, a failure) continues on the async path, with the same
   * outcome as before.
   */
  const handleMessage = (
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Outcome | Promise<Outcome> => {
    if (message.headers && isReplayForAnotherGroup(message.headers, options.groupId)) {
      const eventType = headerString(message.headers, MESSAGE_HEADERS.EVENT_TYPE) ?? '';
      emit(CONSUMER_EVENTS.IGNORED, {
        topic,
        partition,
        offset: message.offset,
        eventType,
        reason: 'replay-for-another-group',
      });
      return 'done';
    }
    let decoded: DecodedEvent<C> | undefined;
    try {
      decoded = serde.tryDecodeSync(message.value);
    } catch (error) {
      return decodeFailed(topic, partition, message, error);
    }
    if (decoded) return dispatch(topic, partition, message, heartbeat, decoded);
    return serde.decode(message.value).then(
      (d) => dispatch(topic, partition, message, heartbeat, d),
      (error: unknown) => decodeFailed(topic, partition, message, error),
    );
  };

  const decodeFailed = (topic: string, partition: number, message: KafkaMessage, error: unknown) => {
    const decision = decide(error, { stage: 'decode', unknownEventType: unknownPolicy }, environmentPolicy);
    const eventType = error instanceof UnknownEventTypeError ? error.eventType : undefined;
    switch (decision.action) {
      case 'ignore':
        emit(CONSUMER_EVENTS.IGNORED, {
          topic,
          partition,
          offset: message.offset,
          eventType: eventType ?? '',
          reason: decision.reason,
        });
        return 'done';
      case 'dead-letter':
        return deadLetter(topic, partition, message, decision.reason, error, 0, eventType);
      default:
        return environment(topic, partition, message, error, decision.action === 'stop');
    }
  };

  const dispatch = (
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    decoded: DecodedEvent<C>,
  ): Outcome | Promise<Outcome> => {
    const { eventType, event, schemaId } = decoded;
    const handler = handlers[eventType];
    if (handler === 'ignore' || handler === undefined) {
      emit(CONSUMER_EVENTS.IGNORED, { topic, partition, offset: message.offset, eventType, reason: 'handler' });
      return 'done';
    }
    const started = listening(CONSUMER_EVENTS.HANDLED) ? Date.now() : 0;
    let result;
    try {
      result = handler(event, contextOf(topic, partition, message, heartbeat, schemaId, 1));
    } catch (error) {
      return retryHandler(topic, partition, message, heartbeat, decoded, handler, 1, error);
    }
    if (result instanceof Promise) {
      return result.then(
        () => handled(topic, partition, message, eventType, 1, started),
        (error: unknown) => retryHandler(topic, partition, message, heartbeat, decoded, handler, 1, error),
      );
    }
    return handled(topic, partition, message, eventType, 1, started);
  };

  const contextOf = (
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    schemaId: number,
    attempt: number,
  ): MessageContext => ({
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    timestamp: message.timestamp,
    headers: message.headers ?? {},
    traceparent: message.headers ? headerString(message.headers, MESSAGE_HEADERS.TRACEPARENT) : undefined,
    schemaId,
    attempt,
    heartbeat,
  });

  const handled = (
    topic: string,
    partition: number,
    message: KafkaMessage,
    eventType: string,
    attempts: number,
    started: number,
  ): Outcome => {
    if (transientFailures.size > 0) transientFailures.delete(`${topic}:${partition}`);
    if (listening(CONSUMER_EVENTS.HANDLED)) {
      emit(CONSUMER_EVENTS.HANDLED, {
        topic,
        partition,
        offset: message.offset,
        eventType,
        attempts,
        durationMs: Date.now() - started,
      });
    }
    return 'done';
  };

  /** A handler failed on attempt `failed`: retry with backoff, dead-letter, or pause, as decide() says. */
  const retryHandler = async (
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    decoded: DecodedEvent<C>,
    handler: EventHandler<unknown>,
    failed: number,
    firstError: unknown,
  ): Promise<Outcome> => {
    const { eventType, event, schemaId } = decoded;
    const position = { topic, partition, offset: message.offset };
    let error = firstError;
    for (let attempt = failed; ; attempt++) {
      if (attempt > failed) {
        const started = Date.now();
        try {
          await handler(event, contextOf(topic, partition, message, heartbeat, schemaId, attempt));
          return handled(topic, partition, message, eventType, attempt, started);
        } catch (e) {
          error = e;
        }
      }
      const decision = decide(error, { stage: 'handler', attempt, attempts }, environmentPolicy);
      if (decision.action === 'pause' || decision.action === 'stop') {
        return environment(topic, partition, message, error, decision.action === 'stop');
      }
      if (decision.action === 'dead-letter') {
        return deadLetter(
          topic,
          partition,
          message,
          'handler-failed',
          new HandlerError(eventType, attempt, error),
          attempt,
          eventType,
        );
      }
      const delayMs = retryDelay(attempt);
      emit(CONSUMER_EVENTS.RETRIED, { ...position, eventType, attempt, delayMs, error });
      await sleep(delayMs);
      if (!running) return 'abandon';
      await heartbeat();
    }
  };

  const eachBatch = async (
    consumer: KafkaConsumer,
    { batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload,
  ) => {
    const { topic, partition } = batch;
    const commit = (offset: string) =>
      consumer.commitOffsets([{ topic, partition, offset: (BigInt(offset) + 1n).toString() }]);
    if (batch.messages.length === 0) return;
    const progressed = supervisor.fetched(topic, partition, batch.firstOffset()!, batch.highWatermark);
    let handled: string | undefined;
    let sinceCommit = 0;
    for (const message of batch.messages) {
      if (!running || !isRunning() || isStale()) break;
      let outcome = handleMessage(topic, partition, message, heartbeat);
      if (outcome instanceof Promise) outcome = await outcome;
      if (outcome === 'abandon') break;
      if (typeof outcome === 'object') {
        // stop without committing this message; stop() waits for this batch, so not from inside it
        pause();
        setImmediate(() => void halt(outcome.stop));
        break;
      }
      if (outcome === 'retry-later') {
        // fetch this message again after a pause; what was handled before it is committed below
        consumer.seek({ topic, partition, offset: message.offset });
        const resume = pause();
        // stop() may have begun while this message was tried: no timer may outlive the consumer
        if (!running) break;
        const delay = transientDelay(transientFailures.get(`${topic}:${partition}`) ?? 1);
        const timer = setTimeout(() => {
          timers.delete(timer);
          resume();
        }, delay);
        timers.set(timer, () => undefined);
        break;
      }
      progressed(message.offset);
      // kafkajs's resolved offset only needs the last handled message: it is brought up to date
      // at each commit and when the loop ends (each call costs kafkajs Long arithmetic)
      handled = message.offset;
      if (++sinceCommit >= commitEvery) {
        resolveOffset(handled);
        await commit(handled);
        sinceCommit = 0;
      }
    }
    if (handled !== undefined && sinceCommit > 0) {
      resolveOffset(handled);
      await commit(handled);
    }
  };

  let stoppedBy: ConsumerStoppedError | undefined;
  const halt = (error: ConsumerStoppedError) => {
    stoppedBy ??= error;
    return api.stop();
  };

  const api: Consumer<C> = {
    serde,
    on(name, listener) {
      if (!VALID_EVENTS.includes(name)) {
        throw new UsageError(
          `unknown consumer event "${String(name)}"`,
          `use one of: ${VALID_EVENTS.join(', ')} (CONSUMER_EVENTS)`,
        );
      }
      const set = listeners.get(name) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(name, set);
      return () => set.delete(listener as (payload: never) => void);
    },

    async start() {
      if (running) return;
      for (const eventType of Object.keys(contract.events)) {
        const h = handlers[eventType];
        if (h !== 'ignore' && typeof h !== 'function') {
          throw new UsageError(
            `no handler for ${eventType}`,
            `add a handler for "${eventType}", or set it to 'ignore' to skip these events`,
          );
        }
      }
      if (run.settled) run = deferred();
      dlqProducer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      try {
        await dlqProducer.connect();
        running = true;
        await supervisor.start();
      } catch (error) {
        running = false;
        await dlqProducer.disconnect().catch(() => undefined);
        throw toKafkaError(error, 'starting the consumer', contract.topic, brokersOf(options));
      }
      for (const signal of signals) process.once(signal, onSignal);
      emit(CONSUMER_EVENTS.STARTED, { groupId: options.groupId, topic: contract.topic });
    },

    done: () => run.promise,
    health: () => supervisor.health(),

    stop() {
      stopping ??= (async () => {
        running = false;
        for (const signal of signals) process.off(signal, onSignal);
        for (const [timer, early] of timers) {
          clearTimeout(timer);
          early();
        }
        timers.clear();
        // kafkajs waits for the batch in progress; handled offsets are committed by then
        await supervisor.stop();
        await dlqProducer?.disconnect().catch(() => undefined);
        dlqProducer = undefined;
        emit(CONSUMER_EVENTS.STOPPED, {
          groupId: options.groupId,
          topic: contract.topic,
          ...(stoppedBy ? { error: stoppedBy } : {}),
        });
        // stopped by an environment failure (onEnvironmentFailure: 'stop'): done() says so too
        if (stoppedBy) run.reject(stoppedBy);
        else run.resolve();
        stoppedBy = undefined;
      })().finally(() => {
        stopping = undefined;
      });
      return stopping;
    },
  };
  return api;
}

interface Deferred {
  promise: Promise<void>;
  settled: boolean;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  const d = { settled: false } as Deferred;
  d.promise = new Promise<void>((resolve, reject) => {
    d.resolve = () => {
      d.settled = true;
      resolve();
    };
    d.reject = (error) => {
      d.settled = true;
      reject(error);
    };
  });
  // the error event reports a failure too: a service that only listens there must not crash on it
  d.promise.catch(() => undefined);
  return d;
}
