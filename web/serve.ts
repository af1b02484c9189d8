/**
 * Serves one page on the loopback interface only (127.0.0.1): `sgm graph --serve`. The page is rendered
 * anew for every request, so reloading the browser shows the model file as it is now.
 * Binding to loopback is not enough against DNS rebinding (a web page whose host name is re-pointed at
 * 127.0.0.1 may read same-origin responses from it), so a request whose Host header is not the loopback address
 * with this port (`127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT`) is refused with 403.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../runtime/errors.js';

/** The loopback address the server binds to; never another interface. */
export const SERVE_HOST = '127.0.0.1';

/** A rendered page: an HTTP status and the HTML. */
export interface RenderedPage {
  readonly status: number;
  readonly html: string;
}

/** A running server. */
export interface PageServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * True when `host` (a Host header) names this machine's loopback interface with `port`: 127.0.0.1, localhost
 * or [::1], case-insensitive; without a port only when the port is HTTP's default, 80.
 */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const m = /^(127\.0\.0\.1|localhost|\[::1\])(?::(\d{1,5}))?$/i.exec(host.trim());
  if (!m) return false;
  return m[2] === undefined ? port === 80 : Number(m[2]) === port;
}

/**
 * Starts an HTTP server on 127.0.0.1:`port` (0: a free port chosen by the system) that refuses with 403 a request
 * whose Host header is not this loopback address and port, and passes every other request to `handle`.
 */
export async function serveLoopback(handle: (req: IncomingMessage, res: ServerResponse) => void, port = 0): Promise<PageServer> {
  const server = createServer((req, res) => {
    const actualPort = (server.address() as AddressInfo).port;
    if (!isLoopbackHost(req.headers.host, actualPort)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end(`forbidden: this server answers only to ${SERVE_HOST}:${actualPort} and localhost:${actualPort}\n`);
      return;
    }
    handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new UserError(`port ${port} is in use: choose another with --port, or 0 for any free port`) : e),
    );
    server.listen(port, SERVE_HOST, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${SERVE_HOST}:${address.port}/`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Starts serving `render()` at `/` on 127.0.0.1:`port` (0: a free port chosen by the system). */
export function servePage(render: () => Promise<RenderedPage>, port = 0): Promise<PageServer> {
  return serveLoopback((req, res) => {
    const path = new URL(req.url ?? '/', `http://${SERVE_HOST}`).pathname;
    if ((req.method !== 'GET' && req.method !== 'HEAD') || (path !== '/' && path !== '/index.html')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: this server has one page, at /\n');
      return;
    }
    render().then(
      (page) => {
        res.writeHead(page.status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : page.html);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`${error instanceof Error ? error.message : String(error)}\n`);
      },
    );
  }, port);
}
