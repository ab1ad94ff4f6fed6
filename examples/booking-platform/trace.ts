/**
 * `npm start`'s trace of one booking: OpenTelemetry's SDK registered in memory (what a service does
 * with its own exporter), the kit's spans recorded while the flows run, and the span tree of one
 * booking printed at the end — no collector needed.
 */
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

export interface Tracing {
  spans(): ReadableSpan[];
  stop(): void;
}

export function recordTraces(): Tracing {
  const exporter = new InMemorySpanExporter();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  return {
    spans: () => exporter.getFinishedSpans(),
    stop: () => {
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/**
 * The span tree of the first booking that was confirmed: its `booking.created` publish and
 * everything below it, one line a span; the groups that only skipped an event are counted, not listed.
 */
export function renderBookingTrace(spans: ReadableSpan[]): string {
  const confirmed = spans.find(
    (s) => s.name.startsWith('publish ') && s.attributes['contracts.event.type'] === 'booking.confirmed',
  );
  if (!confirmed) return 'no booking was confirmed: no trace to show';
  const traceId = confirmed.spanContext().traceId;
  const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
  const children = new Map<string | undefined, ReadableSpan[]>();
  for (const span of inTrace) {
    const parent = span.parentSpanContext?.spanId;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const ids = new Set(inTrace.map((s) => s.spanContext().spanId));
  const roots = inTrace.filter((s) => !s.parentSpanContext || !ids.has(s.parentSpanContext.spanId));
  const lines = [`trace ${traceId} (one booking, ${inTrace.length} spans):`];
  const ms = (s: ReadableSpan) => `${(s.duration[0] * 1000 + s.duration[1] / 1e6).toFixed(1)} ms`;
  const walk = (span: ReadableSpan, depth: number) => {
    const a = span.attributes;
    const who = a['messaging.consumer.group.name'] ? ` by ${String(a['messaging.consumer.group.name'])}` : '';
    const outcome = a['contracts.outcome'] ? ` → ${String(a['contracts.outcome'])}` : '';
    const where =
      a['messaging.destination.partition.id'] === undefined
        ? ''
        : ` [${String(a['messaging.destination.partition.id'])}]`;
    lines.push(
      `${'  '.repeat(depth + 1)}${span.name}${where} ${String(a['contracts.event.type'] ?? '')}${who}${outcome} (${ms(span)})`,
    );
    const below = (children.get(span.spanContext().spanId) ?? []).sort(
      (x, y) => x.startTime[0] - y.startTime[0] || x.startTime[1] - y.startTime[1],
    );
    const skipped = below.filter((s) => s.attributes['contracts.outcome'] === 'ignored');
    for (const child of below.filter((s) => s.attributes['contracts.outcome'] !== 'ignored')) walk(child, depth + 1);
    if (skipped.length > 0)
      lines.push(`${'  '.repeat(depth + 2)}(skipped by ${skipped.length} group(s) that do not handle it)`);
  };
  for (const root of roots) walk(root, 0);
  return lines.join('\n');
}
