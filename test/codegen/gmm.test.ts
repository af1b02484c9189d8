// Issue 13 item 3: indexing a parameter by a Categorical latent (`means[c]`, a gather) compiles and trains, with
// c enumerated (models/gmm.sgm) or on the score function.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend/index.js';
import { bindModelData } from '../../runtime/data/bind.js';
import { makeDataset } from '../../runtime/data/dataset.js';
import { packageRoot } from '../../runtime/package-root.js';
import { train } from '../../runtime/train/trainer.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { loadGenerated } from './load-generated.js';
import { mulberry32 } from '../mulberry32.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'sgm-gmm-'));
const source = readFileSync(join(packageRoot(), 'models/gmm.sgm'), 'utf8');

beforeAll(async () => {
  await initBackend('wasm');
});

// Three well-separated components in 2-D (float64 generator, independent of the runtime's random streams).
const WEIGHTS = [0.5, 0.3, 0.2];
const MEANS = [
  [-4, 0],
  [0, 4],
  [4, -1],
];
const SCALES = [0.5, 0.8, 0.6];
const N = 600;

function mixtureData(): number[][] {
  const u = mulberry32(7);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return Array.from({ length: N }, () => {
    const r = u();
    const k = r < WEIGHTS[0] ? 0 : r < WEIGHTS[0] + WEIGHTS[1] ? 1 : 2;
    return MEANS[k].map((m) => m + SCALES[k] * normal());
  });
}

/** Mean log-likelihood of the data under the true mixture, float64 with log-sum-exp. */
function trueLogLikelihood(rows: number[][]): number {
  let total = 0;
  for (const x of rows) {
    const terms = WEIGHTS.map(
      (w, k) => Math.log(w) + x.reduce((s, xi, d) => s - 0.5 * ((xi - MEANS[k][d]) / SCALES[k]) ** 2 - Math.log(SCALES[k]) - 0.5 * Math.log(2 * Math.PI), 0),
    );
    const m = Math.max(...terms);
    total += m + Math.log(terms.reduce((s, t) => s + Math.exp(t - m), 0));
  }
  return total / rows.length;
}

const rows = mixtureData();
const dataset = makeDataset('gmm-synthetic', { x: { values: Float32Array.from(rows.flat()), rowShape: [2] } });

/** The model's objective value (mean ELBO) on all rows at once. */
function fullElbo(objective: (b: Record<string, tf.Tensor>, c: { step: number; rng: RandomStream }) => { value: tf.Scalar }): number {
  return tf.tidy(() => objective({ x: tf.tensor2d(rows) }, { step: 0, rng: new RandomStream(11) }).value.dataSync()[0]);
}

describe('Gaussian mixture with means[c]', () => {
  it('enumerated c: the ELBO reaches the true log-likelihood of the data within 0.05 nats per point', async () => {
    const module = await loadGenerated(source, 'gmm');
    expect(module.metadata.nodes.find((n) => n.name === 'c')?.estimator).toBe('enumerate');
    const model = await module.create({ seed: 2, cacheDir });
    const before = fullElbo(model.objective);
    const summary = await train(model, { train: bindModelData(module.metadata, dataset) }, { steps: 1500, batchSize: 100, seed: 1, learningRate: 0.03, progress: false });
    expect(summary.status, summary.message).toBe('completed');
    const after = fullElbo(model.objective);
    const reference = trueLogLikelihood(rows);
    // The ELBO bounds the fitted model's log-likelihood, which at the maximum-likelihood fit is at least the true
    // parameters' (up to sampling noise of 600 points): it must come close from below, or exceed it slightly.
    expect(after).toBeGreaterThan(reference - 0.05);
    expect(after).toBeLessThan(reference + 0.1);
    model.dispose();
  }, 120_000);

  it('c on the score function: trains 300 steps without NaN and the ELBO improves', async () => {
    const module = await loadGenerated(source.replace('mlp(x, [32, K], act = relu))', 'mlp(x, [32, K], act = relu)) with reinforce'), 'gmm_reinforce');
    expect(module.metadata.nodes.find((n) => n.name === 'c')?.estimator).toBe('reinforce');
    const model = await module.create({ seed: 2, cacheDir });
    const before = fullElbo(model.objective);
    const values: number[] = [];
    const summary = await train(model, { train: bindModelData(module.metadata, dataset) }, {
      steps: 300, batchSize: 100, seed: 1, learningRate: 0.03, progress: false, onStep: (r) => void values.push(r.value),
    });
    expect(summary.status, summary.message).toBe('completed');
    expect(values.every(Number.isFinite)).toBe(true);
    const after = fullElbo(model.objective);
    expect(after).toBeGreaterThan(before + 1);
    model.dispose();
  }, 120_000);
});
