/**
 * What happens to one consumed message, from its bytes to an outcome the runner acts on:
 * skip a replay meant for another group → decode (with the registry) → dispatch to the handler of
 * its event type (bounded by `handlerTimeoutMs`, aborting its signal) → retry a failing handler
 * with backoff → dead-letter what decide() says is the message's fault (a bounded record when the
 * full one is too large) → or keep the message for an environment failure.
 *
 * No Kafka here: the runner (./runner.ts) hands messages in and commits, pauses or stops on the
 * outcome; the dead-letter topic is a sink (./dead-letters.ts on kafkajs); so the pipeline is
 * unit-tested with the in-memory registry and a fake sink. The hot path (schema cached, handler
 * returns without a promise) makes no promise and no timer.
 */
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { headerString, type DeadLetterReason } from '../dlq/headers';
import {
  ConsumerStoppedError,
  DeadLetterTooLargeError,
  HandlerError,
  HandlerTimeoutError,
  isContractsError,
  UnknownEventTypeError,
} from '../errors';
import { kafkaErrorType } from '../kafka/client';
import { MESSAGE_HEADERS } from '../producer';
import type { AnyTopicContract, DecodedEvent, Serde } from '../serde';
import { classify, decide, isReplayForAnotherGroup, type EnvironmentPolicy } from './decide';
import { CONSUMER_EVENTS, type ConsumerEmitter } from './events';
import type { ProcessSpan } from '../telemetry';
import type { ConsumerLog } from './log';

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
  /**
   * Aborted when this run of the handler passed `handlerTimeoutMs` (reason: a HandlerTimeoutError)
   * or the consumer is stopping: pass it to fetch and clients so abandoned work ends.
   */
  readonly signal: AbortSignal;
  /** Keeps the group membership alive during long work. */
  heartbeat(): Promise<void>;
}

export type EventHandler<E> = (event: E, context: MessageContext) => Promise<void> | void;

/** A message as the runner hands it in. */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  message: KafkaMessage;
  heartbeat(): Promise<void>;
  /** Its process span (set by the pipeline). */
  span?: ProcessSpan;
}

/**
 * What the runner does next: commit past the message (`'done'`), leave it uncommitted because the
 * consumer is stopping (`'abandon'`), pause the partition and fetch it again (`retryInMs`), or stop
 * the consumer with a typed error (`stop`).
 */
export type Outcome = 'done' | 'abandon' | { retryInMs: number } | { stop: ConsumerStoppedError };

export interface DeadLetter {
  topic: string;
  partition: number;
  message: KafkaMessage;
  reason: DeadLetterReason;
  error: unknown;
  /** Runs of the handler (0 when it never ran). */
  attempts: number;
  eventType: string | undefined;
}

/** The dead-letter topic, as the pipeline writes to it. */
export interface DeadLetterSink {
  readonly topic: string;
  /** Writes the record; `bounded`: a prefix of the bytes, flagged truncated (src/dlq/headers.ts). */
  send(letter: DeadLetter, bounded: boolean): Promise<void>;
}

export interface PipelineOptions<C extends AnyTopicContract> {
  groupId: string;
  serde: Serde<C>;
  handlers: Record<string, EventHandler<unknown> | 'ignore' | undefined>;
  /** Runs of a failing handler before its message is dead-lettered, the first included. */
  attempts: number;
  retryDelay(attempt: number): number;
  /** The pause after the n-th environment failure in a row on a partition. */
  transientDelay(failures: number): number;
  unknownEventType: 'ignore' | 'dead-letter';
  environmentPolicy: EnvironmentPolicy;
  /** Infinity for none. */
  handlerTimeoutMs: number;
  deadLetters: DeadLetterSink;
  events: ConsumerEmitter;
  log: ConsumerLog;
  /** False once the consumer is stopping: a retry's wait ends, nothing new starts. */
  running(): boolean;
  /** A wait that ends early when the consumer stops. */
  sleep(ms: number): Promise<void>;
  /** A process span per message (src/telemetry); none without OpenTelemetry. */
  spans?: (consumed: ConsumedMessage) => ProcessSpan;
}

export interface MessagePipeline {
  handle(consumed: ConsumedMessage): Outcome | Promise<Outcome>;
  /** The consumer is stopping: handlers still running are abandoned (signals aborted, messages not committed). */
  abandonInFlight(): void;
  /** What holds partitions now: environment failures in a row, and handlers still running (for health()). */
  snapshot(): PipelineSnapshot;
}

export interface PipelineSnapshot {
  paused: Array<{ topic: string; partition: number; offset: string; code: string; since: number; failures: number }>;
  handling: Array<{ topic: string; partition: number; offset: string; eventType: string; since: number }>;
}

/** A handler's run cut short because the consumer stops. */
const ABANDONED = Symbol('abandoned');

const NO_SPAN: ProcessSpan = { run: (work) => work(), retried: () => undefined, end: () => undefined };

interface InFlight {
  abandon(): void;
  run: HandlerRun;
  eventType: string;
  since: number;
}

export function createPipeline<C extends AnyTopicContract>(options: PipelineOptions<C>): MessagePipeline {
  const { groupId, serde, handlers, events, log, deadLetters } = options;
  /** Environment failures in a row per partition, and when the first of them happened. */
  const transient = new Map<
    string,
    { topic: string; partition: number; offset: string; failures: number; since: number; code: string }
  >();
  const inFlight = new Set<InFlight>();

  const handle = (consumed: ConsumedMessage): Outcome | Promise<Outcome> => {
    const { message } = consumed;
    // none when telemetry is off: then no closure and no details object is made per message
    consumed.span = options.spans?.(consumed);
    if (message.headers && isReplayForAnotherGroup(message.headers, groupId)) {
      const eventType = headerString(message.headers, MESSAGE_HEADERS.EVENT_TYPE) ?? '';
      events.emit(CONSUMER_EVENTS.IGNORED, {
        ...position(consumed),
        eventType,
        reason: 'replay-for-another-group',
      });
      consumed.span?.end('ignored', { eventType, reason: 'replay-for-another-group' });
      return 'done';
    }
    let decoded: DecodedEvent<C> | undefined;
    try {
      decoded = serde.tryDecodeSync(message.value);
    } catch (error) {
      return decodeFailed(consumed, error);
    }
    if (decoded) return dispatch(consumed, decoded);
    return serde.decode(message.value).then(
      (d) => dispatch(consumed, d),
      (error: unknown) => decodeFailed(consumed, error),
    );
  };

  const decodeFailed = (consumed: ConsumedMessage, error: unknown): Outcome | Promise<Outcome> => {
    const decision = decide(
      error,
      { stage: 'decode', unknownEventType: options.unknownEventType },
      options.environmentPolicy,
    );
    const eventType = error instanceof UnknownEventTypeError ? error.eventType : undefined;
    switch (decision.action) {
      case 'ignore':
        events.emit(CONSUMER_EVENTS.IGNORED, {
          ...position(consumed),
          eventType: eventType ?? '',
          reason: decision.reason,
        });
        log.ignored(consumed, eventType ?? '', decision.reason);
        consumed.span?.end('ignored', { eventType, reason: decision.reason });
        return 'done';
      case 'dead-letter':
        return deadLetter(
          { ...letterOf(consumed), reason: decision.reason, error, attempts: 0, eventType },
          consumed.span,
        );
      default:
        return environment(consumed, error, decision.action === 'stop', consumed.span);
    }
  };

  const dispatch = (consumed: ConsumedMessage, decoded: DecodedEvent<C>): Outcome | Promise<Outcome> => {
    const { eventType, event } = decoded;
    const handler = handlers[eventType];
    const span = consumed.span;
    if (handler === 'ignore' || handler === undefined) {
      events.emit(CONSUMER_EVENTS.IGNORED, { ...position(consumed), eventType, reason: 'handler' });
      span?.end('ignored', { eventType, schemaId: decoded.schemaId, reason: 'handler' });
      return 'done';
    }
    const started = events.listening(CONSUMER_EVENTS.HANDLED) ? Date.now() : 0;
    const run = runOf(consumed, decoded.schemaId, 1);
    let result;
    try {
      // the handler runs in its message's span: a publish inside it is that span's child
      result = span ? span.run(() => handler(event, run.context)) : handler(event, run.context);
    } catch (error) {
      return retryHandler(consumed, decoded, handler, 1, error);
    }
    if (result instanceof Promise) {
      return bounded(result, run, eventType).then(
        () => handled(consumed, decoded, 1, started),
        (error: unknown) =>
          error === ABANDONED ? abandoned(consumed) : retryHandler(consumed, decoded, handler, 1, error),
      );
    }
    return handled(consumed, decoded, 1, started);
  };

  const abandoned = (consumed: ConsumedMessage): Outcome => {
    consumed.span?.end('abandoned');
    return 'abandon';
  };

  /** A handler failed on attempt `failed`: retry with backoff, dead-letter, or pause, as decide() says. */
  const retryHandler = async (
    consumed: ConsumedMessage,
    decoded: DecodedEvent<C>,
    handler: EventHandler<unknown>,
    failed: number,
    firstError: unknown,
  ): Promise<Outcome> => {
    const { eventType, event, schemaId } = decoded;
    const span = consumed.span ?? NO_SPAN;
    let error = firstError;
    for (let attempt = failed; ; attempt++) {
      if (attempt > failed) {
        const started = Date.now();
        const run = runOf(consumed, schemaId, attempt);
        try {
          const result = span.run(() => handler(event, run.context));
          if (result instanceof Promise) await bounded(result, run, eventType);
          return handled(consumed, decoded, attempt, started);
        } catch (e) {
          if (e === ABANDONED) return abandoned(consumed);
          error = e;
        }
      }
      const decision = decide(
        error,
        { stage: 'handler', attempt, attempts: options.attempts },
        options.environmentPolicy,
      );
      if (decision.action === 'pause' || decision.action === 'stop') {
        return environment(consumed, error, decision.action === 'stop', span, decoded);
      }
      if (decision.action === 'dead-letter') {
        const letter: DeadLetter = {
          ...letterOf(consumed),
          reason: 'handler-failed',
          error: new HandlerError(eventType, attempt, error),
          attempts: attempt,
          eventType,
        };
        return deadLetter(letter, span, schemaId);
      }
      const delayMs = options.retryDelay(attempt);
      events.emit(CONSUMER_EVENTS.RETRIED, { ...position(consumed), eventType, attempt, delayMs, error });
      log.retrying(consumed, eventType, attempt, options.attempts, delayMs, error);
      span.retried(attempt, error);
      await options.sleep(delayMs);
      if (!options.running()) return abandoned(consumed);
      await consumed.heartbeat();
    }
  };

  const deadLetter = async (
    letter: DeadLetter,
    span: ProcessSpan = NO_SPAN,
    schemaId?: number,
    bounded = false,
  ): Promise<Outcome> => {
    try {
      await deadLetters.send(letter, bounded);
    } catch (sendError) {
      const tooLarge = isTooLarge(sendError);
      const decision = decide(sendError, { stage: 'dead-letter', tooLarge, bounded }, options.environmentPolicy);
      if (decision.action === 'dead-letter-bounded') {
        log.deadLetterTooLarge(letter, deadLetters.topic);
        return deadLetter(letter, span, schemaId, true);
      }
      if (tooLarge) {
        const refused = new DeadLetterTooLargeError(deadLetters.topic, positionOfLetter(letter), sendError);
        return environment(letter, refused, true, span);
      }
      return environment(letter, sendError, decision.action === 'stop', span);
    }
    span.end('dead-lettered', {
      eventType: letter.eventType,
      reason: letter.reason,
      code: isContractsError(letter.error) ? letter.error.code : 'INTERNAL',
      error: letter.error,
      schemaId: schemaId ?? schemaIdOf(letter.message),
    });
    events.emit(CONSUMER_EVENTS.DEAD_LETTERED, {
      ...positionOfLetter(letter),
      reason: letter.reason,
      eventType: letter.eventType,
      attempts: letter.attempts,
      error: letter.error,
      deadLetterTopic: deadLetters.topic,
    });
    log.deadLettered(letter, deadLetters.topic, bounded);
    recovered(letter);
    return 'done';
  };

  /** The environment failed on this message: keep it, and pause its partition or stop. */
  const environment = (
    at: { topic: string; partition: number; message: KafkaMessage },
    error: unknown,
    stop: boolean,
    span: ProcessSpan = NO_SPAN,
    decoded?: DecodedEvent<C>,
  ): Outcome => {
    const code = classify(error).code;
    const details = { code, error, eventType: decoded?.eventType, schemaId: decoded?.schemaId };
    if (stop) {
      const stopped = new ConsumerStoppedError(groupId, at.topic, at.partition, at.message.offset, error);
      log.stopping(stopped);
      span.end('stopped', details);
      return { stop: stopped };
    }
    span.end('paused', details);
    const key = `${at.topic}:${at.partition}`;
    const state = transient.get(key) ?? {
      topic: at.topic,
      partition: at.partition,
      offset: at.message.offset,
      failures: 0,
      since: Date.now(),
      code,
    };
    state.failures += 1;
    state.code = code;
    state.offset = at.message.offset;
    transient.set(key, state);
    const retryInMs = options.transientDelay(state.failures);
    events.emit(CONSUMER_EVENTS.TRANSIENT_ERROR, {
      topic: at.topic,
      partition: at.partition,
      offset: at.message.offset,
      error,
      code,
      retryInMs,
    });
    log.paused(at, code, error, state.failures, retryInMs);
    return { retryInMs };
  };

  /** A message of a partition that had environment failures went through: say it resumed, once. */
  const recovered = (at: { topic: string; partition: number }) => {
    if (transient.size === 0) return;
    const key = `${at.topic}:${at.partition}`;
    const state = transient.get(key);
    if (!state) return;
    transient.delete(key);
    log.resumed(at, state.code, Date.now() - state.since, state.failures);
  };

  const handled = (consumed: ConsumedMessage, decoded: DecodedEvent<C>, attempts: number, started: number): Outcome => {
    const { eventType } = decoded;
    consumed.span?.end('handled', { eventType, schemaId: decoded.schemaId });
    recovered(consumed);
    if (events.listening(CONSUMER_EVENTS.HANDLED)) {
      events.emit(CONSUMER_EVENTS.HANDLED, {
        ...position(consumed),
        eventType,
        attempts,
        durationMs: Date.now() - started,
      });
    }
    return 'done';
  };

  /** One run of a handler: its context, with an AbortSignal made only when the handler reads it. */
  const runOf = (consumed: ConsumedMessage, schemaId: number, attempt: number): HandlerRun => {
    const { message } = consumed;
    let controller: AbortController | undefined;
    const run: HandlerRun = {
      abort: (reason) => controller?.abort(reason),
      context: {
        topic: consumed.topic,
        partition: consumed.partition,
        offset: message.offset,
        key: message.key ? message.key.toString('utf8') : null,
        timestamp: message.timestamp,
        headers: message.headers ?? {},
        traceparent: message.headers ? headerString(message.headers, MESSAGE_HEADERS.TRACEPARENT) : undefined,
        schemaId,
        attempt,
        get signal() {
          controller ??= new AbortController();
          return controller.signal;
        },
        heartbeat: consumed.heartbeat,
      },
    };
    return run;
  };

  /** The handler's promise, rejected with a HandlerTimeoutError past the timeout, or ABANDONED when the consumer stops. */
  const bounded = (result: Promise<unknown>, run: HandlerRun, eventType: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const entry: InFlight = {
        run,
        eventType,
        since: Date.now(),
        abandon: () => {
          finish();
          run.abort(new Error('the consumer is stopping'));
          reject(ABANDONED);
        },
      };
      const finish = () => {
        if (timer) clearTimeout(timer);
        inFlight.delete(entry);
      };
      inFlight.add(entry);
      if (Number.isFinite(options.handlerTimeoutMs)) {
        timer = setTimeout(() => {
          finish();
          const { topic, partition, offset } = run.context;
          const error = new HandlerTimeoutError(eventType, options.handlerTimeoutMs, { topic, partition, offset });
          run.abort(error);
          reject(error);
        }, options.handlerTimeoutMs);
      }
      result.then(
        (value) => {
          finish();
          resolve(value);
        },
        (error: unknown) => {
          finish();
          reject(error);
        },
      );
    });

  return {
    handle,
    abandonInFlight() {
      for (const entry of [...inFlight]) entry.abandon();
    },
    snapshot: () => ({
      paused: [...transient.values()].map((p) => ({ ...p })),
      handling: [...inFlight].map(({ run, eventType, since }) => ({
        topic: run.context.topic,
        partition: run.context.partition,
        offset: run.context.offset,
        eventType,
        since,
      })),
    }),
  };
}

interface HandlerRun {
  context: MessageContext;
  abort(reason: unknown): void;
}

const position = (consumed: ConsumedMessage) => ({
  topic: consumed.topic,
  partition: consumed.partition,
  offset: consumed.message.offset,
});

const positionOfLetter = (letter: DeadLetter) => ({
  topic: letter.topic,
  partition: letter.partition,
  offset: letter.message.offset,
});

const letterOf = (consumed: ConsumedMessage) => ({
  topic: consumed.topic,
  partition: consumed.partition,
  message: consumed.message,
});

/** The broker refused the record for its size (a send's failure, looking through the kit's and kafkajs's wrappers). */
function isTooLarge(error: unknown): boolean {
  const type = kafkaErrorType(error);
  return type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE';
}

/** The schema ID in a message's Confluent header, when it has one (for the dead-letter metric). */
function schemaIdOf(message: KafkaMessage): number | undefined {
  const value = message.value;
  return value && value.length >= 5 && value[0] === 0 ? value.readUInt32BE(1) : undefined;
}
