/**
 * JSON Schema reading and writing for a contract, as Confluent's JSON Schema serializers frame it:
 * UTF-8 JSON after the 5-byte header. The body is validated against the contract's own schema of
 * its event type (the compiled validators), on the way out and on the way in.
 */
import type { TopicContract } from '../../contract';
import { DecodeError, EventValidationError, UnknownEventTypeError } from '../../errors';
import { assertValidEvent } from '../../validation/events';
import { encodeFrame, HEADER_SIZE } from '../../wire/encode';
import type { EventCodec } from '../format';

export function createJsonCodec(contract: TopicContract): EventCodec {
  const known = Object.keys(contract.events);
  const eventContract = (eventType: unknown) => {
    const event = typeof eventType === 'string' ? contract.events[eventType] : undefined;
    if (!event) throw new UnknownEventTypeError(String(eventType), known);
    return event;
  };
  return {
    writer(_subject, _event, schemaId) {
      return (event) => encodeFrame(schemaId, Buffer.from(JSON.stringify(event), 'utf8'));
    },
    reader(_schemas, schemaId) {
      return (message) => {
        const body = message.subarray(HEADER_SIZE);
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch (cause) {
          throw new DecodeError(`the body is not JSON (schema ${schemaId}): ${(cause as Error).message}`, schemaId, {
            cause,
          });
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
          throw new DecodeError(`the body is JSON but not an object (schema ${schemaId})`, schemaId);
        }
        const event = parsed as Record<string, unknown>;
        const contractEvent = eventContract(event[contract.discriminator]);
        try {
          assertValidEvent(contractEvent, event);
        } catch (cause) {
          const detail = cause instanceof EventValidationError ? cause.message : String(cause);
          throw new DecodeError(`the body does not fit the contract: ${detail} (schema ${schemaId})`, schemaId, {
            cause,
          });
        }
        return { eventType: contractEvent.eventType, event };
      };
    },
  };
}
