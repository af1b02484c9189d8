// `sgm compare`: --help, the JSON document (format sgm-compare/1), the files it writes, and user errors.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sgm } from './run-cli.js';

const TINY = 'model tiny() {\n  param logits: [3] = [0.3, -0.2, 0.5]\n  c ~ Categorical(logits = logits)\n  minimize (c - 0.7)^2 + c\n}\n';

describe('sgm compare', () => {
  it('documents its options and an example in --help', async () => {
    const r = await sgm(['compare', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--data', '--checkpoint', '--estimators', '--draws', '--json', '--figure', '--node', '--reference-draws']) expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain('sgm compare models/gengs_poisson.sgm --data "synthetic:poisson?rate=20"');
    expect((await sgm(['--help'])).stdout).toContain('compare');
  });

  it('prints the JSON document with --json - and writes the table, JSON and figure files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgm-compare-'));
    const model = join(dir, 'tiny.sgm');
    writeFileSync(model, TINY);
    const r = await sgm(['compare', model, '--draws', '20', '--json', '-', '--estimators', 'auto,reinforce,pathwise']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown> & { nodes: Array<Record<string, unknown> & { rows: Array<Record<string, unknown>> }> };
    expect(Object.keys(doc).sort()).toEqual(['batchSize', 'checkpoint', 'data', 'draws', 'format', 'hyperparameters', 'model', 'nodes', 'seed', 'source', 'step', 'warmup']);
    expect(doc).toMatchObject({ format: 'sgm-compare/1', model: 'tiny', step: 0, draws: 20, checkpoint: null, data: null });
    const node = doc.nodes[0];
    expect(Object.keys(node).sort()).toEqual(['automatic', 'coordinates', 'distribution', 'node', 'objective', 'parameters', 'reference', 'relaxation', 'rows', 'skipped']);
    expect(Object.keys(node.reference as object).sort()).toEqual(['draws', 'estimator', 'exact', 'gradient', 'objective', 'stderr']);
    expect(node.rows.map((x) => x.estimator)).toEqual(['enumerate (auto)', 'reinforce']);
    expect(Object.keys(node.rows[0]).sort()).toEqual(['automatic', 'bias', 'draws', 'estimator', 'kind', 'mean', 'meanStderr', 'msPerGradient', 'mse', 'reason', 'relaxed', 'variance']);
    expect(node.rows[0].variance).toEqual({ value: 0, stderr: 0 });
    expect((node.skipped as Array<{ estimator: string }>)[0].estimator).toBe('pathwise');

    const json = join(dir, 'out.json');
    const svg = join(dir, 'out.svg');
    const t = await sgm(['compare', model, '--draws', '10', '--json', json, '--figure', svg]);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/estimator\s+‖mean‖\s+variance \(trace\)\s+‖bias‖ \(noise\)\s+rms z/);
    expect(t.stdout).toMatch(/enumerate \(auto\)\s+\S+\s+0 ± 0/);
    expect(JSON.parse(readFileSync(json, 'utf8')).format).toBe('sgm-compare/1');
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);
  }, 60_000);

  it("measures a run's checkpoint and writes into the run folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgm-compare-'));
    const model = join(dir, 'tiny.sgm');
    writeFileSync(model, TINY);
    const run = join(dir, 'run');
    expect((await sgm(['train', model, '--steps', '12', '--checkpoint', run, '--quiet'])).code).toBe(0);
    const r = await sgm(['compare', model, '--checkpoint', run, '--draws', '10']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('at step 12');
    const doc = JSON.parse(readFileSync(join(run, 'compare.json'), 'utf8')) as { step: number; checkpoint: string };
    expect(doc.step).toBe(12);
    expect(readFileSync(join(run, 'compare.svg'), 'utf8')).toMatch(/^<svg/);
  }, 60_000);

  it('is pointed to by check --explain, the graph page and the run report where the compiler chose the score function', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgm-compare-'));
    const model = join(dir, 'pois.sgm');
    writeFileSync(model, 'model pois() {\n  data t: [B]\n  param log_rate: [] = log(5)\n  n ~ Poisson(exp(log_rate)) : [B]\n  minimize mean((n - t)^2)\n}\n');
    const r = await sgm(['check', model, '--explain']);
    expect(r.stdout).toContain(`note: the compiler chose the score function for n: \`sgm compare ${model}\``);
    const html = await sgm(['graph', model, '--format', 'html']);
    expect(html.stdout).toContain(`sgm compare ${model} --node n`);
    const run = join(dir, 'run');
    expect((await sgm(['train', model, '--data', 'synthetic:poisson?rate=20&count=50', '--batch', '10', '--steps', '3', '--checkpoint', run, '--quiet'])).code).toBe(0);
    expect((await sgm(['report', run, '--no-draws'])).code).toBe(0);
    expect(readFileSync(join(run, 'report.html'), 'utf8')).toContain(`sgm compare ${model} --node n`);
    // Given the run, compare reads the run's dataset by default.
    const c = await sgm(['compare', model, '--checkpoint', run, '--draws', '4', '--reference-draws', '4', '--batch', '10', '--json', '-']);
    expect(c.code).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ step: 3, batchSize: 10, data: expect.stringContaining('poisson') });
    // A score function requested with `with reinforce`, and the other estimators, get no pointer.
    expect((await sgm(['check', 'models/sbn_reinforce.sgm', '--explain'])).stdout).not.toContain('sgm compare');
    expect((await sgm(['check', 'models/gengs_poisson.sgm', '--explain'])).stdout).not.toContain('sgm compare');
  }, 60_000);

  it('reports user mistakes in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgm-compare-'));
    const model = join(dir, 'tiny.sgm');
    writeFileSync(model, TINY);
    const r = await sgm(['compare', model, '--node', 'zz']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--node zz: not a sampled latent');
    const v = await sgm(['compare', 'models/gengs_poisson.sgm']);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain('--data is required');
    expect(existsSync(join(dir, 'compare.json'))).toBe(false);
    const u = await sgm(['compare', model, '--estimators', 'auto,reinforse']);
    expect(u.code).toBe(1);
    expect(u.stderr).toContain("--estimators: unknown estimator 'reinforse'");
  }, 60_000);
});
