// Issue 16 item 1: every example model of docs/language.md "Continuous distributions" checks, compiles and trains
// (40 steps, no NaN, the objective on the whole synthetic data set improves), and the reference page's example for
// each new family is a statement of one of these tested models.
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
import { DISTRIBUTIONS } from '../../stdlib/signatures/index.js';
import { tf } from '../../stdlib/tf.js';
import { mulberry32 } from '../mulberry32.js';
import { loadGenerated } from './load-generated.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'sgm-continuous-'));
const languageDoc = readFileSync(join(packageRoot(), 'docs/language.md'), 'utf8');
/** The tested example blocks of docs/language.md, by name. */
const EXAMPLES = new Map([...languageDoc.matchAll(/```\n(\/\/ docs\/language\.md example: (\w+)\n[\s\S]*?)```/g)].map((m) => [m[2], m[1]]));

beforeAll(async () => {
  await initBackend('wasm');
});

const ROWS = 256;
const u = mulberry32(16);
const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
/** Knuth's Poisson sampler (small rates only). */
const poisson = (rate: number) => {
  let k = 0;
  let p = u();
  while (p > Math.exp(-rate)) {
    k += 1;
    p *= u();
  }
  return k;
};
const rows = (f: () => number[]) => Array.from({ length: ROWS }, f);

/** Synthetic data for each example, drawn from (roughly) the model's own assumptions. */
const DATA: Record<string, () => number[][]> = {
  beta_binomial: () =>
    rows(() => {
      const p = 0.15 + 0.7 * u();
      return [Array.from({ length: 20 }, (): number => (u() < p ? 1 : 0)).reduce((a, b) => a + b, 0)];
    }),
  dirichlet_multinomial: () =>
    rows(() => {
      const w = Array.from({ length: 5 }, () => Math.exp(normal()));
      const total = w.reduce((s, v) => s + v, 0);
      const counts = [0, 0, 0, 0, 0];
      for (let n = 0; n < 30; n++) {
        let r = u() * total;
        let k = 0;
        while (k < 4 && r > w[k]) r -= w[k++];
        counts[k] += 1;
      }
      return counts;
    }),
  gamma_poisson: () =>
    rows(() => {
      const scale = Math.exp(0.5 * normal());
      return Array.from({ length: 10 }, () => poisson(scale * Math.exp(1 + 0.5 * normal())));
    }),
  robust_factor: () =>
    rows(() => {
      const z = [normal(), normal()];
      // Laplace-ish latents, heavy-tailed noise: an occasional outlier of size 5.
      return Array.from({ length: 6 }, (_, d) => z[0] * (d / 3 - 1) + z[1] * 0.5 + 0.3 * normal() + (u() < 0.03 ? 5 : 0));
    }),
  mvn_latent: () =>
    rows(() => {
      const z = [normal(), normal()];
      return Array.from({ length: 6 }, (_, d) => z[0] * Math.cos(d) + z[1] * Math.sin(d) + 0.5 * normal());
    }),
};

type Objective = (b: Record<string, tf.Tensor>, c: { step: number; rng: RandomStream }) => { value: tf.Scalar };

/** The objective on all rows at once, averaged over 4 fixed random streams. */
function fullObjective(objective: Objective, x: number[][]): number {
  let total = 0;
  for (let s = 0; s < 4; s++) total += tf.tidy(() => objective({ x: tf.tensor2d(x) }, { step: 0, rng: new RandomStream(100 + s) }).value.dataSync()[0]);
  return total / 4;
}

describe('the continuous-distribution examples of docs/language.md', () => {
  it('are all there', () => {
    expect([...EXAMPLES.keys()].sort()).toEqual(Object.keys(DATA).sort());
  });

  it.each(Object.keys(DATA))('%s compiles and trains 40 steps: no NaN, the ELBO improves', async (name) => {
    const module = await loadGenerated(EXAMPLES.get(name)!, name);
    // Every guide draw is pathwise with a closed-form KL (the pairs of stdlib/kl/rules.ts).
    const guide = module.metadata.nodes.filter((n) => n.kind === 'stochastic' && n.block === 'guide');
    expect(guide.length).toBeGreaterThan(0);
    for (const n of guide) expect([n.name, n.estimator, n.kl]).toEqual([n.name, 'pathwise', 'closed_form']);
    const x = DATA[name]();
    const dataset = makeDataset(`${name}-synthetic`, { x: { values: Float32Array.from(x.flat()), rowShape: [x[0].length] } });
    const model = await module.create({ seed: 3, cacheDir });
    const before = fullObjective(model.objective as Objective, x);
    const values: number[] = [];
    const summary = await train(model, { train: bindModelData(module.metadata, dataset) }, {
      steps: 40, batchSize: 32, seed: 1, learningRate: 0.02, progress: false, onStep: (r) => void values.push(r.value),
    });
    expect(summary.status, summary.message).toBe('completed');
    expect(values.every(Number.isFinite)).toBe(true);
    const after = fullObjective(model.objective as Objective, x);
    expect(after, `${name}: ELBO ${before.toFixed(2)} -> ${after.toFixed(2)}`).toBeGreaterThan(before);
    model.dispose();
  }, 120_000);
});

describe('docs/reference.md examples', () => {
  it("every family with an example has it as a statement of a tested docs/language.md example", () => {
    const withExample = DISTRIBUTIONS.filter((d) => d.example !== undefined);
    expect(withExample.map((d) => d.name).sort()).toEqual(
      ['Beta', 'Dirichlet', 'Exponential', 'Gamma', 'HalfNormal', 'Laplace', 'MixtureSameFamily', 'MultivariateNormal', 'MultivariateNormalDiag', 'StudentT'].sort(),
    );
    // The mixture's example is the gmm model of docs/language.md "Mixtures", trained by test/codegen/mixture-gmm.test.ts.
    const mixture = [...languageDoc.matchAll(/```\n(\/\/ docs\/language\.md mixture example: \w+\n[\s\S]*?)```/g)].map((m) => m[1]);
    const tested = [...EXAMPLES.values(), ...mixture].join('\n');
    for (const d of withExample) expect(tested, d.name).toContain(d.example!);
  });
});

describe('models/poisson_factorization.sgm (Gamma loadings, implicit gradients)', () => {
  it('trains 40 steps on a synthetic topic corpus: no NaN, the ELBO improves', async () => {
    const { loadModelFile } = await import('./load-generated.js');
    const { loadDataset } = await import('../../runtime/data/registry.js');
    const module = await loadModelFile('models/poisson_factorization.sgm', { V: 100, K: 8 });
    const dataset = loadDataset('synthetic:lda?vocab=100&topics=8&docs=256&length=80');
    const x = Array.from({ length: dataset.size }, (_, i) => Array.from(dataset.columns.x.values.subarray(i * 100, (i + 1) * 100)));
    const model = await module.create({ seed: 3, cacheDir });
    const before = fullObjective(model.objective as Objective, x);
    const values: number[] = [];
    const summary = await train(model, { train: bindModelData(module.metadata, dataset) }, {
      steps: 40, batchSize: 32, seed: 1, learningRate: 0.02, progress: false, onStep: (r) => void values.push(r.value),
    });
    expect(summary.status, summary.message).toBe('completed');
    expect(values.every(Number.isFinite)).toBe(true);
    const after = fullObjective(model.objective as Objective, x);
    expect(after, `ELBO ${before.toFixed(2)} -> ${after.toFixed(2)}`).toBeGreaterThan(before);
    model.dispose();
  }, 120_000);
});

describe('constraints of the new families at compile time', () => {
  it('SGM4004 for an unconstrained positive parameter, none where the value is a positive draw', async () => {
    const { compileSource } = await import('../../compiler/compile.js');
    const { SGM_VERSION } = await import('../../cli/version.js');
    const source = (concentration: string) => `model m(K = 3) {
  data x: [B, K]
  guide {
    h = mlp(x, [8], act = relu, out_act = relu)
    g ~ Gamma(concentration = ${concentration}, rate = softplus(dense(h, [K])) + 0.1)
    w ~ Dirichlet(softplus(dense(h, [K])) + 0.1)
  }
  generative {
    g ~ Gamma(1, 1) : [K]
    w ~ Dirichlet(ones([K]))
    x ~ Poisson(rate = g * w)
  }
  maximize elbo
}`;
    const codes = (text: string) => compileSource('m.sgm', text, { sgmVersion: SGM_VERSION }).diagnostics.map((d) => `${d.code} ${d.message}`);
    expect(codes(source('dense(h, [K])')).filter((c) => c.startsWith('SGM4004'))).toEqual([expect.stringContaining("'concentration' of Gamma")]);
    expect(codes(source('softplus(dense(h, [K])) + 0.1'))).toEqual([]);
  });
});

describe('a guide and a prior of different event ranks (MultivariateNormalDiag against Normal)', () => {
  const source = (objective: string) => `model mixed_rank(D = 6, Z = 2) {
  data x: [B, D]
  guide {
    h = mlp(x, [32], act = relu, out_act = relu)
    z ~ MultivariateNormalDiag(loc = dense(h, [Z]), scale_diag = softplus(dense(h, [Z])) + 0.1)
  }
  generative {
    z ~ Normal(0, 1) : [Z]
    x ~ Normal(dense(z, [D]), 0.5)
  }
  maximize ${objective}
}`;
  it.each(['elbo', 'iwae(samples = 4)'])('trains under %s: no NaN, the objective improves', async (objective) => {
    const module = await loadGenerated(source(objective), 'mixed_rank');
    const x = DATA.mvn_latent();
    const dataset = makeDataset('mixed-rank', { x: { values: Float32Array.from(x.flat()), rowShape: [6] } });
    const model = await module.create({ seed: 3, cacheDir });
    const before = fullObjective(model.objective as Objective, x);
    const summary = await train(model, { train: bindModelData(module.metadata, dataset) }, { steps: 40, batchSize: 32, seed: 1, learningRate: 0.02, progress: false });
    expect(summary.status, summary.message).toBe('completed');
    const after = fullObjective(model.objective as Objective, x);
    expect(after, `${before} -> ${after}`).toBeGreaterThan(before);
    model.dispose();
  }, 120_000);
});
