/**
 * The dead-letter step: writes what decide() says is the message's fault to the dead-letter sink.
 * A record the broker refuses for its size is written again as its bounded record (a prefix of the
 * bytes, flagged truncated); any other failure to write is the environment's, so the message is
 * kept (its partition paused) or the consumer stops, and nothing is committed past it.
 */
import { DeadLetterTooLargeError, isContractsError } from '../errors';
import { kafkaErrorType } from '../kafka/client';
import type { ConsumedRecord } from '../kafka/transport';
import type { ProcessSpan } from '../telemetry';
import { decide, type EnvironmentPolicy } from './decide';
import { CONSUMER_EVENTS, type ConsumerEmitter } from './events';
import type { ConsumerLog } from './log';
import { NO_SPAN, position, type DeadLetter, type DeadLetterSink, type Outcome } from './message';
import type { Outcomes } from './outcomes';

export interface DeadLetterStepOptions {
  deadLetters: DeadLetterSink;
  environmentPolicy: EnvironmentPolicy;
  events: ConsumerEmitter;
  log: ConsumerLog;
  outcomes: Outcomes;
}

export type DeadLetterStep = (letter: DeadLetter, span?: ProcessSpan, schemaId?: number) => Promise<Outcome>;

export function createDeadLetterStep(options: DeadLetterStepOptions): DeadLetterStep {
  const { deadLetters, events, log, outcomes } = options;

  const deadLetter = async (
    letter: DeadLetter,
    span = NO_SPAN,
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
        const refused = new DeadLetterTooLargeError(deadLetters.topic, position(letter), sendError);
        return outcomes.environment(letter, refused, true, span);
      }
      return outcomes.environment(letter, sendError, decision.action === 'stop', span);
    }
    span.end('dead-lettered', {
      eventType: letter.eventType,
      reason: letter.reason,
      code: isContractsError(letter.error) ? letter.error.code : 'INTERNAL',
      error: letter.error,
      schemaId: schemaId ?? schemaIdOf(letter.message),
    });
    events.emit(CONSUMER_EVENTS.DEAD_LETTERED, {
      ...position(letter),
      reason: letter.reason,
      eventType: letter.eventType,
      attempts: letter.attempts,
      error: letter.error,
      deadLetterTopic: deadLetters.topic,
    });
    log.deadLettered(letter, deadLetters.topic, bounded);
    outcomes.recovered(letter);
    return 'done';
  };

  return (letter, span, schemaId) => deadLetter(letter, span, schemaId);
}

/** The broker refused the record for its size (a send's failure, looking through the kit's and kafkajs's wrappers). */
function isTooLarge(error: unknown): boolean {
  const type = kafkaErrorType(error);
  return type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE';
}

/** The schema ID in a message's Confluent header, when it has one (for the dead-letter metric). */
function schemaIdOf(message: ConsumedRecord): number | undefined {
  const value = message.value;
  return value && value.length >= 5 && value[0] === 0 ? value.readUInt32BE(1) : undefined;
}
