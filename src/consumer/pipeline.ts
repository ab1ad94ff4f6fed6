/**
 * What happens to one consumed message, from its bytes to an outcome the runner acts on:
 * skip a replay meant for another group → decode (with the registry) → dispatch to the handler of
 * its event type (bounded by `handlerTimeoutMs`, aborting its signal: ./handler-run.ts) → retry a
 * failing handler with backoff (./retry-step.ts) → dead-letter what decide() says is the message's
 * fault, a bounded record when the full one is too large (./dead-letter-step.ts) → or keep the
 * message for an environment failure (./outcomes.ts). This file is the way through; the steps are
 * beside it, and the types they share in ./message.ts.
 *
 * No Kafka here: the runner (./runner.ts) hands messages in and commits, pauses or stops on the
 * outcome; the dead-letter topic is a sink (./dead-letters.ts, on the consumer's transport); so the pipeline is
 * unit-tested with the in-memory registry and a fake sink. The hot path (schema cached, handler
 * returns without a promise) makes no promise and no timer, and no closure per message: the steps
 * are made once per pipeline.
 */
import { headerString } from '../dlq/headers';
import { UnknownEventTypeError } from '../errors';
import { MESSAGE_HEADERS } from '../producer';
import type { AnyTopicContract, DecodedEvent, Serde } from '../serde';
import type { ProcessSpan } from '../telemetry';
import { createDeadLetterStep } from './dead-letter-step';
import { decide, isReplayForAnotherGroup, type EnvironmentPolicy } from './decide';
import { CONSUMER_EVENTS, type ConsumerEmitter } from './events';
import { ABANDONED, createHandlerRuns } from './handler-run';
import type { ConsumerLog } from './log';
import {
  letterOf,
  position,
  type ConsumedMessage,
  type DeadLetterSink,
  type EventHandler,
  type Outcome,
  type PipelineSnapshot,
} from './message';
import { createOutcomes, type Outcomes } from './outcomes';
import { createRetryStep } from './retry-step';

export type {
  ConsumedMessage,
  DeadLetter,
  DeadLetterSink,
  EventHandler,
  MessageContext,
  Outcome,
  PipelineSnapshot,
} from './message';

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
  spans?: (consumed: ConsumedMessage) => ProcessSpan | undefined;
}

export interface MessagePipeline {
  handle(consumed: ConsumedMessage): Outcome | Promise<Outcome>;
  /** The consumer is stopping: handlers still running are abandoned (signals aborted, messages not committed). */
  abandonInFlight(): void;
  /** What holds partitions now: environment failures in a row, and handlers still running (for health()). */
  snapshot(): PipelineSnapshot;
  /** The runner rewound and paused a partition after a failed transaction (./outcomes.ts). */
  setBack: Outcomes['setBack'];
  /** The runner stops the consumer at a position (./outcomes.ts): its error, logged. */
  stopping: Outcomes['stopping'];
}

export function createPipeline<C extends AnyTopicContract>(options: PipelineOptions<C>): MessagePipeline {
  const { groupId, serde, handlers, events, log } = options;
  const runs = createHandlerRuns(options.handlerTimeoutMs);
  const outcomes = createOutcomes(options);
  const deadLetter = createDeadLetterStep({ ...options, outcomes });
  const retry = createRetryStep({ ...options, runs, outcomes, deadLetter });

  const handle = (consumed: ConsumedMessage): Outcome | Promise<Outcome> => {
    const { message } = consumed;
    // none when telemetry is off: then no closure and no details object is made per message
    consumed.span = options.spans?.(consumed);
    if (isReplayForAnotherGroup(message.headers, groupId)) return otherGroups(consumed);
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

  /** A replayed copy meant for another group (src/dlq/replay.ts): skipped and committed past. */
  const otherGroups = (consumed: ConsumedMessage): Outcome => {
    const eventType = headerString(consumed.message.headers, MESSAGE_HEADERS.EVENT_TYPE) ?? '';
    events.emit(CONSUMER_EVENTS.IGNORED, { ...position(consumed), eventType, reason: 'replay-for-another-group' });
    consumed.span?.end('ignored', { eventType, reason: 'replay-for-another-group' });
    return 'done';
  };

  /** The decode step failed: skip, dead-letter at once (retrying cannot fix the bytes), or the environment's. */
  const decodeFailed = (consumed: ConsumedMessage, error: unknown): Outcome | Promise<Outcome> => {
    const { unknownEventType, environmentPolicy } = options;
    const decision = decide(error, { stage: 'decode', unknownEventType }, environmentPolicy);
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
      case 'dead-letter': {
        const letter = { ...letterOf(consumed), reason: decision.reason, error, attempts: 0, eventType };
        return deadLetter(letter, consumed.span);
      }
      default:
        return outcomes.environment(consumed, error, decision.action === 'stop', consumed.span);
    }
  };

  /** The dispatch step: the handler of its event type, in its message's span; a failure goes to the retry step. */
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
    const run = runs.start(consumed, decoded.schemaId, 1);
    let result;
    try {
      // the handler runs in its message's span: a publish inside it is that span's child
      result = span ? span.run(handler, event, run) : handler(event, run);
    } catch (error) {
      return retry(consumed, decoded, handler, 1, error);
    }
    if (result instanceof Promise) {
      return runs.bounded(result, run, eventType).then(
        () => outcomes.handled(consumed, decoded, 1, started),
        (error: unknown) =>
          error === ABANDONED ? outcomes.abandoned(consumed) : retry(consumed, decoded, handler, 1, error),
      );
    }
    return outcomes.handled(consumed, decoded, 1, started);
  };

  return {
    handle,
    abandonInFlight: runs.abandonAll,
    snapshot: () => ({ paused: outcomes.paused(), handling: runs.handling() }),
    setBack: outcomes.setBack,
    stopping: outcomes.stopping,
  };
}
