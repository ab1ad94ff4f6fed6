/**
 * Failure paths on the real stack: a failing handler is retried then dead-lettered with the DLQ
 * headers; garbage bytes and unknown schema IDs go to the dead-letter topic at once and the
 * consumer carries on; a registry outage is retried, never dead-lettered; replay re-publishes
 * dead-lettered records; `contracts tail --dlq` shows them — with the producer and the consumer on
 * each transport (kafkajs, @platformatic/kafka), each on a topic of its own.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { createConsumer, CONSUMER_EVENTS, type Consumer, type Handlers } from '../../src/consumer';
import { DLQ_HEADERS, readDeadLetterHeaders, replayDeadLetters, type DeadLetterInfo } from '../../src/dlq';
import { RegistryError } from '../../src/errors';
import type { bookingsContract } from '../../src/generated/bookings';
import { TRANSPORTS, type TransportName } from '../../src/kafka/transport';
import { createProducer, type Producer } from '../../src/producer';
import type { SchemaRegistryClient } from '../../src/registry';
import type { TailRecord } from '../../src/tail';
import { encodeFrame } from '../../src/wire';
import { bookingInputs } from '../support/bookings-fixtures';
import { readRecords, setUpTopic, waitFor, type ItContext } from '../support/it-helpers';

jest.setTimeout(120_000);
const exec = promisify(execFile);
const rootDir = resolve(__dirname, '..', '..');

type Bookings = typeof bookingsContract;
let it0: ItContext<Bookings>;
let producer: Producer<Bookings>;
/** The transport of the describe block running. */
let transport: TransportName;
const running: Array<{ stop?(): Promise<void>; disconnect?(): Promise<void> }> = [];

afterAll(async () => {
  for (const c of running.reverse()) await (c.stop?.() ?? c.disconnect?.())?.catch(() => undefined);
});

function consumer(
  handlers: Handlers<Bookings>,
  registry: SchemaRegistryClient = it0.registry,
  groupId = `g-${randomUUID()}`,
): Consumer<Bookings> {
  const c = createConsumer({
    contract: it0.contract,
    groupId,
    handlers,
    brokers: it0.env.brokers,
    registry,
    fromBeginning: true,
    stopOnSignals: [],
    retry: { attempts: 3, initialDelayMs: 20 },
    transientRetry: { initialDelayMs: 50, maxDelayMs: 200 },
    transport,
  });
  running.push(c);
  return c;
}

/** Whether `group` has committed every partition of the topic to its end. */
async function committedToEnd(group: string): Promise<boolean> {
  const admin = it0.kafka.admin();
  await admin.connect();
  try {
    const topic = it0.contract.topic;
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId: group, topics: [topic] }),
    ]);
    return ends.every((end) => {
      const offset = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
      return BigInt(end.high) === (offset === '-1' ? 0n : BigInt(offset));
    });
  } finally {
    await admin.disconnect();
  }
}

/** Reads the dead-letter topic from the beginning until `count` records arrived. */
const readDlq = (count: number): Promise<TailRecord[]> => readRecords(it0, it0.contract.deadLetterTopic, count);

const raw = async (value: Buffer, key: string) => {
  const p = it0.kafka.producer();
  await p.connect();
  await p.send({ topic: it0.contract.topic, messages: [{ key, value, headers: { origin: 'raw-test' } }] });
  await p.disconnect();
};

describe.each(TRANSPORTS)('dead-letter topic, on %s', (name) => {
  beforeAll(async () => {
    transport = name;
    it0 = await setUpTopic(`bookings-it-dlq-${name}`);
    producer = createProducer({ contract: it0.contract, brokers: it0.env.brokers, registry: it0.registry, transport });
    running.push(producer);
    await producer.connect();
  });

  it('retries a failing handler with backoff, dead-letters the message with headers, and carries on', async () => {
    const bookingId = `FAIL-${randomUUID().slice(0, 6)}`;
    await producer.publish('booking.failed', bookingInputs(bookingId)['booking.failed']);
    // poison: not framed; then bytes with an unknown schema ID; then a good event
    await raw(Buffer.from('{"eventType":"booking.created"}'), 'garbage');
    await raw(encodeFrame(0x7ffffff0, Buffer.from([2, 4, 6])), 'unknown-id');
    await producer.publish('booking.confirmed', bookingInputs('AFTER')['booking.confirmed']);

    const attempts: number[] = [];
    const handled: string[] = [];
    const retried: number[] = [];
    const deadLettered: string[] = [];
    const c = consumer({
      'booking.created': 'ignore',
      'booking.cancelled': 'ignore',
      'booking.failed': async (_event, ctx) => {
        attempts.push(ctx.attempt);
        throw new TypeError('inventory service refused');
      },
      'booking.confirmed': async (event) => {
        handled.push(event.bookingId);
      },
    });
    c.on(CONSUMER_EVENTS.RETRIED, (p) => retried.push(p.attempt));
    c.on(CONSUMER_EVENTS.DEAD_LETTERED, (p) => deadLettered.push(p.reason));
    await c.start();
    await waitFor(
      () => handled.includes('AFTER') && deadLettered.length === 3,
      'the consumer to carry on past the poison messages',
    );
    expect(attempts).toEqual([1, 2, 3]);
    expect(retried).toEqual([1, 2]);
    // the raw messages have other keys, so other partitions: the order across them is not fixed
    expect(deadLettered.sort()).toEqual(['handler-failed', 'undecodable', 'undecodable']);

    const records = await readDlq(3);
    const byClass = (errorClass: string) => records.find((r) => r.deadLetter?.errorClass === errorClass)!;
    const failed = byClass('TypeError');
    const garbage = byClass('WireFormatError');
    const unknownId = byClass('SchemaNotFoundError');
    const infos = [failed, garbage, unknownId].map((r) => r.deadLetter!);
    expect(infos[0]).toMatchObject<Partial<DeadLetterInfo>>({
      originalTopic: it0.contract.topic,
      reason: 'handler-failed',
      errorClass: 'TypeError',
      errorCode: 'HANDLER_FAILED',
      errorMessage: 'inventory service refused',
      attempts: 3,
      eventType: 'booking.failed',
    });
    expect(infos[0]!.originalOffset).toMatch(/^\d+$/);
    expect(Number(infos[0]!.originalTimestamp)).toBeGreaterThan(0);
    expect(failed.key).toBe(bookingId);
    expect(failed.eventType).toBe('booking.failed');
    expect(infos[1]).toMatchObject({
      reason: 'undecodable',
      errorClass: 'WireFormatError',
      errorCode: 'WIRE_FORMAT',
      attempts: 0,
    });
    expect(infos[2]).toMatchObject({
      reason: 'undecodable',
      errorClass: 'SchemaNotFoundError',
      errorCode: 'SCHEMA_NOT_FOUND',
    });
    // the original bytes and headers travel unchanged
    expect(garbage.headers.origin).toBe('raw-test');
    expect(garbage.error?.code).toBe('WIRE_FORMAT');
    expect(unknownId.key).toBe('unknown-id');
    await c.stop();

    // `contracts tail --dlq` prints the same records with their headers
    const { stdout } = await exec(
      process.execPath,
      ['bin/contracts.js', 'tail', it0.contract.topic, '--dlq', '--from-beginning', '--format', 'json', '-n', '3'],
      {
        cwd: rootDir,
        env: { ...process.env, KAFKA_BROKERS: it0.env.brokers.join(','), SCHEMA_REGISTRY_URL: it0.env.registryUrl },
      },
    );
    const printed = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TailRecord);
    expect(printed.map((p) => p.deadLetter?.reason).sort()).toEqual(['handler-failed', 'undecodable', 'undecodable']);
    const printedFailed = printed.find((p) => p.deadLetter?.reason === 'handler-failed')!;
    expect(printedFailed).toMatchObject({
      eventType: 'booking.failed',
      subject: `${it0.contract.topic}-value`,
      version: 1,
      key: bookingId,
    });
    expect(printedFailed.headers[DLQ_HEADERS.ERROR_CLASS]).toBe('TypeError');

    // `contracts dlq list|show|replay --format json`: the same records, as data
    const dlqCli = (...args: string[]) =>
      exec(process.execPath, ['bin/contracts.js', 'dlq', ...args, '--brokers', it0.env.brokers.join(',')], {
        cwd: rootDir,
        env: { ...process.env, CONTRACTS_LOG_LEVEL: 'warn' },
      });
    const listed = JSON.parse(
      (await dlqCli('list', it0.contract.topic, '--format', 'json', '--timeout', '30s')).stdout,
    ) as {
      deadLetterTopic: string;
      records: number;
      counts: Array<{ group: string; reason: string; records: number; replayed: number; pending: number }>;
    };
    expect(listed.deadLetterTopic).toBe(it0.contract.deadLetterTopic);
    expect(listed.records).toBe(listed.counts.reduce((n, c) => n + c.records, 0));
    expect(listed.counts.find((c) => c.reason === 'handler-failed')).toMatchObject({
      records: 1,
      replayed: 0,
      pending: 1,
    });
    // --json, the old spelling of `dlq show --format json`: the same lines, and a warning saying so
    const shown = await dlqCli(
      'show',
      it0.contract.topic,
      '--json',
      '--reason',
      'handler-failed',
      '--timeout',
      '30000',
    );
    const shownRecords = shown.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { deadLetter: DeadLetterInfo; value: { length: number } });
    expect(shownRecords.map((r) => r.deadLetter.reason)).toEqual(['handler-failed']);
    expect(shown.stderr).toMatch(/--json is deprecated .*--format json/);
    const dryRun = await dlqCli(
      'replay',
      it0.contract.topic,
      '--group',
      infos[0]!.consumerGroup,
      '--reason',
      'handler-failed',
      '--dry-run',
      '--format',
      'json',
    );
    expect(JSON.parse(dryRun.stdout)).toMatchObject({ dryRun: true, replayed: 1, topic: it0.contract.topic });

    // replay: the records go back to the topic byte for byte, once, for the group that failed them
    const group = infos[0]!.consumerGroup;
    const handlerFailed = (i: DeadLetterInfo) => i.reason === 'handler-failed';
    const replay = () =>
      replayDeadLetters({ contract: it0.contract, brokers: it0.env.brokers, group, filter: handlerFailed });
    expect(await replay()).toMatchObject({ replayed: 1, skipped: 2, alreadyReplayed: 0 });
    expect(await replay()).toMatchObject({ replayed: 0, skipped: 2, alreadyReplayed: 1 });
    const again: string[] = [];
    const fixed = consumer(
      {
        'booking.created': 'ignore',
        'booking.cancelled': 'ignore',
        'booking.confirmed': 'ignore',
        'booking.failed': async (event, ctx) => {
          if (ctx.headers['replayed-from']) again.push(event.bookingId);
        },
      },
      it0.registry,
      group,
    );
    await fixed.start();
    await waitFor(() => again.length === 1, 'the replayed event');
    expect(again).toEqual([bookingId]);
    expect(readDeadLetterHeaders({})).toBeUndefined();
    // the replay's transaction ends in a commit marker: the group commits past it, so no partition
    // shows a lag of 1 to a monitor
    await waitFor(() => committedToEnd(group), 'the group to commit past the transaction marker');
  });

  it('retries a registry outage without dead-lettering, then handles the message', async () => {
    const bookingId = `OUTAGE-${randomUUID().slice(0, 6)}`;
    await producer.publish('booking.cancelled', bookingInputs(bookingId)['booking.cancelled']);
    let failures = 0;
    const flaky: SchemaRegistryClient = Object.create(it0.registry, {
      getSchemaById: {
        value: (id: number) => {
          if (failures < 3) {
            failures += 1;
            return Promise.reject(
              new RegistryError(it0.env.registryUrl, 503, undefined, 'registry unavailable', { retriable: true }),
            );
          }
          return it0.registry.getSchemaById(id);
        },
      },
    });
    const handled: string[] = [];
    const transient: number[] = [];
    const deadLettered: Array<{ eventType: string | undefined }> = [];
    const c = consumer(
      {
        'booking.created': 'ignore',
        'booking.confirmed': 'ignore',
        'booking.failed': 'ignore',
        'booking.cancelled': async (event) => {
          handled.push(event.bookingId);
        },
      },
      flaky,
    );
    c.on(CONSUMER_EVENTS.TRANSIENT_ERROR, (p) => transient.push(p.retryInMs));
    c.on(CONSUMER_EVENTS.DEAD_LETTERED, (p) => deadLettered.push(p));
    await c.start();
    await waitFor(() => handled.includes(bookingId), 'the message after the outage');
    expect(transient.length).toBeGreaterThanOrEqual(3);
    // this group reads the topic from the start, so the earlier test's poison messages are
    // dead-lettered again; the event caught in the outage must not be
    expect(deadLettered.filter((d) => d.eventType === 'booking.cancelled')).toEqual([]);
  });

  it('commits only handled messages: a new consumer of the group starts after them', async () => {
    const groupId = `g-${randomUUID()}`;
    const first: string[] = [];
    const ignoreAllBut = (list: string[]): Handlers<Bookings> => ({
      'booking.created': async (e) => {
        list.push(e.bookingId);
      },
      'booking.confirmed': 'ignore',
      'booking.cancelled': 'ignore',
      'booking.failed': 'ignore',
    });
    const marker = `COMMIT-${randomUUID().slice(0, 6)}`;
    await producer.publish('booking.created', bookingInputs(`${marker}-1`)['booking.created']);
    const c1 = consumer(ignoreAllBut(first), it0.registry, groupId);
    await c1.start();
    await waitFor(() => first.includes(`${marker}-1`), 'the first event');
    await c1.stop();
    await producer.publish('booking.created', bookingInputs(`${marker}-2`)['booking.created']);
    const second: string[] = [];
    const c2 = consumer(ignoreAllBut(second), it0.registry, groupId);
    await c2.start();
    await waitFor(() => second.includes(`${marker}-2`), 'the second event');
    expect(second).not.toContain(`${marker}-1`);
  });
});
