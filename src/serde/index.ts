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
  const writePlans = new Map<string, { id: number; header: Buffer; plan: WritePlan | undefined }>();
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

  const serde: Serde<C> = {
    contract,
    registry,
    schemaIdFor: async (eventType) => (await writeInfo(eventType)).id,

    async encode(value) {
      const event = value as unknown as Record<string, unknown>;
      if (event === null || typeof event !== 'object') {
        throw new EventValidationError(runtime.topic, [
          { path: '', expected: 'object', keyword: 'type', message: 'must be object' },
        ]);
      }
      const eventType = event[runtime.discriminator];
      const contractEvent = eventContract(eventType);
      assertValidEvent(contractEvent, event);
      // after the first event of a type the plan is cached: no extra await on the hot path
      const info = writePlans.get(contractEvent.eventType) ?? (await writeInfo(contractEvent.eventType));
      if (info.plan) return writeAvro(info.header, info.plan, event, contractEvent.eventType);
      return encodeFrame(info.id, Buffer.from(JSON.stringify(event), 'utf8'));
    },

    async decode(message) {
      const buffer = frameBuffer(message);
      const schemaId = frameSchemaId(buffer);
      if (runtime.format === 'AVRO') {
        const plan = avroPlans.cached(schemaId) ?? (await avroPlans.load(schemaId));
        const { eventType, event } = readAvro(plan, buffer, HEADER_SIZE, schemaId, runtime.discriminator, known);
        return { eventType, event, schemaId } as DecodedEvent<C>;
      }
      const plan = jsonReader.cached(schemaId) ?? (await jsonReader.load(schemaId));
      const { eventType, event } = jsonReader.read(plan, buffer, HEADER_SIZE);
      return { eventType, event, schemaId } as DecodedEvent<C>;
    },
  };
  return serde;
}
