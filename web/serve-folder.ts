/**
 * Serves a static folder on the loopback interface only (`sgm playground`), with serve.ts's conventions: bound to
 * 127.0.0.1, a request whose Host header is not this loopback address and port is refused with 403 (DNS
 * rebinding), GET and HEAD only. Every response carries the given Content-Security-Policy and `nosniff`; only
 * the folder's own files are served (no listing, no path outside it, no dot files).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { SERVE_HOST, serveLoopback, type PageServer } from './serve.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
};

/** Starts serving `dir` at `/` (index.html) on 127.0.0.1:`port` (0: any free port). */
export function serveFolder(dir: string, csp: string, port = 0): Promise<PageServer> {
  const root = normalize(dir);
  return serveLoopback((req, res) => {
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
  }, port);
}
