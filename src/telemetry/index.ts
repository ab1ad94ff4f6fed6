/**
 * OpenTelemetry for the kit's producer and consumer, through `@opentelemetry/api` only (an
 * optional peer dependency): the application owns the SDK, the kit adds spans and metrics that
 * know the contract. Without the package, or without an SDK registered, every call here costs a
 * no-op. Spans follow the messaging semantic conventions (`publish <topic>` / `process <topic>`,
 * `messaging.system=kafka`, destination, partition, offset, consumer group) plus the contract's own
 * attributes (`contracts.event.type`, `contracts.schema.id`, `contracts.outcome`, the dead-letter
 * reason); the W3C trace context travels in the record headers (`traceparent`, `tracestate`), so a
 * booking's path web → billing → user is one trace, and a publish inside a handler is a child of
 * that handler's span.
 */
import type * as OTel from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';
import { PACKAGE_NAME, packageInfo } from '../package-info';

type Api = typeof OTel;
let loaded: Api | null | undefined;

/** Turns the kit's telemetry off even where the application uses OpenTelemetry (`CONTRACTS_TELEMETRY=off`). */
export const TELEMETRY_ENV = 'CONTRACTS_TELEMETRY';

/** The OpenTelemetry API when the application has it installed (and has not set CONTRACTS_TELEMETRY=off); null otherwise. */
function otel(): Api | null {
  if (process.env[TELEMETRY_ENV] === 'off') return null;
  if (loaded === undefined) {
    try {
      // an optional peer: a service without it gets no telemetry and no error
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require('@opentelemetry/api') as Api;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

/** The outcome of one consumed message, as the process span and the message counter name it. */
export type ProcessOutcome = 'handled' | 'ignored' | 'dead-lettered' | 'paused' | 'stopped' | 'abandoned';

export interface ProcessSpan {
  /** Runs `fn(a, b)` (the handler) with this span as the active context: a publish inside it becomes its child. */
  run<A, B, T>(fn: (a: A, b: B) => T, a: A, b: B): T;
  retried(attempt: number, error: unknown): void;
  end(
    outcome: ProcessOutcome,
    details?: { reason?: string; code?: string; error?: unknown; eventType?: string; schemaId?: number },
  ): void;
}

export interface PublishSpan {
  /** Adds the trace context to the record's headers (unless the caller set a traceparent). */
  inject(headers: IHeaders): void;
  end(result: { partition: number; offset?: string } | { error: unknown }): void;
}

/** A span that records nothing: what the consumer's steps end when telemetry made none. */
export const NOOP_PROCESS: ProcessSpan = {
  run: (fn, a, b) => fn(a, b),
  retried: () => undefined,
  end: () => undefined,
};
const NOOP_PUBLISH: PublishSpan = { inject: () => undefined, end: () => undefined };

/** Reads and writes Kafka headers (Buffers or strings) for the W3C propagator. */
const headerGetter: OTel.TextMapGetter<IHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  },
};
const headerSetter: OTel.TextMapSetter<IHeaders> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

const errorText = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
const codeOf = (error: unknown) =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code: string }).code
    : undefined;

/**
 * The messaging semantic conventions' buckets for durations in seconds. Without this advice the SDK
 * uses its default boundaries (0, 5, 10, 25 … 10000), meant for milliseconds: every publish and
 * every handler would fall in the first bucket.
 */
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** The producer's side: a span per published event, its duration and count as metrics. */
export function producerTelemetry(topic: string): {
  publish(eventType: string, key: string | null, schemaId: number): PublishSpan;
} {
  const api = otel();
  if (!api) return { publish: () => NOOP_PUBLISH };
  const tracer = api.trace.getTracer(PACKAGE_NAME, packageInfo().version);
  const meter = api.metrics.getMeter(PACKAGE_NAME, packageInfo().version);
  const measuring = meter !== api.createNoopMeter();
  const duration = meter.createHistogram('messaging.client.operation.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
    description: 'How long a publish took, until the broker acknowledged it (or it failed)',
  });
  const sent = tallied(meter, 'messaging.client.sent.messages', 'Events published');
  const tracing = tracingProbe(api);
  return {
    publish(eventType, key, schemaId) {
      if (!measuring && !tracing()) return NOOP_PUBLISH;
      const started = performance.now();
      const span = tracer.startSpan(`publish ${topic}`, { kind: api.SpanKind.PRODUCER });
      // an unsampled span records nothing: its attributes are not even built
      if (span.isRecording()) {
        span.setAttributes({
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'publish',
          'messaging.destination.name': topic,
          ...(key === null ? {} : { 'messaging.kafka.message.key': key }),
          'contracts.event.type': eventType,
          'contracts.schema.id': schemaId,
        });
      }
      return {
        inject(headers) {
          if (headers.traceparent !== undefined) return;
          api.propagation.inject(api.trace.setSpan(api.context.active(), span), headers, headerSetter);
        },
        end(result) {
          const failed = 'error' in result;
          if (span.isRecording()) {
            if (failed) {
              span.recordException(result.error instanceof Error ? result.error : errorText(result.error));
              span.setStatus({ code: api.SpanStatusCode.ERROR, message: errorText(result.error) });
              span.setAttribute('error.type', codeOf(result.error) ?? 'KAFKA');
            } else {
              span.setAttribute('messaging.destination.partition.id', String(result.partition));
              if (result.offset !== undefined) span.setAttribute('messaging.kafka.offset', Number(result.offset));
            }
          }
          span.end();
          if (!measuring) return;
          const errorType = failed ? (codeOf(result.error) ?? 'KAFKA') : '';
          const attributes = sent.attributes(`${eventType}|${errorType}`, () => ({
            'messaging.system': 'kafka',
            'messaging.destination.name': topic,
            'contracts.event.type': eventType,
            ...(failed ? { 'error.type': errorType } : {}),
          }));
          duration.record((performance.now() - started) / 1000, attributes);
          if (!failed) sent.add(`${eventType}|`, attributes);
        },
      };
    },
  };
}

/** The consumer's side: a process span per message, counters by outcome, handler duration, lag. */
export function consumerTelemetry(
  groupId: string,
  topic: string,
  lag: () => Array<{ partition: number; lag: number | undefined }>,
): {
  /** False without the OpenTelemetry API (or with CONTRACTS_TELEMETRY=off): the consumer then makes no spans at all. */
  enabled: boolean;
  /** The message's span; undefined when nothing would read it (no tracer, no meter of an SDK, no trace to continue). */
  process(
    partition: number,
    offset: string,
    headers: IHeaders | undefined,
    key: Buffer | null,
  ): ProcessSpan | undefined;
  restarted(): void;
  /** Stops reporting lag (the consumer stopped). */
  close(): void;
} {
  const api = otel();
  if (!api) return { enabled: false, process: () => NOOP_PROCESS, restarted: () => undefined, close: () => undefined };
  const errorStatus = api.SpanStatusCode.ERROR;
  const tracer = api.trace.getTracer(PACKAGE_NAME, packageInfo().version);
  const meter = api.metrics.getMeter(PACKAGE_NAME, packageInfo().version);
  // the metrics API has no proxy: a meter got before an SDK registers one stays the no-op for
  // good, so counting for it is work nobody will read (spans do follow a later SDK)
  const measuring = meter !== api.createNoopMeter();
  const base = {
    'messaging.system': 'kafka',
    'messaging.destination.name': topic,
    'messaging.consumer.group.name': groupId,
  };
  const consumed = tallied(
    meter,
    'messaging.client.consumed.messages',
    'Messages taken off the topic, by contracts.outcome (handled, ignored, dead-lettered, paused, …)',
  );
  const processDuration = meter.createHistogram('messaging.process.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
    description: "How long the handler took, retries included, until the message's outcome",
  });
  const restarts = meter.createCounter('contracts.consumer.restarts', {
    description: 'kafkajs consumers the supervisor rebuilt after they left the group',
  });
  const lagGauge = meter.createObservableGauge('messaging.kafka.consumer.lag', {
    description: "Records after the group's next offset, per partition, as of the last fetch",
  });
  const observe = (result: OTel.ObservableResult) => {
    for (const p of lag()) {
      if (p.lag !== undefined)
        result.observe(p.lag, { ...base, 'messaging.destination.partition.id': String(p.partition) });
    }
  };
  lagGauge.addCallback(observe);
  const tracing = tracingProbe(api);
  const open = (partition: number, offset: string, headers: IHeaders | undefined, key: Buffer | null): ProcessSpan => {
    const started = performance.now();
    const parent = headers ? api.propagation.extract(api.ROOT_CONTEXT, headers, headerGetter) : api.ROOT_CONTEXT;
    const span = tracer.startSpan(`process ${topic}`, { kind: api.SpanKind.CONSUMER }, parent);
    const recording = span.isRecording();
    if (recording) {
      span.setAttributes({
        ...base,
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.partition.id': String(partition),
        'messaging.kafka.offset': Number(offset),
        ...(key ? { 'messaging.kafka.message.key': key.toString('utf8') } : {}),
      });
    }
    const active = api.trace.setSpan(parent, span);
    let retries = 0;
    return {
      run: (fn, a, b) => api.context.with(active, fn, undefined, a, b),
      retried(attempt, error) {
        retries = attempt;
        span.addEvent('contracts.handler.retry', {
          attempt,
          'error.type': codeOf(error) ?? 'HANDLER',
          'exception.message': errorText(error),
        });
      },
      end(outcome, details = {}) {
        if (recording) record(outcome, details);
        span.end();
        if (!measuring) return;
        const schemaId = outcome === 'dead-lettered' ? details.schemaId : undefined;
        const tally = `${outcome}|${details.eventType ?? ''}|${details.reason ?? ''}|${details.code ?? ''}|${schemaId ?? ''}`;
        const attributes = consumed.attributes(tally, () => ({
          ...base,
          'contracts.outcome': outcome,
          ...(details.eventType ? { 'contracts.event.type': details.eventType } : {}),
          ...(details.reason ? { 'contracts.dead_letter.reason': details.reason } : {}),
          ...(details.code ? { 'error.type': details.code } : {}),
          ...(schemaId !== undefined ? { 'contracts.schema.id': schemaId } : {}),
        }));
        consumed.add(tally, attributes);
        if (outcome === 'handled' || outcome === 'dead-lettered') {
          processDuration.record((performance.now() - started) / 1000, attributes);
        }
      },
    };
    function record(outcome: ProcessOutcome, details: Parameters<ProcessSpan['end']>[1] = {}) {
      if (details.eventType) span.setAttribute('contracts.event.type', details.eventType);
      if (details.schemaId !== undefined) span.setAttribute('contracts.schema.id', details.schemaId);
      span.setAttribute('contracts.outcome', outcome);
      if (retries > 0) span.setAttribute('contracts.handler.retries', retries);
      if (details.reason) span.setAttribute('contracts.dead_letter.reason', details.reason);
      if (details.code) span.setAttribute('error.type', details.code);
      if (outcome === 'dead-lettered' || outcome === 'paused' || outcome === 'stopped') {
        if (details.error !== undefined) {
          span.recordException(details.error instanceof Error ? details.error : errorText(details.error));
        }
        span.setStatus({
          code: errorStatus,
          message: details.error === undefined ? outcome : errorText(details.error),
        });
      }
    }
  };
  return {
    enabled: true,
    process: (partition, offset, headers, key) =>
      measuring || tracing() ? open(partition, offset, headers, key) : undefined,
    restarted: () => restarts.add(1, base),
    close: () => {
      lagGauge.removeCallback(observe);
      consumed.close();
    },
  };
}

/**
 * Whether a span could be read or passed on: an SDK's tracer provider is registered, or a
 * propagator (which carries a caller's trace context through even without one). An API without
 * either (a dependency pulled it in) hands out a proxy tracer with no delegate, and then a message
 * needs no span object at all. Asked per message, as an SDK may register after the client is made;
 * once true it stays true.
 */
function tracingProbe(api: Api): () => boolean {
  const provider = api.trace.getTracerProvider();
  let on = !(provider instanceof api.ProxyTracerProvider);
  return () =>
    (on ||=
      (provider as OTel.ProxyTracerProvider).getDelegateTracer(PACKAGE_NAME) !== undefined ||
      api.propagation.fields().length > 0);
}

/**
 * A counter kept by the kit and read by the SDK at collection time (an observable counter): one
 * Map increment per message instead of an SDK call that hashes the attributes each time; the
 * attribute objects are built once per distinct set and shared with the histograms.
 */
function tallied(meter: OTel.Meter, name: string, description: string) {
  const tallies = new Map<string, { attributes: OTel.Attributes; count: number }>();
  const counter = meter.createObservableCounter(name, { description });
  const observe = (result: OTel.ObservableResult) => {
    for (const { attributes, count } of tallies.values()) result.observe(count, attributes);
  };
  counter.addCallback(observe);
  return {
    attributes(key: string, build: () => OTel.Attributes): OTel.Attributes {
      let entry = tallies.get(key);
      if (!entry) {
        entry = { attributes: build(), count: 0 };
        tallies.set(key, entry);
      }
      return entry.attributes;
    },
    add(key: string, attributes: OTel.Attributes): void {
      const entry = tallies.get(key);
      if (entry) entry.count += 1;
      else tallies.set(key, { attributes, count: 1 });
    },
    close: () => counter.removeCallback(observe),
  };
}
