/**
 * Offline schema compatibility: Avro by Apache Avro's schema-resolution rules as Confluent applies
 * them, JSON Schema by Confluent's JSON Schema diff (STRICT or LENIENT), every level, references
 * resolved from local data. Findings are data; nothing here prints.
 */
export { checkCompatibility, checkHistory } from './check';
export { COMPATIBILITY_RULES, listRules, renderRulesTable } from './rules';
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
  RuleDefinition,
  SchemaFormat,
  SchemaReference,
  SchemaSource,
  SchemaVersion,
} from './types';
