// Issue 17: sgm's runtime in headless Chromium (the npm Chromium renders WebGL with SwiftShader, a software GPU).
// The page selects WebGPU, else WebGL, else WASM, else CPU, and reports it like the CLI; the numerically delicate
// kernels agree between `webgl` and `cpu` in float32; igr_vae (the reference VAE, MNIST subset) and
// gengs_poisson train 100 steps on webgl with a decreasing loss and no page error, and the same seed gives the
// same first-step loss on webgl and cpu within 1e-3 relative. The step times go to test/out/webgl-timings.json
// (docs/performance.md quotes them).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../runtime/data/mnist.js';
import { packageRoot } from '../../runtime/package-root.js';
import { launchBrowser, watchPage, type PageWatch, type TestBrowser } from './browser.js';
import type { Harness, TrainRequest } from './harness/harness.js';
import { buildHarnessPage } from './page-bundle.js';

let browser: TestBrowser;
let dir: string;
let page: Page;
let watch: PageWatch;
const timings: Record<string, unknown> = {};

/** 200 binarized MNIST digits: two epochs of batch 100 in 100 steps... the reference VAE's batch. */
const mnist = Array.from(loadMnist({ binarized: true }).columns.x.values.subarray(0, 500 * 784));

const run = <T>(fn: (h: Harness, arg: never) => Promise<T> | T, arg?: unknown): Promise<T> =>
  page.evaluate(([source, a]) => {
    const h = (globalThis as unknown as { sgmHarness: Harness }).sgmHarness;
    return (new Function('h', 'a', `return (${source})(h, a);`) as (h: Harness, a: unknown) => Promise<T>)(h, a);
  }, [fn.toString(), arg] as const);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sgm-webgl-'));
  const url = await buildHarnessPage(dir, { igr_vae: 'models/igr_vae.sgm', gengs_poisson: 'models/gengs_poisson.sgm' });
  browser = await launchBrowser();
  page = await browser.newPage();
  watch = watchPage(page);
  await page.goto(url);
  await page.waitForFunction(() => 'sgmHarness' in globalThis);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (Object.keys(timings).length > 0) {
    const out = join(packageRoot(), 'test', 'out');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'webgl-timings.json'), JSON.stringify(timings, null, 1));
  }
});

describe('the runtime in a page', () => {
  it('selects a backend like the CLI: WebGPU is passed over with its reason, WebGL starts with float32 textures', async () => {
    const line = await run((h) => h.backend());
    console.log(line);
    expect(line).toMatch(/^backend: webgl; webgpu did not start: .+/);
    expect(line).toContain('float32 textures: yes');
    expect(await run((h) => h.backend('cpu'))).toBe('backend: cpu (requested)');
    expect(watch.errors).toEqual([]);
  });

  it('the delicate kernels agree on webgl and cpu (float32 tolerance)', async () => {
    await run((h) => h.backend('cpu'));
    const cpu = await run((h) => h.kernels());
    await run((h) => h.backend('webgl'));
    const webgl = await run((h) => h.kernels());
    expect(Object.keys(webgl)).toEqual(Object.keys(cpu));
    const worst: Record<string, number> = {};
    for (const [name, expected] of Object.entries(cpu)) {
      const got = webgl[name];
      expect(got.length, name).toBe(expected.length);
      let w = 0;
      for (let i = 0; i < got.length; i++) {
        expect(Number.isFinite(expected[i]), `${name}[${i}] on cpu`).toBe(true);
        // float32 with a few ulps of transcendental error, relative to the value's size (log-densities of
        // hundreds of nats carry an absolute error of ~1e-5 of their size).
        const tol = 2e-5 + 2e-5 * Math.abs(expected[i]);
        const excess = Math.abs(got[i] - expected[i]) / tol;
        w = Math.max(w, Number.isNaN(excess) ? Infinity : excess);
        expect(Math.abs(got[i] - expected[i]), `${name}[${i}]: webgl ${got[i]} vs cpu ${expected[i]}`).toBeLessThanOrEqual(tol);
      }
      worst[name] = w;
    }
    console.log('worst |webgl - cpu| / tolerance per kernel:', worst);
    timings.kernelWorstOverTolerance = worst;
    expect(watch.errors).toEqual([]);
  });

  for (const [model, request] of [
    ['igr_vae', { steps: 100, batchSize: 100, learningRate: 1e-3, seed: 1, mnist }],
    ['gengs_poisson', { steps: 100, batchSize: 100, learningRate: 0.05, seed: 1 }],
  ] as const) {
    it(`${model}: the same first-step loss on webgl and cpu; 100 steps on webgl lower the loss`, async () => {
      await run((h) => h.backend('cpu'));
      const cpu = await run((h, a: [string, TrainRequest]) => h.train(a[0], a[1]), [model, { ...request, steps: 1 }]);
      await run((h) => h.backend('webgl'));
      const gl = await run((h, a: [string, TrainRequest]) => h.train(a[0], a[1]), [model, request]);
      expect([cpu.backend, gl.backend]).toEqual(['cpu', 'webgl']);
      expect(gl.status).toBe('completed');
      expect(gl.losses).toHaveLength(100);
      const rel = Math.abs(gl.losses[0] - cpu.losses[0]) / Math.abs(cpu.losses[0]);
      console.log(`${model}: first loss cpu ${cpu.losses[0]}, webgl ${gl.losses[0]} (relative ${rel.toExponential(2)}); median webgl step ${gl.medianMs.toFixed(1)} ms`);
      expect(rel).toBeLessThan(1e-3);
      const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
      const first = mean(gl.losses.slice(0, 10));
      const last = mean(gl.losses.slice(-10));
      expect(last).toBeLessThan(first);
      timings[model] = { firstLossCpu: cpu.losses[0], firstLossWebgl: gl.losses[0], relative: rel, first10: first, last10: last, medianStepMsWebgl: gl.medianMs, batch: request.batchSize };
      expect(watch.errors).toEqual([]);
    }, 600_000);
  }
});
