/**
 * The README's liveness and readiness example: two HTTP endpoints of a consumer service, answered
 * from consumer.health(). test/integration/consumer-supervision.test.ts runs it as written.
 */
import { createServer, type Server } from 'node:http';
import type { ConsumerHealth } from 'booking-event-contracts';

/** Live unless the consumer gave up, or events wait and nothing was handled for `stuckAfterMs`. */
export function isLive(health: ConsumerHealth, stuckAfterMs = 60_000, now = Date.now()): boolean {
  if (health.state === 'failed') return false;
  const waiting = health.partitions.some((p) => (p.lag ?? 0) > 0);
  return !waiting || now - (health.lastProgressAt ?? health.since) < stuckAfterMs;
}

/** Ready while it is a member of its group (not while starting, rejoining or stopped). */
export function isReady(health: ConsumerHealth): boolean {
  return health.state === 'running';
}

/** GET /livez and /readyz: 200 or 503, with the health snapshot as the body. */
export function healthServer(consumer: { health(): ConsumerHealth }, port: number): Server {
  return createServer((request, response) => {
    const health = consumer.health();
    const ok = request.url === '/livez' ? isLive(health) : request.url === '/readyz' ? isReady(health) : undefined;
    response.writeHead(ok === undefined ? 404 : ok ? 200 : 503, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({ ...health, error: health.error && { code: health.error.code, message: health.error.message } }),
    );
  }).listen(port, '127.0.0.1');
}
