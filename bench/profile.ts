/**
 * CPU profiles of the producer and the consumer, the kit against raw kafkajs (+ JSON, + raw avsc),
 * through the real broker: per variant, a warm-up, then N events produced in batches of 500 with
 * the V8 profiler on (the same profiler as `node --cpu-prof`, started through node:inspector so
 * each phase gets its own profile), then the same topic consumed from the beginning, profiled from
 * the end of the warm-up events to the last event. Writes .cache/profiles/<variant>-<phase>.cpuprofile
 * (open them in Chrome DevTools or speedscope for a flame graph) and prints the top costs and the
 * CPU time per event of each side.
 *
 * Run with `npm run bench:profile` or `npx tsx bench/profile.ts [kit|raw|raw-avro …] [--events N]`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, resolve } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { bookingsContract, type BookingsContract } from '../src/bookings';
import { createProducer, type BatchItem } from '../src/producer';
import { createSchemaRegistryClient, registerContract } from '../src/registry';
import { BATCH, benchConsumer, createBenchTopic, inputOf, rawAvroCodec, rawJson, type RawCodec } from './e2e.bench';
import { formatSummary, summarize, type CpuProfile } from './support/cpuprofile';
import { acquireServers } from './support/stack';
import { deleteBenchTopics } from './support/cleanup';

type Variant = 'kit' | 'raw' | 'raw-avro';
const ALL: Variant[] = ['kit', 'raw', 'raw-avro'];
const args = process.argv.slice(2);
const eventsAt = args.indexOf('--events');
const EVENTS = eventsAt >= 0 ? Number(args[eventsAt + 1]) : Number(process.env.BENCH_PROFILE_EVENTS ?? 100_000);
const chosen = args.filter((a, i) => (ALL as string[]).includes(a) && args[i - 1] !== '--events') as Variant[];
const VARIANTS = chosen.length > 0 ? chosen : ALL;
const WARMUP = 10_000;
const OUT = resolve(__dirname, '..', '.cache', 'profiles');

async function main(): Promise<void> {
  const servers = await acquireServers();
  const kafka = new Kafka({ clientId: 'bench-profile', brokers: servers.brokers, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  const registry = createSchemaRegistryClient({ url: servers.registryUrl });
  const registered = await registerContract(bookingsContract, registry);
  const codecs: Record<Exclude<Variant, 'kit'>, RawCodec> = {
    raw: rawJson,
    'raw-avro': rawAvroCodec(registered[bookingsContract.valueSubject!]!.id),
  };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  mkdirSync(OUT, { recursive: true });
  const topics: string[] = [];
  const perEvent: string[] = [];
  const profiled = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    await session.post('Profiler.start');
    const cpu = process.cpuUsage();
    const result = await work();
    const used = process.cpuUsage(cpu);
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    const file = join(OUT, `${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    const summary = summarize(profile);
    console.log(`\n${formatSummary(`${name} (${file})`, summary)}`);
    perEvent.push(
      `${name}: ${((used.user + used.system) / EVENTS).toFixed(1)} µs of process CPU per event (profiler on), ${((summary.busyMs * 1000) / EVENTS).toFixed(1)} µs sampled`,
    );
    return result;
  };
  try {
    for (const variant of VARIANTS) {
      const topic = `bench-profile-${randomUUID().slice(0, 8)}-${variant}`;
      topics.push(topic, `${topic}.dlq`);
      await createBenchTopic(admin, topic);
      const contract: BookingsContract = { ...bookingsContract, topic, deadLetterTopic: `${topic}.dlq` };

      // producer
      let sendBatch: (from: number, to: number) => Promise<unknown>;
      let disconnect: () => Promise<void>;
      if (variant === 'kit') {
        const producer = createProducer({ contract, kafka, registry, source: 'bench' });
        await producer.connect();
        sendBatch = (from, to) => {
          const items: Array<BatchItem<BookingsContract>> = [];
          for (let i = from; i < to; i++) items.push(inputOf(i));
          return producer.publishBatch(items);
        };
        disconnect = () => producer.disconnect();
      } else {
        const codec = codecs[variant];
        const producer = kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          createPartitioner: Partitioners.DefaultPartitioner,
        });
        await producer.connect();
        sendBatch = (from, to) => {
          const messages = [];
          for (let i = from; i < to; i++) {
            const { eventType, payload } = inputOf(i);
            const event: Record<string, unknown> = {
              ...(payload as unknown as Record<string, unknown>),
              eventType,
              eventId: randomUUID(),
              timestamp: new Date(),
              source: 'bench',
            };
            messages.push({
              key: String(event.bookingId),
              value: codec.encode(event),
              headers: { 'event-type': eventType },
            });
          }
          return producer.send({ topic, acks: -1, messages });
        };
        disconnect = () => producer.disconnect();
      }
      const produce = async (from: number, to: number) => {
        for (let n = from; n < to; n += BATCH) await sendBatch(n, Math.min(n + BATCH, to));
      };
      await produce(0, WARMUP);
      await profiled(`${variant}-producer`, () => produce(WARMUP, WARMUP + EVENTS));
      await disconnect();

      // consumer: profiled from the end of the warm-up events to the last one
      let seen = 0;
      let startProfile!: () => void;
      let finished!: () => void;
      const warm = new Promise<void>((r) => (startProfile = r));
      const done = new Promise<void>((r) => (finished = r));
      const tick = () => {
        seen++;
        if (seen === WARMUP) startProfile();
        if (seen === WARMUP + EVENTS) finished();
      };
      let stop: () => Promise<void>;
      if (variant === 'kit') {
        const consumer = benchConsumer({ kafka }, registry, contract, tick);
        await consumer.start();
        stop = () => consumer.stop();
      } else {
        const codec = codecs[variant];
        const consumer = kafka.consumer({ groupId: `${topic}-group` });
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            codec.decode(message.value!);
            tick();
          },
        });
        stop = () => consumer.disconnect();
      }
      await warm;
      await profiled(`${variant}-consumer`, () => done);
      await stop();
    }
    console.log(`\n${EVENTS.toLocaleString('en-US')} events profiled per phase:\n  ${perEvent.join('\n  ')}`);
  } finally {
    session.disconnect();
    await deleteBenchTopics(admin, topics);
    await admin.disconnect().catch(() => undefined);
    await servers.release();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
