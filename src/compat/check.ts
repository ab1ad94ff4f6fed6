/**
 * Levels and histories: which previous versions a candidate is checked against, and in which
 * direction, as Confluent's compatibility checker does. Format-free: the caller hands in the
 * formats (`CheckFormats`); src/formats/compatibility.ts binds them to the kit's formats.
 */
import { UsageError } from '../errors';
import type { FormatCompatibility } from './format';
import type { CompatibilityRule } from './rule';
import type {
  CheckDirection,
  CompatibilityInput,
  CompatibilityLevel,
  CompatibilityResult,
  Finding,
  HistoryInput,
  HistoryResult,
  HistoryStep,
  JsonSchemaPolicy,
  ProtobufChecks,
  SchemaFormat,
  SchemaVersion,
} from './types';

const LEVELS: Record<CompatibilityLevel, { directions: CheckDirection[]; transitive: boolean }> = {
  NONE: { directions: [], transitive: false },
  BACKWARD: { directions: ['BACKWARD'], transitive: false },
  BACKWARD_TRANSITIVE: { directions: ['BACKWARD'], transitive: true },
  FORWARD: { directions: ['FORWARD'], transitive: false },
  FORWARD_TRANSITIVE: { directions: ['FORWARD'], transitive: true },
  FULL: { directions: ['BACKWARD', 'FORWARD'], transitive: false },
  FULL_TRANSITIVE: { directions: ['BACKWARD', 'FORWARD'], transitive: true },
};

/** What the engine asks of the formats: the one a schema type names, and every rule by its ID. */
export interface CheckFormats {
  /** The format's compatibility view; throws a UsageError for a schema type no format reads. */
  compatibilityOf(format: SchemaFormat): FormatCompatibility;
  /** Every rule of every format, by ID: what a pair check cites. */
  readonly rules: ReadonlyMap<string, CompatibilityRule>;
}

interface ParsedVersion {
  number: number;
  /** The format that parsed it, which compares it too. */
  format: FormatCompatibility;
  root: unknown;
}

function parseVersion(
  formats: CheckFormats,
  format: SchemaFormat,
  version: SchemaVersion,
  number: number,
): ParsedVersion {
  const label = version.source ?? `version ${number}`;
  const compatibility = formats.compatibilityOf(format);
  return { number, format: compatibility, root: compatibility.parse(version, label) };
}

function validateLevel(level: CompatibilityLevel): void {
  if (!(level in LEVELS)) {
    throw new UsageError(
      `unknown compatibility level "${String(level)}"`,
      `use one of ${Object.keys(LEVELS).join(', ')}`,
    );
  }
}

interface PairSettings {
  rules: ReadonlyMap<string, CompatibilityRule>;
  level: CompatibilityLevel;
  policy: JsonSchemaPolicy;
  protobufChecks: ProtobufChecks;
  includeNonBreaking: boolean;
}

function checkParsed(
  previous: readonly ParsedVersion[],
  candidate: ParsedVersion,
  settings: PairSettings,
): CompatibilityResult {
  const { directions, transitive } = LEVELS[settings.level];
  const against = transitive ? previous : previous.slice(-1);
  const findings: Finding[] = [];
  // Newest first, so the most relevant findings lead.
  for (const old of [...against].reverse()) {
    for (const direction of directions) {
      if (old.format !== candidate.format) continue;
      const pairFindings = candidate.format.checkPair(old.root, candidate.root, {
        direction,
        level: settings.level,
        previousVersion: old.number,
        rules: settings.rules,
        policy: settings.policy,
        protobufChecks: settings.protobufChecks,
        includeNonBreaking: settings.includeNonBreaking,
      });
      findings.push(...pairFindings);
    }
  }
  const breaking = findings.filter((f) => f.breaking);
  return { compatible: breaking.length === 0, findings: settings.includeNonBreaking ? findings : breaking };
}

/**
 * Is `candidate` compatible with the registered `previous` versions at `level`?
 * Throws `SchemaFileError` for a schema that cannot be parsed or whose references are missing.
 */
export function checkCompatibility(input: CompatibilityInput, formats: CheckFormats): CompatibilityResult {
  validateLevel(input.level);
  if (input.level === 'NONE' || input.previous.length === 0) {
    // Still parse the candidate: NONE accepts any change, not a broken schema.
    parseVersion(formats, input.format, input.candidate, input.candidate.version ?? input.previous.length + 1);
    return { compatible: true, findings: [] };
  }
  const { transitive } = LEVELS[input.level];
  const numbered = input.previous.map((v, i) => ({ v, number: v.version ?? i + 1 }));
  // Only versions the level looks at are parsed.
  const used = transitive ? numbered : numbered.slice(-1);
  const previous = used.map(({ v, number }) => parseVersion(formats, input.format, v, number));
  const candidate = parseVersion(
    formats,
    input.format,
    input.candidate,
    input.candidate.version ?? input.previous.length + 1,
  );
  return checkParsed(previous, candidate, {
    rules: formats.rules,
    level: input.level,
    policy: input.policy ?? 'STRICT',
    protobufChecks: input.protobufChecks ?? 'CONFLUENT',
    includeNonBreaking: input.includeNonBreaking ?? false,
  });
}

/**
 * Walks a whole history: every version is checked against the ones before it, as if each had
 * been registered in turn under `level`. Each version is parsed once.
 */
export function checkHistory(input: HistoryInput, formats: CheckFormats): HistoryResult {
  validateLevel(input.level);
  const parsed = input.versions.map((v, i) => parseVersion(formats, input.format, v, v.version ?? i + 1));
  const settings: PairSettings = {
    rules: formats.rules,
    level: input.level,
    policy: input.policy ?? 'STRICT',
    protobufChecks: input.protobufChecks ?? 'CONFLUENT',
    includeNonBreaking: input.includeNonBreaking ?? false,
  };
  const steps: HistoryStep[] = [];
  for (let i = 1; i < parsed.length; i++) {
    const candidate = parsed[i] as ParsedVersion;
    const result =
      input.level === 'NONE'
        ? { compatible: true, findings: [] }
        : checkParsed(parsed.slice(0, i), candidate, settings);
    steps.push({ version: candidate.number, ...result });
  }
  return { compatible: steps.every((s) => s.compatible), steps };
}
