/**
 * JSON Schema decode against the writer's schema, every ratio against a baseline measured in the
 * same run: raw `JSON.parse` + the reader's compiled (ajv) validator, which is what decoding cost
 * before writer schemas were used. Two writers: the reader's own schema (the steady state: one
 * validation) and a v2 that added a property (validation against v2, then the projection onto the
 * v1 contract: a second ajv pass that drops the property). The in-memory registry serves the
 * schemas: after warm-up the decoder makes no registry call, so a real one would not change the
 * figures (the serde benchmark counts those calls against the real registry).
 *
 * Run with `npm run bench` (all benchmarks) or `npx tsx bench/json-decode.bench.ts` (this one).
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { TopicContract } from '../src/contract';
import { createInMemoryRegistry, registerContract } from '../src/registry';
import { createSerde } from '../src/serde';
import { encodeFrame, HEADER_SIZE } from '../src/wire';
import { BENCH_EVENTS } from './support/events';
import { measureRounds, type Contender, type Measured } from './support/measure';
import { pairedFigure, pairedGoal, printReport, type BenchReport } from './support/results';

const ROOT = resolve(__dirname, '..');
const ROUNDS = { warmupMs: 400, roundMs: 15, rounds: 60 };

/** The JSON fixture contracts (test/fixtures/configs/bookings-json.config.json), generated for this run. */
function jsonContract(): TopicContract {
  execFileSync(
    process.execPath,
    ['bin/contracts.js', '-c', 'test/fixtures/configs/bookings-json.config.json', 'generate'],
    {
      cwd: ROOT,
    },
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(join(ROOT, '.scratch/generated-json/bookings')) as { bookingsContract: TopicContract })
    .bookingsContract;
}

/** v2: booking.created's data gains an optional promoCode (the walkthrough's change). */
function withPromoCode(contract: TopicContract): TopicContract {
  const subject = contract.events['booking.created']!.subject;
  return {
    ...contract,
    schemas: contract.schemas.map((s) => {
      if (s.subject !== subject) return s;
      const schema = JSON.parse(s.schema) as { properties: { data: { properties: Record<string, unknown> } } };
      schema.properties.data.properties.promoCode = { type: ['string', 'null'] };
      return { ...s, schema: JSON.stringify(schema) };
    }),
  };
}

export async function benchJsonDecode(): Promise<BenchReport> {
  const v1 = jsonContract();
  const registry = createInMemoryRegistry({ compatibility: 'NONE' });
  const v1Id = (await registerContract(v1, registry))[v1.valueSubject!]!.id;
  const v2Id = (await registerContract(withPromoCode(v1), registry))[v1.valueSubject!]!.id;
  // the bench events as JSON carries them (date-times as strings)
  const events = BENCH_EVENTS.map((e) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>);
  const own = events.map((e) => encodeFrame(v1Id, Buffer.from(JSON.stringify(e), 'utf8')));
  const newer = events.map((e) => {
    const v2Event =
      e.eventType === 'booking.created' ? { ...e, data: { ...(e.data as object), promoCode: 'WINTER' } } : e;
    return encodeFrame(v2Id, Buffer.from(JSON.stringify(v2Event), 'utf8'));
  });
  const serde = createSerde(v1, registry);
  for (const b of [...own, ...newer]) await serde.decode(b);
  if (newer.some((b) => !serde.tryDecodeSync(b)))
    throw new Error('tryDecodeSync has no reader cached for the v2 writer');
  const warm = registry.requestCount;

  const next = (() => {
    let i = 0;
    return () => i++ & 3;
  })();
  const rawDecode = (framed: Buffer) => {
    const value = JSON.parse(framed.toString('utf8', HEADER_SIZE)) as { eventType: string };
    if (!v1.events[value.eventType]!.validate(value)) throw new Error('invalid');
    return value;
  };
  const contenders: Contender[] = [
    { name: 'raw JSON.parse + ajv (reader), sync', op: () => rawDecode(own[next()]!) },
    {
      name: 'raw JSON.parse + ajv (reader) in an async function',
      async: true,
      op: async () => rawDecode(own[next()]!),
    },
    { name: "kit decode, writer = the reader's schema", async: true, op: () => serde.decode(own[next()]) },
    { name: 'kit decode, writer = v2 (projected onto v1)', async: true, op: () => serde.decode(newer[next()]) },
    // what the consumer runs first for every message (src/consumer/pipeline.ts): the sync hot path
    { name: 'kit tryDecodeSync, writer = v2 (projected onto v1)', op: () => serde.tryDecodeSync(newer[next()]) },
  ];
  const [raw, rawAsync, kitOwn, kitNewer, kitNewerSync] = (await measureRounds(contenders, ROUNDS)) as [
    Measured,
    Measured,
    Measured,
    Measured,
    Measured,
  ];
  const calls = registry.requestCount - warm;
  const µs = (m: Measured) => (1e6 / m.median).toFixed(2);
  return {
    benchmark: 'json decode',
    figures: [
      // each ratio the median of the per-round ratios, with their interquartile range
      pairedFigure("decode, writer = the reader's schema", kitOwn, rawAsync),
      pairedFigure('decode, writer = v2, projected onto v1', kitNewer, rawAsync),
      // issue 33's goal: a v1 reader of v2 events at 0.9× raw, sync
      pairedGoal('decode, writer = v2, projected onto v1', kitNewer, raw, 0.9),
      pairedFigure(
        "decode, writer = v2, projected onto v1, tryDecodeSync (the consumer's hot path)",
        kitNewerSync,
        raw,
      ),
      {
        name: 'registry calls per message after warm-up (json decode)',
        value: `${calls}`,
        target: '0',
        met: calls === 0,
      },
    ],
    notes: [
      `CPU per event: raw ${µs(raw)} µs (async ${µs(rawAsync)} µs), kit with the reader's own writer ${µs(kitOwn)} µs, kit with a v2 writer ${µs(kitNewer)} µs (tryDecodeSync ${µs(kitNewerSync)} µs)`,
      `events: the 4 bench events in turn; the v2 writer adds data.promoCode to booking.created (the other three are validated against v2's union and projected too)`,
      `rounds: ${ROUNDS.rounds} interleaved rounds of ~${ROUNDS.roundMs} ms per contender after ${ROUNDS.warmupMs} ms of warm-up; ratios are medians of per-round ratios of CPU time`,
    ],
  };
}

if (require.main === module) {
  benchJsonDecode()
    .then(printReport)
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
