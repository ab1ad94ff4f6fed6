/**
 * An HTTP proxy in front of the real Schema Registry, for the environment-failure scenarios: it
 * wants HTTP basic auth (credentials the test can change while clients run, as an operator fixing
 * a secret would) and can answer 503 for a while, as a registry behind a failing load balancer
 * does. Everything else goes to the registry as it is, so the kit's HTTP client, its error codes
 * and the registry's answers are the real ones. Node's http rather than nginx: the scenario must
 * switch both behaviours mid-stream, and runs where nginx is not installed.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface RegistryProxy {
  /** The proxy's URL with the upstream's path (e.g. `/apis/ccompat/v7`). */
  url: string;
  /** Who is let in; `undefined` lets everyone in. */
  accept(credentials: Array<{ username: string; password: string }> | undefined): void;
  /** Answer every request with 503 (true) or pass them on (false). */
  failWith503(on: boolean): void;
  /** Answers given so far, by HTTP status. */
  answered: Map<number, number>;
  stop(): Promise<void>;
}

export async function startRegistryProxy(options: { upstreamUrl: string; port: number }): Promise<RegistryProxy> {
  const upstream = new URL(options.upstreamUrl);
  let accepted: string[] | undefined;
  let unavailable = false;
  const answered = new Map<number, number>();
  const reply = (res: import('node:http').ServerResponse, status: number, body: string) => {
    answered.set(status, (answered.get(status) ?? 0) + 1);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  };
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (unavailable) return reply(res, 503, '{"error_code":50301,"message":"Service Unavailable"}');
      if (accepted !== undefined && !accepted.includes(req.headers.authorization ?? '')) {
        return reply(res, 401, '{"error_code":40101,"message":"Unauthorized"}');
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && !['authorization', 'host', 'connection', 'content-length'].includes(name))
          headers[name] = value;
      }
      fetch(`${upstream.origin}${req.url}`, {
        method: req.method,
        headers,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      })
        .then(async (answer) => reply(res, answer.status, await answer.text()))
        .catch((error: unknown) => reply(res, 502, JSON.stringify({ message: String(error) })));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${options.port}${upstream.pathname.replace(/\/+$/, '')}`,
    accept: (credentials) => {
      accepted = credentials?.map((c) => `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`);
    },
    failWith503: (on) => {
      unavailable = on;
    },
    answered,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
