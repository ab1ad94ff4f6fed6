/**
 * The retry step: a handler failed on an attempt; decide() says whether to run it again after a
 * backoff (heartbeating, so the group keeps the member), dead-letter its message as a
 * HandlerError, or hand the failure to the environment step. Off the hot path: it starts only
 * after a failure, so it may await.
 */
import { HandlerError } from '../errors';
import { decide, type EnvironmentPolicy } from './decide';
import type { DeadLetterStep } from './dead-letter-step';
import { CONSUMER_EVENTS, type ConsumerEmitter } from './events';
import { ABANDONED, type HandlerRuns } from './handler-run';
import type { ConsumerLog } from './log';
import {
  letterOf,
  NO_SPAN,
  position,
  type ConsumedMessage,
  type Decoded,
  type EventHandler,
  type Outcome,
} from './message';
import type { Outcomes } from './outcomes';

export interface RetryStepOptions {
  /** Runs of a failing handler before its message is dead-lettered, the first included. */
  attempts: number;
  retryDelay(attempt: number): number;
  environmentPolicy: EnvironmentPolicy;
  events: ConsumerEmitter;
  log: ConsumerLog;
  /** False once the consumer is stopping: a retry's wait ends, nothing new starts. */
  running(): boolean;
  /** A wait that ends early when the consumer stops. */
  sleep(ms: number): Promise<void>;
  runs: HandlerRuns;
  outcomes: Outcomes;
  deadLetter: DeadLetterStep;
}

/** Handles a handler's failure on attempt `failed` (and the runs after it) to an outcome. */
export type RetryStep = (
  consumed: ConsumedMessage,
  decoded: Decoded,
  handler: EventHandler<unknown>,
  failed: number,
  error: unknown,
) => Promise<Outcome>;

export function createRetryStep(options: RetryStepOptions): RetryStep {
  const { events, log, runs, outcomes } = options;

  /** Runs the handler once more: its outcome, or the error it failed with again. */
  const runAgain = async (
    consumed: ConsumedMessage,
    decoded: Decoded,
    handler: EventHandler<unknown>,
    attempt: number,
  ): Promise<{ outcome: Outcome } | { outcome: undefined; error: unknown }> => {
    const span = consumed.span ?? NO_SPAN;
    const started = Date.now();
    const run = runs.start(consumed, decoded.schemaId, attempt);
    try {
      const result = span.run(handler, decoded.event, run);
      if (result instanceof Promise) await runs.bounded(result, run, decoded.eventType);
      return { outcome: outcomes.handled(consumed, decoded, attempt, started) };
    } catch (error) {
      return error === ABANDONED ? { outcome: outcomes.abandoned(consumed) } : { outcome: undefined, error };
    }
  };

  return async (consumed, decoded, handler, failed, firstError) => {
    const { eventType, schemaId } = decoded;
    const span = consumed.span ?? NO_SPAN;
    let error = firstError;
    for (let attempt = failed; ; attempt++) {
      if (attempt > failed) {
        const again = await runAgain(consumed, decoded, handler, attempt);
        if (again.outcome) return again.outcome;
        error = again.error;
      }
      const decision = decide(
        error,
        { stage: 'handler', attempt, attempts: options.attempts },
        options.environmentPolicy,
      );
      if (decision.action === 'pause' || decision.action === 'stop') {
        return outcomes.environment(consumed, error, decision.action === 'stop', span, decoded);
      }
      if (decision.action === 'dead-letter') {
        const letter = {
          ...letterOf(consumed),
          reason: 'handler-failed' as const,
          error: new HandlerError(eventType, attempt, error),
          attempts: attempt,
          eventType,
        };
        return options.deadLetter(letter, span, schemaId);
      }
      const delayMs = options.retryDelay(attempt);
      events.emit(CONSUMER_EVENTS.RETRIED, { ...position(consumed), eventType, attempt, delayMs, error });
      log.retrying(consumed, eventType, attempt, options.attempts, delayMs, error);
      span.retried(attempt, error);
      await options.sleep(delayMs);
      if (!options.running()) return outcomes.abandoned(consumed);
      await consumed.heartbeat();
    }
  };
}
