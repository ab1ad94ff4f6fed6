/**
 * `contracts asyncapi`: the contracts as an AsyncAPI 3.0 document for event catalogs and API
 * portals (EventCatalog, Backstage, AsyncAPI Studio), and the drift check against the committed one.
 */
export {
  ASYNCAPI_VERSION,
  KAFKA_BINDING_VERSION,
  buildAsyncApiDocument,
  type AsyncApiDocument,
  type AsyncApiOptions,
  type AsyncApiResult,
} from './document';
export {
  DEFAULT_ASYNCAPI_FILE,
  compareAsyncApi,
  formatOf,
  renderAsyncApi,
  type AsyncApiFormat,
  type AsyncApiStaleness,
} from './render';
export { AVRO_SCHEMA_FORMAT } from '../formats/avro/asyncapi';
export { JSON_SCHEMA_FORMAT } from '../formats/json/asyncapi';
