import type { EventMapOf, EventTypeOf, InputMapOf, TopicContract } from '../contract';

/** Any generated topic contract (the bound the generic API is written against). */
export type AnyTopicContract = TopicContract<object, object>;

/** Any event of the contract, as consumers receive it. */
export type EventOf<C> = EventMapOf<C>[EventTypeOf<C>];

/** The event of type K as the producer accepts it (auto-filled and defaulted fields optional). */
export type InputOf<C, K extends string> = K extends keyof InputMapOf<C> ? InputMapOf<C>[K] : never;

/** A decoded message, discriminated by `eventType`. */
export type DecodedEvent<C> = {
  [K in EventTypeOf<C>]: {
    eventType: K;
    event: EventMapOf<C>[K];
    /** The ID of the writer's schema, from the message header. */
    schemaId: number;
  };
}[EventTypeOf<C>];
