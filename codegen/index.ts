/**
 * The build step's public entry: schema files → TopicModel → generated TypeScript. The CLI's
 * `generate`, the operations that read the local contracts and the UI's TypeScript view use it;
 * codegen itself imports only the formats (each format's reader builds the model: src/formats)
 * and the shared base (config, errors, contract types, validation).
 */
export { generate, readTopics, emitAll, type GenerateOptions, type GenerateResult } from './generate';
export { compileDefinitions, emitTypes } from './emit-types';
export {
  pascalCase,
  constantCase,
  subjectFor,
  AUTO_FIELDS,
  type EventModel,
  type JsonSchema,
  type TopicModel,
} from '../src/formats/model';
