/**
 * The consumer's process spans and the producer's publish spans when a service has the OpenTelemetry API but no SDK (a dependency
 * pulled the API in): no span object per message, so telemetry costs a backlog nothing; and spans
 * again as soon as the application registers an SDK, even after the consumer was made.
 */
import { context, metrics, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { consumerTelemetry, producerTelemetry } from '../../../src/telemetry';

afterEach(() => {
  trace.disable();
  metrics.disable();
  propagation.disable();
  context.disable();
});

describe('consumer telemetry', () => {
  it('makes no span without an SDK, then spans once a tracer provider is registered', () => {
    const telemetry = consumerTelemetry('billing', 'bookings', () => []);
    expect(telemetry.enabled).toBe(true);
    expect(telemetry.process(0, '7', {}, null)).toBeUndefined();

    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    const span = telemetry.process(0, '8', {}, Buffer.from('BOOK-1'));
    expect(span).toBeDefined();
    expect(span!.run((a: number, b: string) => `${a}${b}`, 1, 'x')).toBe('1x');
    span!.end('handled', { eventType: 'booking.created', schemaId: 3 });
    const [finished] = exporter.getFinishedSpans();
    expect(finished?.name).toBe('process bookings');
    expect(finished?.attributes).toMatchObject({
      'messaging.kafka.offset': 8,
      'messaging.kafka.message.key': 'BOOK-1',
      'contracts.outcome': 'handled',
      'contracts.event.type': 'booking.created',
      'contracts.schema.id': 3,
    });
    telemetry.close();
  });

  it('keeps a span per message for the metrics when only a meter provider is registered', () => {
    metrics.setGlobalMeterProvider(new MeterProvider());
    const telemetry = consumerTelemetry('billing', 'bookings', () => []);
    const span = telemetry.process(1, '9', undefined, null);
    expect(span).toBeDefined();
    span!.end('dead-lettered', { eventType: 'booking.failed', reason: 'handler', code: 'HANDLER' });
    telemetry.close();
  });

  it("passes a caller's trace context on with a propagator and no SDK, as the API alone does", () => {
    const telemetry = producerTelemetry('bookings');
    const remote = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
    };
    const inCaller = (work: () => void) => context.with(trace.setSpanContext(ROOT_CONTEXT, remote), work);
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const bare: Record<string, string> = {};
    inCaller(() => telemetry.publish('booking.created', null, 1).inject(bare));
    expect(bare).toEqual({});

    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const headers: Record<string, string> = {};
    inCaller(() => telemetry.publish('booking.created', null, 1).inject(headers));
    expect(headers.traceparent).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(consumerTelemetry('billing', 'bookings', () => []).process(0, '1', headers, null)).toBeDefined();
  });
});
