/**
 * What the pipeline's parts (./pipeline.ts and the steps under it) pass between them: a consumed
 * message, its handler's context, a dead letter, and the outcome the runner acts on. Types and
 * tiny helpers only, so every step can import them without importing each other.
 */
import type { ConsumedRecord, RecordHeaders } from '../kafka/transport';
import type { DeadLetterReason } from '../dlq/headers';
import type { ConsumerStoppedError } from '../errors';
import type { ProcessSpan } from '../telemetry';

export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** Kafka timestamp of the message (ms since the epoch, as a string). */
  timestamp: string;
  headers: RecordHeaders;
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
  message: ConsumedRecord;
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
  message: ConsumedRecord;
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

export interface PipelineSnapshot {
  paused: Array<{ topic: string; partition: number; offset: string; code: string; since: number; failures: number }>;
  handling: Array<{ topic: string; partition: number; offset: string; eventType: string; since: number }>;
}

/** A decoded message as the steps after decoding read it (any contract's DecodedEvent is one). */
export interface Decoded {
  eventType: string;
  event: unknown;
  schemaId: number;
}

/** Where a message stands: a partition of a topic and its message. */
export interface At {
  topic: string;
  partition: number;
  message: ConsumedRecord;
}

/** Steps end a message's span unconditionally; this one is used when telemetry made none. */
export { NOOP_PROCESS as NO_SPAN } from '../telemetry';

/** The position fields of the consumer's events. */
export const position = (at: At) => ({
  topic: at.topic,
  partition: at.partition,
  offset: at.message.offset,
});

export const letterOf = (consumed: ConsumedMessage): At => ({
  topic: consumed.topic,
  partition: consumed.partition,
  message: consumed.message,
});
