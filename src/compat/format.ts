/**
 * What a format gives the compatibility engine (check.ts): its rules, a parse of one version and a
 * check of one pair, the named changes between two versions. The formats implement it (their
 * rules live in src/formats/<format>/compat/); the engine walks levels and histories over it and
 * never knows which format it holds.
 */
import type { CompatibilityRule } from './rule';
import type {
  CheckDirection,
  CompatibilityLevel,
  Finding,
  JsonSchemaPolicy,
  JsonValue,
  ProtobufChecks,
  SchemaVersion,
} from './types';

/** What one pair check is asked: the direction, the level it serves, and the rules to cite. */
export interface PairCheckOptions {
  direction: CheckDirection;
  level: CompatibilityLevel;
  previousVersion: number;
  rules: ReadonlyMap<string, CompatibilityRule>;
  /** JSON Schema's STRICT or LENIENT; a format without policies ignores it. */
  policy: JsonSchemaPolicy;
  /** Protobuf's: Confluent's verdict alone, or buf breaking's WIRE / WIRE_JSON beside it. */
  protobufChecks: ProtobufChecks;
  /** Findings for differences that break nothing too (a diff lists every change). */
  includeNonBreaking: boolean;
}

/** One change between two versions of a subject, as `contracts diff` and the UI list them. */
export interface SchemaChange {
  /** Avro: an `AvroChangeKind`; JSON Schema: the difference type (rule ID) of Confluent's diff. */
  kind: string;
  /** JSON-pointer-like path, as the checker's findings use it. */
  path: string;
  pathIn: 'candidate' | 'previous';
  before?: JsonValue;
  after?: JsonValue;
  /** One sentence naming the element and what changed. */
  description: string;
  /** The breaking findings at the subject's level this change causes; empty when it breaks nothing. */
  breaks: Finding[];
}

/** What naming the changes between two versions needs: the JSON Schema policy, the rules to cite. */
export interface ChangeOptions {
  policy?: JsonSchemaPolicy;
  protobufChecks?: ProtobufChecks;
  rules: ReadonlyMap<string, CompatibilityRule>;
}

/**
 * The entry to a format's compatibility rules: check.ts walks levels and histories and
 * asks the format only to parse a version and to compare two parsed versions. `Parsed` is the
 * format's own tree (opaque to the checker), parsed once per version however many pairs use it.
 */
export interface FormatCompatibility<Parsed = unknown> {
  /** The rules the format's findings cite, in docs order; COMPATIBILITY_RULES is their union. */
  readonly rules: readonly CompatibilityRule[];
  /**
   * Whether a policy (STRICT/LENIENT) decides which rules break: JSON Schema's do, every Avro
   * finding breaks (the docs table shows "—" for LENIENT).
   */
  readonly policies: boolean;
  /** A version and its references (resolved from local data); throws SchemaFileError naming `label`. */
  parse(version: SchemaVersion, label: string): Parsed;
  /** The findings for one pair in one direction, the candidate against one previous version. */
  checkPair(previous: Parsed, candidate: Parsed, options: PairCheckOptions): Finding[];
  /**
   * The changes from `previous` to `candidate`, each at the path the findings use, so the diff
   * attaches each breaking finding to the change that causes it (src/registration/diff.ts).
   */
  changes(previous: SchemaVersion, candidate: SchemaVersion, options: ChangeOptions): SchemaChange[];
}
