/**
 * The supervisor's rejoin: what an outage out of the group is (since when, the give-up timer, the
 * signal that ends the rebuild), waiting for a rebuilt group member to join, retrying the
 * rebuild with backoff and jitter, and which failures rejoining cannot heal (refused credentials
 * or permissions: those give up at once).
 */
import type { GroupMember } from '../kafka/transport';
import { KafkaError } from '../errors';
import { retry } from '../retry';

/** Set while the consumer is out of its group: when it left, and the give-up timer. */
export interface Outage {
  since: number;
  timer: NodeJS.Timeout | undefined;
  abort: AbortController;
}

/** An outage starts now; `giveUp` runs once `giveUpAfterMs` passed (never for Infinity). */
export function openOutage(giveUpAfterMs: number, giveUp: (waitedMs: number) => void): Outage {
  const abort = new AbortController();
  const timer = Number.isFinite(giveUpAfterMs) ? setTimeout(() => giveUp(giveUpAfterMs), giveUpAfterMs) : undefined;
  timer?.unref();
  return { since: Date.now(), timer, abort };
}

/** Ends an outage's give-up timer, and (`abort`) a rebuild still retrying. */
export function closeOutage(outage: Outage | undefined, abort: boolean): undefined {
  if (!outage) return undefined;
  clearTimeout(outage.timer);
  if (abort) outage.abort.abort();
  return undefined;
}

/**
 * Resolves when `consumer` has joined; rejects on a crash it will not restart from, or when
 * `signal` aborts (the budget is spent or the consumer stops) with the last error.
 */
export function joined(consumer: GroupMember, signal: AbortSignal, lastError: () => unknown): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const offJoin = consumer.on('joined', () => settle());
    const offCrash = consumer.on('crashed', (error, restart) => {
      if (!restart) settle(error);
    });
    const onAbort = () => settle(lastError());
    signal.addEventListener('abort', onAbort, { once: true });
    function settle(error?: unknown) {
      offJoin();
      offCrash();
      signal.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(rejoinError(error));
    }
  });
}

/** Runs `rebuild` until it succeeds: rejects on a failure rejoining cannot heal, or once `signal` aborts. */
export function retryRejoin(
  rebuild: () => Promise<void>,
  delays: { initialDelayMs: number; maxDelayMs: number },
  signal: AbortSignal,
  onError: (error: unknown) => void,
): Promise<void> {
  return retry(rebuild, {
    attempts: Number.MAX_SAFE_INTEGER,
    initialDelayMs: delays.initialDelayMs,
    maxDelayMs: delays.maxDelayMs,
    jitter: 0.5,
    signal,
    onRetry: ({ error }) => onError(error),
  });
}

/**
 * Rejoining heals what a stall or a lost session breaks, so any failure is worth another try,
 * except one that will be the same next time: refused credentials or permissions.
 */
export function rejoinError(error: unknown): KafkaError {
  if (error instanceof KafkaError && error.retriable === !isFinal(error)) return error;
  const e = error as { name?: string; message?: string } | undefined;
  return new KafkaError(
    `rejoining the group failed: ${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`,
    undefined,
    {
      retriable: !isFinal(error),
      cause: error,
    },
  );
}

function isFinal(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const { name, type, code, apiId } = current as { name?: unknown; type?: unknown; code?: unknown; apiId?: unknown };
    if (name === 'KafkaJSSASLAuthenticationError' || code === 'PLT_KFK_AUTHENTICATION') return true;
    // kafkajs's `type`, @platformatic/kafka's `apiId`: the protocol error's name
    for (const t of [type, apiId]) if (typeof t === 'string' && t.endsWith('_AUTHORIZATION_FAILED')) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The failure worth showing: the kafkajs error rather than the kit's rejoin wrapper around it. */
export function unwrap(error: unknown): unknown {
  return error instanceof KafkaError &&
    error.message.startsWith('rejoining the group failed') &&
    error.cause !== undefined
    ? error.cause
    : error;
}
