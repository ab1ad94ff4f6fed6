/**
 * The offline compatibility engine, format-free: levels and histories (check.ts), the rule type
 * and its messages (rule.ts), findings and inputs as data (types.ts), and what a format gives the
 * engine (format.ts). One floor below the formats: each format's rules live in its own folder
 * (src/formats/<format>/compat/), and src/formats/compatibility.ts binds the engine to them
 * (checkCompatibility, checkHistory, COMPATIBILITY_RULES). Nothing here imports a format.
 */
export type { CheckFormats } from './check';
export type { ChangeOptions, FormatCompatibility, PairCheckOptions, SchemaChange } from './format';
export type { CompatibilityRule, DescribeContext } from './rule';
export type {
  CheckDirection,
  CompatibilityInput,
  CompatibilityLevel,
  CompatibilityResult,
  Finding,
  HistoryInput,
  HistoryResult,
  HistoryStep,
  JsonSchemaPolicy,
  JsonValue,
  ProtobufChecks,
  RuleDefinition,
  SchemaFormat,
  SchemaReference,
  SchemaSource,
  SchemaVersion,
} from './types';
export { PROTOBUF_CHECKS } from './types';
