/**
 * What a schema format brings to the kit, as the Confluent-registry clients keep one helper per
 * format: codegen's reader of the schema files, the runtime's encode and decode, the entry to its
 * compatibility rules. Every format lives in its own folder (`avro/`, `json/`)
 * behind this one interface, and the callers find it by the registry's schema type
 * (`formatOf('AVRO')`), so a new format is a new folder and one line in `index.ts`.
 */
import type { FormatCompatibility } from '../compat/format';
import type { SchemaFormat, TopicConfig } from '../config';
import type { EventContract, TopicContract } from '../contract';
import type { TopicModel } from './model';

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

export interface SchemaFormatModule {
  /** The registry's `schemaType` ("AVRO", "JSON", "PROTOBUF"): the key callers find a format by. */
  readonly schemaType: SchemaFormat;
  /** How messages and docs name the format ("Avro", "JSON Schema"). */
  readonly displayName: string;
  /** The media type of a message body (after the framing), as documents such as AsyncAPI name it. */
  readonly contentType: string;

  /**
   * Codegen's reader: the topic's schema files (config order: references, events, value) → the
   * model the emitters take, with the schemas to register dependencies first. Throws
   * SchemaFileError naming the file and the JSON pointer of what is wrong.
   */
  readTopic(topic: TopicConfig, rootDir: string): TopicModel;

  /**
   * The types codegen gives a registered schema outside any topic config (the UI's TypeScript
   * view): the format reads the references it needs from `registry`; `rootName` names a root
   * without a name of its own (an Avro union, an untitled JSON Schema).
   */
  registeredTypes(schema: RegisteredText, registry: ReferenceSource, rootName: string): Promise<TypesBundle>;

  /**
   * Whether decoding needs the writer schema's references fetched too (Avro parses the named types
   * they define); a format that reads the body without its schema skips those registry calls.
   */
  readonly readsWithReferences: boolean;
  /**
   * Codegen's specialised codec for a topic (`codec.ts`, a GeneratedCodec the topic's contract
   * carries), when the format has one for its schemas; its runtime uses it where it applies.
   */
  emitCodec?(model: TopicModel): { source: string; exportName: string } | undefined;
  /** Encode/decode for one contract of this format (its own schemas are the reader side). */
  createCodec(contract: TopicContract, options?: CodecOptions): EventCodec;
  /**
   * The value the producer fills an absent `timestamp` with: what the format's decoder returns for
   * it (a Date for Avro's timestamp-millis, an ISO string for JSON Schema's date-time).
   */
  timestampNow(): unknown;
  /**
   * A reader of any message framed with one writer schema, for a topic without a contract
   * (`contracts tail`): `schemas` as for EventCodec.reader; the value as the format decodes it.
   * Throws (parse errors included) for a body or schema it cannot read.
   */
  schemaReader(schemas: readonly SchemaText[]): SchemaReader;

  /**
   * The registry features (src/registry/capabilities.ts) a schema of this format with references
   * may find missing: `test`, a compatibility test of it; `register`, registering it at all (some
   * registries refuse JSON Schema references; the kit then tells how to bundle them).
   */
  readonly referenceFeatures: { readonly test: string; readonly register?: string };

  /**
   * The in-memory registry's stand-in for a real registry's parse on registration: `schemas` is the
   * schema last, after its references when the format reads with them. Throws the reason a registry
   * would give (422); returns what `cannotRead` compares, or undefined when versions of the format
   * are not compared there (accepted as compatible).
   */
  parseRegistered(schemas: readonly SchemaText[]): unknown;
  /** Why data written with `writer` cannot be read with `reader` (both from `parseRegistered`), or undefined. */
  cannotRead(reader: unknown, writer: unknown): string | undefined;

  /** The offline compatibility checker's view of the format (rules in src/compat/<format>/). */
  readonly compatibility: FormatCompatibility;
}
