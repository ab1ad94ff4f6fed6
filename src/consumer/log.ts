/**
 * The consumer's log lines: every decision an operator must know about, through the kit's logger
 * (`consumer`), at warn or error so the default level shows them, with the group, topic, partition,
 * offset, event type, reason and error code as fields; a flood of one kind is rate-limited to a
 * few lines and a count (src/log.ts). The same decisions are events (./events.ts) for code.
 */
import type { ConsumedRecord } from '../kafka/transport';
import { isContractsError, type ConsumerFailedError, type ConsumerStoppedError } from '../errors';
import { createLogger, rateLimited, type RateLimitedLogger } from '../log';
import type { StateChange } from './supervisor';

interface At {
  topic: string;
  partition: number;
  message: ConsumedRecord;
}

interface Letter extends At {
  reason: string;
  error: unknown;
  attempts: number;
  eventType: string | undefined;
}

export interface ConsumerLog {
  deadLettered(letter: Letter, deadLetterTopic: string, bounded: boolean): void;
  deadLetterTooLarge(letter: Letter, deadLetterTopic: string): void;
  retrying(at: At, eventType: string, attempt: number, attempts: number, delayMs: number, error: unknown): void;
  ignored(at: At, eventType: string, reason: string): void;
  paused(at: At, code: string, error: unknown, failures: number, retryInMs: number): void;
  resumed(at: { topic: string; partition: number }, code: string, pausedForMs: number, failures: number): void;
  stopping(error: ConsumerStoppedError): void;
  stateChanged(change: StateChange): void;
  failed(error: ConsumerFailedError): void;
  stalled(topic: string, partition: number, offset: string, forMs: number, why: string): void;
  markersNotCommitted(topic: string, partition: number, offset: string, error: unknown): void;
  /** Writes the counts of rate-limited lines (on stop). */
  flush(): void;
}

const codeOf = (error: unknown) => (isContractsError(error) ? error.code : 'INTERNAL');
const reasonOf = (error: unknown): string => {
  const cause = isContractsError(error) && error.code === 'HANDLER_FAILED' ? error.cause : error;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
};

export function createConsumerLog(
  groupId: string,
  log: RateLimitedLogger = rateLimited(createLogger('consumer')),
): ConsumerLog {
  const where = (at: { topic: string; partition: number }, offset?: string) => ({
    group: groupId,
    topic: at.topic,
    partition: at.partition,
    ...(offset === undefined ? {} : { offset }),
  });
  return {
    deadLettered(letter, deadLetterTopic, bounded) {
      log.write(
        'warn',
        'dead-lettered',
        `dead-lettered ${letter.topic}[${letter.partition}]@${letter.message.offset} to ${deadLetterTopic}${bounded ? ' (truncated: the record was too large)' : ''}: ${letter.reason}, ${reasonOf(letter.error)}`,
        {
          ...where(letter, letter.message.offset),
          eventType: letter.eventType,
          reason: letter.reason,
          code: codeOf(letter.error),
          attempts: letter.attempts,
        },
      );
    },
    deadLetterTooLarge(letter, deadLetterTopic) {
      log.write(
        'warn',
        'dead-letter-too-large',
        `${deadLetterTopic} refused the dead letter of ${letter.topic}[${letter.partition}]@${letter.message.offset} as too large (value ${letter.message.value?.length ?? 0} bytes): writing a truncated record instead`,
        { ...where(letter, letter.message.offset), eventType: letter.eventType },
      );
    },
    retrying(at, eventType, attempt, attempts, delayMs, error) {
      log.write(
        'warn',
        'handler-retry',
        `the handler of ${eventType} failed on ${at.topic}[${at.partition}]@${at.message.offset} (attempt ${attempt} of ${attempts}): ${reasonOf(error)}; retrying in ${delayMs} ms`,
        { ...where(at, at.message.offset), eventType, attempt, code: codeOf(error) },
      );
    },
    ignored(at, eventType, reason) {
      log.write(
        'info',
        'ignored',
        `ignored ${at.topic}[${at.partition}]@${at.message.offset}: ${reason} ${eventType}`,
        {
          ...where(at, at.message.offset),
          eventType,
          reason,
        },
      );
    },
    paused(at, code, error, failures, retryInMs) {
      log.write(
        'warn',
        'paused',
        `paused ${at.topic}[${at.partition}] at offset ${at.message.offset}: the environment failed (${code}: ${reasonOf(error)}); nothing is dead-lettered, fetching it again in ${retryInMs} ms (failure ${failures} in a row)`,
        { ...where(at, at.message.offset), code, failures, retryInMs },
      );
    },
    resumed(at, code, pausedForMs, failures) {
      log.write(
        'warn',
        'resumed',
        `resumed ${at.topic}[${at.partition}] after ${(pausedForMs / 1000).toFixed(1)} s paused (${failures} failure(s), ${code})`,
        { ...where(at), code, pausedForMs, failures },
      );
    },
    stopping(error) {
      log.write('error', 'stopped', `stopping: ${error.message}`, {
        ...where(error, error.offset),
        code: error.code,
        cause: error.causeCode,
        hint: error.hint,
      });
    },
    stateChanged(change) {
      // rejoining is the supervisor's restart after kafkajs gave up; failed is the end (logged by failed())
      if (change.state !== 'rejoining') return;
      log.write(
        'warn',
        'rejoining',
        `the consumer left its group (${reasonOf(change.error)}): rebuilding it (restart ${change.restarts + 1})`,
        { group: groupId, topic: change.topic, restarts: change.restarts, code: codeOf(change.error) },
      );
    },
    failed(error) {
      log.write('error', 'failed', error.message, { group: groupId, code: error.code, hint: error.hint });
    },
    stalled(topic, partition, offset, forMs, why) {
      log.write(
        'warn',
        'stalled',
        `${topic}[${partition}] has made no progress for ${(forMs / 1000).toFixed(0)} s at offset ${offset} with records behind it: ${why}`,
        { group: groupId, topic, partition, offset, forMs, why },
      );
    },
    markersNotCommitted(topic, partition, offset, error) {
      log.write(
        'info',
        'markers-not-committed',
        `could not commit ${topic}[${partition}] past the transaction markers up to ${offset} (${reasonOf(error)}): it shows a lag of 1 until its next record`,
        { group: groupId, topic, partition, offset, code: codeOf(error) },
      );
    },
    flush: () => log.flush(),
  };
}
