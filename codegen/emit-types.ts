/** TopicModel → `types.ts`: one interface per record, the topic's union, via json-schema-to-typescript. */
import { compile } from 'json-schema-to-typescript';
import type { JsonSchema, TopicModel } from './model';

const HOLDER = 'GeneratedTypesHolder';

export async function emitTypes(model: TopicModel): Promise<string> {
  // json-schema-to-typescript emits only what its root reaches (a union root drops the rest), so
  // the root is a holder object that references every definition; the holder itself is cut out.
  const { definitions, ...union } = structuredClone(model.typesSchema) as JsonSchema & {
    definitions: Record<string, JsonSchema>;
  };
  const unionName = String(union.title);
  const allDefinitions: Record<string, JsonSchema> = { [unionName]: union, ...definitions };
  const holder = {
    title: HOLDER,
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(Object.keys(allDefinitions).map((name) => [name, { $ref: `#/definitions/${name}` }])),
    definitions: allDefinitions,
  };
  const code = await compile(holder as Parameters<typeof compile>[0], HOLDER, {
    bannerComment: '',
    additionalProperties: false,
    declareExternallyReferenced: true,
    strictIndexSignatures: true,
    format: true,
    style: { singleQuote: true, printWidth: 110 },
    $refOptions: { resolve: { external: false } },
  });
  const holderBlock = new RegExp(`export interface ${HOLDER} \\{[\\s\\S]*?\\n\\}\\n`);
  if (!holderBlock.test(code)) throw new Error('json-schema-to-typescript output changed shape: holder interface not found');
  return code.replace(holderBlock, '');
}
