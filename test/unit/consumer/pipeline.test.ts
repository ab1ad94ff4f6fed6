/**
 * The consumer's message pipeline without Kafka: the in-memory registry, a fake dead-letter sink,
 * and the outcome it returns to the runner, the events it emits and the log lines it writes.
 */
import type { ConsumedRecord } from '../../../src/kafka/transport';
import { createEmitter, CONSUMER_EVENTS } from '../../../src/consumer/events';
import { createConsumerLog } from '../../../src/consumer/log';
import { createPipeline, type DeadLetter, type EventHandler, type Outcome } from '../../../src/consumer/pipeline';
import { bookingsContract } from '../../../src/generated/bookings';
import { KafkaError, RegistryError, TransactionAbortedError } from '../../../src/errors';
import { rateLimited, type Logger, type LogLevel } from '../../../src/log';
import { createInMemoryRegistry, registerContract } from '../../../src/registry';
import { createSerde } from '../../../src/serde';
import { REPLAY_HEADERS } from '../../../src/dlq/headers';
import { bookingEvents } from '../../support/bookings-fixtures';

type Handler = EventHandler<unknown> | 'ignore';

interface Setup {
  handlers?: Record<string, Handler>;
  attempts?: number;
  handlerTimeoutMs?: number;
  /** What the fake sink throws for a full record, and for a bounded one. */
  refuse?: { full?: unknown; bounded?: unknown };
}

/** A Kafka protocol error as kafkajs throws it, wrapped as the kit wraps it. */
const tooLarge = () =>
  new KafkaError('sending to the dead-letter topic failed: too large', 'bookings.dlq', {
    cause: Object.assign(new Error('The request included a message larger than the max message size'), {
      type: 'MESSAGE_TOO_LARGE',
      code: 10,
      retriable: false,
    }),
  });

async function setUp(setup: Setup = {}) {
  const registry = createInMemoryRegistry({ compatibility: 'NONE' });
  await registerContract(bookingsContract, registry);
  const serde = createSerde(bookingsContract, registry);
  const events = createEmitter();
  const lines: Array<{ level: LogLevel; message: string; fields?: Record<string, unknown> }> = [];
  const logger: Logger = {
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    debug: (message, fields) => lines.push({ level: 'debug', message, fields }),
    enabled: () => true,
  };
  const sent: Array<{ letter: DeadLetter; bounded: boolean }> = [];
  let running = true;
  const log = createConsumerLog('billing', rateLimited(logger, { lines: 3, intervalMs: 60_000 }));
  const pipeline = createPipeline({
    groupId: 'billing',
    serde,
    handlers: {
      'booking.created': async () => undefined,
      'booking.confirmed': () => undefined,
      'booking.cancelled': 'ignore',
      'booking.failed': () => undefined,
      ...setup.handlers,
    },
    attempts: setup.attempts ?? 3,
    retryDelay: () => 1,
    transientDelay: (n) => 100 * n,
    unknownEventType: 'dead-letter',
    environmentPolicy: 'pause',
    handlerTimeoutMs: setup.handlerTimeoutMs ?? Infinity,
    deadLetters: {
      topic: 'bookings.dlq',
      async send(letter, bounded) {
        const refusal = bounded ? setup.refuse?.bounded : setup.refuse?.full;
        if (refusal) throw refusal;
        sent.push({ letter, bounded });
      },
    },
    events,
    log,
    running: () => running,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  });
  let offset = 0;
  const message = (value: Buffer, headers: ConsumedRecord['headers'] = {}): ConsumedRecord =>
    ({
      key: Buffer.from('k'),
      value,
      headers: headers ?? {},
      offset: String(offset++),
      timestamp: '0',
    }) as ConsumedRecord;
  const handle = async (value: Buffer, headers?: ConsumedRecord['headers']): Promise<Outcome> =>
    pipeline.handle({
      topic: 'bookings',
      partition: 2,
      message: message(value, headers),
      heartbeat: async () => undefined,
    });
  const encoded = (type: keyof ReturnType<typeof bookingEvents>) => serde.encode(bookingEvents()[type] as never);
  return { pipeline, events, lines, sent, handle, encoded, log, stop: () => (running = false) };
}

describe('the consumer pipeline', () => {
  it('handles a message synchronously when the schema is cached and the handler returns no promise', async () => {
    const t = await setUp();
    const bytes = await t.encoded('booking.confirmed');
    await t.handle(bytes); // the first one fetches the schema
    const outcome = t.pipeline.handle({
      topic: 'bookings',
      partition: 0,
      message: { key: null, value: bytes, headers: {}, offset: '9', timestamp: '0' },
      heartbeat: async () => undefined,
    });
    expect(outcome).toBe('done');
  });

  it('retries a failing handler with its attempt number, and says so in the log', async () => {
    const attempts: number[] = [];
    const t = await setUp({
      handlers: {
        'booking.created': async (_e, ctx) => {
          attempts.push(ctx.attempt);
          if (ctx.attempt < 3) throw new Error('inventory said 503');
        },
      },
    });
    const retried: number[] = [];
    t.events.on(CONSUMER_EVENTS.RETRIED, (e) => retried.push(e.attempt));
    await expect(t.handle(await t.encoded('booking.created'))).resolves.toBe('done');
    expect(attempts).toEqual([1, 2, 3]);
    expect(retried).toEqual([1, 2]);
    expect(t.lines.filter((l) => l.message.includes('retrying'))).toHaveLength(2);
    expect(t.lines[0]).toMatchObject({
      level: 'warn',
      fields: { group: 'billing', topic: 'bookings', partition: 2, eventType: 'booking.created', attempt: 1 },
    });
    expect(t.sent).toEqual([]);
  });

  it('dead-letters a handler that keeps failing, with its reason, attempts and a warn line naming it', async () => {
    const t = await setUp({
      handlers: {
        'booking.created': async () => {
          throw new TypeError('no seat map');
        },
      },
    });
    await expect(t.handle(await t.encoded('booking.created'))).resolves.toBe('done');
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]).toMatchObject({
      bounded: false,
      letter: { reason: 'handler-failed', attempts: 3, eventType: 'booking.created', partition: 2 },
    });
    const line = t.lines.find((l) => l.message.startsWith('dead-lettered'));
    expect(line).toMatchObject({
      level: 'warn',
      fields: { reason: 'handler-failed', code: 'HANDLER_FAILED', eventType: 'booking.created', attempts: 3 },
    });
    expect(line?.message).toContain('TypeError: no seat map');
  });

  it('dead-letters bytes it cannot decode at once (no handler run)', async () => {
    const t = await setUp();
    await expect(t.handle(Buffer.from([7, 7, 7]))).resolves.toBe('done');
    expect(t.sent[0]?.letter).toMatchObject({ reason: 'undecodable', attempts: 0 });
    expect(t.lines.find((l) => l.message.startsWith('dead-lettered'))?.fields).toMatchObject({ code: 'WIRE_FORMAT' });
  });

  it('times out a hung handler: its signal is aborted with a HandlerTimeoutError, it is retried, then dead-lettered', async () => {
    const signals: AbortSignal[] = [];
    const t = await setUp({
      handlerTimeoutMs: 30,
      attempts: 2,
      handlers: {
        'booking.created': (_e, ctx) => {
          signals.push(ctx.signal);
          return new Promise<void>(() => undefined); // never settles
        },
      },
    });
    await expect(t.handle(await t.encoded('booking.created'))).resolves.toBe('done');
    expect(signals).toHaveLength(2);
    for (const s of signals) expect(s.reason).toMatchObject({ code: 'HANDLER_TIMEOUT', timeoutMs: 30 });
    expect(t.sent[0]?.letter).toMatchObject({ reason: 'handler-failed', attempts: 2 });
    expect((t.sent[0]?.letter.error as { cause?: { code?: string } }).cause?.code).toBe('HANDLER_TIMEOUT');
  });

  it('abandons a running handler when the consumer stops: the message is not committed', async () => {
    let signal: AbortSignal | undefined;
    const t = await setUp({
      handlers: {
        'booking.created': (_e, ctx) => {
          signal = ctx.signal;
          return new Promise<void>(() => undefined);
        },
      },
    });
    const outcome = t.handle(await t.encoded('booking.created'));
    await new Promise((r) => setTimeout(r, 10));
    t.stop();
    t.pipeline.abandonInFlight();
    await expect(outcome).resolves.toBe('abandon');
    expect(signal?.aborted).toBe(true);
  });

  it('writes a bounded record when the dead-letter topic refuses the full one as too large', async () => {
    const t = await setUp({ refuse: { full: tooLarge() } });
    await expect(t.handle(Buffer.from([9, 9]))).resolves.toBe('done');
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]?.bounded).toBe(true);
    expect(t.lines.some((l) => l.message.includes('writing a truncated record instead'))).toBe(true);
    expect(t.lines.find((l) => l.message.startsWith('dead-lettered'))?.message).toContain('truncated');
  });

  it('stops with DEAD_LETTER_TOO_LARGE when even the bounded record is refused, and logs it as an error', async () => {
    const t = await setUp({ refuse: { full: tooLarge(), bounded: tooLarge() } });
    const outcome = await t.handle(Buffer.from([9, 9]));
    expect(outcome).toMatchObject({ stop: { code: 'CONSUMER_STOPPED', causeCode: 'DEAD_LETTER_TOO_LARGE' } });
    expect(t.lines.find((l) => l.level === 'error')?.message).toContain('refused even the truncated record');
  });

  it('keeps the message for an environment failure (pause, never dead-letter), and says when the partition resumed', async () => {
    let down = true;
    const t = await setUp({
      handlers: {
        'booking.created': async () => {
          if (down)
            throw new RegistryError('http://registry', 503, undefined, 'the registry answered 503', {
              retriable: true,
            });
        },
      },
    });
    const bytes = await t.encoded('booking.created');
    await expect(t.handle(bytes)).resolves.toEqual({ retryInMs: 100 });
    await expect(t.handle(bytes)).resolves.toEqual({ retryInMs: 200 });
    down = false;
    await expect(t.handle(bytes)).resolves.toBe('done');
    expect(t.sent).toEqual([]);
    const paused = t.lines.filter((l) => l.message.startsWith('paused bookings[2]'));
    expect(paused).toHaveLength(2);
    expect(paused[0]?.message).toContain('nothing is dead-lettered');
    expect(t.lines.find((l) => l.message.startsWith('resumed bookings[2]'))?.fields).toMatchObject({ failures: 2 });
  });

  it('holds a partition a failed transaction set back as paused by its code until a message goes through', async () => {
    const t = await setUp();
    const transient: unknown[] = [];
    t.events.on(CONSUMER_EVENTS.TRANSIENT_ERROR, (e) =>
      transient.push({ offset: e.offset, code: e.code, retryInMs: e.retryInMs }),
    );
    const error = new TransactionAbortedError(
      'billing',
      'billing.bookings.2',
      { topic: 'bookings', partition: 2, offset: '7' },
      new Error('timeout'),
    );
    t.pipeline.setBack({ topic: 'bookings', partition: 2, offset: '5' }, error, 500);
    expect(t.pipeline.snapshot().paused).toMatchObject([
      { topic: 'bookings', partition: 2, offset: '5', failures: 1, code: 'TRANSACTION_ABORTED' },
    ]);
    expect(transient).toEqual([{ offset: '5', code: 'TRANSACTION_ABORTED', retryInMs: 500 }]);
    await expect(t.handle(await t.encoded('booking.confirmed'))).resolves.toBe('done');
    expect(t.pipeline.snapshot().paused).toEqual([]);
    expect(t.lines.find((l) => l.message.startsWith('resumed bookings[2]'))?.fields).toMatchObject({
      code: 'TRANSACTION_ABORTED',
      failures: 1,
    });
  });

  it('skips a replayed copy meant for another group', async () => {
    const t = await setUp();
    const ignored: string[] = [];
    t.events.on(CONSUMER_EVENTS.IGNORED, (e) => ignored.push(e.reason));
    const bytes = await t.encoded('booking.created');
    await expect(t.handle(bytes, { [REPLAY_HEADERS.TARGET_GROUP]: 'inventory' })).resolves.toBe('done');
    expect(ignored).toEqual(['replay-for-another-group']);
  });

  it('writes a flood of dead letters as a few lines and a count', async () => {
    const t = await setUp();
    for (let i = 0; i < 50; i++) await t.handle(Buffer.from([1, 2, 3]));
    expect(t.sent).toHaveLength(50);
    expect(t.lines.filter((l) => l.message.startsWith('dead-lettered'))).toHaveLength(3);
    t.log.flush();
    expect(t.lines.at(-1)).toMatchObject({ level: 'warn', fields: { kind: 'dead-lettered', held: 47 } });
    expect(t.lines.at(-1)?.message).toMatch(/^47 more "dead-lettered" lines in the last \d+ s/);
  });
});
