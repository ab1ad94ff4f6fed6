/**
 * What ties a generated codec to the schema it was generated from: a hash of the parsed type with
 * every attribute (logical types, defaults), so codegen and the runtime compute it alike and a
 * stale `codec.ts` is never used for a schema it was not written for.
 */
import { createHash } from 'node:crypto';
import type * as avro from 'avsc';

export function avroCodecFingerprint(type: avro.Type): string {
  return createHash('sha256')
    .update(JSON.stringify(type.schema({ exportAttrs: true })))
    .digest('hex');
}
