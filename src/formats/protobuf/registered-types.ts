/**
 * The types codegen gives a registered .proto file, for the UI's TypeScript view: every message
 * and enum of the file, decoded as plain.ts gives them, with what they use from its imports.
 * Without a topic config there are no event roles: no discriminator literals, no `…Input` types.
 */
import type { JsonSchema } from '../model';
import type { ReferenceSource, RegisteredText, TypesBundle } from '../format';
import { withReferences } from '../references';
import { protoFilesOf } from './files';
import { ProtobufNames, ProtobufProjection } from './projection';

export async function protobufRegisteredTypes(schema: RegisteredText, registry: ReferenceSource): Promise<TypesBundle> {
  const { root } = protoFilesOf(await withReferences(registry, schema));
  const projection = new ProtobufProjection(new ProtobufNames());
  const definitions: Record<string, JsonSchema> = {};
  const refs = root.messages.map((m) => projection.ref(m, 'decoded', definitions));
  for (const e of root.enums) projection.enumDefinition(e, 'decoded', definitions);
  const first =
    refs[0] ?? (root.enums[0] ? { $ref: `#/definitions/${projection.definitionName(root.enums[0], 'decoded')}` } : {});
  return { root: first, definitions };
}
