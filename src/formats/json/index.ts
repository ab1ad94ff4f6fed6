/** JSON Schema behind the format seam: UTF-8 JSON bodies, other documents referenced by `$ref`. */
import type { SchemaFormatModule } from '../format';
import { readJsonTopic } from './reader';
import { createJsonCodec } from './serde';

export const JSON_FORMAT: SchemaFormatModule = {
  schemaType: 'JSON',
  displayName: 'JSON Schema',
  // the body is read with the contract's own validators: the writer's schema text is not needed
  readTopic: readJsonTopic,
  readsWithReferences: false,
  createCodec: createJsonCodec,
};
