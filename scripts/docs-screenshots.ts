/**
 * Regenerates the screenshots in docs/img/: the graph page of models/igr_vae.sgm (with `z` hovered, so the
 * details panel shows its estimator and reason) and the report of a training run of it.
 *
 *   sgm train models/igr_vae.sgm --data mnist-binarized --steps 3000 --eval-every 500 --checkpoint runs/igr-docs
 *   node --import tsx scripts/docs-screenshots.ts runs/igr-docs   (from the package root)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { run } from '../cli/main.js';
import { processIo } from '../cli/io.js';
import { packageRoot } from '../runtime/package-root.js';
import { launchBrowser } from '../test/browser/browser.js';
import type { GraphPageHooks } from '../web/graph-page-data.js';

const runDir = process.argv[2];
if (!runDir) {
  console.error('usage: node --import tsx scripts/docs-screenshots.ts RUN_DIR (a run of models/igr_vae.sgm)');
  process.exit(1);
}
const root = packageRoot();
const out = mkdtempSync(join(tmpdir(), 'sgm-docs-'));
const io = { ...processIo(), cwd: process.cwd() };
const graphHtml = join(out, 'graph.html');
const reportHtml = join(out, 'report.html');
if ((await run(['graph', 'models/igr_vae.sgm', '--format', 'html', '-o', graphHtml], { ...io, cwd: root })) !== 0) process.exit(1);
if ((await run(['report', runDir, '-o', reportHtml], io)) !== 0) process.exit(1);

const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1280, height: 760 });
  await page.goto(pathToFileURL(graphHtml).href);
  await page.waitForFunction(() => (window as unknown as { sgmGraphPage: GraphPageHooks }).sgmGraphPage.ready);
  const z = await page.evaluate(() => (window as unknown as { sgmGraphPage: GraphPageHooks }).sgmGraphPage.nodeScreenPosition('z'));
  await page.mouse.move(z!.x, z!.y);
  await page.waitForSelector('#details[data-node="z"]');
  await page.screenshot({ path: join(root, 'docs/img/graph-igr-vae.png') });

  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(pathToFileURL(reportHtml).href);
  // The summary, the training curves, the relaxed-vs-discrete figures and the image grids; not the source.
  const bottom = await page.locator('#images').evaluate((e) => e.getBoundingClientRect().bottom + window.scrollY);
  await page.screenshot({ path: join(root, 'docs/img/report-igr-vae.png'), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.ceil(bottom) + 16 } });
  console.log('wrote docs/img/graph-igr-vae.png and docs/img/report-igr-vae.png');
} finally {
  await browser.close();
  rmSync(out, { recursive: true, force: true });
}
