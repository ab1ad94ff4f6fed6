/**
 * The consumer's backoff timers (a partition's resume, a retry's sleep), kept so stop() can clear
 * them all: no timer may outlive the consumer, and a retry's sleep must end early when it stops.
 */

export interface ConsumerTimers {
  /** Runs `then` after `ms`; `early` runs instead if the consumer stops first. */
  later(ms: number, then: () => void, early?: () => void): void;
  /** A wait that ends early when the consumer stops (at once when it is not running). */
  sleep(ms: number): Promise<void>;
  /** The consumer stops: every timer is cleared and its `early` run. */
  clear(): void;
}

export function createTimers(running: () => boolean): ConsumerTimers {
  const timers = new Map<NodeJS.Timeout, () => void>();

  const later = (ms: number, then: () => void, early: () => void = () => undefined) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      then();
    }, ms);
    timers.set(timer, early);
  };

  return {
    later,
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        if (!running()) return resolve();
        later(ms, resolve, resolve);
      }),
    clear() {
      for (const [timer, early] of timers) {
        clearTimeout(timer);
        early();
      }
      timers.clear();
    },
  };
}
