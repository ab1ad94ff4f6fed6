/**
 * Instrumentation events of the consumer, as namespaced constants. `on()` refuses any other name
 * and lists these, so a typo fails at start-up instead of silently never firing.
 */
import type { DeadLetterReason } from '../dlq/headers';
import { UsageError, type ConsumerFailedError, type ConsumerStoppedError } from '../errors';
import type { StateChange } from './supervisor';

export const CONSUMER_EVENTS = {
  STARTED: 'consumer.started',
  STOPPED: 'consumer.stopped',
  /** A handler finished; the offset will be committed. */
  HANDLED: 'consumer.handled',
  /** A message was skipped on purpose (`'ignore'` handler, an unknown type with onUnknownEventType 'ignore', a replay for another group). */
  IGNORED: 'consumer.ignored',
  /** A handler failed and will run again after a backoff. */
  RETRIED: 'consumer.retried',
  /** A message went to the dead-letter topic; its offset will be committed. */
  DEAD_LETTERED: 'consumer.dead_lettered',
  /** An environment failure (registry down or refusing the credentials, broker unavailable): the message is kept and fetched again after a pause. */
  TRANSIENT_ERROR: 'consumer.transient_error',
  /** kafkajs stopped the consumer (it restarts by itself when `restart` is true; the kit's supervisor rebuilds it otherwise). */
  CRASHED: 'consumer.crashed',
  /** The consumer's health state changed (starting, running, rejoining, stopped, failed). */
  STATE_CHANGED: 'consumer.state_changed',
  /** The consumer stopped for good (a ConsumerFailedError); done() rejects with the same error. */
  ERROR: 'consumer.error',
} as const;

export type ConsumerEventName = (typeof CONSUMER_EVENTS)[keyof typeof CONSUMER_EVENTS];

export interface MessagePosition {
  topic: string;
  partition: number;
  offset: string;
}

export interface ConsumerEventPayloads {
  'consumer.started': { groupId: string; topic: string };
  /** `error` when the consumer stopped itself (onEnvironmentFailure 'stop'). */
  'consumer.stopped': { groupId: string; topic: string; error?: ConsumerStoppedError };
  'consumer.handled': MessagePosition & { eventType: string; attempts: number; durationMs: number };
  'consumer.ignored': MessagePosition & {
    eventType: string;
    reason: 'handler' | 'unknown-event-type' | 'replay-for-another-group';
  };
  'consumer.retried': MessagePosition & { eventType: string; attempt: number; delayMs: number; error: unknown };
  'consumer.dead_lettered': MessagePosition & {
    reason: DeadLetterReason;
    eventType: string | undefined;
    attempts: number;
    error: unknown;
    deadLetterTopic: string;
  };
  /** `code`: the kit's error code of the environment failure (REGISTRY_AUTH, REGISTRY_UNREACHABLE, KAFKA, …). */
  'consumer.transient_error': MessagePosition & { error: unknown; code: string; retryInMs: number };
  'consumer.crashed': { error: unknown; restart: boolean };
  'consumer.state_changed': StateChange;
  'consumer.error': { error: ConsumerFailedError };
}

export type ConsumerListener<N extends ConsumerEventName> = (payload: ConsumerEventPayloads[N]) => void;

/** The consumer's listeners: `on` (the public API), `emit`, and `listening` so the hot path builds no payload nobody reads. */
export interface ConsumerEmitter {
  on<N extends ConsumerEventName>(name: N, listener: ConsumerListener<N>): () => void;
  emit<N extends ConsumerEventName>(name: N, payload: ConsumerEventPayloads[N]): void;
  listening(name: ConsumerEventName): boolean;
}

const VALID_EVENTS = Object.values(CONSUMER_EVENTS) as string[];

export function createEmitter(): ConsumerEmitter {
  const listeners = new Map<string, Set<(payload: never) => void>>();
  return {
    on(name, listener) {
      if (!VALID_EVENTS.includes(name)) {
        throw new UsageError(
          `unknown consumer event "${String(name)}"`,
          `use one of: ${VALID_EVENTS.join(', ')} (CONSUMER_EVENTS)`,
        );
      }
      const set = listeners.get(name) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(name, set);
      return () => set.delete(listener as (payload: never) => void);
    },
    emit(name, payload) {
      for (const listener of listeners.get(name) ?? []) {
        try {
          (listener as ConsumerListener<typeof name>)(payload);
        } catch {
          // instrumentation must never break consumption
        }
      }
    },
    listening: (name) => (listeners.get(name)?.size ?? 0) > 0,
  };
}
