/**
 * The consumer's one decision about a message it could not handle: is the *message* at fault
 * (poison: dead-letter it and move on) or the *environment* (the registry refusing the credentials
 * or down, the broker down, a config that does not fit the servers)? Only the first may ever be
 * dead-lettered; the second keeps the message, and its partition waits or the consumer stops.
 *
 * Pure: the consumer asks, and does what the answer says. docs/runtime.md has the table.
 */
import type { IHeaders } from 'kafkajs';
import { headerString, REPLAY_HEADERS, type DeadLetterReason } from '../dlq/headers';
import { HandlerError, isContractsError, type ContractsErrorCode } from '../errors';

/** Whose fault a failure is. */
export type Fault = 'message' | 'environment';

/** Codes that describe the message itself: what the bytes are, not where they were read. */
const MESSAGE_CODES: ReadonlySet<ContractsErrorCode> = new Set<ContractsErrorCode>([
  'WIRE_FORMAT',
  'SCHEMA_NOT_FOUND',
  'DECODE_FAILED',
  'UNKNOWN_EVENT_TYPE',
  'EVENT_INVALID',
]);

export interface Classified {
  fault: Fault;
  /** The kit's error code, or `INTERNAL` for an error that is not the kit's own. */
  code: string;
  /** Waiting can fix it (unreachable, 5xx, broker unavailable); false for refused credentials or a config that does not fit. */
  retriable: boolean;
}

/**
 * Whose fault an error is. A retriable error is always the environment's; a kit error is the
 * message's only when its code describes the message (framing, unknown schema ID, body, contract).
 * An error that is not the kit's own is the environment's: the decoder only throws the kit's
 * errors, so anything else is a bug that must stop the partition, not dead-letter good data.
 */
export function classify(error: unknown): Classified {
  const retriable = isRetriable(error);
  if (isContractsError(error)) {
    const fault: Fault = !retriable && MESSAGE_CODES.has(error.code) ? 'message' : 'environment';
    return { fault, code: error.code, retriable };
  }
  return { fault: 'environment', code: retriable ? 'KAFKA' : 'INTERNAL', retriable };
}

/** Where the consumer was when it failed. */
export type Stage =
  /** decoding the bytes with the registry */
  | { stage: 'decode'; unknownEventType: 'ignore' | 'dead-letter' }
  /** running the handler: `attempt` runs so far (1 after the first), of `attempts` allowed */
  | { stage: 'handler'; attempt: number; attempts: number }
  /**
   * writing the message to the dead-letter topic; `tooLarge`: the topic refused the record as too
   * large (the message's size, not the environment); `bounded`: the refused record was already the
   * bounded one
   */
  | { stage: 'dead-letter'; tooLarge?: boolean; bounded?: boolean };

export type EnvironmentPolicy = 'pause' | 'stop';

export type Decision =
  /** The message is poison: dead-letter it, then commit past it. */
  | { action: 'dead-letter'; reason: DeadLetterReason; code: string }
  /** Run the handler again after a backoff (the message stays current). */
  | { action: 'retry-handler' }
  /** Skip the message on purpose and commit past it. */
  | { action: 'ignore'; reason: 'unknown-event-type' }
  /** The environment failed: keep the message (no commit past it), pause its partition, fetch it again after a backoff. */
  | { action: 'pause'; code: string; retriable: boolean }
  /** The environment failed in a way waiting cannot fix, and the policy says stop: stop the consumer with a typed error. */
  | { action: 'stop'; code: string }
  /** The dead-letter topic refused the record as too large: write the bounded record instead. */
  | { action: 'dead-letter-bounded' };

/**
 * What to do about `error`, raised at `where`. `policy` is for environment failures that waiting
 * cannot fix (refused credentials, a URL that is not a registry's API): keep pausing (`'pause'`,
 * so that fixing the server side resumes the consumer) or stop. Retriable ones always pause.
 */
export function decide(error: unknown, where: Stage, policy: EnvironmentPolicy = 'pause'): Decision {
  // a handler's error is wrapped once it gave up; judge what it threw
  const { fault, code, retriable } = classify(error instanceof HandlerError ? error.cause : error);
  const environment = (): Decision =>
    retriable || policy === 'pause' ? { action: 'pause', code, retriable } : { action: 'stop', code };
  switch (where.stage) {
    case 'dead-letter':
      // too large is the message's size: a bounded record still moves the partition on; when even
      // that is refused there is nowhere to put it, and stalling on it silently is worse than a stop
      if (where.tooLarge)
        return where.bounded ? { action: 'stop', code: 'DEAD_LETTER_TOO_LARGE' } : { action: 'dead-letter-bounded' };
      // nowhere safe to put the message: it stays where it is
      return environment();
    case 'decode':
      if (fault === 'environment') return environment();
      if (code === 'UNKNOWN_EVENT_TYPE') {
        return where.unknownEventType === 'ignore'
          ? { action: 'ignore', reason: 'unknown-event-type' }
          : { action: 'dead-letter', reason: 'unknown-event-type', code };
      }
      return { action: 'dead-letter', reason: 'undecodable', code };
    case 'handler':
      // a handler that found the registry or broker down did not fail because of the message; one
      // that ran past its time failed like a handler that threw (retried, then dead-lettered)
      if (
        code !== 'HANDLER_TIMEOUT' &&
        (isContractsError(error instanceof HandlerError ? error.cause : error) ? fault === 'environment' : retriable)
      ) {
        return environment();
      }
      if (where.attempt < where.attempts) return { action: 'retry-handler' };
      return { action: 'dead-letter', reason: 'handler-failed', code: 'HANDLER_FAILED' };
  }
}

/**
 * A replayed copy (see src/dlq/replay.ts) is meant for the one group that dead-lettered it: the
 * kit's consumers of every other group skip it and commit past it.
 */
export function isReplayForAnotherGroup(headers: IHeaders | undefined, groupId: string): boolean {
  const target = headerString(headers, REPLAY_HEADERS.TARGET_GROUP);
  return target !== undefined && target !== groupId;
}

function isRetriable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}
