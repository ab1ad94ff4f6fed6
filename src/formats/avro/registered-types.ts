/**
 * The types codegen would give a registered Avro schema, outside a topic config (no event types,
 * no discriminator literals, no `…Input` types): for the UI's TypeScript view. Avro types are
 * parsed with the runtime's avsc options, so timestamps are `Date`, enums string unions and unions
 * shaped as the decoder returns them.
 */
import type * as avro from 'avsc';
import { parseAvroSchemas } from './types';
import { ContractsError } from '../../errors';
import type { SchemaText, TypesBundle } from '../format';
import type { JsonSchema } from '../model';
import { AvroProjection, TypeNames } from './projection';

/** A registered Avro schema's types (its references first): codegen's projection, decoded form only. */
export function avroRegisteredTypes(all: readonly SchemaText[], rootName: string): TypesBundle {
  let types: avro.Type[];
  let registry: Record<string, avro.Type>;
  try {
    ({ types, registry } = parseAvroSchemas(all.map((s) => JSON.parse(s.schema) as unknown)));
  } catch (cause) {
    throw new ContractsError(
      'SCHEMA_INVALID',
      `the registered schema is not valid Avro for avsc: ${(cause as Error).message}`,
      { cause },
    );
  }
  // codegen's own projection, outside a topic: no discriminator constant, decoded form only
  const projection = new AvroProjection(new TypeNames(Object.values(registry)));
  const definitions: Record<string, JsonSchema> = {};
  const rootType = types[types.length - 1]!;
  if (rootType.name) {
    return { root: projection.ref(rootType, 'decoded', definitions), definitions };
  }
  // the topic's event union: the decoder unwraps it, so codegen declares `A | B | …`, named after the topic
  if (rootType.typeName.startsWith('union')) {
    const branches = (rootType as unknown as { types: avro.Type[] }).types;
    return {
      root: { title: rootName, oneOf: branches.map((t) => projection.project(t, 'decoded', definitions)) },
      definitions,
    };
  }
  return { root: { title: rootName, ...projection.project(rootType, 'decoded', definitions) }, definitions };
}
