/**
 * Serves a static folder on the loopback interface only (`sgm playground`), with serve.ts's conventions: bound to
 * 127.0.0.1, a request whose Host header is not this loopback address and port is refused with 403 (DNS
 * rebinding), GET and HEAD only. Every response carries the given Content-Security-Policy and `nosniff`; only
 * the folder's own files are served (no listing, no path outside it, no dot files).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { UserError } from '../runtime/errors.js';
import { isLoopbackHost, SERVE_HOST, type PageServer } from './serve.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
};

/** Starts serving `dir` at `/` (index.html) on 127.0.0.1:`port` (0: any free port). */
export async function serveFolder(dir: string, csp: string, port = 0): Promise<PageServer> {
  const root = normalize(dir);
  const server = createServer((req, res) => {
    const actualPort = (server.address() as AddressInfo).port;
    if (!isLoopbackHost(req.headers.host, actualPort)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end(`forbidden: this server answers only to ${SERVE_HOST}:${actualPort} and localhost:${actualPort}\n`);
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', `http://${SERVE_HOST}`).pathname);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('bad request: malformed URL\n');
      return;
    }
    const name = path === '/' ? 'index.html' : path.slice(1);
    const file = normalize(join(root, name));
    const ok =
      (req.method === 'GET' || req.method === 'HEAD') &&
      !name.split('/').some((part) => part.startsWith('.')) &&
      file.startsWith(root + sep) &&
      TYPES[extname(file)] !== undefined &&
      existsSync(file) &&
      statSync(file).isFile();
    if (!ok) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)], 'content-security-policy': csp, 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new UserError(`port ${port} is in use: choose another with --port, or 0 for any free port`) : e),
    );
    server.listen(port, SERVE_HOST, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { url: `http://${SERVE_HOST}:${address.port}/`, server, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
