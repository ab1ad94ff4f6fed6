/**
 * The shape of a generated topic contract: what codegen writes for each topic of the config and
 * what the producer, consumer, registry and CLI read. Type-only for generated code, so generated
 * modules import nothing at run time but the helpers the kit serves them: validatorRuntime (ajv's
 * helpers, for validators), avroCodecRuntimeV1 and protobufCodecRuntimeV1 (the Avro and Protobuf
 * binary encodings, for codecs).
 */
import type { CompatibilityLevel, SchemaFormat, SubjectNameStrategy } from './config';

export { validatorRuntime } from './validation/runtime';
export { avroCodecRuntimeV1, type AvroCodecRuntimeV1 } from './codec-runtime/avro';
export { protobufCodecRuntimeV1, type ProtobufCodecRuntimeV1 } from './codec-runtime/protobuf';

/** A validator compiled by codegen (ajv standalone): true when the value fits the contract. */
export interface CompiledValidator {
  (value: unknown): boolean;
  errors?: Array<{
    instancePath: string;
    keyword: string;
    params: Record<string, unknown>;
    message?: string;
  }> | null;
}

/** A schema as it is registered: the text, its type, and the subjects of the schemas it imports. */
export interface RegisteredSchemaSpec {
  subject: string;
  schemaType: SchemaFormat;
  /** Schema text exactly as registered (minified JSON). */
  schema: string;
  /** The imports: `name` is how the schema refers to it (Avro full name, JSON `$ref`). */
  references: Array<{ name: string; subject: string }>;
  /** The schema file it came from, relative to the config file. */
  file: string;
}

export interface EventContract<TEventType extends string = string> {
  eventType: TEventType;
  /** Avro full name, or the JSON Schema title. */
  name: string;
  /** The subject whose schema frames this event on the wire. */
  subject: string;
  /** Validates an event ready to be sent (auto-filled fields present, defaults optional). */
  validate: CompiledValidator;
}

export interface TopicContract<
  TEventMap extends object = Record<string, unknown>,
  TInputMap extends { [K in keyof TEventMap]: unknown } = { [K in keyof TEventMap]: unknown },
> {
  topic: string;
  format: SchemaFormat;
  subjectStrategy: SubjectNameStrategy;
  compatibility: CompatibilityLevel;
  /** Event field whose value is the Kafka key. */
  key: string;
  /** Event field that names the event type. */
  discriminator: string;
  deadLetterTopic: string;
  partitions: number;
  replicationFactor: number;
  /** Subject of the topic-level union (TopicNameStrategy), or null when each event has its own. */
  valueSubject: string | null;
  events: { [K in keyof TEventMap & string]: EventContract<K> };
  /** Every schema to register, dependencies first. */
  schemas: RegisteredSchemaSpec[];
  /** Top-level fields the producer fills when absent (`eventId`, `timestamp`, `source`). */
  autoFields: Array<'eventId' | 'timestamp' | 'source'>;
  /** Encoders and decoders codegen specialised for these schemas, where the format has them (Avro, Protobuf). */
  codec?: GeneratedCodec;
  /** Phantom members that carry the event types; never set at run time. */
  readonly __events?: TEventMap;
  readonly __inputs?: TInputMap;
}

/**
 * What codegen writes into `codec.ts` for a topic whose format specialises its codec (Avro,
 * Protobuf): per event, plain functions for exactly the contract's own schema, on the kit's
 * avroCodecRuntimeV1 or protobufCodecRuntimeV1. The
 * format's runtime uses them only where they apply (a message written with the contract's own
 * schema) and keeps its generic codec for everything else, and for saying what is wrong.
 */
export interface GeneratedCodec {
  format: SchemaFormat;
  events: { [eventType: string]: GeneratedEventCodec };
}

export interface GeneratedEventCodec {
  /** Fingerprint of the schema the functions were generated from (the format checks it matches). */
  schema: string;
  /**
   * Validates the event while it writes its body at `pos` (Protobuf: the value message's body, the
   * event in its oneof case): the end position (beyond `buf.length`
   * when it did not fit: write again into a larger buffer), or -1 when the event does not fit the
   * contract (the format's validator then says why).
   */
  write(event: unknown, buf: Uint8Array, pos: number): number;
  /** Reads a body from `pos` to exactly `end` (Protobuf: as `write` writes it); `undefined` when the bytes do not hold one (the generic reader says why). */
  read(buf: Uint8Array, pos: number, end: number): unknown;
}

export type EventMapOf<C> = C extends TopicContract<infer M, infer _I> ? M : never;
export type InputMapOf<C> = C extends TopicContract<infer _M, infer I> ? I : never;
export type EventTypeOf<C> = keyof EventMapOf<C> & string;
