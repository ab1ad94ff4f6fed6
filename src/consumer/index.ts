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
 * Three rooms, as in kafkajs: this file is the API (start, stop, done, on, health) and wires the
 * parts; ./pipeline.ts decides what happens to one message; ./runner.ts owns batches, commits,
 * pauses and seeks. Around them: ./options.ts (options and defaults), ./kafkajs.ts and
 * ./platformatic.ts (the client under the runner and the supervisor, by `transport`: ./transport.ts), ./supervisor.ts (health, rejoin), ./stall-watch.ts,
 * ./timers.ts, ./dead-letters.ts (the dead-letter topic) and ./log.ts, which says it all.
 */
import type { TopicContract } from '../contract';
import type { ConsumerFailedError, ConsumerStoppedError } from '../errors';
import { brokersOf, resolveKafka, toKafkaError } from '../kafka/client';
import { resolveTransport, type RecordProducer } from '../kafka/transport';
import { resolveRegistry } from '../registry/resolve';
import { createSerde, type AnyTopicContract, type Serde } from '../serde';
import { consumerTelemetry } from '../telemetry';
import { kafkaDeadLetterSink } from './dead-letters';
import { CONSUMER_EVENTS, createEmitter, type ConsumerEventName, type ConsumerListener } from './events';
import { assessHealth, type ConsumerHealth } from './health';
import { assertKafkajsMembership, kafkajsClient } from './kafkajs';
import { createConsumerLog } from './log';
import type { DeadLetterSink, EventHandler } from './message';
import { assertHandlers, pipelineSettings, type ConsumerOptions } from './options';
import { createPipeline } from './pipeline';
import { platformaticClient } from './platformatic';
import { createRunner, type BatchTransactions } from './runner';
import { createStallWatch } from './stall-watch';
import { createSupervisor } from './supervisor';
import { createTimers } from './timers';

export * from './events';
export { classify, decide, type Decision, type EnvironmentPolicy, type Fault, type Stage } from './decide';
export type { ConsumerState, PartitionHealth, SupervisionOptions } from './supervisor';
export type { ConsumerHealth, HealthProblem } from './health';
export type { DeadLetterSink, EventHandler, MessageContext } from './message';
export {
  RETRY_DEFAULTS,
  type ConsumerOptions,
  type GroupMembership,
  type Handlers,
  type RetryOptions,
  type TransientRetryOptions,
} from './options';

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
  return consumerWith(options, {});
}

/** What a transformer (src/transformer) changes of a consumer; nothing for createConsumer. */
export interface ConsumerSeams {
  /** Dead letters go here instead of through the consumer's own producer (a transformer's transaction). */
  deadLetters?: DeadLetterSink;
  /** Commits through these instead of the group's offset commit. */
  transactions?: BatchTransactions;
  /** Called when the consumer has stopped or failed (the transformer's producers close). */
  closed?: () => Promise<void>;
}

export function consumerWith<C extends AnyTopicContract>(
  options: ConsumerOptions<C>,
  seams: ConsumerSeams,
): Consumer<C> {
  const { groupId } = options;
  const contract = options.contract as unknown as TopicContract;
  const { topic } = contract;
  const handlers = options.handlers as unknown as Record<string, EventHandler<unknown> | 'ignore' | undefined>;
  const serde = createSerde(options.contract, resolveRegistry(options.registry), {
    unknownProperties: options.unknownProperties,
  });
  const transport = resolveTransport(options.transport);
  const signals = options.stopOnSignals ?? ['SIGTERM'];
  const events = createEmitter();
  const log = createConsumerLog(groupId);
  const telemetry = consumerTelemetry(groupId, topic, () => supervisor.health().partitions);

  let dlqProducer: RecordProducer | undefined;
  let running = false;
  let stopping: Promise<void> | undefined;
  let stoppedBy: ConsumerStoppedError | undefined;
  let run = deferred();
  const onSignal = () => void api.stop();
  const isRunning = () => running;
  const timers = createTimers(isRunning);

  const pipeline = createPipeline({
    ...pipelineSettings(options),
    groupId,
    serde,
    handlers,
    deadLetters:
      seams.deadLetters ??
      kafkaDeadLetterSink(() => dlqProducer!, options.deadLetterTopic ?? contract.deadLetterTopic, groupId),
    events,
    log,
    running: isRunning,
    sleep: timers.sleep,
    spans: telemetry.enabled
      ? (c) => telemetry.process(c.partition, c.message.offset, c.message.headers, c.message.key)
      : undefined,
  });
  const runner = createRunner({
    pipeline,
    transactions: seams.transactions,
    commitEvery: Math.max(1, options.commitEvery ?? Number.POSITIVE_INFINITY),
    running: isRunning,
    fetched: (t, partition, first, high) => supervisor.fetched(t, partition, first, high),
    later: (ms, resume) => timers.later(ms, resume),
    halt: (error) => {
      stoppedBy ??= error;
      void api.stop();
    },
    log,
  });
  const member = { topic, options, runner, events, running: isRunning };
  // kafkajs unless the option or CONTRACTS_TRANSPORT says platformatic (./transport.ts)
  if (transport === 'kafkajs') assertKafkajsMembership(options.membership);
  const client =
    transport === 'platformatic'
      ? platformaticClient(member)
      : kafkajsClient(resolveKafka(options, `${groupId}`), member);
  const supervisor = createSupervisor({
    groupId,
    topic,
    options: options.supervision,
    create: () => client.create(),
    onStateChange: (change) => {
      log.stateChanged(change);
      if (change.state === 'rejoining') telemetry.restarted();
      events.emit(CONSUMER_EVENTS.STATE_CHANGED, change);
    },
    onFailed: (error) => void fail(error),
  });

  const stallAfterMs = options.stallAfterMs ?? 60_000;
  const health = () => assessHealth(supervisor.health(), pipeline.snapshot(), stallAfterMs);
  const stallWatch = createStallWatch({ groupId, topic, stallAfterMs, health, events, log });

  /** What stop() and a give-up share: nothing of this run keeps watching or listening. */
  const quiet = () => {
    running = false;
    stallWatch.stop();
    telemetry.close();
    for (const signal of signals) process.off(signal, onSignal);
  };
  const closeDeadLetters = async () => {
    await dlqProducer?.disconnect().catch(() => undefined);
    dlqProducer = undefined;
    await seams.closed?.();
  };

  const fail = async (error: ConsumerFailedError) => {
    quiet();
    log.failed(error);
    log.flush();
    events.emit(CONSUMER_EVENTS.ERROR, { error });
    run.reject(error);
    await closeDeadLetters();
  };

  const start = async () => {
    if (running) return;
    assertHandlers(contract, handlers);
    if (run.settled) run = deferred();
    runner.reset();
    // a transformer writes its dead letters in its transactions: no producer of their own
    const producer = seams.deadLetters ? NO_PRODUCER : client.deadLetterProducer();
    dlqProducer = producer;
    try {
      await producer.connect();
      running = true;
      await supervisor.start();
    } catch (error) {
      running = false;
      await producer.disconnect().catch(() => undefined);
      throw toKafkaError(error, 'starting the consumer', topic, brokersOf(options));
    }
    for (const signal of signals) process.once(signal, onSignal);
    stallWatch.start();
    events.emit(CONSUMER_EVENTS.STARTED, { groupId, topic });
  };

  const stopNow = async () => {
    quiet();
    stallWatch.forget();
    timers.clear();
    // a handler still running is abandoned (its signal aborted): its message is not committed
    pipeline.abandonInFlight();
    // kafkajs waits for the batch in progress; handled offsets are committed by then
    await supervisor.stop();
    await closeDeadLetters();
    log.flush();
    events.emit(CONSUMER_EVENTS.STOPPED, { groupId, topic, ...(stoppedBy ? { error: stoppedBy } : {}) });
    // stopped by an environment failure (onEnvironmentFailure: 'stop'): done() says so too
    if (stoppedBy) run.reject(stoppedBy);
    else run.resolve();
    stoppedBy = undefined;
  };

  const api: Consumer<C> = {
    serde,
    on: (name, listener) => events.on(name, listener),
    start,
    done: () => run.promise,
    health,
    stop() {
      stopping ??= stopNow().finally(() => {
        stopping = undefined;
      });
      return stopping;
    },
  };
  return api;
}

const NO_PRODUCER: RecordProducer = {
  connect: async () => undefined,
  send: async () => [],
  disconnect: async () => undefined,
};

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
