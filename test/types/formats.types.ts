/**
 * Compile-time assertions on the one list of formats (checked by `npm run typecheck`): the names
 * the config, the lock file and the registry types use are SCHEMA_FORMATS's (src/config.ts).
 */
import type { SchemaFormat } from '../../src/config';
import type { SchemaFormatModule } from '../../src/formats';
import type { SchemaType } from '../../src/registry/types';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

// the registry's SchemaType is spelled out for the API report: it names exactly the kit's formats
assertType<Equal<SchemaType, SchemaFormat>>();
// a format is found by one of those names
assertType<Equal<SchemaFormatModule['schemaType'], SchemaFormat>>();
