/**
 * The schema formats the kit reads and writes, found by the registry's schema type. Adding a
 * format is adding its folder and its line in FORMATS (and its name in SCHEMA_FORMATS, the base
 * layer's copy of the names that config, lock and registry validation use: see src/config.ts).
 */
import { UsageError } from '../errors';
import { AVRO_FORMAT } from './avro';
import type { SchemaFormatModule } from './format';
import { JSON_FORMAT } from './json';
import { PROTOBUF_FORMAT } from './protobuf';

export type {
  AsyncApiPayload,
  AsyncApiSupport,
  ChangeOptions,
  CodecOptions,
  FormatCodec,
  FormatCodegen,
  FormatDocuments,
  FormatRegistry,
  UnknownProperties,
  EventCodec,
  EventReader,
  EventWriter,
  FormatCompatibility,
  PairCheckOptions,
  ReferenceSource,
  RegisteredText,
  SchemaChange,
  SchemaFormatModule,
  SchemaReader,
  SchemaText,
  TypesBundle,
} from './format';

/** The schema type the Confluent API means when a request or an answer names none. */
export const DEFAULT_SCHEMA_TYPE = 'AVRO';

/**
 * Every format, in the order docs and rule lists show them: the one list of formats. Each one's
 * `schemaType` is a SchemaFormat, and a unit test (test/unit/formats/index.test.ts) holds the
 * names to SCHEMA_FORMATS, same names in the same order.
 */
export const FORMATS: readonly SchemaFormatModule[] = [AVRO_FORMAT, JSON_FORMAT, PROTOBUF_FORMAT];

const BY_TYPE = new Map<string, SchemaFormatModule>(FORMATS.map((format) => [format.schemaType, format]));

/** The format of a schema type, or undefined when the kit does not read it (yet). */
export function findFormat(schemaType: string): SchemaFormatModule | undefined {
  return BY_TYPE.get(schemaType);
}

/** The format of a schema type; a type the kit does not read is a usage error naming the ones it does. */
export function formatOf(schemaType: string): SchemaFormatModule {
  const format = BY_TYPE.get(schemaType);
  if (!format) {
    throw new UsageError(
      `unsupported schema format "${schemaType}"`,
      `use ${FORMATS.map((f) => f.schemaType).join(' or ')}`,
    );
  }
  return format;
}
