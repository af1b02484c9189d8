// The enumeration examples of docs/language.md ("Enumeration per data point") compile with the plan the text
// claims, and their objectives are checked: gmm_latent against a float64 log-sum-exp over the support, m2_guide's
// enumerated ELBO against the mean of the same model's ELBO with y sampled (`with reinforce`), an independent
// Monte Carlo estimate of Σ_y q(y | x) ELBO(y).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/compile.js';
import { SGM_VERSION } from '../../cli/version.js';
import { initBackend } from '../../runtime/backend/index.js';
import type { ModelInstance } from '../../runtime/model-api.js';
import { packageRoot } from '../../runtime/package-root.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { loadGenerated } from './load-generated.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'sgm-enum-docs-'));
const doc = readFileSync(join(packageRoot(), 'docs/language.md'), 'utf8');
const EXAMPLES = new Map([...doc.matchAll(/```\n(\/\/ docs\/language\.md enumeration example: (\w+)\n[\s\S]*?)```/g)].map((m) => [m[2], m[1]]));

beforeAll(async () => {
  await initBackend('wasm');
});

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const se = (xs: readonly number[]) => Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1) / xs.length);

describe('docs/language.md enumeration examples', () => {
  it('both examples are in the text', () => {
    expect([...EXAMPLES.keys()].sort()).toEqual(['gmm_latent', 'm2_guide']);
  });

  it('gmm_latent: c summed out of loglik(x), equal to the float64 marginal log-likelihood', async () => {
    const src = EXAMPLES.get('gmm_latent')!;
    const r = compileSource('gmm_latent.sgm', src, { sgmVersion: SGM_VERSION });
    expect(r.plans[0].estimators.map((e) => `${e.node}:${e.estimator}:${e.enumeration?.mode}`)).toEqual(['c:enumerate:tiled']);
    const model = await (await loadGenerated(src, 'gmm_latent')).create({ seed: 4, cacheDir });
    const read = (n: string) => Array.from(model.variables.get(n)!.dataSync());
    const [w, means, ls] = [read('w'), read('means'), read('log_scales')];
    const rows = [
      [0.5, -1],
      [3, 2],
      [-25, 30],
    ];
    const lse = (v: number[]) => Math.max(...v) + Math.log(v.reduce((s, a) => s + Math.exp(a - Math.max(...v)), 0));
    const lw = w.map((a) => a - lse(w));
    const ref = mean(rows.map((x) => lse(lw.map((l, k) => l + x.reduce((s, xd, d) => s - 0.5 * Math.log(2 * Math.PI) - ls[2 * k + d] - 0.5 * ((xd - means[2 * k + d]) / Math.exp(ls[2 * k + d])) ** 2, 0)))));
    const value = tf.tidy(() => model.objective({ x: tf.tensor2d(rows) }, { step: 0, rng: new RandomStream(1) }).value.dataSync()[0]);
    expect(Math.abs(value - ref)).toBeLessThan(1e-4 * Math.abs(ref));
    model.dispose();
  });

  it("m2_guide: y tiled; the enumerated ELBO equals the mean ELBO with y sampled (within 4 standard errors)", async () => {
    const src = EXAMPLES.get('m2_guide')!;
    const small = { K: 3, D: 6, Z: 2 };
    const r = compileSource('m2_guide.sgm', src, { sgmVersion: SGM_VERSION, overrides: small });
    expect(r.plans[0].estimators.map((e) => `${e.node}:${e.estimator}:${e.enumeration?.mode}`)).toEqual(['y:enumerate:tiled', 'z:pathwise:undefined']);
    const enumerated = await (await loadGenerated(src, 'm2_guide', small)).create({ seed: 2, cacheDir });
    const sampledModule = await loadGenerated(src.replace('act = relu))   //', 'act = relu)) with reinforce   //'), 'm2_guide_sampled', small);
    expect(sampledModule.metadata.nodes.find((n) => n.name === 'y')?.estimator).toBe('reinforce');
    const sampled = await sampledModule.create({ seed: 2, cacheDir });
    for (const [name, v] of enumerated.variables) sampled.variables.get(name)?.assign(v);
    const u = (i: number) => ((Math.sin(i * 12.9898) * 43758.5453) % 1 + 1) % 1;
    const x = tf.tensor2d(Array.from({ length: 5 * small.D }, (_, i) => (u(i) < 0.4 ? 1 : 0)), [5, small.D]);
    const values = (m: ModelInstance, n: number) => Array.from({ length: n }, (_, i) => tf.tidy(() => m.objective({ x }, { step: i, rng: new RandomStream(500 + i) }).value.dataSync()[0]));
    const e = values(enumerated, 100);
    const s = values(sampled, 1500);
    expect(Math.abs(mean(e) - mean(s)), `enumerated ${mean(e)} ± ${se(e)}, sampled ${mean(s)} ± ${se(s)}`).toBeLessThan(4 * Math.hypot(se(e), se(s)));
    // The enumeration removes y's sampling noise: its spread is the z noise only.
    expect(se(e) * Math.sqrt(e.length)).toBeLessThan(se(s) * Math.sqrt(s.length));
    enumerated.dispose();
    sampled.dispose();
    x.dispose();
  }, 120_000);
});
