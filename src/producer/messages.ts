/**
 * Events to records, shared by the typed producer (./index.ts) and a transformer's outputs
 * (src/transformer): the envelope filled (eventId, timestamp, source), validated against the
 * contract, encoded with the cached schema ID, keyed by the contract's key field, with the
 * `event-type` and trace headers. One path, so an output of a transformer is the very record
 * `publish` would send.
 */
import { randomUUID } from 'node:crypto';
import type { TopicContract } from '../contract';
import { EventValidationError } from '../errors';
import { formatOf } from '../formats';
import type { OutgoingRecord, RecordHeaders } from '../kafka/transport';
import type { AnyTopicContract, EventOf, Serde } from '../serde';

/** Headers the producer sets on every message. */
export const MESSAGE_HEADERS = {
  EVENT_TYPE: 'event-type',
  /** W3C trace context, when given. */
  TRACEPARENT: 'traceparent',
  TRACESTATE: 'tracestate',
} as const;

export interface PublishOptions {
  headers?: Record<string, string | Buffer>;
  /** W3C `traceparent` to propagate (sent as the `traceparent` header). */
  traceparent?: string;
  tracestate?: string;
  /** Overrides the key (default: the event's contract key field, e.g. bookingId). */
  key?: string;
}

/** An event ready to send: its record, its eventId and the schema ID it was encoded with. */
export interface PreparedRecord {
  message: OutgoingRecord & { headers: RecordHeaders };
  eventId: string | undefined;
  schemaId: number;
}

export interface MessageBuilder {
  /** The event as it would be sent (envelope filled), not validated. */
  fill(eventType: string, payload: unknown): Record<string, unknown>;
  /**
   * The record of an event, synchronously once its type's schema ID is cached (the hot path: no
   * promise per message); the first event of a type goes through the async encode, which asks
   * the registry. Validation, bytes and errors are the same on both paths.
   */
  build(eventType: string, payload: unknown, publish?: PublishOptions): PreparedRecord | Promise<PreparedRecord>;
}

export function createMessageBuilder<C extends AnyTopicContract>(serde: Serde<C>, source: string): MessageBuilder {
  const contract = serde.contract as unknown as TopicContract;
  const format = formatOf(contract.format);
  const fill = (eventType: string, payload: unknown): Record<string, unknown> => {
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      // the same typed error as any other payload that does not fit (callers catch one class)
      throw new EventValidationError(eventType, [
        {
          path: '',
          expected: 'an object with the event fields (see the generated *Input types)',
          keyword: 'type',
          message: 'must be object',
        },
      ]);
    }
    const event: Record<string, unknown> = { ...(payload as Record<string, unknown>) };
    event[contract.discriminator] ??= eventType;
    for (const field of contract.autoFields) {
      if (event[field] !== undefined) continue;
      if (field === 'eventId') event.eventId = randomUUID();
      else if (field === 'timestamp') event.timestamp = format.codec.timestampNow();
      else event.source = source;
    }
    return event;
  };

  const toPrepared = (
    eventType: string,
    event: Record<string, unknown>,
    value: Buffer,
    publish: PublishOptions | undefined,
  ): PreparedRecord => {
    // one object literal per message; the caller's headers are copied only when there are some
    const headers: RecordHeaders = publish?.headers
      ? { ...publish.headers, [MESSAGE_HEADERS.EVENT_TYPE]: eventType }
      : { [MESSAGE_HEADERS.EVENT_TYPE]: eventType };
    if (publish?.traceparent) headers[MESSAGE_HEADERS.TRACEPARENT] = publish.traceparent;
    if (publish?.tracestate) headers[MESSAGE_HEADERS.TRACESTATE] = publish.tracestate;
    const keyValue = publish?.key ?? event[contract.key];
    return {
      message: { key: keyValue === undefined || keyValue === null ? null : String(keyValue), value, headers },
      eventId: typeof event.eventId === 'string' ? event.eventId : undefined,
      // encodeSync or encode has just resolved it
      schemaId: serde.cachedSchemaId(eventType)!,
    };
  };

  return {
    fill,
    build(eventType, payload, publish) {
      const event = fill(eventType, payload);
      const value = serde.encodeSync(event as unknown as EventOf<C>);
      if (value) return toPrepared(eventType, event, value, publish);
      return serde.encode(event as unknown as EventOf<C>).then((v) => toPrepared(eventType, event, v, publish));
    },
  };
}
