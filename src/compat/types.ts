/**
 * Public types of the offline compatibility checker.
 *
 * A check compares a candidate schema with the registered history of a subject, the way a
 * Confluent-compatible registry does, but from local data only: every schema the versions import
 * comes with them as a `SchemaReference`, so nothing is fetched.
 */
import type { CompatibilityLevel, SchemaFormat } from '../config';

export type { CompatibilityLevel, SchemaFormat };

/** Any JSON value, as schemas are written. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Schema text (as in a `.avsc` / `.json` file) or its already parsed JSON. */
export type SchemaSource = string | JsonValue;

/**
 * A schema a version imports.
 * - Avro: a file/subject that defines named types (records, enums, fixed) used by name;
 *   `name` is informative (Confluent uses the full type name), the types it defines are what count.
 * - JSON Schema: a document that `$ref`s point at; `name` is what the `$ref` says before `#`
 *   (e.g. `money.json` in `{"$ref": "money.json#/definitions/Money"}`).
 */
export interface SchemaReference {
  name: string;
  schema: SchemaSource;
  /** References of the referenced schema itself (nested imports). */
  references?: SchemaReference[];
}

/** One version of a subject: the schema plus the schemas it imports. */
export interface SchemaVersion {
  schema: SchemaSource;
  references?: SchemaReference[];
  /** Registry version number, used in messages; defaults to the 1-based position in the history. */
  version?: number;
  /** Where the schema came from (file or `subject@version`), used in error messages. */
  source?: string;
}

/** Confluent's JSON Schema policy: LENIENT also accepts some open/closed content-model changes. */
export type JsonSchemaPolicy = 'STRICT' | 'LENIENT';

/**
 * Protobuf checks: `CONFLUENT` (the default) is Confluent's verdict; `WIRE` and `WIRE_JSON` also
 * refuse what buf breaking's category of that name refuses (run by buf itself: @bufbuild/buf must
 * be installed), for teams that want the wire reading Confluent does not make.
 */
export type ProtobufChecks = 'CONFLUENT' | 'WIRE' | 'WIRE_JSON';
export const PROTOBUF_CHECKS: readonly ProtobufChecks[] = ['CONFLUENT', 'WIRE', 'WIRE_JSON'];

export interface CompatibilityInput {
  format: SchemaFormat;
  level: CompatibilityLevel;
  /** Registered versions, oldest first. */
  previous: SchemaVersion[];
  candidate: SchemaVersion;
  /** JSON Schema only; default STRICT. */
  policy?: JsonSchemaPolicy;
  /** Protobuf only; default CONFLUENT. */
  protobufChecks?: ProtobufChecks;
  /** Also report differences that break nothing (compatible kinds); default false. */
  includeNonBreaking?: boolean;
}

/**
 * Which way a pair was checked.
 * BACKWARD: the candidate reads data written with a previous version;
 * FORWARD: a previous version reads data written with the candidate.
 */
export type CheckDirection = 'BACKWARD' | 'FORWARD';

export interface Finding {
  /** Stable SCREAMING_SNAKE rule ID from `COMPATIBILITY_RULES`. */
  ruleId: string;
  format: SchemaFormat;
  /** False only for non-breaking differences (reported with `includeNonBreaking`). */
  breaking: boolean;
  direction: CheckDirection;
  /** The level that was checked (the level this finding breaks when `breaking`). */
  level: CompatibilityLevel;
  /** Version number of the previous schema of the pair. */
  previousVersion: number;
  /** JSON-pointer-like path inside the schema (`/fields/2/type`, `/properties/total/maximum`). */
  path: string;
  /** Which schema `path` points into: the candidate, or the previous version when the element is gone. */
  pathIn: 'candidate' | 'previous';
  /** The fragment in the previous version (undefined when absent). */
  before?: JsonValue;
  /** The fragment in the candidate (undefined when absent). */
  after?: JsonValue;
  /** One sentence: what changed and which readers or writers it breaks. */
  message: string;
}

export interface CompatibilityResult {
  compatible: boolean;
  findings: Finding[];
}

export interface HistoryInput {
  format: SchemaFormat;
  level: CompatibilityLevel;
  /** All versions, oldest first; each is checked against those before it. */
  versions: SchemaVersion[];
  policy?: JsonSchemaPolicy;
  protobufChecks?: ProtobufChecks;
  includeNonBreaking?: boolean;
}

export interface HistoryStep extends CompatibilityResult {
  /** Version number of the version checked as candidate. */
  version: number;
}

export interface HistoryResult {
  compatible: boolean;
  /** One step per version after the first. */
  steps: HistoryStep[];
}

/** A rule's registry entry: what the docs table and the messages are built from. */
export interface RuleDefinition {
  id: string;
  format: SchemaFormat;
  /** Rule family (module), e.g. `avro/fields`, `json/string`. */
  family: string;
  /** One line: what the rule detects. */
  purpose: string;
  /** Whether the difference is accepted under each policy (Avro rules always break). */
  compatible: { STRICT: boolean; LENIENT: boolean };
  /** Checks in which the rule can appear. */
  directions: CheckDirection[];
}
