/**
 * kafkajs 2.2.4 arms its request queue's check with `throttledUntil - Date.now()` while
 * `throttledUntil` is still -1 (tulios/kafkajs#1751, fixes not released), so on Node 24 and newer
 * every command that talks to Kafka printed a TimeoutNegativeWarning. Node runs the timer after
 * 1 ms, as kafkajs means. The CLI drops that one warning, from that one place, so that its stderr
 * holds only what the command says; every other warning is printed as before.
 */
const KAFKAJS_REQUEST_QUEUE = /[\\/]kafkajs[\\/]src[\\/]network[\\/]requestQueue[\\/]/;

let installed = false;

export function dropKafkajsTimerWarning(): void {
  if (installed) return;
  installed = true;
  const emitWarning = process.emitWarning;
  const filtered = function (this: unknown, warning: string | Error, ...rest: unknown[]): void {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === 'TimeoutNegativeWarning' && KAFKAJS_REQUEST_QUEUE.test(new Error().stack ?? '')) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  };
  process.emitWarning = filtered as typeof process.emitWarning;
}
