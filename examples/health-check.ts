/**
 * The README's liveness and readiness example: two HTTP endpoints of a consumer service, answered
 * from consumer.health(). test/integration/consumer-supervision.test.ts runs it as written.
 */
import { createServer, type Server } from 'node:http';
import type { ConsumerHealth } from 'booking-event-contracts';

/**
 * Live unless the consumer gave up, or a partition is stalled for no reason outside it (records
 * wait and nothing was handled for the consumer's stallAfterMs, without an environment failure to
 * explain it): a restart can cure the second, never an outage, so a pause on REGISTRY_UNREACHABLE
 * does not fail liveness.
 */
export function isLive(health: ConsumerHealth): boolean {
  if (health.state === 'failed') return false;
  return !health.problems.some((p) => p.kind === 'stalled' && p.code === undefined);
}

/** Ready while it is a member of its group and every partition moves (not starting, rejoining, degraded or stopped). */
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
