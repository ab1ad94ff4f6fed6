/**
 * JSON Schema reading and writing for a contract, as Confluent's JSON Schema serializers frame it:
 * UTF-8 JSON after the 5-byte header. On the way out the body was validated against the
 * contract's own schema (by the serde); on the way in it is validated against the schema it was
 * written with and projected onto the contract (resolve.ts).
 */
import type { TopicContract } from '../../contract';
import { encodeFrame, HEADER_SIZE } from '../../wire/encode';
import type { CodecOptions, EventCodec } from '../format';
import { createJsonResolver } from './resolve';

export function createJsonCodec(contract: TopicContract, options: CodecOptions = {}): EventCodec {
  const resolver = createJsonResolver(contract, options);
  return {
    writer(_subject, _event, schemaId) {
      return (event) => encodeFrame(schemaId, Buffer.from(JSON.stringify(event), 'utf8'));
    },
    reader(schemas, schemaId) {
      const plan = resolver.plan(schemas, schemaId);
      return (message) => resolver.read(plan, message, HEADER_SIZE);
    },
  };
}
