/**
 * The Schema Registry calls the kit makes, as one interface with two implementations: HTTP
 * (Confluent Schema Registry, Apicurio 3 ccompat) and in memory (for users' unit tests).
 */
import type { CompatibilityLevel } from '../config';
import type { RegistryCapabilities } from './capabilities';

// The registry's `schemaType`: the kit's formats, SchemaFormat (SCHEMA_FORMATS in src/config.ts).
// Spelled out rather than `= SchemaFormat` because the public API report (api/) prints a type as
// written and this one is public; test/types/formats.types.ts holds it equal to SchemaFormat.
export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';

/** A schema this schema imports: `name` is how it refers to it (Avro full name, JSON `$ref`). */
export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

export interface SchemaInput {
  schema: string;
  /** Defaults to AVRO, as in Confluent's API. */
  schemaType?: SchemaType;
  references?: SchemaReference[];
}

/** A schema as the registry stores it (GET /schemas/ids/{id}). */
export interface StoredSchema {
  schema: string;
  schemaType: SchemaType;
  references: SchemaReference[];
}

/** A version of a subject (GET /subjects/{s}/versions/{v}, POST /subjects/{s}). */
export interface SubjectVersion extends StoredSchema {
  subject: string;
  version: number;
  id: number;
}

export interface CompatibilityTestOptions {
  against?: 'latest' | 'all' | number;
}

export interface CompatibilityResult {
  isCompatible: boolean;
  /** Why not, as the registry words it (verbose=true). */
  messages: string[];
}

/** What the registry was asked, for counting calls in tests and the benchmark. */
export interface RegistryRequestInfo {
  method: string;
  /** Path below the registry URL, e.g. `/schemas/ids/3`. */
  path: string;
}

export interface SchemaRegistryClient {
  /** The registry URL without credentials (safe to print). */
  readonly url: string;
  /** Registry calls made so far (HTTP requests, or calls into the in-memory registry). */
  readonly requestCount: number;
  /** The optional routes this registry answered so far, and the fallbacks in use (see capabilities.ts). */
  readonly capabilities?: RegistryCapabilities;
  /** Registers a schema under a subject (idempotent: the same schema gets the same ID back). */
  register(subject: string, schema: SchemaInput): Promise<{ id: number }>;
  /** The version of `subject` that holds `schema` (POST /subjects/{s}). Cached. */
  lookup(subject: string, schema: SchemaInput): Promise<SubjectVersion>;
  /** The schema with this ID and its references (GET /schemas/ids/{id}). Cached forever. */
  getSchemaById(id: number): Promise<StoredSchema>;
  /** The subjects and versions that hold the schema with this ID (GET /schemas/ids/{id}/versions). */
  getSubjectVersionsById(id: number): Promise<Array<{ subject: string; version: number }>>;
  /** A version of a subject, or its latest. Numbered versions are cached. */
  getSubjectVersion(subject: string, version: number | 'latest'): Promise<SubjectVersion>;
  listSubjects(): Promise<string[]>;
  listVersions(subject: string): Promise<number[]>;
  /** The subject's level, or the global one without a subject; null when the subject has none. */
  getCompatibility(subject?: string): Promise<CompatibilityLevel | null>;
  setCompatibility(level: CompatibilityLevel, subject?: string): Promise<CompatibilityLevel>;
  /**
   * Would `schema` be accepted as the next version of `subject`? By default the registry checks it
   * against the latest version (POST /compatibility/subjects/{s}/versions/latest; compatible when
   * the subject has no version); `against: 'all'` checks every version (POST …/versions, what
   * transitive levels need: Confluent and Apicurio compare with the latest only at `latest`; a
   * registry without that route gets one test per version), a number one version.
   */
  testCompatibility(
    subject: string,
    schema: SchemaInput,
    options?: CompatibilityTestOptions,
  ): Promise<CompatibilityResult>;
}

export { REGISTRY_ERROR_CODES } from './error-codes';
