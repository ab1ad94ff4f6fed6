/** JSON Schema behind the format seam: UTF-8 JSON bodies, other documents referenced by `$ref`. */
import { jsonTaggedFields } from './tags';
import { checkJsonPair } from './compat';
import { parseJsonSchemaVersion } from './compat/parse';
import { JSON_ARRAY_RULES } from './compat/rules/array';
import { JSON_COMBINED_RULES } from './compat/rules/combined';
import { JSON_ENUM_RULES } from './compat/rules/enum';
import { JSON_NOT_RULES } from './compat/rules/not';
import { JSON_NUMBER_RULES } from './compat/rules/number';
import { JSON_OBJECT_RULES } from './compat/rules/object';
import { JSON_STRING_RULES } from './compat/rules/string';
import { JSON_TYPE_RULES } from './compat/rules/types';
import { jsonAsyncApiPayload } from './asyncapi';
import type { SchemaFormatModule } from '../format';
import { jsonRegisteredTypes } from './registered-types';

import { jsonChanges } from './changes';
import { readJsonTopic } from './reader';
import { createJsonCodec } from './serde';

export const JSON_FORMAT: SchemaFormatModule = {
  schemaType: 'JSON',
  displayName: 'JSON Schema',
  codegen: {
    readTopic: readJsonTopic,
    registeredTypes: jsonRegisteredTypes,
  },
  codec: {
    // a body is validated by its writer's schema, which needs the schemas its `$ref`s name
    readsWithReferences: true,
    createCodec: createJsonCodec,
    timestampNow: () => new Date().toISOString(),
    schemaReader: () => (body) => JSON.parse(body.toString('utf8')) as unknown,
    taggedFields: jsonTaggedFields,
  },
  registry: {
    referenceFeatures: { test: 'compatibility-json-references', register: 'json-schema-references' },
    parseRegistered(schemas) {
      // the in-memory registry checks that the text is JSON and compares no JSON Schema versions
      JSON.parse(schemas[schemas.length - 1]!.schema);
      return undefined;
    },
    cannotRead: () => undefined,
  },
  compatibility: {
    rules: [
      ...JSON_TYPE_RULES,
      ...JSON_STRING_RULES,
      ...JSON_NUMBER_RULES,
      ...JSON_ENUM_RULES,
      ...JSON_OBJECT_RULES,
      ...JSON_ARRAY_RULES,
      ...JSON_COMBINED_RULES,
      ...JSON_NOT_RULES,
    ],
    // Confluent's diff: the policy (STRICT or LENIENT) says which differences break
    policies: true,
    parse: parseJsonSchemaVersion,
    changes: jsonChanges,
    checkPair: checkJsonPair,
  },
  documents: {
    contentType: 'application/json',
    asyncApi: { payload: jsonAsyncApiPayload },
  },
};
