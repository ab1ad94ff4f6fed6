/**
 * What a schema format brings to the kit, as the Confluent-registry clients keep one helper per
 * format, grouped in facets by who asks: codegen (reader, emitters), codec (the runtime's encode
 * and decode), registry (features, the in-memory registry's verdicts), compatibility (its rules,
 * for the engine in src/compat), documents (AsyncAPI). Every format lives in its own folder
 * (`avro/`, `json/`, `protobuf/`) behind this one interface, and the callers find it by the
 * registry's schema type (`formatOf('AVRO')`), so a new format is a new folder and one line in
 * FORMATS (`index.ts`).
 */
import type { FormatCompatibility } from '../compat/format';
import type { SchemaFormat, TopicConfig } from '../config';
import type { EventContract, TopicContract } from '../contract';
import type { ExampleOverrides } from './examples';
import type { EventModel, TopicModel } from './model';

export type { ChangeOptions, FormatCompatibility, PairCheckOptions, SchemaChange } from '../compat/format';

/**
 * A registered schema as a format reads it: its text and the imports it names, each `name` being
 * how the text refers to it (an Avro full name, a JSON Schema `$ref`, a Protobuf import path). The
 * registry's StoredSchema fits.
 */
export interface SchemaText {
  schema: string;
  schemaType: string;
  references: ReadonlyArray<{ name: string; subject: string; version?: number }>;
  /**
   * The subject (and version) it is registered under, when known (registry answers and contracts
   * carry them): how a format finds which schema a referrer's reference names (Protobuf files are
   * named by their import paths).
   */
  subject?: string;
  version?: number;
}

/** A registered schema: its references carry the versions the registry gave them. */
export interface RegisteredText extends SchemaText {
  references: ReadonlyArray<{ name: string; subject: string; version: number }>;
}

/** Where references are read from: a registry client (any SchemaRegistryClient fits). */
export interface ReferenceSource<S extends RegisteredText = RegisteredText> {
  getSubjectVersion(subject: string, version: number): Promise<S>;
}

/** Writes one event of a known type: the whole framed message (wire header included). */
export type EventWriter = (event: Record<string, unknown>, eventType: string) => Buffer;

/** Reads one framed message written with one writer schema (the header is already checked). */
export type EventReader = (message: Buffer) => {
  eventType: string;
  event: Record<string, unknown>;
  /** Set by a reader that returns the serde's whole decoded event already (one object less per message). */
  schemaId?: number;
};

/** One JSON Schema root and the named definitions it uses: what codegen's type compiler takes. */
export interface TypesBundle {
  root: { [keyword: string]: unknown };
  definitions: Record<string, { [keyword: string]: unknown }>;
}

/** Reads a message body (after the 5-byte header) by its writer schema alone, with no contract. */
export type SchemaReader = (body: Buffer) => unknown;

/**
 * The encode/decode side of a format for one topic contract. Writers and readers are built once
 * (per event type, per writer schema ID) and cached by the serde, so the hot path is one call.
 */
export interface EventCodec {
  /**
   * How events of one type are written under `subject` (framed with `schemaId`). Throws DecodeError
   * when the contract's schemas do not hold the event: the contract and its schemas disagree.
   */
  writer(subject: string, event: EventContract, schemaId: number): EventWriter;
  /**
   * A writer that validates while it writes, throwing the EventValidationError the event's
   * validator would (the serde then skips its own validation), or undefined where the format has
   * none for this event.
   */
  validatingWriter?(subject: string, event: EventContract, schemaId: number): EventWriter | undefined;
  /**
   * How messages framed with `schemaId` are read: `schemas` is the writer's schema last, after the
   * schemas it references (dependencies first) when the format reads with references. The reader
   * may differ from the writer (schema evolution); a message-index path (Protobuf) is read from the
   * body, which starts right after the 5-byte header.
   */
  reader(schemas: readonly SchemaText[], schemaId: number): EventReader;
}

/** What happens to properties of a message that the reader's contract does not define. */
export type UnknownProperties = 'drop' | 'keep';

/** How a codec reads what other writers wrote. */
export interface CodecOptions {
  /**
   * Properties a JSON message carries that the consumer's contract does not define (a newer
   * writer's additions): `'drop'` (default) removes them, so the event is exactly the contract's
   * type; `'keep'` leaves them in the value (a pass-through service that forwards whole events),
   * which then carries more than its TypeScript type says. Avro's resolution always drops them.
   */
  unknownProperties?: UnknownProperties;
}

/**
 * What codegen asks of a format: the build step's reader and emitters, run by `contracts generate`
 * and by the operations that read the local contracts (codegen/, the UI).
 */
export interface FormatCodegen {
  /**
   * Why: codegen turns schema files into a TopicModel and knows no format. The topic's schema files
   * (config order: references, events, value) → the model the emitters take, with the schemas to
   * register dependencies first. Throws SchemaFileError naming the file and the JSON pointer of
   * what is wrong.
   */
  readTopic(topic: TopicConfig, rootDir: string): TopicModel;
  /**
   * Why: the UI shows TypeScript for a registered schema outside any topic config. The format reads
   * the references it needs from `registry`; `rootName` names a root without a name of its own (an
   * Avro union, an untitled JSON Schema).
   */
  registeredTypes(schema: RegisteredText, registry: ReferenceSource, rootName: string): Promise<TypesBundle>;
  /**
   * Why: a format may write a codec specialised to the topic's schemas (`codec.ts`, a GeneratedCodec
   * the topic's contract carries) that its runtime uses where it applies; absent or undefined: none.
   */
  emitCodec?(model: TopicModel): { source: string; exportName: string } | undefined;
}

/** What the runtime asks of a format: encoding and decoding message bodies (serde, producer, tail). */
export interface FormatCodec {
  /**
   * Why: decoding may need the writer schema's references fetched too (Avro parses the named types
   * they define); a format that reads the body without its schema skips those registry calls.
   */
  readonly readsWithReferences: boolean;
  /** Why: the serde encodes and decodes for one contract of this format (its own schemas are the reader side). */
  createCodec(contract: TopicContract, options?: CodecOptions): EventCodec;
  /**
   * Why: the producer fills an absent `timestamp` with what the format's decoder returns for it (a
   * Date for Avro's timestamp-millis, an ISO string for JSON Schema's date-time).
   */
  timestampNow(): unknown;
  /**
   * Why: `contracts tail` reads topics without a contract. A reader of any message framed with one
   * writer schema: `schemas` as for EventCodec.reader; the value as the format decodes it. Throws
   * (parse errors included) for a body or schema it cannot read.
   */
  schemaReader(schemas: readonly SchemaText[]): SchemaReader;
  /**
   * Why: the UI masks personal data for viewers. The paths into a decoded value (names, `*` for
   * items and map values) of the fields the writer schema tags with one of `tags` (Confluent's
   * `confluent:tags`). A format without it masks nothing (the UI then hides its values' bytes only).
   */
  taggedFields?(schemas: readonly SchemaText[], tags: ReadonlySet<string>): string[][];
}

/** What the registry clients ask of a format: its features and the in-memory registry's verdicts. */
export interface FormatRegistry {
  /**
   * Why: registries differ in what they do with references (src/registry/capabilities.ts). The
   * features a schema of this format with references may find missing: `test`, a compatibility test
   * of it; `register`, registering it at all (some registries refuse JSON Schema references; the kit
   * then tells how to bundle them).
   */
  readonly referenceFeatures: { readonly test: string; readonly register?: string };
  /**
   * Why: the in-memory registry stands in for a real registry's parse on registration. `schemas` is
   * the schema last, after its references when the format reads with them. Throws the reason a
   * registry would give (422); returns what `cannotRead` compares, or undefined when versions of the
   * format are not compared there (accepted as compatible).
   */
  parseRegistered(schemas: readonly SchemaText[]): unknown;
  /**
   * Why: the in-memory registry's compatibility verdict. Why data written with `writer` cannot be
   * read with `reader` (both from `parseRegistered`), or undefined.
   */
  cannotRead(reader: unknown, writer: unknown): string | undefined;
}

/** One event's message payload in an AsyncAPI document, in the format's own schema format. */
export interface AsyncApiPayload {
  /** The message's `payload`: `{ schemaFormat, schema }`. */
  payload: Record<string, unknown>;
  /** An example event built from the schema, in the JSON form a reader of the document expects. */
  example: unknown;
  /** The schema's own description, if it has one: the message's summary. */
  summary: unknown;
  /** Where the example does not fit the schema (a JSON pointer), if it does not. */
  misfit: string | undefined;
}

/** How AsyncAPI 3.0 describes a format's events, or why the document leaves its topics out. */
export type AsyncApiSupport =
  | {
      /**
       * The payload of one event of the topic `model`; `overrides` are field values the example
       * takes as given; shared schemas the payload refers to are added to `components`
       * (`components.schemas`).
       */
      payload(
        model: TopicModel,
        event: EventModel,
        overrides: ExampleOverrides,
        components: Record<string, unknown>,
      ): AsyncApiPayload;
    }
  | {
      /** Why the format's topics are left out of the document (one clause, for the command's notes). */
      readonly leftOut: string;
    };

/** What documents about the contracts (AsyncAPI) ask of a format. */
export interface FormatDocuments {
  /** Why: documents name the media type of a message body (after the framing), as AsyncAPI does. */
  readonly contentType: string;
  /** Why: `contracts asyncapi` writes each event's payload in the format's own schema format (src/asyncapi). */
  readonly asyncApi: AsyncApiSupport;
}

/**
 * A schema format, in facets: who asks for what. Each facet is one caller's view (codegen, the
 * runtime's codec, the registry clients, the compatibility checker, the documents), so a member's
 * place says who needs it and a new format fills in each facet.
 */
export interface SchemaFormatModule {
  /** Why: the registry's `schemaType` ("AVRO", "JSON", "PROTOBUF") is the key callers find a format by. */
  readonly schemaType: SchemaFormat;
  /** Why: messages, docs and pages name the format for people ("Avro", "JSON Schema"). */
  readonly displayName: string;
  /** Why: codegen reads the schema files and writes what the format specialises (src/formats/<format>/reader.ts). */
  readonly codegen: FormatCodegen;
  /** Why: the runtime encodes and decodes message bodies in the format (src/formats/<format>/serde.ts). */
  readonly codec: FormatCodec;
  /** Why: the registry clients know how registries treat the format and how to judge it in memory. */
  readonly registry: FormatRegistry;
  /** Why: the offline compatibility engine (src/compat) checks the format with its rules (src/formats/<format>/compat/). */
  readonly compatibility: FormatCompatibility;
  /** Why: documents about the contracts (AsyncAPI) describe the format's payloads. */
  readonly documents: FormatDocuments;
}
