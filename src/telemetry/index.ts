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

/** The OpenTelemetry API when the application has it installed; null otherwise. */
function otel(): Api | null {
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
  /** Runs the handler with this span as the active context (a publish inside it becomes its child). */
  run<T>(work: () => T): T;
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

const NOOP_PROCESS: ProcessSpan = { run: (work) => work(), retried: () => undefined, end: () => undefined };
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

/** The producer's side: a span per published event, its duration and count as metrics. */
export function producerTelemetry(topic: string): {
  publish(eventType: string, key: string | null, schemaId: number): PublishSpan;
} {
  const api = otel();
  if (!api) return { publish: () => NOOP_PUBLISH };
  const tracer = api.trace.getTracer(PACKAGE_NAME, packageInfo().version);
  const meter = api.metrics.getMeter(PACKAGE_NAME, packageInfo().version);
  const duration = meter.createHistogram('messaging.client.operation.duration', {
    unit: 's',
    description: 'How long a publish took, until the broker acknowledged it (or it failed)',
  });
  const sent = meter.createCounter('messaging.client.sent.messages', { description: 'Events published' });
  return {
    publish(eventType, key, schemaId) {
      const started = performance.now();
      const span = tracer.startSpan(`publish ${topic}`, {
        kind: api.SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'publish',
          'messaging.destination.name': topic,
          ...(key === null ? {} : { 'messaging.kafka.message.key': key }),
          'contracts.event.type': eventType,
          'contracts.schema.id': schemaId,
        },
      });
      const base = {
        'messaging.system': 'kafka',
        'messaging.destination.name': topic,
        'contracts.event.type': eventType,
      };
      return {
        inject(headers) {
          if (headers.traceparent !== undefined) return;
          api.propagation.inject(api.trace.setSpan(api.context.active(), span), headers, headerSetter);
        },
        end(result) {
          if ('error' in result) {
            span.recordException(result.error instanceof Error ? result.error : errorText(result.error));
            span.setStatus({ code: api.SpanStatusCode.ERROR, message: errorText(result.error) });
            span.setAttribute('error.type', codeOf(result.error) ?? 'KAFKA');
          } else {
            span.setAttribute('messaging.destination.partition.id', String(result.partition));
            if (result.offset !== undefined) span.setAttribute('messaging.kafka.offset', Number(result.offset));
          }
          span.end();
          const attributes = 'error' in result ? { ...base, 'error.type': codeOf(result.error) ?? 'KAFKA' } : base;
          duration.record((performance.now() - started) / 1000, attributes);
          if (!('error' in result)) sent.add(1, attributes);
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
  process(partition: number, offset: string, headers: IHeaders | undefined, key: Buffer | null): ProcessSpan;
  restarted(): void;
  /** Stops reporting lag (the consumer stopped). */
  close(): void;
} {
  const api = otel();
  if (!api) return { process: () => NOOP_PROCESS, restarted: () => undefined, close: () => undefined };
  const tracer = api.trace.getTracer(PACKAGE_NAME, packageInfo().version);
  const meter = api.metrics.getMeter(PACKAGE_NAME, packageInfo().version);
  const base = {
    'messaging.system': 'kafka',
    'messaging.destination.name': topic,
    'messaging.consumer.group.name': groupId,
  };
  const consumed = meter.createCounter('messaging.client.consumed.messages', {
    description: 'Messages taken off the topic, by contracts.outcome (handled, ignored, dead-lettered, paused, …)',
  });
  const processDuration = meter.createHistogram('messaging.process.duration', {
    unit: 's',
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
  return {
    process(partition, offset, headers, key) {
      const started = performance.now();
      const parent = headers ? api.propagation.extract(api.ROOT_CONTEXT, headers, headerGetter) : api.ROOT_CONTEXT;
      const span = tracer.startSpan(
        `process ${topic}`,
        {
          kind: api.SpanKind.CONSUMER,
          attributes: {
            ...base,
            'messaging.operation.type': 'process',
            'messaging.operation.name': 'process',
            'messaging.destination.partition.id': String(partition),
            'messaging.kafka.offset': Number(offset),
            ...(key ? { 'messaging.kafka.message.key': key.toString('utf8') } : {}),
          },
        },
        parent,
      );
      const active = api.trace.setSpan(parent, span);
      let retries = 0;
      return {
        run: (work) => api.context.with(active, work),
        retried(attempt, error) {
          retries = attempt;
          span.addEvent('contracts.handler.retry', {
            attempt,
            'error.type': codeOf(error) ?? 'HANDLER',
            'exception.message': errorText(error),
          });
        },
        end(outcome, details = {}) {
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
              code: api.SpanStatusCode.ERROR,
              message: details.error === undefined ? outcome : errorText(details.error),
            });
          }
          span.end();
          const attributes = {
            ...base,
            'contracts.outcome': outcome,
            ...(details.eventType ? { 'contracts.event.type': details.eventType } : {}),
            ...(details.reason ? { 'contracts.dead_letter.reason': details.reason } : {}),
            ...(details.code ? { 'error.type': details.code } : {}),
            ...(details.schemaId !== undefined && outcome === 'dead-lettered'
              ? { 'contracts.schema.id': details.schemaId }
              : {}),
          };
          consumed.add(1, attributes);
          if (outcome === 'handled' || outcome === 'dead-lettered') {
            processDuration.record((performance.now() - started) / 1000, attributes);
          }
        },
      };
    },
    restarted: () => restarts.add(1, base),
    close: () => lagGauge.removeCallback(observe),
  };
}
