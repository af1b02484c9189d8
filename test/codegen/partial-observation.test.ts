// Issue 16 items 3 and 5: partial observation (`data c: [B] with obs_mask(labelled)`), logprob(z), `maximize elbo
// + E` and `report`. The docs/language.md example's objective and its gradient are checked against a float64
// computation of the per-row bounds written out here (labelled rows: log p(x | c) + log p(c); unlabelled rows:
// Σ_k q(k | x) log p(x | k) − KL(q ‖ p); plus α · mean(m · log q(c | x))), and its report against argmax by hand.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend/index.js';
import { packageRoot } from '../../runtime/package-root.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { compileSource } from '../../compiler/compile.js';
import { SGM_VERSION } from '../../cli/version.js';
import { mulberry32 } from '../mulberry32.js';
import { loadGenerated } from './load-generated.js';

const languageDoc = readFileSync(join(packageRoot(), 'docs/language.md'), 'utf8');
const EXAMPLE = /```\n(\/\/ docs\/language\.md partial-observation example: semi_gmm\n[\s\S]*?)```/.exec(languageDoc)![1];

beforeAll(async () => {
  await initBackend('wasm');
});

const N = 60;
const K = 3;
const u = mulberry32(7);
const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
const CENTRES = [[-3, 0], [3, 0], [0, 3]];
const c = Array.from({ length: N }, (_, i) => i % K);
const x = c.map((k) => [CENTRES[k][0] + 0.7 * normal(), CENTRES[k][1] + 0.7 * normal()]);
const labelled = c.map((_, i) => (i % 3 === 0 ? 1 : 0));

const batch = () => ({ x: tf.tensor2d(x), c: tf.tensor1d(c), labelled: tf.tensor1d(labelled) });
const arr = (t: tf.Tensor) => Array.from(t.dataSync(), Number);

/** log N(v | mu, exp(ls)) in float64. */
const logNormal = (v: number, mu: number, ls: number) => -0.5 * ((v - mu) / Math.exp(ls)) ** 2 - ls - 0.5 * Math.log(2 * Math.PI);
const logSoftmax = (l: number[]) => {
  const m = Math.max(...l);
  const z = Math.log(l.reduce((s, v) => s + Math.exp(v - m), 0)) + m;
  return l.map((v) => v - z);
};

/** The objective of the example in float64, from q's log-probabilities and the generative parameters. */
function reference(logq: number[][], means: number[], logScales: number[], mixLogits: number[], alpha: number): { value: number; elbo: number } {
  const logp = logSoftmax(mixLogits);
  let elbo = 0;
  let classifier = 0;
  for (let i = 0; i < N; i++) {
    const lik = (k: number) => logNormal(x[i][0], means[2 * k], logScales[2 * k]) + logNormal(x[i][1], means[2 * k + 1], logScales[2 * k + 1]);
    if (labelled[i] === 1) {
      elbo += lik(c[i]) + logp[c[i]]; // L(x, c): the component is data
      classifier += logq[i][c[i]];
    } else {
      let row = 0;
      for (let k = 0; k < K; k++) row += Math.exp(logq[i][k]) * (lik(k) - (logq[i][k] - logp[k])); // U(x)
      elbo += row;
    }
  }
  return { value: elbo / N + (alpha * classifier) / N, elbo: elbo / N };
}

/**
 * The example with a guide statement that reads c after sampling it: c is then summed out by tiling the batch
 * (emit-tiled.ts) instead of the per-value loop; the objective is the same function.
 */
const TILED = EXAMPLE.replace('    c ~ Categorical(logits = logits)', '    c ~ Categorical(logits = logits)\n    _c_read = one_hot(c, K)');

describe.each([
  ['per-value loop', EXAMPLE],
  ['tiled batch', TILED],
])('partial observation: the docs/language.md example semi_gmm (%s)', (mode, source) => {
  it('the plan enumerates c per data point', async () => {
    const module = await loadGenerated(source, 'semi_gmm');
    const c = module.metadata.nodes.find((n) => n.name === 'c' && n.estimator !== undefined)!;
    expect(c.estimator).toBe('enumerate');
    expect(c.reason?.includes('tiled')).toBe(mode === 'tiled batch');
  });

  it('objective, elbo metric and report equal a float64 computation of the per-row bounds', async () => {
    const module = await loadGenerated(source, 'semi_gmm');
    const model = await module.create({ seed: 3 });
    const ctx = { step: 0, rng: new RandomStream(1) };
    const b = batch();
    const r = model.objective(b, ctx);
    const q = model.posterior!(b, ctx).c as unknown as { logits: tf.Tensor };
    const logits = arr(q.logits);
    const logq = Array.from({ length: N }, (_, i) => logSoftmax(logits.slice(K * i, K * i + K)));
    const v = (n: string) => arr(model.variables.get(n)!);
    const ref = reference(logq, v('means'), v('log_scales'), v('mix_logits'), 0.5);
    expect(r.value.dataSync()[0]).toBeCloseTo(ref.value, 3);
    expect(r.metrics.elbo.dataSync()[0]).toBeCloseTo(ref.elbo, 3);
    // The report: argmax of the guide's logits against c on every row (labelled or not).
    const acc = logq.filter((l, i) => l.indexOf(Math.max(...l)) === c[i]).length / N;
    expect(r.metrics.accuracy.dataSync()[0]).toBeCloseTo(acc, 6);
    model.dispose();
  });

  it('its gradient in the means equals central differences of the float64 objective', async () => {
    const module = await loadGenerated(source, 'semi_gmm');
    const model = await module.create({ seed: 3 });
    const b = batch();
    const means = model.variables.get('means')!;
    const { grads } = tf.variableGrads(() => model.objective(b, { step: 0, rng: new RandomStream(1) }).value, [means]);
    const g = arr(Object.values(grads)[0]);
    const q = model.posterior!(b, { step: 0, rng: new RandomStream(1) }).c as unknown as { logits: tf.Tensor };
    const logits = arr(q.logits);
    const logq = Array.from({ length: N }, (_, i) => logSoftmax(logits.slice(K * i, K * i + K)));
    const v = (n: string) => arr(model.variables.get(n)!);
    const m0 = v('means');
    const h = 1e-6;
    for (let j = 0; j < m0.length; j++) {
      const at = (d: number) => reference(logq, m0.map((mv, i) => (i === j ? mv + d : mv)), v('log_scales'), v('mix_logits'), 0.5).value;
      const fd = (at(h) - at(-h)) / (2 * h);
      expect(g[j], `d/dmeans[${j}]`).toBeCloseTo(fd, 3);
    }
    model.dispose();
  });

  it('labelled rows do not depend on q(c | x): changing the guide on them changes only the classifier term', async () => {
    // All rows labelled and alpha = 0: the objective is Σ log p(x, c) / N, whatever the guide's weights.
    const src = source.replace('alpha = 0.5', 'alpha = 0');
    const module = await loadGenerated(src, 'semi_gmm_all');
    const a = await module.create({ seed: 3 });
    const other = await module.create({ seed: 4 });
    const all = { x: tf.tensor2d(x), c: tf.tensor1d(c), labelled: tf.ones([N]) };
    // The generative parameters of `other` set to a's: only the guide differs.
    for (const n of ['means', 'log_scales', 'mix_logits']) other.variables.get(n)!.assign(a.variables.get(n)!);
    const va = a.objective(all, { step: 0, rng: new RandomStream(1) }).value.dataSync()[0];
    const vb = other.objective(all, { step: 0, rng: new RandomStream(1) }).value.dataSync()[0];
    expect(vb).toBeCloseTo(va, 4);
    a.dispose();
    other.dispose();
  });
});

describe('diagnostics of partial observation, logprob and reports', () => {
  const codes = (text: string) => compileSource('m.sgm', text, { sgmVersion: SGM_VERSION }).diagnostics.map((d) => d.code);
  const model = (decl: string, extra = '', objective = 'maximize elbo', guideY = 'y ~ Categorical(logits = dense(x, [3]))') => `model m() {
  data x: [B, 4]
  ${decl}
  data labelled: [B]
  guide {
    ${guideY}
  }
  generative {
    y ~ Categorical(uniform(3))
    x ~ Normal(dense(one_hot(y, 3), [4]), 1)
  }
  ${extra}
  ${objective}
}`;
  it('accepts the well-formed model', () => {
    expect(codes(model('data y: [B] with obs_mask(labelled)'))).toEqual([]);
  });
  it('SGM2212: a mask that is not data, of the wrong shape, or not obs_mask', () => {
    expect(codes(model('data y: [B] with obs_mask(nothing)'))).toContain('SGM2212');
    expect(codes(model('data y: [B] with obs_mask(x)'))).toContain('SGM2212');
    expect(codes(model('data y: [B] with pathwise'))).toContain('SGM2212');
  });
  it('SGM2213: a report reading a generative value or another objective term, or named like a built-in metric', () => {
    const ok = 'data y: [B] with obs_mask(labelled)';
    expect(codes(model(ok, 'report bad = kl(y)'))).toContain('SGM2213');
    expect(codes(model(ok, 'report elbo = mean(labelled)'))).toContain('SGM2213');
    expect(codes(model(ok, 'report fine = mean(labelled)'))).toEqual([]);
  });
  it('SGM5008: logprob of an enumerated latent, a partially observed variable without enumeration', () => {
    const ok = 'data y: [B] with obs_mask(labelled)';
    expect(codes(model('data w: [B]', '', 'maximize elbo + mean(logprob(y))').replace('data w: [B]\n', ''))).toContain('SGM5008');
    expect(codes(model(ok, '', 'maximize iwae(samples = 2)'))).toContain('SGM5008');
  });
  it('SGM5008: a report or elbo + E reading an enumerated latent (its pass holds every value, a mean would be the support mean)', () => {
    const latent = (extra: string, objective?: string) => codes(model('data w: [B]', extra, objective).replace('data w: [B]\n', ''));
    expect(latent('report yb = mean(y)')).toContain('SGM5008');
    expect(latent('', 'maximize elbo + mean(y)')).toContain('SGM5008');
    expect(latent('report yb = mean(exp(logprob(y)))').filter((c) => c === 'SGM5008')).toHaveLength(1); // logprob's own error, once
    // A partially observed y reads its data column: allowed.
    expect(codes(model('data y: [B] with obs_mask(labelled)', 'report yb = mean(y)'))).toEqual([]);
  });
});

describe('reports in the run report', () => {
  it('the metrics named in the start record are drawn as report curves, train and held-out', async () => {
    const { trainingCurves } = await import('../../runtime/report/training-curves.js');
    const records = [
      { type: 'start', step: 0, reports: ['accuracy'] },
      { type: 'train', step: 1, value: -3, metrics: { elbo: -3, accuracy: 0.5, tau: 1 } },
      { type: 'eval', step: 1, value: -3.5, metrics: { elbo: -3.5, accuracy: 0.4 } },
    ];
    const c = trainingCurves(records as never);
    expect(c.reports).toEqual([
      { step: 1, value: 0.5, series: 'accuracy (train)' },
      { step: 1, value: 0.4, series: 'accuracy (held-out)' },
    ]);
    expect(c.schedules.map((p) => p.series)).toEqual(['tau']);
  });

  it('the generated metadata lists the reports (and only models with reports have the field)', async () => {
    const module = await loadGenerated(EXAMPLE, 'semi_gmm');
    expect(module.metadata.reports).toEqual(['accuracy']);
    const plain = await loadGenerated(EXAMPLE.replace(/ {2}report accuracy = .*\n/, ''), 'semi_gmm_plain');
    expect(plain.metadata.reports).toBeUndefined();
  });
});
