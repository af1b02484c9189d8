// `sgm eval` end to end, in-process: a 30-step `sgm train` into a temporary run directory, then `sgm eval` on
// it with a small number of importance samples, as text and as JSON; and its one-line user errors.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelEvalReport } from '../../runtime/eval/evaluate-model.js';
import { sgm } from '../cli/run-cli.js';

const TRAIN = ['--data', 'mnist-binarized', '--steps', '30', '--batch', '50', '--lr', '1e-3', '--backend', 'wasm'];
const EVAL = ['--samples', '20', '--batches', '1', '--backend', 'wasm'];

describe('sgm eval on an IGR-SB VAE run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgm-eval-run-'));

  beforeAll(async () => {
    const r = await sgm(['train', 'models/igr_sb_vae.sgm', ...TRAIN, '--checkpoint', dir]);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it('prints every statistic as text', async () => {
    const r = await sgm(['eval', 'models/igr_sb_vae.sgm', '--checkpoint', dir, ...EVAL, '--recovery-samples', '200']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^igr_sb_vae at step 30 on 100 test rows of mnist-binarized/);
    expect(r.stdout).toMatch(/test ELBO: -\d+\.\d\d/);
    expect(r.stdout).toMatch(/S = 20 importance samples/);
    expect(r.stdout).toMatch(/uniform prior\s+-\d+\.\d\d ± \d+\.\d\d/);
    expect(r.stdout).toMatch(/recovered prior\s+-\d+\.\d\d ± \d+\.\d\d/);
    expect(r.stdout).toMatch(/z: IGR_SB posterior by Monte Carlo, 200 draws/);
    expect(r.stdout).toMatch(/z: \d+\.\d% within 0\.2, mean 0\.\d{3}/);
    expect(r.stdout).toMatch(/IGR-SB categories used at ρ = 0\.99 \(summing z = g\(y, τ\), IGR eq\. \(19\)\): mean \d+\.\d\d, \d+ at the 70% quantile/);
    expect(r.stdout).toMatch(/z\[19\]/);
    expect(r.stderr).toMatch(/eval: batch 1\/1, importance samples 20\/20 \| 100%/);
  }, 120_000);

  it('writes the whole report as JSON, deterministic by seed', async () => {
    const runs = await Promise.all([0, 1].map(() => sgm(['eval', 'models/igr_sb_vae.sgm', '--checkpoint', dir, ...EVAL, '--recovery-samples', '100', '--format', 'json'])));
    const [a, b] = runs.map((r) => JSON.parse(r.stdout) as ModelEvalReport & { dataset: string });
    expect(a.dataset).toBe('mnist-binarized');
    expect(a.examples).toBe(100);
    expect(a.logLikelihood!.estimates.map((e) => e.prior)).toEqual(['recovered prior', 'uniform prior']);
    expect(Number.isFinite(a.logLikelihood!.estimates[1].mean) && Number.isFinite(a.elbo!)).toBe(true);
    expect(a.recovered.z.shape).toEqual([20, 10]);
    expect(a.recovered.z.posteriorMean.reduce((s, p) => s + p, 0)).toBeCloseTo(20, 3);
    expect(a.vertexDistance.z.count).toBe(100 * 20);
    expect(a.categoriesUsed.z.draws).toBe(100 * 20);
    expect({ ...a, seconds: 0 }).toEqual({ ...b, seconds: 0 });
  }, 120_000);

  it('counts IGR-SB categories by the authors\' rule with --truncation-rule sticks, and rejects other rules', async () => {
    const args = ['eval', 'models/igr_sb_vae.sgm', '--checkpoint', dir, ...EVAL, '--samples', '0', '--recovery-samples', '50', '--format', 'json'];
    const [paper, sticks] = await Promise.all([sgm(args), sgm([...args, '--truncation-rule', 'sticks'])]);
    const used = (r: { stdout: string }) => (JSON.parse(r.stdout) as ModelEvalReport).categoriesUsed.z;
    expect(used(paper).rule).toBe('softmax');
    expect(used(sticks).rule).toBe('sticks');
    // The same draws, counted by the rule each report names.
    expect(used(sticks).draws).toBe(used(paper).draws);
    const bad = await sgm(['eval', 'models/igr_sb_vae.sgm', '--checkpoint', dir, ...EVAL, '--truncation-rule', 'w']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--truncation-rule/);
  }, 120_000);

  it('reports one-line user errors', async () => {
    const missing = await sgm(['eval', 'models/igr_sb_vae.sgm', ...EVAL]);
    expect([missing.code, missing.stderr.trim()]).toEqual([1, 'error: --checkpoint is required: the run directory written by sgm train']);
    const empty = mkdtempSync(join(tmpdir(), 'sgm-eval-empty-'));
    const none = await sgm(['eval', 'models/igr_sb_vae.sgm', '--checkpoint', empty, ...EVAL]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/error: no checkpoint in '.*sgm-eval-empty-/);
    const other = await sgm(['eval', 'models/igr_vae.sgm', '--checkpoint', dir, ...EVAL]);
    expect(other.code).toBe(1);
    expect(other.stderr.trim().split('\n').at(-1)).toMatch(/^error: checkpoint .* written by model 'igr_sb_vae', not 'igr_vae'$/);
  }, 120_000);
});
