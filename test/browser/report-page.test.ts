// Issue 7: the training report (`sgm report RUN_DIR`) in a real headless Chromium: every figure renders (inline
// SVG charts with drawn marks and a size, PNG grids decoded with a width), nothing is requested outside the page
// file and nothing errors, for an image VAE and for a model without images. Full-page screenshots go to
// test/out/screenshots/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sgm } from '../cli/run-cli.js';
import { trainTinyRun, TINY_RUNS } from '../report/tiny-runs.js';
import { foreignRequests, launchBrowser, screenshotPath, watchPage, type TestBrowser } from './browser.js';

let browser: TestBrowser;
let dir: string;

beforeAll(async () => {
  browser = await launchBrowser();
  dir = mkdtempSync(join(tmpdir(), 'sgm-report-page-'));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What the page shows of one figure. */
interface RenderedFigure {
  readonly id: string;
  readonly kind: string;
  readonly width: number;
  readonly height: number;
  /** SVG: drawn marks (paths, rects, circles, lines); PNG: the decoded image's width. */
  readonly marks: number;
  readonly naturalWidth: number;
}

describe.each(Object.keys(TINY_RUNS) as Array<keyof typeof TINY_RUNS>)('the report of a %s run', (name) => {
  it('renders every figure, offline and without errors', async () => {
    const run = join(dir, name);
    await trainTinyRun(name, run);
    const out = join(dir, `${name}.html`);
    const r = await sgm(['report', run, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const count = Number(/\((\d+) figures/.exec(r.stdout)?.[1]);

    const page = await browser.newPage();
    const watch = watchPage(page);
    const url = pathToFileURL(out).href;
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
    const figures = await page.$$eval('figure[data-figure]', (els) =>
      els.map((f) => {
        const svg = f.querySelector('svg');
        const img = f.querySelector('img');
        const box = (svg ?? img ?? f).getBoundingClientRect();
        return {
          id: f.getAttribute('data-figure') ?? '',
          kind: svg ? 'svg' : img ? 'png' : 'none',
          width: box.width,
          height: box.height,
          marks: svg ? svg.querySelectorAll('path, rect, circle, line').length : 0,
          naturalWidth: img && img.complete ? img.naturalWidth : 0,
        };
      }),
    );
    expect(figures.length).toBe(count);
    expect(figures.length).toBeGreaterThanOrEqual(name === 'igr_vae' ? 8 : 5);
    const broken = (figures as RenderedFigure[]).filter((f) => f.width < 100 || f.height < 50 || (f.kind === 'svg' ? f.marks < 5 : f.kind !== 'png' || f.naturalWidth === 0));
    expect(broken).toEqual([]);
    if (name === 'igr_vae') expect(figures.filter((f) => f.kind === 'png').map((f) => f.id)).toEqual(['reconstructions', 'samples']);
    await page.screenshot({ path: screenshotPath(`report-${name}`), fullPage: true });
    expect(foreignRequests(watch, url)).toEqual([]);
    expect(watch.errors).toEqual([]);
    await page.close();
  }, 300_000);
});
