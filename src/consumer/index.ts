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
 *
 * Three rooms, as in kafkajs: this file is the API (options, start, stop, on, health) and wires
 * the parts; ./pipeline.ts decides what happens to one message; ./runner.ts owns batches, commits,
 * pauses and seeks; ./dead-letters.ts writes the dead-letter topic; ./log.ts says it all.
 */
import type { Consumer as KafkaConsumer, ConsumerConfig, EachBatchPayload, Producer as KafkaProducer } from 'kafkajs';
import type { EventMapOf, EventTypeOf, TopicContract } from '../contract';
import { UsageError, type ConsumerFailedError, type ConsumerStoppedError } from '../errors';
import { sourcePartitioner } from '../dlq/partition';
import { brokersOf, resolveKafka, toKafkaError, type KafkaConnectionOptions } from '../kafka/client';
import { resolveRegistry, type RegistrySource } from '../registry/resolve';
import { backoffDelay } from '../retry';
import { createSerde, type AnyTopicContract, type Serde, type UnknownProperties } from '../serde';
import { kafkaDeadLetterSink } from './dead-letters';
import type { EnvironmentPolicy } from './decide';
import { CONSUMER_EVENTS, createEmitter, type ConsumerEventName, type ConsumerListener } from './events';
import { createConsumerLog } from './log';
import { createPipeline, type EventHandler } from './pipeline';
import { createRunner, type BatchControl } from './runner';
import { consumerTelemetry } from '../telemetry';
import { assessHealth, type ConsumerHealth } from './health';
import { createSupervisor, type SupervisionOptions } from './supervisor';

export * from './events';
export { classify, decide, type Decision, type EnvironmentPolicy, type Fault, type Stage } from './decide';
export type { ConsumerState, PartitionHealth, SupervisionOptions } from './supervisor';
export type { ConsumerHealth, HealthProblem } from './health';
export type { EventHandler, MessageContext } from './pipeline';

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

export function createConsumer<C extends AnyTopicContract>(options: ConsumerOptions<C>): Consumer<C> {
  const contract = options.contract as unknown as TopicContract;
  const handlers = options.handlers as unknown as Record<string, EventHandler<unknown> | 'ignore' | undefined>;
  const registry = resolveRegistry(options.registry);
  const serde = createSerde(options.contract, registry, { unknownProperties: options.unknownProperties });
  const kafka = resolveKafka(options, `${options.groupId}`);
  const signals = options.stopOnSignals ?? ['SIGTERM'];
  const events = createEmitter();
  const log = createConsumerLog(options.groupId);
  const telemetry = consumerTelemetry(options.groupId, contract.topic, () => supervisor.health().partitions);

  let dlqProducer: KafkaProducer | undefined;
  let running = false;
  let stopping: Promise<void> | undefined;
  /** Backoff timers, with what to run early when the consumer stops (a retry's sleep must end). */
  const timers = new Map<NodeJS.Timeout, () => void>();
  const onSignal = () => {
    void api.stop();
  };
  let run = deferred();

  const later = (ms: number, then: () => void, early: () => void = () => undefined) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      then();
    }, ms);
    timers.set(timer, early);
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (!running) return resolve();
      later(ms, resolve, resolve);
    });

  const pipeline = createPipeline({
    groupId: options.groupId,
    serde,
    handlers,
    attempts: Math.max(1, options.retry?.attempts ?? RETRY_DEFAULTS.attempts),
    retryDelay: (n) =>
      backoffDelay(
        n,
        options.retry?.initialDelayMs ?? RETRY_DEFAULTS.initialDelayMs,
        options.retry?.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs,
      ),
    transientDelay: (n) =>
      backoffDelay(n, options.transientRetry?.initialDelayMs ?? 500, options.transientRetry?.maxDelayMs ?? 30_000),
    unknownEventType: options.onUnknownEventType ?? 'dead-letter',
    environmentPolicy: options.onEnvironmentFailure ?? 'pause',
    handlerTimeoutMs: options.handlerTimeoutMs ?? 30_000,
    deadLetters: kafkaDeadLetterSink(
      () => dlqProducer!,
      options.deadLetterTopic ?? contract.deadLetterTopic,
      options.groupId,
    ),
    events,
    log,
    running: () => running,
    sleep,
    spans: telemetry.enabled
      ? (c) => telemetry.process(c.partition, c.message.offset, c.message.headers, c.message.key)
      : undefined,
  });

  let stoppedBy: ConsumerStoppedError | undefined;
  const runner = createRunner({
    pipeline,
    commitEvery: Math.max(1, options.commitEvery ?? Number.POSITIVE_INFINITY),
    running: () => running,
    fetched: (topic, partition, first, high) => supervisor.fetched(topic, partition, first, high),
    later: (ms, resume) => later(ms, resume),
    halt: (error) => {
      stoppedBy ??= error;
      void api.stop();
    },
  });

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
        events.emit(CONSUMER_EVENTS.CRASHED, { error: e.payload.error, restart: e.payload.restart });
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [contract.topic], fromBeginning: options.fromBeginning ?? false });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => runner.eachBatch(batchControl(consumer, payload)),
      });
    },
    onStateChange: (change) => {
      log.stateChanged(change);
      if (change.state === 'rejoining') telemetry.restarted();
      events.emit(CONSUMER_EVENTS.STATE_CHANGED, change);
    },
    onFailed: (error) => void fail(error),
  });

  const stallAfterMs = options.stallAfterMs ?? 60_000;
  const health = () => assessHealth(supervisor.health(), pipeline.snapshot(), stallAfterMs);
  /** Partitions whose stall was logged, so each stall is one line (and a new one after it moved). */
  const stallsLogged = new Set<string>();
  /** What the last watch saw: running or degraded, so a change between them is one event. */
  let watched: 'running' | 'degraded' = 'running';
  const watchStalls = () => {
    const now = health();
    if ((now.state === 'running' || now.state === 'degraded') && now.state !== watched) {
      const [first] = now.problems;
      events.emit(CONSUMER_EVENTS.STATE_CHANGED, {
        groupId: options.groupId,
        topic: contract.topic,
        state: now.state,
        previous: watched,
        error: first ? new Error(`${first.kind} ${first.topic}[${first.partition}]: ${first.why}`) : undefined,
        restarts: now.restarts,
      });
      watched = now.state;
    }
    const stalled = now.problems.filter((p) => p.kind === 'stalled');
    const stalledNow = new Set(stalled.map((p) => `${p.topic}:${p.partition}`));
    for (const key of stallsLogged) if (!stalledNow.has(key)) stallsLogged.delete(key);
    for (const p of stalled) {
      const key = `${p.topic}:${p.partition}`;
      if (stallsLogged.has(key)) continue;
      stallsLogged.add(key);
      log.stalled(p.topic, p.partition, p.offset ?? '?', Date.now() - p.since, p.why);
    }
  };
  let stallWatch: NodeJS.Timeout | undefined;

  const fail = async (error: ConsumerFailedError) => {
    running = false;
    clearInterval(stallWatch);
    telemetry.close();
    for (const signal of signals) process.off(signal, onSignal);
    log.failed(error);
    log.flush();
    events.emit(CONSUMER_EVENTS.ERROR, { error });
    run.reject(error);
    await dlqProducer?.disconnect().catch(() => undefined);
    dlqProducer = undefined;
  };

  const api: Consumer<C> = {
    serde,
    on: (name, listener) => events.on(name, listener),

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
        createPartitioner: sourcePartitioner,
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
      stallWatch = setInterval(watchStalls, Math.max(100, Math.min(10_000, stallAfterMs / 2)));
      stallWatch.unref();
      events.emit(CONSUMER_EVENTS.STARTED, { groupId: options.groupId, topic: contract.topic });
    },

    done: () => run.promise,
    health,

    stop() {
      stopping ??= (async () => {
        running = false;
        clearInterval(stallWatch);
        telemetry.close();
        stallsLogged.clear();
        watched = 'running';
        for (const signal of signals) process.off(signal, onSignal);
        for (const [timer, early] of timers) {
          clearTimeout(timer);
          early();
        }
        timers.clear();
        // a handler still running is abandoned (its signal aborted): its message is not committed
        pipeline.abandonInFlight();
        // kafkajs waits for the batch in progress; handled offsets are committed by then
        await supervisor.stop();
        await dlqProducer?.disconnect().catch(() => undefined);
        dlqProducer = undefined;
        log.flush();
        events.emit(CONSUMER_EVENTS.STOPPED, {
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

/** A kafkajs batch as the runner's BatchControl. */
function batchControl(consumer: KafkaConsumer, payload: EachBatchPayload): BatchControl {
  const { batch } = payload;
  const { topic, partition } = batch;
  return {
    topic,
    partition,
    messages: batch.messages,
    firstOffset: batch.firstOffset() ?? '0',
    highWatermark: batch.highWatermark,
    lastOffset: batch.lastOffset(),
    heartbeat: payload.heartbeat,
    isRunning: payload.isRunning,
    isStale: payload.isStale,
    resolveOffset: payload.resolveOffset,
    commit: (offset) => consumer.commitOffsets([{ topic, partition, offset: (BigInt(offset) + 1n).toString() }]),
    seek: (offset) => consumer.seek({ topic, partition, offset }),
    pause: payload.pause,
  };
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
