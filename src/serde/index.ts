/**
 * Serializer/deserializer of a topic contract: validates, encodes and frames events exactly as
 * Confluent's serializers do (Avro binary or UTF-8 JSON after the 5-byte header), and decodes any
 * framed message by its writer schema into the contract's types.
 *
 * The decoder only ever throws the kit's errors: WireFormatError (not framed), SchemaNotFoundError
 * (unknown schema ID), DecodeError (the body does not fit), UnknownEventTypeError (a type the
 * contract does not know), RegistryError (registry unreachable: retriable).
 */
import type * as avro from 'avsc';
import { parseAvroSchemas } from '../avro/types';
import type { TopicContract } from '../contract';
import { DecodeError, EventValidationError, UnknownEventTypeError } from '../errors';
import { createSchemaIdResolver } from '../registry/contract';
import type { SchemaRegistryClient } from '../registry/types';
import { frameBuffer, frameSchemaId } from '../wire/decode';
import { encodeFrame, encodeHeader, HEADER_SIZE } from '../wire/encode';
import {
  buildAvroReader,
  readAvro,
  readPlan,
  writeAvro,
  writePlan,
  type AvroReader,
  type ReadPlan,
  type WritePlan,
} from './avro';
import { createJsonReader, type JsonReadOptions } from './json-reader';
import type { AnyTopicContract, DecodedEvent, EventOf } from './types';
import { assertValidEvent } from './validation';
import { createPlanCache, fetchSchema, withWriterReferences } from './writer-schema';

export * from './types';
export { toValidationIssues, assertValidEvent } from './validation';
export type { JsonReadOptions, UnknownProperties } from './json-reader';
export { fetchSchema } from './writer-schema';

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

/** How one event type is written: its schema ID, the header for it and, for Avro, the write plan. */
interface WriteInfo {
  id: number;
  header: Buffer;
  plan: WritePlan | undefined;
}

/** How a serde decodes; see JsonReadOptions (JSON Schema topics). */
export type SerdeOptions = JsonReadOptions;

export function createSerde<C extends AnyTopicContract>(
  contract: C,
  registry: SchemaRegistryClient,
  options: SerdeOptions = {},
): Serde<C> {
  // the generic bound hides the event map; at run time every contract has this shape
  const runtime = contract as unknown as TopicContract;
  const known = Object.keys(runtime.events);
  const resolveId = createSchemaIdResolver(runtime, registry);
  let reader: AvroReader | undefined;
  const getReader = () => (reader ??= buildAvroReader(runtime));
  const writePlans = new Map<string, WriteInfo>();
  const jsonReader = createJsonReader(runtime, registry, options);

  const eventContract = (eventType: unknown) => {
    const event = typeof eventType === 'string' ? runtime.events[eventType] : undefined;
    if (!event) throw new UnknownEventTypeError(String(eventType), known);
    return event;
  };

  const subjectOf = (eventType: string) => runtime.valueSubject ?? eventContract(eventType).subject;

  const writeInfo = async (eventType: string) => {
    const cached = writePlans.get(eventType);
    if (cached) return cached;
    const event = eventContract(eventType);
    const subject = subjectOf(eventType);
    const { id } = await resolveId(subject);
    let plan: WritePlan | undefined;
    if (runtime.format === 'AVRO') {
      const subjectType = getReader().bySubject.get(subject);
      plan = subjectType ? writePlan(subjectType, event.name) : undefined;
      if (!plan) {
        throw new DecodeError(`the schema of subject ${subject} has no record ${event.name}`, id, {
          hint: 'run `npx contracts generate`: the contract and its schemas disagree',
        });
      }
    }
    const info = { id, header: encodeHeader(id), plan };
    writePlans.set(eventType, info);
    return info;
  };

  // a poison schema (unknown ID, not Avro, unreadable) stays refused; a failure of the environment is tried again
  const avroPlans = createPlanCache(async (schemaId): Promise<ReadPlan> => {
    const root = await fetchSchema(registry, schemaId);
    const all = await withWriterReferences(registry, root, schemaId);
    if (root.schemaType !== 'AVRO') {
      throw new DecodeError(`schema ${schemaId} is ${root.schemaType}, the topic ${runtime.topic} is AVRO`, schemaId);
    }
    let writer: avro.Type;
    try {
      const { types } = parseAvroSchemas(all.map((s) => JSON.parse(s.schema) as unknown));
      writer = types[types.length - 1]!;
    } catch (cause) {
      throw new DecodeError(`schema ${schemaId} is not a valid Avro schema: ${(cause as Error).message}`, schemaId, {
        cause,
      });
    }
    return readPlan(getReader(), writer, schemaId);
  });

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
  const encodeWith = (info: WriteInfo, event: Record<string, unknown>, eventType: string) =>
    info.plan
      ? writeAvro(info.header, info.plan, event, eventType)
      : encodeFrame(info.id, Buffer.from(JSON.stringify(event), 'utf8'));
  const readAvroWith = (plan: ReadPlan, buffer: Buffer, schemaId: number) => {
    const { eventType, event } = readAvro(plan, buffer, HEADER_SIZE, schemaId, runtime.discriminator, known);
    return { eventType, event, schemaId } as DecodedEvent<C>;
  };

  const serde: Serde<C> = {
    contract,
    registry,
    schemaIdFor: async (eventType) => (await writeInfo(eventType)).id,
    cachedSchemaId: (eventType) => writePlans.get(eventType)?.id,

    encodeSync(value) {
      const { event, contractEvent } = toEncode(value);
      const info = writePlans.get(contractEvent.eventType);
      if (!info) return undefined;
      assertValidEvent(contractEvent, event);
      return encodeWith(info, event, contractEvent.eventType);
    },

    tryDecodeSync(message) {
      const buffer = frameBuffer(message);
      const schemaId = frameSchemaId(buffer);
      if (runtime.format === 'AVRO') {
        const plan = avroPlans.cached(schemaId);
        return plan ? readAvroWith(plan, buffer, schemaId) : undefined;
      }
      const plan = jsonReader.cached(schemaId);
      if (!plan) return undefined;
      const { eventType, event } = jsonReader.read(plan, buffer, HEADER_SIZE);
      return { eventType, event, schemaId } as DecodedEvent<C>;
    },

    async encode(value) {
      const { event, contractEvent } = toEncode(value);
      assertValidEvent(contractEvent, event);
      // after the first event of a type the plan is cached: no extra await on the hot path
      const info = writePlans.get(contractEvent.eventType) ?? (await writeInfo(contractEvent.eventType));
      return encodeWith(info, event, contractEvent.eventType);
    },

    async decode(message) {
      const buffer = frameBuffer(message);
      const schemaId = frameSchemaId(buffer);
      if (runtime.format === 'AVRO') {
        return readAvroWith(avroPlans.cached(schemaId) ?? (await avroPlans.load(schemaId)), buffer, schemaId);
      }
      const plan = jsonReader.cached(schemaId) ?? (await jsonReader.load(schemaId));
      const { eventType, event } = jsonReader.read(plan, buffer, HEADER_SIZE);
      return { eventType, event, schemaId } as DecodedEvent<C>;
    },
  };
  return serde;
}
