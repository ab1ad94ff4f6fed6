/**
 * OpenTelemetry on the real stack, with the SDK's in-memory exporters registered the way a service
 * registers its own: one booking goes web → billing (consumes booking.created, publishes
 * booking.confirmed) → user, and is one trace with the publish and process spans of both hops and
 * their contract attributes; a poison record is a dead-lettered process span with an error status
 * and a count by reason; the lag metric equals the admin API's lag once the groups are idle; a
 * throwing handler and a registry outage each leave their span status, count and log line.
 */
import { context, metrics, propagation, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { randomUUID } from 'node:crypto';
import { createConsumer, type Consumer } from '../../src/consumer';
import { TRANSPORTS, type TransportName } from '../../src/kafka/transport';
import type { bookingsContract } from '../../src/generated/bookings';
import { configureLogging, type LogEntry } from '../../src/log';
import { createProducer, type Producer } from '../../src/producer';
import { bookingInputs } from '../support/bookings-fixtures';
import { setUpTopic, waitFor, type ItContext } from '../support/it-helpers';

jest.setTimeout(120_000);

type Bookings = typeof bookingsContract;
class TestReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

const spans = new InMemorySpanExporter();
const reader = new TestReader();
let it0: ItContext<Bookings>;
/** The transport of the describe block running; each has a topic of its own. */
let transport: TransportName;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
});
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  trace.disable();
  metrics.disable();
  propagation.disable();
  context.disable();
});

function producer(source: string): Producer<Bookings> {
  const p = createProducer({
    contract: it0.contract,
    brokers: it0.env.brokers,
    registry: it0.registry,
    source,
    transport,
  });
  closers.push(() => p.disconnect());
  return p;
}

type Options = Parameters<typeof createConsumer<Bookings>>[0];

function consumer(groupId: string, handlers: Options['handlers'], extra: Partial<Options> = {}): Consumer<Bookings> {
  const c = createConsumer<Bookings>({
    contract: it0.contract,
    groupId,
    handlers,
    brokers: it0.env.brokers,
    registry: it0.registry,
    fromBeginning: true,
    stopOnSignals: [],
    retry: { attempts: 1 },
    transport,
    ...extra,
  });
  closers.push(() => c.stop());
  return c;
}

const attr = (span: ReadableSpan, name: string) => span.attributes[name];
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe.each(TRANSPORTS)('on %s', (name) => {
  beforeAll(async () => {
    transport = name;
    it0 = await setUpTopic(`otel-it-${name}`);
    spans.reset();
  });

  it('one booking is one trace across two hops, with the contract on every span, and the metrics count it', async () => {
    const runId = randomUUID().slice(0, 8);
    const billingGroup = `billing-${runId}`;
    const userGroup = `user-${runId}`;
    const web = producer('booking-web');
    const billingOut = producer('billing-service');
    const bookingId = `OTEL-${runId}`;
    const seenByUser: string[] = [];

    const billing = consumer(billingGroup, {
      'booking.created': async (event) => {
        const input = bookingInputs(event.bookingId)['booking.confirmed'];
        await billingOut.publish('booking.confirmed', { ...input, bookingId: event.bookingId });
      },
      'booking.confirmed': 'ignore',
      'booking.cancelled': 'ignore',
      'booking.failed': 'ignore',
    });
    const user = consumer(userGroup, {
      'booking.created': 'ignore',
      'booking.confirmed': async (event) => void seenByUser.push(event.bookingId),
      'booking.cancelled': 'ignore',
      'booking.failed': 'ignore',
    });
    await billing.start();
    await user.start();

    // the web request's own span: everything after it is its child
    const tracer = trace.getTracer('booking-web');
    const root = await tracer.startActiveSpan('POST /bookings', async (span) => {
      await web.publish('booking.created', { ...bookingInputs(bookingId)['booking.created'] });
      span.end();
      return span;
    });
    // and a poison record on the same topic
    const raw = it0.kafka.producer();
    await raw.connect();
    await raw.send({ topic: it0.contract.topic, messages: [{ key: 'poison', value: Buffer.from('not an event') }] });
    await raw.disconnect();

    await waitFor(() => seenByUser.includes(bookingId), 'the user service to see the confirmation');
    const traceId = root.spanContext().traceId;
    await waitFor(
      () => spans.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId).length >= 7,
      'the spans of the booking',
      10_000,
    );
    const inTrace = spans.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    /** The publish span of an event type, or its process span in one group. */
    const spanOf = (operation: 'publish' | 'process', eventType: string, group?: string) =>
      inTrace.find(
        (s) =>
          s.name === `${operation} ${it0.contract.topic}` &&
          attr(s, 'contracts.event.type') === eventType &&
          (group === undefined || attr(s, 'messaging.consumer.group.name') === group),
      )!;
    const publishCreated = spanOf('publish', 'booking.created');
    const processCreated = spanOf('process', 'booking.created', billingGroup);
    const publishConfirmed = spanOf('publish', 'booking.confirmed');
    const processConfirmed = spanOf('process', 'booking.confirmed', userGroup);
    // the path: web request → publish → billing's process → its publish → user's process
    expect(parentOf(publishCreated)).toBe(root.spanContext().spanId);
    expect(parentOf(processCreated)).toBe(publishCreated.spanContext().spanId);
    expect(parentOf(publishConfirmed)).toBe(processCreated.spanContext().spanId);
    expect(parentOf(processConfirmed)).toBe(publishConfirmed.spanContext().spanId);
    expect(publishCreated.kind).toBe(SpanKind.PRODUCER);
    expect(processCreated.kind).toBe(SpanKind.CONSUMER);
    expect(publishCreated.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': it0.contract.topic,
      'messaging.operation.type': 'send',
      'messaging.kafka.message.key': bookingId,
      'contracts.schema.id': expect.any(Number),
    });
    expect(publishCreated.attributes['messaging.destination.partition.id']).toBe(
      processCreated.attributes['messaging.destination.partition.id'],
    );
    expect(processCreated.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.consumer.group.name': billingGroup,
      'messaging.kafka.offset': expect.any(Number),
      'contracts.outcome': 'handled',
      'contracts.schema.id': publishCreated.attributes['contracts.schema.id'],
    });
    // the other group's copy of the same event: ignored by a handler set to 'ignore', in the same trace
    const ignored = inTrace.find(
      (s) =>
        attr(s, 'messaging.consumer.group.name') === userGroup && attr(s, 'contracts.event.type') === 'booking.created',
    );
    expect(ignored?.attributes['contracts.outcome']).toBe('ignored');

    // the poison record: a process span of its own (no trace context), dead-lettered, in error
    await waitFor(
      () =>
        spans
          .getFinishedSpans()
          .some(
            (s) =>
              attr(s, 'contracts.outcome') === 'dead-lettered' &&
              attr(s, 'messaging.consumer.group.name') === billingGroup,
          ),
      'the dead letter span',
      20_000,
    );
    const dead = spans
      .getFinishedSpans()
      .find(
        (s) =>
          attr(s, 'contracts.outcome') === 'dead-lettered' && attr(s, 'messaging.consumer.group.name') === billingGroup,
      )!;
    expect(dead.status.code).toBe(SpanStatusCode.ERROR);
    expect(dead.attributes).toMatchObject({
      'contracts.dead_letter.reason': 'undecodable',
      'error.type': 'WIRE_FORMAT',
    });

    // metrics: the dead letter by reason, and the lag at quiescence equal to what the admin API says
    await waitFor(async () => (await adminLag(billingGroup)) === 0, "billing's commits at the end", 20_000);
    await waitFor(() => billing.health().partitions.every((p) => (p.lag ?? 0) === 0), 'billing idle', 20_000);
    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const points = (name: string) =>
      (all.find((m) => m.descriptor.name === name)?.dataPoints ?? []) as Array<DataPoint<number>>;
    const deadLettered = points('messaging.client.consumed.messages').filter(
      (p) =>
        p.attributes['messaging.consumer.group.name'] === billingGroup &&
        p.attributes['contracts.outcome'] === 'dead-lettered',
    );
    expect(deadLettered).toEqual([
      expect.objectContaining({
        value: 1,
        attributes: expect.objectContaining({
          'contracts.dead_letter.reason': 'undecodable',
          'error.type': 'WIRE_FORMAT',
        }),
      }),
    ]);
    const handledByBilling = points('messaging.client.consumed.messages').find(
      (p) =>
        p.attributes['messaging.consumer.group.name'] === billingGroup &&
        p.attributes['contracts.outcome'] === 'handled',
    );
    expect(handledByBilling?.value).toBe(1);
    const lag = points('messaging.kafka.consumer.lag').filter(
      (p) => p.attributes['messaging.consumer.group.name'] === billingGroup,
    );
    expect(lag.length).toBeGreaterThan(0);
    expect(lag.map((p) => p.value).reduce((a, b) => a + b, 0)).toBe(await adminLag(billingGroup));
    expect(points('messaging.client.sent.messages').length).toBeGreaterThan(0);
  });

  /** The group's lag as `kafka-consumer-groups --describe` counts it: end offset − committed, per partition with a commit. */
  async function adminLag(groupId: string): Promise<number> {
    const admin = it0.kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [it0.contract.topic] });
      const ends = await admin.fetchTopicOffsets(it0.contract.topic);
      let lag = 0;
      for (const p of ends) {
        const at = committed?.partitions.find((c) => c.partition === p.partition)?.offset ?? '-1';
        lag += at === '-1' ? Number(p.high) - Number(p.low) : Number(p.high) - Number(at);
      }
      return lag;
    } finally {
      await admin.disconnect();
    }
  }

  it('a throwing handler and a registry outage each leave their span status, their count and their log line', async () => {
    const runId = randomUUID().slice(0, 8);
    const lines: LogEntry[] = [];
    configureLogging({ level: 'warn', sink: (entry) => lines.push(entry) });
    try {
      const web = producer('booking-web');
      const bookingId = `OTEL-FAIL-${runId}`;
      await web.publish('booking.cancelled', { ...bookingInputs(bookingId)['booking.cancelled'] });

      // a handler that throws on every cancellation: retried once (attempts 2), then dead-lettered
      const refunds = `refunds-${runId}`;
      const throwing = consumer(
        refunds,
        {
          'booking.created': 'ignore',
          'booking.confirmed': 'ignore',
          'booking.cancelled': async () => {
            throw new TypeError('refund service rejected the request');
          },
          'booking.failed': 'ignore',
        },
        { retry: { attempts: 2, initialDelayMs: 10 } },
      );
      await throwing.start();
      const deadSpan = () =>
        spans
          .getFinishedSpans()
          .find(
            (s) =>
              attr(s, 'messaging.consumer.group.name') === refunds &&
              attr(s, 'contracts.dead_letter.reason') === 'handler-failed',
          );
      await waitFor(() => deadSpan() !== undefined, 'the dead-lettered process span', 30_000);
      expect(deadSpan()!.status.code).toBe(SpanStatusCode.ERROR);
      expect(deadSpan()!.attributes).toMatchObject({
        'contracts.event.type': 'booking.cancelled',
        'contracts.dead_letter.reason': 'handler-failed',
        'error.type': 'HANDLER_FAILED',
        'contracts.handler.retries': 1,
      });
      expect(deadSpan()!.events.map((e) => e.name)).toContain('contracts.handler.retry');
      expect(lines.some((l) => l.fields?.group === refunds && l.message.includes('retrying in'))).toBe(true);
      expect(lines.some((l) => l.fields?.group === refunds && l.message.startsWith('dead-lettered'))).toBe(true);

      // a registry nobody answers at: the partition pauses, nothing is dead-lettered
      const outage = `outage-${runId}`;
      const down = consumer(
        outage,
        {
          'booking.created': 'ignore',
          'booking.confirmed': 'ignore',
          'booking.cancelled': async () => undefined,
          'booking.failed': 'ignore',
        },
        { registry: 'http://127.0.0.1:9/apis/ccompat/v7', transientRetry: { initialDelayMs: 50, maxDelayMs: 200 } },
      );
      await down.start();
      await waitFor(() => down.health().state === 'degraded', 'the consumer degraded by the outage', 30_000);
      const paused = spans
        .getFinishedSpans()
        .find((s) => attr(s, 'messaging.consumer.group.name') === outage && attr(s, 'contracts.outcome') === 'paused');
      expect(paused?.status.code).toBe(SpanStatusCode.ERROR);
      expect(paused?.attributes['error.type']).toBe('REGISTRY_UNREACHABLE');
      expect(lines.some((l) => l.fields?.group === outage && l.message.startsWith('paused'))).toBe(true);

      const { resourceMetrics } = await reader.collect();
      const consumed = (resourceMetrics.scopeMetrics
        .flatMap((s) => s.metrics)
        .find((m) => m.descriptor.name === 'messaging.client.consumed.messages')?.dataPoints ?? []) as Array<
        DataPoint<number>
      >;
      // the group reads the topic from its start: the first test's poison record is dead-lettered too
      const count = (group: string, outcome: string, reason?: string) =>
        consumed
          .filter(
            (p) =>
              p.attributes['messaging.consumer.group.name'] === group &&
              p.attributes['contracts.outcome'] === outcome &&
              (reason === undefined || p.attributes['contracts.dead_letter.reason'] === reason),
          )
          .reduce((n, p) => n + p.value, 0);
      expect(count(refunds, 'dead-lettered', 'handler-failed')).toBe(1);
      expect(count(outage, 'paused')).toBeGreaterThanOrEqual(1);
      // good events are never dead-lettered for an outage: only the poison record's bytes may be (no registry needed to refuse them)
      const outageDeadLetters = consumed.filter(
        (p) =>
          p.attributes['messaging.consumer.group.name'] === outage &&
          p.attributes['contracts.outcome'] === 'dead-lettered',
      );
      expect(outageDeadLetters.every((p) => p.attributes['error.type'] === 'WIRE_FORMAT')).toBe(true);
      expect(count(outage, 'handled')).toBe(0);
    } finally {
      configureLogging({ sink: undefined });
    }
  });
});
