/**
 * Serde speed against a real Schema Registry, every ratio against a baseline measured in the same
 * run: the kit's typed encode (with validation) and decode vs raw avsc with the 5-byte header, vs
 * @kafkajs/confluent-schema-registry and vs @confluentinc/schemaregistry's serdes; and the registry
 * HTTP calls the kit makes per message once warm (counted with the client's onRequest).
 *
 * Run with `npm run bench -- serde` or `npx tsx bench/runtime.bench.ts` (this one).
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import {
  AvroDeserializer,
  AvroSerializer,
  SchemaRegistryClient as ConfluentRegistryClient,
  SerdeType,
  SubjectNameStrategyType,
} from '@confluentinc/schemaregistry';
import { LOGICAL_TYPES, parseAvroSchemas } from '../src/formats/avro/types';
import { bookingsContract } from '../src/generated/bookings';
import { createSchemaRegistryClient, registerContract, type RegistryRequestInfo } from '../src/registry';
import { createSerde } from '../src/serde';
import { encodeHeader, HEADER_SIZE } from '../src/wire';
import { BENCH_EVENTS, wrapped } from './support/events';
import {
  formatRate,
  formatRatioIqr,
  measureRounds,
  pairedRatio,
  pairedRatios,
  type Contender,
  type Measured,
} from './support/measure';
import { pairedFigure, printReport, type BenchFigure, type BenchReport } from './support/results';
import { acquireServers, type BenchServers } from './support/stack';

/** The topic name @confluentinc/schemaregistry serializes for (TopicNameStrategy: `<topic>-value`). */
const CONFLUENT_TOPIC = 'bench-confluent';
const ROUNDS = { warmupMs: 400, roundMs: 15, rounds: Number(process.env.BENCH_SERDE_ROUNDS ?? 80) };
const TARGET_VS_AVSC = 1.0;

export async function benchRuntime(servers?: BenchServers): Promise<BenchReport> {
  const own = servers ? undefined : await acquireServers();
  const { registryUrl } = servers ?? own!;
  try {
    return await run(registryUrl);
  } finally {
    await own?.release();
  }
}

async function run(registryUrl: string): Promise<BenchReport> {
  const notes: string[] = [];
  const figures: BenchFigure[] = [];
  const requests: RegistryRequestInfo[] = [];
  const registry = createSchemaRegistryClient({ url: registryUrl, onRequest: (r) => requests.push(r) });
  const registered = await registerContract(bookingsContract, registry);
  const valueId = registered[bookingsContract.valueSubject!]!.id;

  // raw avsc: the same union the kit registers, parsed with the same options
  const { types } = parseAvroSchemas(bookingsContract.schemas.map((s) => JSON.parse(s.schema) as unknown));
  const union = types[types.length - 1]!;
  const header = encodeHeader(valueId);
  const wrappedEvents = BENCH_EVENTS.map(wrapped);

  // the kit
  const serde = createSerde(bookingsContract, registry);
  const framed = await Promise.all(BENCH_EVENTS.map((e) => serde.encode(e)));
  // the kit with its generic codec (validator, then avsc): a contract without a generated `codec`
  const generic = createSerde({ ...bookingsContract, codec: undefined }, registry);
  const genericFramed = await Promise.all(BENCH_EVENTS.map((e) => generic.encode(e)));
  if (genericFramed.some((b, i) => !b.equals(framed[i]!))) throw new Error('the generated and generic codecs disagree');
  for (let i = 0; i < framed.length; i++) {
    const raw = Buffer.concat([header, union.toBuffer(wrappedEvents[i])]);
    if (!raw.equals(framed[i]!)) throw new Error(`the kit and raw avsc disagree on ${BENCH_EVENTS[i]!.eventType}`);
  }
  const sizes = framed.map((b) => b.length);
  notes.push(
    `events: one of each of the 4 booking event types in turn (${sizes.join(', ')} bytes framed); registry ${registryUrl}`,
  );

  // @kafkajs/confluent-schema-registry, against the same subject and ID (it resolves the references itself)
  const kafkajsRegistry = new SchemaRegistry(
    { host: registryUrl },
    { [SchemaType.AVRO]: { logicalTypes: LOGICAL_TYPES } },
  );

  // @confluentinc/schemaregistry resolves references in pre-order (a referenced schema before the
  // ones it references), which fails on the booking schemas' nested references ("undefined type
  // name: travel.bookings.BookingType"); it gets the same union as one self-contained schema.
  const confluentSubject = `${CONFLUENT_TOPIC}-value`;
  const selfContained = JSON.stringify(union.schema({ exportAttrs: true }));
  const { id: confluentId } = await registry.register(confluentSubject, { schema: selfContained, schemaType: 'AVRO' });
  const confluentClient = new ConfluentRegistryClient({ baseURLs: [registryUrl] });
  const confluentConf = {
    subjectNameStrategyType: SubjectNameStrategyType.TOPIC,
    logicalTypes: LOGICAL_TYPES,
  } as const;
  const serializer = new AvroSerializer(confluentClient, SerdeType.VALUE, {
    ...confluentConf,
    useLatestVersion: true,
    autoRegisterSchemas: false,
  });
  const deserializer = new AvroDeserializer(confluentClient, SerdeType.VALUE, confluentConf);
  const confluentFramed = await Promise.all(wrappedEvents.map((w) => serializer.serialize(CONFLUENT_TOPIC, w)));
  for (let i = 0; i < framed.length; i++) {
    if (!confluentFramed[i]!.subarray(HEADER_SIZE).equals(framed[i]!.subarray(HEADER_SIZE))) {
      throw new Error(`@confluentinc/schemaregistry and the kit disagree on the body of ${BENCH_EVENTS[i]!.eventType}`);
    }
  }
  notes.push(
    `@confluentinc/schemaregistry serializes against a self-contained copy of the bookings union (subject ${confluentSubject}, ID ${confluentId}): ` +
      "its reference resolver cannot parse the nested references of bookings-value; the Avro bodies are byte-identical to the kit's",
  );

  const scratch = Buffer.allocUnsafe(64 * 1024);
  const next = (() => {
    let i = 0;
    return () => i++ & 3;
  })();

  // warm the kit's caches before counting: the first encode and decode of a schema ID read the registry
  for (const b of framed) await serde.decode(b);
  for (const b of framed) await generic.decode(b);
  let kitMessages = 0;
  const callsBefore = registry.requestCount;
  const requestsBefore = requests.length;

  const encoders: Contender[] = [
    {
      name: 'raw avsc toBuffer + Buffer.concat(header)',
      op: () => Buffer.concat([header, union.toBuffer(wrappedEvents[next()])]),
    },
    {
      name: 'raw avsc encode into a preallocated buffer + copy',
      op: () => {
        header.copy(scratch, 0);
        const end = union.encode(wrappedEvents[next()], scratch, HEADER_SIZE);
        return Buffer.from(scratch.subarray(0, end));
      },
    },
    {
      name: 'raw avsc toBuffer + Buffer.concat(header), in an async function',
      async: true,
      op: async () => Buffer.concat([header, union.toBuffer(wrappedEvents[next()])]),
    },
    {
      name: 'kit serde.encode (validation + encode + frame)',
      async: true,
      op: () => {
        kitMessages++;
        return serde.encode(BENCH_EVENTS[next()]!);
      },
    },
    {
      name: 'kit serde.encodeSync (the hot path: validation + encode + frame, schema ID cached)',
      op: () => {
        kitMessages++;
        return serde.encodeSync(BENCH_EVENTS[next()]!);
      },
    },
    {
      name: 'the compiled validators alone',
      op: () => {
        const event = BENCH_EVENTS[next()]!;
        return bookingsContract.events[event.eventType].validate(event) ? event : undefined;
      },
    },
    {
      name: '@kafkajs/confluent-schema-registry encode',
      async: true,
      op: () => kafkajsRegistry.encode(valueId, wrappedEvents[next()]),
    },
    {
      name: '@confluentinc/schemaregistry AvroSerializer',
      async: true,
      op: () => serializer.serialize(CONFLUENT_TOPIC, wrappedEvents[next()]),
    },
    {
      name: 'kit serde.encodeSync, generic codec (the validator, then avsc)',
      op: () => generic.encodeSync(BENCH_EVENTS[next()]!),
    },
  ];
  const enc = await measureRounds(encoders, ROUNDS);

  const decoders: Contender[] = [
    {
      name: 'raw avsc fromBuffer (after the header)',
      op: () => union.fromBuffer(framed[next()]!.subarray(HEADER_SIZE)),
    },
    {
      name: 'raw avsc fromBuffer (after the header), in an async function',
      async: true,
      op: async () => union.fromBuffer(framed[next()]!.subarray(HEADER_SIZE)),
    },
    {
      name: 'kit serde.decode (frame + plan + decode + type check)',
      async: true,
      op: () => {
        kitMessages++;
        return serde.decode(framed[next()]);
      },
    },
    {
      name: 'kit serde.tryDecodeSync (the hot path, schema ID cached)',
      op: () => {
        kitMessages++;
        return serde.tryDecodeSync(framed[next()]);
      },
    },
    {
      name: '@kafkajs/confluent-schema-registry decode',
      async: true,
      op: () => kafkajsRegistry.decode(framed[next()]!),
    },
    {
      name: '@confluentinc/schemaregistry AvroDeserializer',
      async: true,
      op: () => deserializer.deserialize(CONFLUENT_TOPIC, confluentFramed[next()]!),
    },
    {
      name: 'kit serde.tryDecodeSync, generic codec (avsc)',
      op: () => generic.tryDecodeSync(framed[next()]),
    },
  ];
  const dec = await measureRounds(decoders, ROUNDS);

  const calls = registry.requestCount - callsBefore;
  const paths = requests.slice(requestsBefore).map((r) => `${r.method} ${r.path}`);

  const [rawDec, rawAsyncDec, kitAsyncDec, kitDec, kafkajsDec, confluentDec, genericDec] = dec as [
    Measured,
    Measured,
    Measured,
    Measured,
    Measured,
    Measured,
    Measured,
  ];

  // encode
  const [rawConcat, rawPrealloc, rawAsyncEnc, kitAsyncEnc, kitEnc, validators, kafkajsEnc, confluentEnc, genericEnc] =
    enc as [Measured, Measured, Measured, Measured, Measured, Measured, Measured, Measured, Measured];
  const strongest = rawPrealloc.median > rawConcat.median ? rawPrealloc : rawConcat;
  const encRatio = pairedRatio(kitEnc, rawConcat);
  figures.push({
    name: 'encode, typed with validation (encodeSync, the hot path)',
    value: formatRate(kitEnc.median),
    baseline: `raw avsc toBuffer + header ${formatRate(rawConcat.median)}`,
    ratio: formatRatioIqr(pairedRatios(kitEnc, rawConcat)),
    target: `≥ ${TARGET_VS_AVSC}×`,
    met: encRatio >= TARGET_VS_AVSC,
  });
  figures.push({
    name: 'encode, typed with validation',
    value: formatRate(kitEnc.median),
    baseline: `raw avsc encode, preallocated ${formatRate(rawPrealloc.median)}`,
    ratio: formatRatioIqr(pairedRatios(kitEnc, rawPrealloc)),
  });
  figures.push({
    name: 'encode, async API (serde.encode, the first message of a schema takes this path)',
    value: formatRate(kitAsyncEnc.median),
    baseline: `raw avsc toBuffer + header in an async function ${formatRate(rawAsyncEnc.median)}`,
    ratio: formatRatioIqr(pairedRatios(kitAsyncEnc, rawAsyncEnc)),
  });
  figures.push(peer('encode', kitAsyncEnc, kafkajsEnc));
  figures.push(peer('encode', kitAsyncEnc, confluentEnc));
  figures.push({
    name: 'encode, generated codec vs the generic one (encodeSync, same contract without its codec)',
    value: formatRate(kitEnc.median),
    baseline: `the validator, then avsc ${formatRate(genericEnc.median)}`,
    ratio: formatRatioIqr(pairedRatios(kitEnc, genericEnc)),
  });
  const µs = (m: Measured) => 1e6 / m.median;
  notes.push(
    `CPU per event: kit encode ${µs(kitEnc).toFixed(2)} µs (the generated codec validates as it writes; the generic one runs the compiled validator, ${µs(validators).toFixed(2)} µs alone, then avsc: ${µs(genericEnc).toFixed(2)} µs); ` +
      `raw avsc toBuffer + header ${µs(rawConcat).toFixed(2)} µs, raw avsc preallocated ${µs(rawPrealloc).toFixed(2)} µs; kit decode ${µs(kitDec).toFixed(2)} µs (async API ${µs(kitAsyncDec).toFixed(2)} µs), kit encode async API ${µs(kitAsyncEnc).toFixed(2)} µs, raw avsc fromBuffer ${(1e6 / dec[0]!.median).toFixed(2)} µs`,
  );
  if (strongest === rawPrealloc)
    notes.push(
      'the preallocated raw encode is the faster baseline here; the target is judged against toBuffer + Buffer.concat, as the issue states it',
    );

  // decode
  const decRatio = pairedRatio(kitDec, rawDec);
  figures.push({
    name: 'decode (tryDecodeSync, the hot path)',
    value: formatRate(kitDec.median),
    baseline: `raw avsc fromBuffer ${formatRate(rawDec.median)}`,
    ratio: formatRatioIqr(pairedRatios(kitDec, rawDec)),
    target: `≥ ${TARGET_VS_AVSC}×`,
    met: decRatio >= TARGET_VS_AVSC,
  });
  figures.push({
    name: 'decode, async API (serde.decode)',
    value: formatRate(kitAsyncDec.median),
    baseline: `raw avsc fromBuffer in an async function ${formatRate(rawAsyncDec.median)}`,
    ratio: formatRatioIqr(pairedRatios(kitAsyncDec, rawAsyncDec)),
  });
  figures.push(peer('decode', kitAsyncDec, kafkajsDec));
  figures.push(peer('decode', kitAsyncDec, confluentDec));
  figures.push({
    name: 'decode, generated codec vs the generic one (tryDecodeSync, same contract without its codec)',
    value: formatRate(kitDec.median),
    baseline: `avsc ${formatRate(genericDec.median)}`,
    ratio: formatRatioIqr(pairedRatios(kitDec, genericDec)),
  });

  // registry calls
  figures.push({
    name: 'registry HTTP calls per message after warm-up (serde)',
    value: `${calls} calls / ${kitMessages.toLocaleString('en-US')} messages = ${(calls / kitMessages).toFixed(6)}`,
    target: '0',
    met: calls === 0,
  });
  if (paths.length > 0) notes.push(`registry calls during the measured phase: ${[...new Set(paths)].join(', ')}`);
  notes.push(
    `rounds: ${ROUNDS.rounds} interleaved rounds of ~${ROUNDS.roundMs} ms per contender after ${ROUNDS.warmupMs} ms of warm-up; figures are medians, ratios the median of per-round ratios with their interquartile range`,
  );
  return { benchmark: 'serde', figures, notes };
}

function peer(what: string, kit: Measured, other: Measured): BenchFigure {
  return pairedFigure(`${what}, kit (async API, as the peers) vs ${other.name.split(' ')[0]}`, kit, other);
}

if (require.main === module) {
  benchRuntime().then(printReport, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
