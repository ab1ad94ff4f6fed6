/**
 * Retrying an operation whose failures say whether retrying can help: only an error with
 * `retriable === true` (registry unreachable or answering 5xx, broker unavailable) is tried again,
 * after an exponential backoff; any other error, and the last retriable one, is thrown as it is.
 *
 *   await retry(() => registerContract(contract, registry), { attempts: 10 });
 *
 * `registerContract` is idempotent, so retrying it is safe; so is `publish` with the idempotent
 * producer (a retried send may still be written twice when the first one reached the broker and
 * its answer did not: consumers de-duplicate on `eventId`).
 */
import { UsageError } from './errors';

export interface RetryPolicy {
  /** Runs in all, the first one included. Default 8. */
  attempts?: number;
  /** Delay before the second run; doubles after each failure. Default 250 ms. */
  initialDelayMs?: number;
  /** Upper bound of one delay. Default 5 s. */
  maxDelayMs?: number;
  /**
   * Share of each delay drawn at random (0 to 1; default 0): 0.5 waits between half and all of it,
   * so many clients failing at once do not retry in step.
   */
  jitter?: number;
  /** Called before each delay: log or count retries. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Stops waiting (and retrying) when aborted; the last error is thrown. */
  signal?: AbortSignal;
}

export async function retry<T>(operation: (attempt: number) => Promise<T>, policy: RetryPolicy = {}): Promise<T> {
  const attempts = policy.attempts ?? 8;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new UsageError(`retry attempts must be a positive integer, got ${attempts}`, 'pass attempts: 1 or more');
  }
  const initial = policy.initialDelayMs ?? 250;
  const max = policy.maxDelayMs ?? 5_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isRetriable(error) || attempt >= attempts || policy.signal?.aborted) throw error;
      const delayMs = backoffDelay(attempt, initial, max, policy.jitter ?? 0);
      policy.onRetry?.({ attempt, delayMs, error });
      await delay(delayMs, policy.signal);
    }
  }
}

/** The delay after the `attempt`-th failure: doubling from `initial` up to `max`, less a random share `jitter`. */
export function backoffDelay(attempt: number, initial: number, max: number, jitter = 0): number {
  const full = Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
  const share = Math.min(1, Math.max(0, jitter));
  return Math.round(full * (1 - share * Math.random()));
}

function isRetriable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
