/**
 * The dead-letter topic on the consumer's transport's producer (idempotent, acks=all): the record is the message's
 * key, value and headers plus the `dlq.*` headers (src/dlq/headers.ts), or its bounded record when
 * the full one was refused as too large; it goes to the partition its message came from
 * (src/dlq/partition.ts), never to one found by hashing a key of any length.
 */
import type { OutgoingRecord, RecordProducer } from '../kafka/transport';
import { boundedDeadLetter, deadLetterHeaders } from '../dlq/headers';
import { HandlerError, isContractsError } from '../errors';
import { toKafkaError } from '../kafka/client';
import type { DeadLetter, DeadLetterSink } from './message';

export function kafkaDeadLetterSink(producer: () => RecordProducer, topic: string, groupId: string): DeadLetterSink {
  return {
    topic,
    async send(letter, bounded) {
      const record = deadLetterRecord(letter, groupId, bounded);
      try {
        await producer().send(topic, [record]);
      } catch (error) {
        throw toKafkaError(error, 'sending to the dead-letter topic', topic);
      }
    },
  };
}

/** The record of a dead letter: its message's key, value and headers plus the `dlq.*` headers, or its bounded record. */
export function deadLetterRecord(letter: DeadLetter, groupId: string, bounded: boolean): OutgoingRecord {
  const { message } = letter;
  const headers = deadLetterHeaders(infoOf(letter, groupId));
  return bounded
    ? boundedDeadLetter(message.key, message.value, headers)
    : { key: message.key, value: message.value, headers: { ...message.headers, ...headers } };
}

function infoOf(letter: DeadLetter, groupId: string) {
  const { error, message } = letter;
  const cause = error instanceof HandlerError ? error.cause : error;
  return {
    originalTopic: letter.topic,
    originalPartition: letter.partition,
    originalOffset: message.offset,
    originalTimestamp: message.timestamp,
    reason: letter.reason,
    errorClass: cause instanceof Error ? cause.constructor.name : typeof cause,
    errorCode: isContractsError(error) ? error.code : 'UNKNOWN',
    errorMessage: cause instanceof Error ? cause.message : String(cause),
    attempts: letter.attempts,
    eventType: letter.eventType,
    consumerGroup: groupId,
    deadLetteredAt: new Date().toISOString(),
  };
}
