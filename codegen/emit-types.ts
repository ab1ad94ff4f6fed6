/** TopicModel → `types.ts`: one interface per record, the topic's union, via json-schema-to-typescript. */
import { compile } from 'json-schema-to-typescript';
import type { JsonSchema, TopicModel } from '../src/formats/model';

const HOLDER = 'GeneratedTypesHolder';

export async function emitTypes(model: TopicModel): Promise<string> {
  const { definitions, ...union } = structuredClone(model.typesSchema) as JsonSchema & {
    definitions: Record<string, JsonSchema>;
  };
  return compileDefinitions({ [String(union.title)]: union, ...definitions });
}

/**
 * Compiles named JSON Schemas (`$ref`s as `#/definitions/<name>`) into one TypeScript declaration
 * each, with the kit's settings. json-schema-to-typescript emits only what its root reaches (a
 * union root drops the rest), so the root is a holder that references every definition; the
 * holder itself is cut out.
 */
export async function compileDefinitions(definitions: Record<string, JsonSchema>): Promise<string> {
  const holder = {
    title: HOLDER,
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(Object.keys(definitions).map((name) => [name, { $ref: `#/definitions/${name}` }])),
    // json-schema-to-typescript mutates its input
    definitions: structuredClone(definitions),
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
  const holderBlock = new RegExp(`export interface ${HOLDER} \\{[\\s\\S]*?\\n\\}\\n\\s*`);
  if (!holderBlock.test(code))
    throw new Error('json-schema-to-typescript output changed shape: holder interface not found');
  return code.replace(holderBlock, '');
}
