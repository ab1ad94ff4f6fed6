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

/** A run of a handler: the context it is given (aborted through abortRun). */
export type HandlerRun = MessageContext;

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
          abortRun(run, new Error('the consumer is stopping'));
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
          const { topic, partition, offset } = run;
          const error = new HandlerTimeoutError(eventType, handlerTimeoutMs, { topic, partition, offset });
          abortRun(run, error);
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
        topic: run.topic,
        partition: run.partition,
        offset: run.offset,
        eventType,
        since,
      })),
  };
}

function runOf(consumed: ConsumedMessage, schemaId: number, attempt: number): HandlerRun {
  return new RunContext(consumed, schemaId, attempt);
}

/** Aborts the run's signal (if its handler read it). */
let abortRun: (run: HandlerRun, reason: unknown) => void;

/**
 * The MessageContext a handler gets: the message's fields as its own properties, `signal` a getter
 * of the class, its controller made when the handler reads it. A class, not an object literal with
 * a getter: that made a closure and an accessor per message, a tenth of the consumer's time on a
 * backlog.
 */
class RunContext implements MessageContext {
  #controller: AbortController | undefined;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  timestamp: string;
  headers: MessageContext['headers'];
  traceparent: string | undefined;
  schemaId: number;
  attempt: number;
  heartbeat: () => Promise<void>;
  static {
    abortRun = (run, reason) => {
      if (run instanceof RunContext) run.#controller?.abort(reason);
    };
  }
  constructor(consumed: ConsumedMessage, schemaId: number, attempt: number) {
    const { message } = consumed;
    this.topic = consumed.topic;
    this.partition = consumed.partition;
    this.offset = message.offset;
    this.key = message.key ? message.key.toString('utf8') : null;
    this.timestamp = message.timestamp;
    this.headers = message.headers;
    this.traceparent = headerString(message.headers, MESSAGE_HEADERS.TRACEPARENT);
    this.schemaId = schemaId;
    this.attempt = attempt;
    this.heartbeat = consumed.heartbeat;
  }
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    return this.#controller.signal;
  }
}
