/**
 * One run of a handler, for the dispatch and retry steps: its MessageContext (an AbortSignal made
 * only when the handler reads it), and, for a handler that returns a promise, the time limit
 * (`handlerTimeoutMs`) and the register of runs in flight that stop() abandons and health() lists.
 * A handler that returns without a promise costs one context object here: no timer, no promise.
 */
import { headerString } from '../dlq/headers';
import { HandlerTimeoutError } from '../errors';
import { MESSAGE_HEADERS } from '../producer';
import type { ConsumedMessage, MessageContext, PipelineSnapshot } from './message';

export interface HandlerRun {
  context: MessageContext;
  abort(reason: unknown): void;
}

/** A handler's run cut short because the consumer stops. */
export const ABANDONED = Symbol('abandoned');

export interface HandlerRuns {
  /** The context of run `attempt` of the handler for `consumed`. */
  start(consumed: ConsumedMessage, schemaId: number, attempt: number): HandlerRun;
  /** The handler's promise, rejected with a HandlerTimeoutError past the time limit, or ABANDONED when the consumer stops. */
  bounded(result: Promise<unknown>, run: HandlerRun, eventType: string): Promise<unknown>;
  /** Aborts every run in flight (their messages are not committed). */
  abandonAll(): void;
  handling(): PipelineSnapshot['handling'];
}

interface InFlight {
  abandon(): void;
  run: HandlerRun;
  eventType: string;
  since: number;
}

/** `handlerTimeoutMs`: Infinity for none. */
export function createHandlerRuns(handlerTimeoutMs: number): HandlerRuns {
  const inFlight = new Set<InFlight>();

  const bounded = (result: Promise<unknown>, run: HandlerRun, eventType: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const entry: InFlight = {
        run,
        eventType,
        since: Date.now(),
        abandon: () => {
          finish();
          run.abort(new Error('the consumer is stopping'));
          reject(ABANDONED);
        },
      };
      const finish = () => {
        if (timer) clearTimeout(timer);
        inFlight.delete(entry);
      };
      inFlight.add(entry);
      if (Number.isFinite(handlerTimeoutMs)) {
        timer = setTimeout(() => {
          finish();
          const { topic, partition, offset } = run.context;
          const error = new HandlerTimeoutError(eventType, handlerTimeoutMs, { topic, partition, offset });
          run.abort(error);
          reject(error);
        }, handlerTimeoutMs);
      }
      result.then(
        (value) => {
          finish();
          resolve(value);
        },
        (error: unknown) => {
          finish();
          reject(error);
        },
      );
    });

  return {
    start: runOf,
    bounded,
    abandonAll() {
      for (const entry of [...inFlight]) entry.abandon();
    },
    handling: () =>
      [...inFlight].map(({ run, eventType, since }) => ({
        topic: run.context.topic,
        partition: run.context.partition,
        offset: run.context.offset,
        eventType,
        since,
      })),
  };
}

function runOf(consumed: ConsumedMessage, schemaId: number, attempt: number): HandlerRun {
  const { message } = consumed;
  let controller: AbortController | undefined;
  return {
    abort: (reason) => controller?.abort(reason),
    context: {
      topic: consumed.topic,
      partition: consumed.partition,
      offset: message.offset,
      key: message.key ? message.key.toString('utf8') : null,
      timestamp: message.timestamp,
      headers: message.headers,
      traceparent: headerString(message.headers, MESSAGE_HEADERS.TRACEPARENT),
      schemaId,
      attempt,
      get signal() {
        controller ??= new AbortController();
        return controller.signal;
      },
      heartbeat: consumed.heartbeat,
    },
  };
}
