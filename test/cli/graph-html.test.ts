// `sgm graph --format html` and `sgm graph --serve`: one self-contained page (no external reference, the
// same bytes every time), the loopback-only server (a real child process, fetched, then stopped), and the
// one-line errors of the new flags. The page in a browser is tested in test/browser/graph-page.test.ts.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../runtime/package-root.js';
import { SERVE_HOST, isLoopbackHost, servePage } from '../../web/serve.js';
import { sgm } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sgm-graph-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sgm graph --format html', () => {
  it('writes one self-contained page: styles, data and script inline, no external reference', async () => {
    const out = join(dir, 'igr.html');
    const r = await sgm(['graph', 'models/igr_vae.sgm', '--format', 'html', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script[^>]+src=|<link|src="http|href="http|@import|url\(http/);
    // The one executable script is allowed by its hash (computed here from the page), nothing else inline.
    const scripts = [...html.matchAll(/<script>(.*?)<\/script>/gs)].map((m) => m[1]);
    expect(scripts).toHaveLength(1);
    const hash = createHash('sha256').update(scripts[0], 'utf8').digest('base64');
    expect(html).toContain(`content="default-src 'none'; script-src 'sha256-${hash}'; style-src`);
    expect(html).not.toContain("script-src 'unsafe-inline'");
    const data = JSON.parse(/<script type="application\/json" id="sgm-graph-data">(.*?)<\/script>/s.exec(html)![1]) as { nodes: Array<{ id: string }>; plan: unknown[] };
    expect(data.nodes.map((n) => n.id)).toEqual(['x', 'h', 'mu', 'sigma', 'z', 'z:prior', 'x.logits', 'objective']);
    expect(data.plan).toHaveLength(3);
    // The sigma.js bundle is inlined (minified, over 100 KB).
    expect(html.length).toBeGreaterThan(100_000);
    expect(html).toContain('WebGL');
  });

  it('is deterministic and can go to stdout', async () => {
    const a = await sgm(['graph', 'models/jointvae.sgm', '--format', 'html']);
    const b = await sgm(['graph', 'models/jointvae.sgm', '--format', 'html']);
    expect(a.code).toBe(0);
    expect(a.stdout === b.stdout).toBe(true);
    expect(a.stdout).toContain('<title>jointvae: model graph (sgm)</title>');
  });

  it('gives one clear line for flags that do not go together', async () => {
    for (const [argv, message] of [
      [['graph', 'models/igr_vae.sgm', '--serve', '-o', join(dir, 'x.html')], 'error: --serve and -o do not go together'],
      [['graph', 'models/igr_vae.sgm', '--serve', '--format', 'json'], 'error: --serve shows the html page; --format json does not apply'],
      [['graph', 'models/igr_vae.sgm', '--serve', '--port', '70000'], "error: --port expects a port number from 0 to 65535, got '70000'"],
    ] as const) {
      const r = await sgm([...argv]);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(message);
    }
  });

  it('explains html and --serve in --help', async () => {
    const r = await sgm(['graph', '--help']);
    expect(r.stdout).toContain('--serve');
    expect(r.stdout).toContain('sgm graph models/igr_vae.sgm --format html -o igr_vae.html');
  });
});

describe('servePage', () => {
  it('binds 127.0.0.1 only, serves the page at /, 404 elsewhere, 500 when rendering fails', async () => {
    let fail = false;
    const server = await servePage(async () => {
      if (fail) throw new Error('model gone');
      return { status: 200, html: '<p>page</p>' };
    });
    try {
      expect((server.server.address() as AddressInfo).address).toBe(SERVE_HOST);
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const ok = await fetch(server.url);
      expect([ok.status, ok.headers.get('content-type'), await ok.text()]).toEqual([200, 'text/html; charset=utf-8', '<p>page</p>']);
      expect((await fetch(`${server.url}other`)).status).toBe(404);
      fail = true;
      const bad = await fetch(server.url);
      expect([bad.status, await bad.text()]).toEqual([500, 'model gone\n']);
    } finally {
      await server.close();
    }
  });
});

/** A GET of `/` on 127.0.0.1:`port` with the given Host header (fetch does not let a caller set Host). */
function getWithHost(port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: SERVE_HOST, port, path: '/', method: 'GET', setHost: host !== undefined, headers: host === undefined ? {} : { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('servePage against DNS rebinding', () => {
  it('answers only requests whose Host is the loopback address with its port; others get 403', async () => {
    const server = await servePage(async () => ({ status: 200, html: '<p>page</p>' }));
    const port = (server.server.address() as AddressInfo).port;
    try {
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
        expect(await getWithHost(port, host), host).toBe(200);
      }
      for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${port + 1}`, `localhost.evil.example:${port}`, `127.0.0.1.nip.io:${port}`, '127.0.0.1', `[::2]:${port}`]) {
        expect(await getWithHost(port, host), host).toBe(403);
      }
      // No Host at all: Node's HTTP server answers 400 itself (HTTP/1.1 requires Host); never the page.
      expect([400, 403]).toContain(await getWithHost(port, undefined));
    } finally {
      await server.close();
    }
  });

  it('accepts a Host without a port only on port 80', () => {
    expect(isLoopbackHost('localhost', 80)).toBe(true);
    expect(isLoopbackHost('localhost', 8080)).toBe(false);
    expect(isLoopbackHost(undefined, 80)).toBe(false);
  });
});

describe('sgm graph --serve', () => {
  it('prints its 127.0.0.1 URL, serves the page rebuilt from the file on each load, and stops on SIGTERM', async () => {
    const model = join(dir, 'served.sgm');
    writeFileSync(model, readFileSync(join(packageRoot(), 'models/igr_vae.sgm'), 'utf8'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/sgm.ts', 'graph', model, '--serve'], { cwd: packageRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!/http:\/\/\S+/.test(stdout) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      const url = /http:\/\/\S+/.exec(stdout)?.[0];
      expect(url, `no URL printed; stderr: ${stderr}`).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await fetch(url!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('id="sgm-graph-data"');
      // An edit that breaks the model is served as its diagnostics.
      writeFileSync(model, 'model broken( {\n');
      const broken = await fetch(url!);
      expect(broken.status).toBe(500);
      expect(await broken.text()).toContain('error SGM');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 90_000);
});
