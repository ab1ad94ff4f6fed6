/** Apache Avro behind the format seam: avsc types, binary bodies, named types as references. */
import { checkAvroPair } from '../../compat/avro';
import { parseAvroVersion } from '../../compat/avro/parse';
import { AVRO_FIELD_RULES } from '../../compat/avro/rules/fields';
import { AVRO_NAMED_RULES } from '../../compat/avro/rules/named';
import { AVRO_TYPE_RULES } from '../../compat/avro/rules/types';
import type * as avro from 'avsc';
import { parseAvroSchemas } from '../../avro/types';
import type { SchemaFormatModule } from '../format';
import { readAvroTopic } from './reader';
import { createAvroCodec } from './serde';

export const AVRO_FORMAT: SchemaFormatModule = {
  schemaType: 'AVRO',
  displayName: 'Avro',
  readTopic: readAvroTopic,
  readsWithReferences: true,
  createCodec: createAvroCodec,
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
  compatibility: {
    rules: [...AVRO_FIELD_RULES, ...AVRO_TYPE_RULES, ...AVRO_NAMED_RULES],
    // Java's reader/writer resolution: every finding breaks, at any policy
    policies: false,
    parse: parseAvroVersion,
    checkPair: checkAvroPair,
  },
};
