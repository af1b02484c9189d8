// Issue 17, item 4: the module `sgm compile` prints runs in a page as it is. The example of docs/browser.md
// ("A compiled module in a page") is taken from the page itself: its page.ts and HTML, the module written by the
// CLI, bundled with esbuild for the browser (`sgm/runtime` resolves to the browser entry's source, as
// page-bundle.ts explains) and opened from a loopback server under the HTML's own policy; the page must report
// its backend and finish training with no error and no request outside its folder.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, expect, it } from 'vitest';
import { packageRoot } from '../../runtime/package-root.js';
import { serveFolder } from '../../web/serve-folder.js';
import { sgm } from '../cli/run-cli.js';
import { launchBrowser, watchPage, type TestBrowser } from './browser.js';

const root = packageRoot();
let dir: string | undefined;
let browser: TestBrowser | undefined;
afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The fenced block of docs/browser.md in `lang` whose first line contains `marker`. */
function docBlock(lang: string, marker: string): string {
  const text = readFileSync(join(root, 'docs/browser.md'), 'utf8');
  const blocks = [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
  const found = blocks.find((b) => b.split('\n')[0].includes(marker));
  if (!found) throw new Error(`docs/browser.md has no ${lang} block starting with ${marker}`);
  return found;
}

it("docs/browser.md's page trains the module of `sgm compile` in headless Chromium", async () => {
  dir = mkdtempSync(join(tmpdir(), 'sgm-compiled-page-'));
  const compiled = await sgm(['compile', 'models/gengs_poisson.sgm', '-o', join(dir, 'gengs_poisson.ts')]);
  expect(compiled.code, compiled.stderr).toBe(0);
  writeFileSync(join(dir, 'page.ts'), docBlock('ts', '// page.ts'));
  const html = docBlock('html', '<!doctype html>');
  writeFileSync(join(dir, 'index.html'), html);
  await build({
    entryPoints: [join(dir, 'page.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    outfile: join(dir, 'page.js'),
    alias: { 'sgm/stdlib': join(root, 'stdlib/browser.ts'), 'sgm/runtime': join(root, 'runtime/browser.ts') },
    nodePaths: [join(root, 'node_modules')],
    logLevel: 'silent',
  });
  const csp = /content="([^"]+)"/.exec(html.split('Content-Security-Policy')[1])![1];
  const server = await serveFolder(dir, csp, 0);
  try {
    browser = await launchBrowser();
    const page = await browser.newPage();
    const watch = watchPage(page);
    await page.goto(server.url);
    await page.waitForFunction(() => /completed after \d+ steps/.test(document.body.textContent ?? ''), undefined, { timeout: 120_000 });
    const text = (await page.textContent('body'))!.trim();
    expect(text).toMatch(/^backend: webgl; webgpu did not start/);
    expect(text).toContain('completed after 200 steps');
    const losses = [...text.matchAll(/step \d+: loss ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(losses).toHaveLength(10);
    expect(losses[9]).toBeLessThan(losses[0]);
    console.log(text.split('\n').slice(-4).join(' | '));
    expect(watch.errors).toEqual([]);
    expect(watch.requests.filter((u) => !u.startsWith(server.url))).toEqual([]);
  } finally {
    await server.close();
  }
}, 240_000);
