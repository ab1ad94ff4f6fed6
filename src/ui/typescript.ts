/**
 * The TypeScript codegen gives a registered schema: its decoded types, as `types.ts` declares them.
 *
 * A registered version is not a topic config (no event types, no file layout), so this builds the
 * same kind of input codegen's emitter takes — one JSON Schema whose `definitions` hold every named
 * type — from the schema and its references, and compiles it with json-schema-to-typescript and
 * the emitter's settings. Avro types are parsed with the runtime's avsc options, so timestamps are
 * `Date`, enums string unions and unions shaped as the decoder returns them. What needs the config
 * is left out: discriminator literals (`eventType` stays `string`) and the `…Input` types.
 */
import { compileDefinitions } from '../../codegen';
import { ContractsError } from '../errors';
import { findFormat, FORMATS, type TypesBundle } from '../formats';
import { typeScriptName } from '../formats/model';
import type { SchemaRegistryClient, StoredSchema } from '../registry/types';

type JsonSchema = Record<string, unknown>;

export interface TypeScriptOptions {
  registry: Pick<SchemaRegistryClient, 'getSubjectVersion'>;
  /** Names the root type when it has no name of its own (an Avro union, an untitled JSON Schema). */
  subject: string;
  schema: StoredSchema;
}

export async function renderTypeScript(options: TypeScriptOptions): Promise<string> {
  const rootName = rootTypeName(options.subject);
  const format = findFormat(options.schema.schemaType);
  if (!format) {
    throw new ContractsError(
      'USAGE',
      `codegen reads ${FORMATS.map((f) => f.displayName).join(' and ')}, not ${options.schema.schemaType}`,
    );
  }
  return compileBundle(await format.codegen.registeredTypes(options.schema, options.registry, rootName));
}

/** `bookings-value` → `BookingsEvent` (codegen's name for a topic's union), else the subject in PascalCase. */
export function rootTypeName(subject: string): string {
  const topic = subject.replace(/-(value|key)$/, '');
  return topic === subject ? typeScriptName(subject) : `${typeScriptName(topic)}Event`;
}

async function compileBundle(bundle: TypesBundle): Promise<string> {
  const { definitions: nested, ...rootRest } = bundle.root as JsonSchema & { definitions?: Record<string, JsonSchema> };
  const rootTitle = typeof rootRest.title === 'string' ? rootRest.title : undefined;
  const all: Record<string, JsonSchema> = { ...(nested ?? {}), ...bundle.definitions };
  if (rootTitle && !('$ref' in rootRest)) all[rootTitle] = rootRest;
  return compileDefinitions(all);
}
