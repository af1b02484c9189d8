// Issue 15: RELAX over IGR selected in a model (`z ~ IGR_I(mu, sigma, tau) with relax`; IGR paper appendix D,
// arXiv:1912.09588) through the generated code. The latent is the discrete H = h(y), y ~ N(μ, σ²), with Proposition
// 2's mass α(μ, σ). Exact gradients: E f = Σ_k α_k f(e_k) with α from the float64 adaptive quadrature of
// stdlib/igr/discrete-recovery.ts (written separately from the float32 Gauss-Legendre of the estimator), and
// ∂/∂(μ, log σ) by central differences; the estimates are means of R steps of the generated module's surrogate
// gradient (each over B data points drawing their own H), within 4 standard errors. Cases: a moderate μ at τ = 0.5
// and τ = 0.01 (the control variate's relaxation nearly hard), and μ = ±20 (α a vertex to float64 precision: the
// gradient is ~0 and every number must stay finite). A VAE-shaped model checks the exact discrete KL to a
// OneHotCategorical prior through the same gradient.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend/index.js';
import { igrDiscreteLogProbs64 } from '../../stdlib/igr/discrete-recovery.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { loadGenerated } from './load-generated.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const t = [0.1, 0.6, 0.3];

/** ∂/∂θ of E(θ), θ = (μ, log σ), by central differences of a float64 function. */
function centralDifferences(theta: number[], E: (th: number[]) => number, h = 1e-5): number[] {
  return theta.map((_, k) => {
    const up = theta.slice();
    const down = theta.slice();
    up[k] += h;
    down[k] -= h;
    return (E(up) - E(down)) / (2 * h);
  });
}

/** Σ_k α_k(μ, σ) f(e_k), float64. */
function expectation(theta: number[], f: (k: number) => number): number {
  const mu = theta.slice(0, 2);
  const sigma = theta.slice(2).map(Math.exp);
  return Array.from(igrDiscreteLogProbs64(mu, sigma)).reduce((s, l, k) => s + Math.exp(l) * f(k), 0);
}

/** Mean and standard error of each column of R gradient draws; asserts every number is finite. */
function stats(draws: number[][]): { mean: number[]; se: number[] } {
  for (const g of draws) for (const v of g) expect(Number.isFinite(v)).toBe(true);
  const n = draws.length;
  const mean = draws[0].map((_, k) => draws.reduce((s, g) => s + g[k], 0) / n);
  const se = draws[0].map((_, k) => Math.sqrt(draws.reduce((s, g) => s + (g[k] - mean[k]) ** 2, 0) / (n - 1) / n));
  return { mean, se };
}

/** R gradient draws of the generated objective's loss in the named parameters. */
async function gradientDraws(source: string, name: string, batch: () => Record<string, tf.Tensor>, R: number, names = ['mu', 'ls']): Promise<number[][]> {
  const module = await loadGenerated(source, name);
  const model = await module.create({ seed: 0 });
  const vars = names.map((n) => model.variables.get(n) as tf.Variable);
  const rng = new RandomStream(5);
  const draws: number[][] = [];
  let tensors = 0;
  for (let r = 0; r < R; r++) {
    // After the first step (which makes the Adam state), each step leaves exactly as many tensors as it found.
    if (r === 2) tensors = tf.memory().numTensors;
    const g = tf.tidy(() => {
      const { grads, value } = tf.variableGrads(() => model.objective(batch(), { step: r, rng }).loss, vars);
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      return vars.flatMap((v) => Array.from(grads[v.name].dataSync()));
    });
    draws.push(g);
    model.afterStep?.();
  }
  expect(tf.memory().numTensors, 'tensors left behind per step').toBe(tensors);
  model.dispose();
  return draws;
}

const flat = (mu: number[], ls: number[], tau: number) => `model igrtoy(tau = ${tau}) {
  data t: [B, 3]
  param mu: [2] = [${mu.join(', ')}]
  param ls: [2] = [${ls.join(', ')}]
  z ~ IGR_I(mu, exp(ls), tau) : [B, 3] with relax(hidden = 8)
  minimize mean(sum((z - t)^2, axis = 1))
}
`;

describe('RELAX over IGR in generated code is unbiased (exact: float64 Proposition 2)', () => {
  const f = (k: number) => t.reduce((s, tk, i) => s + ((i === k ? 1 : 0) - tk) ** 2, 0);
  const cases: Array<[string, number[], number[], number]> = [
    ['μ = [0.4, −0.3], τ = 0.5', [0.4, -0.3], [0, -0.35], 0.5],
    ['μ = [0.4, −0.3], τ = 0.01', [0.4, -0.3], [0, -0.35], 0.01],
    ['μ = [20, −20], τ = 0.01', [20, -20], [0, 0], 0.01],
    ['μ = [−20, −20], τ = 0.01', [-20, -20], [0, 0], 0.01],
  ];
  for (const [name, mu, ls, tau] of cases) {
    it(name, async () => {
      const exact = centralDifferences([...mu, ...ls], (th) => expectation(th, f));
      const draws = await gradientDraws(flat(mu, ls, tau), 'igrtoy', () => ({ t: tf.tile(tf.tensor2d([t]), [64, 1]) }), 150);
      const { mean, se } = stats(draws);
      exact.forEach((e, k) => expect(Math.abs(mean[k] - e), `parameter ${k}: ${mean[k]} vs ${e} (se ${se[k]})`).toBeLessThan(4 * se[k] + 1e-5));
    }, 240_000);
  }
});

describe('RELAX over IGR with a OneHotCategorical prior: exact discrete KL, learned decoder', () => {
  const w = [2, -1, 0.5];
  const x = 1;
  // The decoder's weights w are learned: the control variate c(y) = η f(softmax++(y/τ)) + r(y) reads them and the
  // KL reads (μ, σ) directly, so a surrogate that differentiated c itself (not only through y) would be biased in
  // both (η ∇KL added to (μ, σ): the KL counted twice; that mutation missed ∂/∂μ₁ by 66 standard errors here).
  it('the ELBO gradient in (μ, log σ, w) is unbiased against Σ α_k log p(x | e_k) − KL(α ‖ uniform)', async () => {
    const source = `model igrvae(K = 3, tau = 0.5) {
  data x: [B]
  param mu: [2] = [0.3, -0.5]
  param ls: [2] = [-0.2, 0.1]
  param w: [3] = [${w.join(', ')}]
  guide {
    z ~ IGR_I(mu, exp(ls), tau) : [B, 3] with relax(hidden = 8)
  }
  generative {
    z ~ OneHotCategorical(probs = uniform(K))
    x ~ Bernoulli(logits = sum(z * w, axis = 1))
  }
  maximize elbo
}
`;
    const logSig = (a: number) => -Math.log1p(Math.exp(-a));
    const elbo = (th: number[]) => {
      const logA = Array.from(igrDiscreteLogProbs64(th.slice(0, 2), th.slice(2, 4).map(Math.exp)));
      const wk = th.slice(4);
      return logA.reduce((s, l, k) => s + Math.exp(l) * (x === 1 ? logSig(wk[k]) : logSig(-wk[k])) - Math.exp(l) * (l + Math.log(3)), 0);
    };
    // The loss is −ELBO (mean over the batch).
    const exact = centralDifferences([0.3, -0.5, -0.2, 0.1, ...w], elbo).map((g) => -g);
    const draws = await gradientDraws(source, 'igrvae', () => ({ x: tf.fill([64], x) }), 150, ['mu', 'ls', 'w']);
    const { mean, se } = stats(draws);
    exact.forEach((e, k) => expect(Math.abs(mean[k] - e), `parameter ${k}: ${mean[k]} vs ${e} (se ${se[k]})`).toBeLessThan(4 * se[k] + 1e-5));
  }, 240_000);
});
