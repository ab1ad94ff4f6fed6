/**
 * A proxy in front of the real registry that answers some routes as another registry does, e.g.
 * Karapace's 404 "Not Found" for `POST /compatibility/subjects/{s}/versions`: the kit's fallbacks
 * then run against real verdicts. Everything else is passed through unchanged.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RouteRule {
  /** Matches method and path (with query) below the registry URL. */
  matches: (method: string, path: string) => boolean;
  status: number;
  body: unknown;
}

export interface RouteFilterProxy {
  /** The proxy's registry URL (same path as the target's). */
  url: string;
  /** `METHOD path` of every request, in order. */
  seen: string[];
  close(): Promise<void>;
}

export async function startRouteFilterProxy(targetUrl: string, rules: RouteRule[]): Promise<RouteFilterProxy> {
  const target = new URL(targetUrl);
  const basePath = target.pathname.replace(/\/+$/, '');
  const seen: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').slice(basePath.length);
      const method = req.method ?? 'GET';
      seen.push(`${method} ${path}`);
      const rule = rules.find((r) => r.matches(method, path));
      if (rule) {
        res.writeHead(rule.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(rule.body));
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers[k] = v;
      fetch(`${target.origin}${req.url ?? '/'}`, {
        method,
        headers,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      })
        .then(async (answer) => {
          const body = Buffer.from(await answer.arrayBuffer());
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(body);
        })
        .catch((error: unknown) => {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error_code: 50200, message: String(error) }));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Karapace has no all-versions compatibility route: FastAPI's 404 with the body "Not Found". */
export const KARAPACE_NO_ALL_VERSIONS: RouteRule = {
  matches: (method, path) => method === 'POST' && /^\/compatibility\/subjects\/[^/]+\/versions(\?|$)/.test(path),
  status: 404,
  body: 'Not Found',
};
