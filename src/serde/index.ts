/**
 * Serializer/deserializer of a topic contract: validates, encodes and frames events exactly as
 * Confluent's serializers do (Avro binary or UTF-8 JSON after the 5-byte header), and decodes any
 * framed message by its writer schema into the contract's types.
 *
 * The decoder only ever throws the kit's errors: WireFormatError (not framed), SchemaNotFoundError
 * (unknown schema ID), DecodeError (the body does not fit), UnknownEventTypeError (a type the
 * contract does not know), RegistryError (registry unreachable: retriable).
 */
import type { TopicContract } from '../contract';
import {
  DecodeError,
  EventValidationError,
  isContractsError,
  RegistryError,
  SchemaNotFoundError,
  UnknownEventTypeError,
} from '../errors';
import { formatOf, type CodecOptions, type EventReader, type EventWriter } from '../formats';
import { createSchemaIdResolver } from '../registry/contract';
import { withReferences } from '../formats/references';
import type { SchemaRegistryClient } from '../registry/types';
import { assertValidEvent } from '../validation/events';
import { frameBuffer, frameSchemaId } from '../wire/decode';
import type { AnyTopicContract, DecodedEvent, EventOf } from './types';

/** Confluent's "schema not found" error code. */
const SCHEMA_NOT_FOUND_CODE = 40403;

export * from './types';
export { toValidationIssues, assertValidEvent } from '../validation/events';
export type { CodecOptions as SerdeOptions, UnknownProperties } from '../formats';

export interface Serde<C extends AnyTopicContract> {
  readonly contract: C;
  readonly registry: SchemaRegistryClient;
  /** Validates, encodes and frames an event (its type is its discriminator field). */
  encode(event: EventOf<C>): Promise<Buffer>;
  /** Decodes a framed message into an event of the contract. */
  decode(message: Uint8Array | null | undefined): Promise<DecodedEvent<C>>;
  /** The schema ID events of this type are framed with (resolved once, then cached). */
  schemaIdFor(eventType: string): Promise<number>;
  /**
   * The hot path of `encode`, synchronous: the same validation, bytes and errors, once the event
   * type's schema ID is cached (after its first `encode` or `schemaIdFor`); `undefined` before
   * that, without validating (call `encode`, which asks the registry).
   */
  encodeSync(event: EventOf<C>): Buffer | undefined;
  /**
   * The hot path of `decode`, synchronous: the same event and errors once the message's schema ID
   * is cached (after the first `decode` of that ID); `undefined` when the registry must be asked
   * (call `decode`).
   */
  tryDecodeSync(message: Uint8Array | null | undefined): DecodedEvent<C> | undefined;
  /** The cached schema ID of an event type; `undefined` before `schemaIdFor` or `encode` resolved it. */
  cachedSchemaId(eventType: string): number | undefined;
}

export function createSerde<C extends AnyTopicContract>(
  contract: C,
  registry: SchemaRegistryClient,
  options: CodecOptions = {},
): Serde<C> {
  // the generic bound hides the event map; at run time every contract has this shape
  const runtime = contract as unknown as TopicContract;
  const known = Object.keys(runtime.events);
  const resolveId = createSchemaIdResolver(runtime, registry);
  // the contract's format encodes and decodes the bodies; this module frames, resolves and caches
  const format = formatOf(runtime.format);
  const codec = format.codec.createCodec(runtime, options);
  // `validates`: the writer checks the event itself (a generated codec), so the serde does not
  const writers = new Map<string, { id: number; write: EventWriter; validates: boolean }>();
  const readers = new Map<number, EventReader>();
  const pendingReaders = new Map<number, Promise<EventReader>>();

  const eventContract = (eventType: unknown) => {
    const event = typeof eventType === 'string' ? runtime.events[eventType] : undefined;
    if (!event) throw new UnknownEventTypeError(String(eventType), known);
    return event;
  };

  const subjectOf = (eventType: string) => runtime.valueSubject ?? eventContract(eventType).subject;

  const writeInfo = async (eventType: string) => {
    const cached = writers.get(eventType);
    if (cached) return cached;
    const event = eventContract(eventType);
    const subject = subjectOf(eventType);
    const { id } = await resolveId(subject);
    const validating = codec.validatingWriter?.(subject, event, id);
    const info = validating
      ? { id, write: validating, validates: true }
      : { id, write: codec.writer(subject, event, id), validates: false };
    writers.set(eventType, info);
    return info;
  };

  const loadReader = (schemaId: number): Promise<EventReader> => {
    const pending = pendingReaders.get(schemaId);
    if (pending) return pending;
    const load = (async () => {
      const root = await fetchSchema(registry, schemaId);
      let all = [root];
      if (format.codec.readsWithReferences) {
        try {
          all = await withReferences(registry, root);
        } catch (error) {
          // only the registry's own "not found" (an error code with the 404) is the schema's fault;
          // a bare 404 page comes from a proxy or a wrong path: the environment, retried
          if (error instanceof RegistryError && error.status === 404 && error.registryCode === undefined) {
            throw notTheRegistry(error);
          }
          if (error instanceof RegistryError && error.status === 404) {
            throw new DecodeError(
              `schema ${schemaId} references a schema the registry does not have: ${error.message}`,
              schemaId,
              { cause: error },
            );
          }
          throw error;
        }
      }
      if (root.schemaType !== runtime.format) {
        throw new DecodeError(
          `schema ${schemaId} is ${root.schemaType}, the topic ${runtime.topic} is ${runtime.format}`,
          schemaId,
        );
      }
      const reader = codec.reader(all, schemaId);
      readers.set(schemaId, reader);
      return reader;
    })();
    pendingReaders.set(schemaId, load);
    // a poison schema (unknown ID, another format, unreadable) stays refused; any failure of the
    // environment (registry down, or refusing the credentials until someone fixes them) is tried again
    load.catch((error: unknown) => {
      if (!(error instanceof DecodeError) || error.retriable) pendingReaders.delete(schemaId);
    });
    return load;
  };

  /** The event as an object and its contract event; throws the encoder's errors for anything else. */
  const toEncode = (value: unknown) => {
    const event = value as Record<string, unknown>;
    if (event === null || typeof event !== 'object') {
      throw new EventValidationError(runtime.topic, [
        { path: '', expected: 'object', keyword: 'type', message: 'must be object' },
      ]);
    }
    return { event, contractEvent: eventContract(event[runtime.discriminator]) };
  };

  const serde: Serde<C> = {
    contract,
    registry,
    schemaIdFor: async (eventType) => (await writeInfo(eventType)).id,
    cachedSchemaId: (eventType) => writers.get(eventType)?.id,

    encodeSync(value) {
      const { event, contractEvent } = toEncode(value);
      const info = writers.get(contractEvent.eventType);
      if (!info) return undefined;
      if (!info.validates) assertValidEvent(contractEvent, event);
      return info.write(event, contractEvent.eventType);
    },

    tryDecodeSync(message) {
      const buffer = frameBuffer(message);
      const schemaId = frameSchemaId(buffer);
      const read = readers.get(schemaId);
      if (!read) return undefined;
      return decoded(read(buffer), schemaId);
    },

    async encode(value) {
      const { event, contractEvent } = toEncode(value);
      const cached = writers.get(contractEvent.eventType);
      // an invalid event fails before the registry is asked for its schema ID
      if (!cached?.validates) assertValidEvent(contractEvent, event);
      // after the first event of a type the writer is cached: no extra await on the hot path
      const info = cached ?? (await writeInfo(contractEvent.eventType));
      return info.write(event, contractEvent.eventType);
    },

    async decode(message) {
      const buffer = frameBuffer(message);
      const schemaId = frameSchemaId(buffer);
      const read = readers.get(schemaId) ?? (await loadReader(schemaId));
      return decoded(read(buffer), schemaId);
    },
  };
  return serde;
}

/** The reader's result as the serde returns it: as it is when the reader returned it whole already. */
function decoded<C>(read: ReturnType<EventReader>, schemaId: number): DecodedEvent<C> {
  const whole = read.schemaId === schemaId ? read : { eventType: read.eventType, event: read.event, schemaId };
  return whole as DecodedEvent<C>;
}

/**
 * The schema a message's header names, with the one error per cause that the consumer, its
 * dead-letter records and `contracts tail` all report: SCHEMA_NOT_FOUND only when the registry
 * itself says it has no such ID (HTTP 404 with Confluent's error code 40403, which Apicurio and
 * Karapace answer too); a 404 without it comes from something that is not the registry's API (a
 * wrong URL path, a proxy), so it stays a RegistryError: the environment's fault, not the message's.
 */
export async function fetchSchema(registry: SchemaRegistryClient, schemaId: number) {
  try {
    return await registry.getSchemaById(schemaId);
  } catch (error) {
    if (error instanceof RegistryError && error.status === 404 && error.registryCode === SCHEMA_NOT_FOUND_CODE) {
      throw new SchemaNotFoundError(registry.url, schemaId, { cause: error });
    }
    if (error instanceof RegistryError && error.status === 404) throw notTheRegistry(error);
    if (isContractsError(error)) throw error;
    throw new DecodeError(`reading schema ${schemaId} failed: ${String(error)}`, schemaId, {
      cause: error,
      retriable: true,
    });
  }
}

/** A 404 without the registry's own error code: not a schema registry's answer (a proxy's page, a wrong path). */
function notTheRegistry(error: RegistryError): RegistryError {
  return new RegistryError(
    error.url,
    404,
    error.registryCode,
    `${error.message} (not a schema registry's answer: a 404 without its error code)`,
    {
      cause: error,
      hint: 'check that SCHEMA_REGISTRY_URL points at the Confluent-compatible API root (for Apicurio: /apis/ccompat/v7) and that no proxy answers for it',
    },
  );
}
