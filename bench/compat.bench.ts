/**
 * Offline compatibility benchmark: 500 subjects × 10 versions, every version checked against the
 * ones before it under FULL_TRANSITIVE (the most expensive level), for Avro and for JSON Schema.
 * Issue 5's target: under 10 s. Run: npx tsx bench/compat.bench.ts [subjects] [versions]
 */
import { performance } from 'node:perf_hooks';
import { checkCompatibility, checkHistory } from '../src/formats/compatibility';
import type { JsonValue, SchemaFormat, SchemaVersion } from '../src/compat';

const SUBJECTS = Number(process.argv[2] ?? 500);
const VERSIONS = Number(process.argv[3] ?? 10);

/** A realistic event: ~15 base fields (nested record, enum, union, array, map), one optional field added per version. */
function avroVersion(subject: number, version: number): JsonValue {
  const fields: JsonValue[] = [
    { name: 'eventId', type: 'string' },
    { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
    {
      name: 'status',
      type: { type: 'enum', name: 'Status', symbols: ['HELD', 'CONFIRMED', 'CANCELLED'], default: 'HELD' },
    },
    {
      name: 'price',
      type: {
        type: 'record',
        name: 'Money',
        fields: [
          { name: 'amountMinor', type: 'long' },
          { name: 'currency', type: 'string' },
        ],
      },
    },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
    { name: 'attributes', type: { type: 'map', values: 'string' }, default: {} },
    ...Array.from({ length: 8 }, (_, i) => ({ name: `base${i}`, type: i % 2 ? 'int' : 'string' })),
    ...Array.from({ length: version }, (_, i) => ({ name: `added${i}`, type: ['null', 'long'], default: null })),
  ];
  return { type: 'record', name: `Event${subject}`, namespace: 'com.example.bench', fields };
}

function jsonVersion(subject: number, version: number): JsonValue {
  const properties: Record<string, JsonValue> = {
    eventId: { type: 'string', minLength: 1 },
    occurredAt: { type: 'string', format: 'date-time' },
    status: { enum: ['HELD', 'CONFIRMED', 'CANCELLED'] },
    price: { $ref: '#/definitions/Money' },
    note: { type: ['string', 'null'] },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 20 },
  };
  for (let i = 0; i < 8; i++)
    properties[`base${i}`] = i % 2 ? { type: 'integer', minimum: 0 } : { type: 'string', maxLength: 64 };
  for (let i = 0; i < version; i++) properties[`added${i}`] = { type: 'integer' };
  return {
    $id: `event-${subject}.json`,
    type: 'object',
    properties,
    required: ['eventId', 'occurredAt'],
    // Closed, so adding optional properties is backward compatible under STRICT.
    additionalProperties: false,
    definitions: {
      Money: {
        type: 'object',
        properties: { amountMinor: { type: 'integer' }, currency: { type: 'string' } },
        required: ['amountMinor', 'currency'],
      },
    },
  };
}

function run(format: SchemaFormat): void {
  const build = format === 'AVRO' ? avroVersion : jsonVersion;
  const histories: SchemaVersion[][] = Array.from({ length: SUBJECTS }, (_, s) =>
    Array.from({ length: VERSIONS }, (_, v) => ({ schema: JSON.stringify(build(s, v)) })),
  );
  const level = 'FULL_TRANSITIVE';

  // What `contracts check --against` does: each subject's newest version against its 9 predecessors.
  let started = performance.now();
  let incompatible = 0;
  for (const versions of histories) {
    const result = checkCompatibility({
      format,
      level,
      previous: versions.slice(0, -1),
      candidate: versions[versions.length - 1] as SchemaVersion,
    });
    if (!result.compatible) incompatible++;
  }
  let seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${format}: check ${SUBJECTS} subjects × ${VERSIONS} versions (newest vs all before, ${level}): ${seconds.toFixed(2)} s; ${incompatible} incompatible subjects\n`,
  );

  // Walking whole histories: every version against every earlier one, both directions.
  started = performance.now();
  incompatible = 0;
  for (const versions of histories) {
    if (!checkHistory({ format, level, versions }).compatible) incompatible++;
  }
  seconds = (performance.now() - started) / 1000;
  const pairs = SUBJECTS * ((VERSIONS * (VERSIONS - 1)) / 2);
  process.stdout.write(
    `${format}: checkHistory ${SUBJECTS} subjects × ${VERSIONS} versions (${pairs} version pairs, both directions): ${seconds.toFixed(2)} s; ${incompatible} incompatible histories\n`,
  );
}

run('AVRO');
run('JSON');
