/**
 * The ends of a message's way through the pipeline, shared by its steps: handled, abandoned, and
 * the environment step (an environment failure keeps the message and pauses its partition, or
 * stops the consumer). It keeps the partitions' environment failures in a row, so a backoff grows
 * while they last, health() can say which partitions are paused, and a resumption is logged once.
 */
import { ConsumerStoppedError } from '../errors';
import type { ProcessSpan } from '../telemetry';
import { classify } from './decide';
import { CONSUMER_EVENTS, type ConsumerEmitter } from './events';
import type { ConsumerLog } from './log';
import {
  NO_SPAN,
  position,
  type At,
  type ConsumedMessage,
  type Decoded,
  type Outcome,
  type PipelineSnapshot,
} from './message';

export interface OutcomeOptions {
  groupId: string;
  /** The pause after the n-th environment failure in a row on a partition. */
  transientDelay(failures: number): number;
  events: ConsumerEmitter;
  log: ConsumerLog;
}

export interface Outcomes {
  handled(consumed: ConsumedMessage, decoded: Decoded, attempts: number, started: number): Outcome;
  abandoned(consumed: ConsumedMessage): Outcome;
  /** The environment failed on this message: keep it, and pause its partition or (`stop`) stop the consumer. */
  environment(at: At, error: unknown, stop: boolean, span?: ProcessSpan, decoded?: Decoded): Outcome;
  /**
   * A transformer's transaction failed (logged by src/transformer): the runner rewound the
   * partition to `offset` and paused it for `retryInMs`. Kept as the environment's pauses are, so
   * health() says the partition is paused by the transaction's code and its resumption is logged.
   */
  setBack(at: { topic: string; partition: number; offset: string }, error: unknown, retryInMs: number): void;
  /** What stops the consumer at `at`, logged: an environment failure with `stop`, a transaction the brokers refuse. */
  stopping(at: { topic: string; partition: number; offset: string }, error: unknown): ConsumerStoppedError;
  /** A message of the partition went through: say it resumed, once. */
  recovered(at: { topic: string; partition: number }): void;
  paused(): PipelineSnapshot['paused'];
}

type Paused = PipelineSnapshot['paused'][number];

export function createOutcomes(options: OutcomeOptions): Outcomes {
  const { groupId, events, log } = options;
  /** Environment failures in a row per partition, and when the first of them happened. */
  const transient = new Map<string, Paused>();

  const environment: Outcomes['environment'] = (at, error, stop, span = NO_SPAN, decoded) => {
    const code = classify(error).code;
    const details = { code, error, eventType: decoded?.eventType, schemaId: decoded?.schemaId };
    if (stop) {
      span.end('stopped', details);
      return { stop: stopping({ ...at, offset: at.message.offset }, error) };
    }
    span.end('paused', details);
    const state = failedAgain(at.topic, at.partition, at.message.offset, code);
    const retryInMs = options.transientDelay(state.failures);
    events.emit(CONSUMER_EVENTS.TRANSIENT_ERROR, { ...position(at), error, code, retryInMs });
    log.paused(at, code, error, state.failures, retryInMs);
    return { retryInMs };
  };

  const stopping: Outcomes['stopping'] = (at, error) => {
    const stopped = new ConsumerStoppedError(groupId, at.topic, at.partition, at.offset, error);
    log.stopping(stopped);
    return stopped;
  };

  const failedAgain = (topic: string, partition: number, offset: string, code: string) => {
    const key = `${topic}:${partition}`;
    const state = transient.get(key) ?? { topic, partition, offset, failures: 0, since: Date.now(), code };
    state.failures += 1;
    state.code = code;
    state.offset = offset;
    transient.set(key, state);
    return state;
  };

  const recovered: Outcomes['recovered'] = (at) => {
    if (transient.size === 0) return;
    const key = `${at.topic}:${at.partition}`;
    const state = transient.get(key);
    if (!state) return;
    transient.delete(key);
    log.resumed(at, state.code, Date.now() - state.since, state.failures);
  };

  return {
    environment,
    recovered,
    stopping,
    setBack(at, error, retryInMs) {
      const { code } = classify(error);
      failedAgain(at.topic, at.partition, at.offset, code);
      events.emit(CONSUMER_EVENTS.TRANSIENT_ERROR, { ...at, error, code, retryInMs });
    },
    handled(consumed, decoded, attempts, started) {
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
    },
    abandoned(consumed) {
      consumed.span?.end('abandoned');
      return 'abandon';
    },
    paused: () => [...transient.values()].map((p) => ({ ...p })),
  };
}
