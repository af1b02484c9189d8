// The playground's static server (web/serve-folder.ts, `sgm playground`): loopback only with the Host check of
// `sgm graph --serve`, the page's policy on every response, only the folder's own files.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serveFolder } from '../../web/serve-folder.js';
import type { PageServer } from '../../web/serve.js';

let root: string;
let server: PageServer;
const CSP = "default-src 'none'";

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sgm-serve-folder-'));
  mkdirSync(join(root, 'site'));
  writeFileSync(join(root, 'site', 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(root, 'site', 'a.wasm'), 'x');
  writeFileSync(join(root, 'site', '.secret.js'), 'x');
  writeFileSync(join(root, 'outside.html'), 'no');
  server = await serveFolder(join(root, 'site'), CSP, 0);
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

function get(path: string, host?: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers: host ? { host } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

it('serves the folder with its policy, refuses foreign hosts, paths outside, dot files, unknown types and bad URLs', async () => {
  const port = new URL(server.url).port;
  const index = await get('/');
  expect(index.status).toBe(200);
  expect(index.headers['content-security-policy']).toBe(CSP);
  expect(index.headers['x-content-type-options']).toBe('nosniff');
  expect((await get('/a.wasm')).headers['content-type']).toBe('application/wasm');
  expect((await get('/', `evil.example:${port}`)).status).toBe(403);
  expect((await get('/', `localhost:${port}`)).status).toBe(200);
  expect((await get('/../outside.html')).status).toBe(404);
  expect((await get('/%2e%2e/outside.html')).status).toBe(404);
  expect((await get('/.secret.js')).status).toBe(404);
  expect((await get('/%E0%A4%A')).status).toBe(400);
  expect((await get('/')).status).toBe(200); // still serving
});
