// Issue 7: `sgm report RUN_DIR` on real (short) training runs: an image VAE gets curves, relaxed-vs-discrete
// figures and image grids; a flat count model gets curves with its temperature schedule and relaxed count
// figures, and a note instead of image grids; user mistakes are one line and exit 1.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sgm } from '../cli/run-cli.js';
import { trainTinyRun } from './tiny-runs.js';

let dir: string;
const figuresOf = (html: string): string[] => [...html.matchAll(/<figure data-figure="([^"]+)"/g)].map((m) => m[1]);
const notesOf = (html: string): string[] => [...html.matchAll(/<p class="note">([^<]+)<\/p>/g)].map((m) => m[1]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sgm-report-'));
  await trainTinyRun('igr_vae', join(dir, 'igr'));
  await trainTinyRun('gengs_poisson', join(dir, 'gp'));
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('sgm report', () => {
  it('reports an image VAE: curves, KL per latent, relaxed vs discrete, distances, reconstructions, samples, plan', async () => {
    const r = await sgm(['report', join(dir, 'igr')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*report\.html \(8 figures; 1 notes on what was skipped\)\n$/);
    const html = readFileSync(join(dir, 'igr', 'report.html'), 'utf8');
    expect(figuresOf(html)).toEqual(['objective', 'loglik', 'kl', 'grad-norm', 'relaxed-z', 'distance-z', 'reconstructions', 'samples']);
    expect(notesOf(html)).toEqual(['no schedules in the log (constant temperatures are not logged)']);
    // Charts are inline SVG with drawn marks; image grids are PNG data: URIs; nothing is loaded from elsewhere.
    expect(html.match(/<svg /g)?.length).toBe(6);
    expect(html).toMatch(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]+" width="\d+" height="\d+"/);
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'none'`);
    expect(html).toContain('<tr data-node="z"><td>11</td>');
    expect(html).toContain('z ~ IGR_I(mu, sigma, tau)');
  }, 120_000);

  it('is deterministic: the same run and seed give the same page', async () => {
    const a = join(dir, 'a.html');
    const b = join(dir, 'b.html');
    expect((await sgm(['report', join(dir, 'igr'), '-o', a, '--seed', '3'])).code).toBe(0);
    expect((await sgm(['report', join(dir, 'igr'), '-o', b, '--seed', '3'])).code).toBe(0);
    expect(readFileSync(a, 'utf8') === readFileSync(b, 'utf8')).toBe(true);
  }, 120_000);

  it('reports a model without images: schedules and relaxed counts, and a note instead of image grids', async () => {
    const out = join(dir, 'gp.html');
    const r = await sgm(['report', join(dir, 'gp'), '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(figuresOf(html)).toEqual(['objective', 'schedules', 'grad-norm', 'relaxed-n', 'distance-n']);
    expect(notesOf(html)).toEqual([
      'no KL terms in the log (the model has no latent with a prior)',
      'no image data (a data declaration of H×W values, e.g. [B, 784] for 28×28): no image grids',
    ]);
    expect(html).toContain('n.tau');
  }, 120_000);

  it('with --no-draws reports only what the log holds', async () => {
    const out = join(dir, 'nodraws.html');
    const r = await sgm(['report', join(dir, 'igr'), '-o', out, '--no-draws']);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(figuresOf(html)).toEqual(['objective', 'loglik', 'kl', 'grad-norm']);
    expect(notesOf(html)).toContain('nothing was drawn from the model (--no-draws)');
  });

  it('refuses what is not a run directory with one line and exit 1', async () => {
    const missing = await sgm(['report', join(dir, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: cannot read run directory '.*nope': no such file or directory\n$/);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const noLog = await sgm(['report', empty]);
    expect(noLog.code).toBe(1);
    expect(noLog.stderr).toMatch(/^error: '.*empty' has no train\.jsonl: is it the run directory of `sgm train --checkpoint DIR`\?\n$/);
  });
});
