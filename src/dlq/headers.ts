/**
 * The dead-letter record format, shared by the consumer (writes it), `contracts tail --dlq` (shows
 * it) and replay (reads it). A dead-lettered record keeps the original key, value bytes and
 * headers untouched and adds these headers, all UTF-8 strings:
 *
 * | header                    | value                                                         |
 * |---------------------------|---------------------------------------------------------------|
 * | dlq.original.topic        | topic the message was consumed from                           |
 * | dlq.original.partition    | its partition                                                 |
 * | dlq.original.offset       | its offset                                                    |
 * | dlq.original.timestamp    | its Kafka timestamp (ms since the epoch)                      |
 * | dlq.reason                | handler-failed, undecodable or unknown-event-type             |
 * | dlq.error.class           | class of the error (the handler's own, or WireFormatError, …) |
 * | dlq.error.code            | the kit's error code (HANDLER_FAILED, WIRE_FORMAT, …)         |
 * | dlq.error.message         | its message (first 1000 characters)                           |
 * | dlq.attempts              | how many times the handler ran (0 when it never could)        |
 * | dlq.event.type            | event type, when the message could be decoded                 |
 * | dlq.consumer.group        | consumer group that gave up on it                             |
 * | dlq.dead.lettered.at      | when, ISO 8601                                                |
 * | dlq.truncated             | `true` on a bounded record (below); absent otherwise          |
 * | dlq.original.key.size     | on a bounded record: the original key's size in bytes         |
 * | dlq.original.value.size   | on a bounded record: the original value's size in bytes       |
 *
 * A message too large for the dead-letter topic once these headers are added still leaves its
 * partition: its dead letter is then a bounded record (`boundedDeadLetter`), the first
 * DEAD_LETTER_PREFIX_BYTES of the value and of the key, without the original headers, flagged
 * `dlq.truncated`. Replay skips bounded records: their bytes are not the message's.
 *
 * A replayed copy (src/dlq/replay.ts) carries the original headers plus REPLAY_HEADERS: the group
 * it is meant for, the coordinates it was first consumed at, and the dead-letter record it came
 * from. The kit's consumers of every other group skip it (src/consumer/decide.ts).
 */
import type { IHeaders } from 'kafkajs';

export const DLQ_HEADERS = {
  ORIGINAL_TOPIC: 'dlq.original.topic',
  ORIGINAL_PARTITION: 'dlq.original.partition',
  ORIGINAL_OFFSET: 'dlq.original.offset',
  ORIGINAL_TIMESTAMP: 'dlq.original.timestamp',
  REASON: 'dlq.reason',
  ERROR_CLASS: 'dlq.error.class',
  ERROR_CODE: 'dlq.error.code',
  ERROR_MESSAGE: 'dlq.error.message',
  ATTEMPTS: 'dlq.attempts',
  EVENT_TYPE: 'dlq.event.type',
  CONSUMER_GROUP: 'dlq.consumer.group',
  DEAD_LETTERED_AT: 'dlq.dead.lettered.at',
  TRUNCATED: 'dlq.truncated',
  ORIGINAL_KEY_SIZE: 'dlq.original.key.size',
  ORIGINAL_VALUE_SIZE: 'dlq.original.value.size',
} as const;

export const REPLAY_HEADERS = {
  /** The one consumer group the copy is for; the kit's consumers of other groups skip it. */
  TARGET_GROUP: 'replay.target.group',
  /** `<topic>/<partition>/<offset>` where the message was consumed when it was dead-lettered. */
  ORIGINAL: 'replay.original',
  /** `<dead-letter topic>/<partition>/<offset>` of the record it was replayed from. */
  FROM: 'replayed-from',
} as const;

export const DEAD_LETTER_REASONS = ['handler-failed', 'undecodable', 'unknown-event-type'] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

export interface DeadLetterInfo {
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  originalTimestamp: string;
  reason: DeadLetterReason;
  errorClass: string;
  errorCode: string;
  errorMessage: string;
  attempts: number;
  eventType: string | undefined;
  consumerGroup: string;
  deadLetteredAt: string;
}

const MAX_MESSAGE = 1000;

export function deadLetterHeaders(info: DeadLetterInfo): Record<string, string> {
  const headers: Record<string, string> = {
    [DLQ_HEADERS.ORIGINAL_TOPIC]: info.originalTopic,
    [DLQ_HEADERS.ORIGINAL_PARTITION]: String(info.originalPartition),
    [DLQ_HEADERS.ORIGINAL_OFFSET]: info.originalOffset,
    [DLQ_HEADERS.ORIGINAL_TIMESTAMP]: info.originalTimestamp,
    [DLQ_HEADERS.REASON]: info.reason,
    [DLQ_HEADERS.ERROR_CLASS]: info.errorClass,
    [DLQ_HEADERS.ERROR_CODE]: info.errorCode,
    [DLQ_HEADERS.ERROR_MESSAGE]: info.errorMessage.slice(0, MAX_MESSAGE),
    [DLQ_HEADERS.ATTEMPTS]: String(info.attempts),
    [DLQ_HEADERS.CONSUMER_GROUP]: info.consumerGroup,
    [DLQ_HEADERS.DEAD_LETTERED_AT]: info.deadLetteredAt,
  };
  if (info.eventType) headers[DLQ_HEADERS.EVENT_TYPE] = info.eventType;
  return headers;
}

/** How much of a message's value (and key) a bounded dead-letter record keeps. */
export const DEAD_LETTER_PREFIX_BYTES = 16 * 1024;

/** The bounded dead letter of a message whose full record the dead-letter topic refused as too large. */
export function boundedDeadLetter(
  key: Buffer | null,
  value: Buffer | null,
  headers: Record<string, string>,
): { key: Buffer | null; value: Buffer | null; headers: Record<string, string> } {
  return {
    key: key && key.length > DEAD_LETTER_PREFIX_BYTES ? key.subarray(0, DEAD_LETTER_PREFIX_BYTES) : key,
    value: value && value.length > DEAD_LETTER_PREFIX_BYTES ? value.subarray(0, DEAD_LETTER_PREFIX_BYTES) : value,
    headers: {
      ...headers,
      [DLQ_HEADERS.TRUNCATED]: 'true',
      [DLQ_HEADERS.ORIGINAL_KEY_SIZE]: String(key?.length ?? 0),
      [DLQ_HEADERS.ORIGINAL_VALUE_SIZE]: String(value?.length ?? 0),
    },
  };
}

/** The dead-letter information of a record, or undefined when it has no `dlq.original.topic`. */
export function readDeadLetterHeaders(headers: IHeaders | undefined): DeadLetterInfo | undefined {
  const get = (name: string) => headerString(headers, name);
  const originalTopic = get(DLQ_HEADERS.ORIGINAL_TOPIC);
  if (!originalTopic) return undefined;
  const reason = get(DLQ_HEADERS.REASON);
  return {
    originalTopic,
    originalPartition: Number(get(DLQ_HEADERS.ORIGINAL_PARTITION) ?? -1),
    originalOffset: get(DLQ_HEADERS.ORIGINAL_OFFSET) ?? '',
    originalTimestamp: get(DLQ_HEADERS.ORIGINAL_TIMESTAMP) ?? '',
    reason: (DEAD_LETTER_REASONS as readonly string[]).includes(reason ?? '')
      ? (reason as DeadLetterReason)
      : 'handler-failed',
    errorClass: get(DLQ_HEADERS.ERROR_CLASS) ?? '',
    errorCode: get(DLQ_HEADERS.ERROR_CODE) ?? '',
    errorMessage: get(DLQ_HEADERS.ERROR_MESSAGE) ?? '',
    attempts: Number(get(DLQ_HEADERS.ATTEMPTS) ?? 0),
    eventType: get(DLQ_HEADERS.EVENT_TYPE),
    consumerGroup: get(DLQ_HEADERS.CONSUMER_GROUP) ?? '',
    deadLetteredAt: get(DLQ_HEADERS.DEAD_LETTERED_AT) ?? '',
  };
}

/** The record's headers without the dead-letter and replay ones: what the original message carried. */
export function withoutDeadLetterHeaders(headers: IHeaders | undefined): IHeaders {
  const replay = new Set<string>(Object.values(REPLAY_HEADERS));
  const kept: IHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (!name.startsWith('dlq.') && !replay.has(name)) kept[name] = value;
  return kept;
}

/** `<topic>/<partition>/<offset>`: where a message was consumed, as replay records and de-duplicates it. */
export function coordinatesOf(
  info: Pick<DeadLetterInfo, 'originalTopic' | 'originalPartition' | 'originalOffset'>,
): string {
  return `${info.originalTopic}/${info.originalPartition}/${info.originalOffset}`;
}

export function headerString(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

/** Every header as a UTF-8 string (the first value of a repeated one): how the tail, the CLI and the UI show them. */
export function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers ?? {})) {
    const value = headerString(headers, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}
