/**
 * The delivery deadline of every send in flight (`deliveryTimeoutMs`): without it a publish to a
 * stalled broker waits as long as the stall. Every send gets the same timeout, so the order sends
 * start in is the order of their deadlines: one timer for all of them, armed at the oldest
 * deadline, instead of a timer set and cleared per send; and none while nothing is in flight, so
 * no timer keeps the process alive.
 */
import { DeliveryTimeoutError } from '../errors';
import type { RateLimitedLogger } from '../log';

export interface DeliveryDeadlines {
  /** `send`'s answer, or a DeliveryTimeoutError once the deadline passed (kafkajs cannot cancel the send itself). */
  within<T>(count: number, send: () => Promise<T>): Promise<T>;
}

interface InFlight {
  deadline: number;
  count: number;
  reject(error: unknown): void;
}

export function deliveryDeadlines(topic: string, timeoutMs: number, log: RateLimitedLogger): DeliveryDeadlines {
  /** Oldest first. */
  const inFlight = new Set<InFlight>();
  let timer: NodeJS.Timeout | undefined;

  const arm = () => {
    const oldest = inFlight.values().next().value;
    if (!oldest) return;
    timer = setTimeout(expire, Math.max(0, oldest.deadline - Date.now()));
  };

  const expire = () => {
    timer = undefined;
    const now = Date.now();
    for (const entry of inFlight) {
      if (entry.deadline > now) break;
      inFlight.delete(entry);
      // kafkajs cannot cancel a send: the abandoned one may still be written (at-least-once)
      const timedOut = new DeliveryTimeoutError(topic, timeoutMs, entry.count);
      log.write('warn', 'delivery-timeout', `${timedOut.message}: the broker is stalled or unreachable`, {
        topic,
        messages: entry.count,
        code: timedOut.code,
        timeoutMs,
      });
      entry.reject(timedOut);
    }
    arm();
  };

  const settled = (entry: InFlight) => {
    inFlight.delete(entry);
    // nothing left to watch: no timer may keep the process alive
    if (inFlight.size === 0 && timer) {
      clearTimeout(timer);
      timer = undefined;
    }
  };

  return {
    within: <T>(count: number, send: () => Promise<T>) =>
      new Promise<T>((resolve, reject) => {
        const entry = { deadline: Date.now() + timeoutMs, count, reject };
        inFlight.add(entry);
        if (!timer) arm();
        send().then(
          (answer) => {
            settled(entry);
            resolve(answer);
          },
          (error: unknown) => {
            settled(entry);
            reject(error);
          },
        );
      }),
  };
}
