/** Apache Avro behind the format seam: avsc types, binary bodies, named types as references. */
import { checkAvroPair } from './compat';
import { parseAvroVersion } from './compat/parse';
import { AVRO_FIELD_RULES } from './compat/rules/fields';
import { AVRO_NAMED_RULES } from './compat/rules/named';
import { AVRO_TYPE_RULES } from './compat/rules/types';
import type * as avro from 'avsc';
import { parseAvroSchemas } from './types';
import { avroAsyncApiPayload } from './asyncapi';
import type { SchemaFormatModule } from '../format';
import { withReferences } from '../references';
import { avroRegisteredTypes } from './registered-types';

import { avroChanges } from './changes';
import { readAvroTopic } from './reader';
import { avroCodecSource } from './codec-source';
import { createAvroCodec } from './serde';
import { avroTaggedFields } from './tags';

export const AVRO_FORMAT: SchemaFormatModule = {
  schemaType: 'AVRO',
  displayName: 'Avro',
  codegen: {
    readTopic: readAvroTopic,
    registeredTypes: async (schema, registry, rootName) =>
      avroRegisteredTypes(await withReferences(registry, schema), rootName),
    emitCodec: avroCodecSource,
  },
  codec: {
    readsWithReferences: true,
    createCodec: createAvroCodec,
    timestampNow: () => new Date(),
    schemaReader(schemas) {
      const { types } = parseAvroSchemas(schemas.map((s) => JSON.parse(s.schema) as unknown));
      const type = types[types.length - 1]!;
      // a wrapped union value is { "full.Name": record }: the record is what a reader wants to see
      const unwrap = type.typeName === 'union:wrapped';
      return (body) => {
        const decoded: unknown = type.fromBuffer(body);
        return unwrap && decoded && typeof decoded === 'object' ? Object.values(decoded)[0] : decoded;
      };
    },
    taggedFields: avroTaggedFields,
  },
  registry: {
    referenceFeatures: { test: 'compatibility-avro-references' },
    parseRegistered(schemas) {
      const { types } = parseAvroSchemas(schemas.map((s) => JSON.parse(s.schema) as unknown));
      return types[types.length - 1];
    },
    cannotRead(reader, writer) {
      try {
        (reader as avro.Type).createResolver(writer as avro.Type);
        return undefined;
      } catch (cause) {
        return (cause as Error).message;
      }
    },
  },
  compatibility: {
    rules: [...AVRO_FIELD_RULES, ...AVRO_TYPE_RULES, ...AVRO_NAMED_RULES],
    // Java's reader/writer resolution: every finding breaks, at any policy
    policies: false,
    parse: parseAvroVersion,
    changes: avroChanges,
    checkPair: checkAvroPair,
  },
  documents: {
    // the Avro specification's media type for binary-encoded data
    contentType: 'avro/binary',
    asyncApi: { payload: avroAsyncApiPayload },
  },
};
