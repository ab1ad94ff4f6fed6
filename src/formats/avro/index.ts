/** Apache Avro behind the format seam: avsc types, binary bodies, named types as references. */
import type { SchemaFormatModule } from '../format';
import { readAvroTopic } from './reader';
import { createAvroCodec } from './serde';

export const AVRO_FORMAT: SchemaFormatModule = {
  schemaType: 'AVRO',
  displayName: 'Avro',
  readTopic: readAvroTopic,
  readsWithReferences: true,
  createCodec: createAvroCodec,
};
