// stdlib/fusion gradients: SgmFused's gradient (symbolic, one multi-output kernel when the tape is off, per-input
// differentiable kernels when it is on) against tfjs' own gradients of the same ops (the fallback), against central
// differences of float64 code written here, and to second order (tf.grad of tf.grad) against closed forms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { initBackend } from '../../runtime/backend/index.js';
import { registerFusedKernel } from '../../runtime/backend/fused-kernel.js';
import { F, FUSED_KERNEL, fuse, setFusionEnabled, type FExpr } from '../../stdlib/fusion/index.js';
import { expectClose, randn } from '../backend/helpers.js';

type Build = (...xs: FExpr[]) => FExpr | FExpr[];

/** Programs with their input shapes (broadcasting FULL/ROW/COL/SCALAR and a shape that must be materialised). */
const CASES: { name: string; build: Build; shapes: number[][]; positive?: number[] }[] = [
  { name: 'Bernoulli log p', build: (x, l) => F.sub(F.mul(x, l), F.softplus(l)), shapes: [[6, 5], [6, 5]] },
  {
    name: 'Gaussian KL with row-broadcast prior',
    build: (mu, s, mu0, s0) => {
      const twoL = F.mul(F.sub(F.log(s), F.log(s0)), 2);
      return F.mul(F.add(F.sub(F.expm1(twoL), twoL), F.square(F.div(F.sub(mu, mu0), s0))), 0.5);
    },
    shapes: [[4, 7], [4, 7], [7], [1, 7]],
    positive: [1, 3],
  },
  {
    // Full shapes: tfjs' own Maximum/Minimum gradients do not sum over broadcast axes (the reference would fail).
    name: 'max/min/abs/relu/step/greater',
    build: (a, c, s) => F.add(F.mul(F.max(a, c), F.min(a, s)), F.sub(F.abs(F.mul(a, c)), F.mul(F.relu(a), F.greater(a, s)))),
    shapes: [[3, 9], [3, 9], [3, 9]],
  },
  {
    name: 'abs/relu/step with a column and a scalar',
    build: (a, c, s) => F.add(F.mul(F.abs(F.sub(a, c)), s), F.mul(F.relu(F.mul(a, c)), F.add(F.step(a), s))),
    shapes: [[3, 9], [3, 1], []],
  },
  {
    name: 'sqrt/recip/div/tanh/log1p/sigmoid/neg/exp',
    build: (a, b) => F.add(F.div(F.sqrt(F.mul(b, b)), F.recip(F.add(F.square(a), 1))), F.mul(F.tanh(a), F.log1p(F.sigmoid(F.neg(F.exp(F.mul(a, 0.3))))))),
    shapes: [[2, 3, 4], [1, 3, 1]],
  },
  { name: 'two outputs', build: (a, b) => [F.exp(F.mul(a, 0.5)), F.mul(F.softplus(a), b)], shapes: [[5, 4], [4]] },
];

function inputsOf(shapes: number[][], positive: number[] = []): tf.Tensor[] {
  return shapes.map((s, i) => {
    const x = randn(s, 100 + i);
    return positive.includes(i) ? tf.add(tf.abs(x), 0.2) : x;
  });
}

/** Σ of every output weighted (so a multi-output program's outputs get different cotangents). */
function objective(build: Build, xs: tf.Tensor[]): tf.Scalar {
  const out = fuse(xs, build);
  const outs = Array.isArray(out) ? out : [out];
  return tf.addN(outs.map((o, j) => tf.sum(tf.mul(o, j + 1)))) as tf.Scalar;
}

describe.each(['cpu', 'wasm'] as const)('SgmFused gradients on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend, { native: false });
    registerFusedKernel(backend);
  });
  afterAll(async () => {
    setFusionEnabled(true);
    await initBackend('cpu');
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: equal tfjs gradients of the same ops within float32 rounding', (_n, c) => {
    const xs = inputsOf(c.shapes, c.positive);
    setFusionEnabled(true);
    const fused = tf.grads((...a: tf.Tensor[]) => objective(c.build, a))(xs);
    setFusionEnabled(false);
    const ops = tf.grads((...a: tf.Tensor[]) => objective(c.build, a))(xs);
    setFusionEnabled(true);
    fused.forEach((g, k) => {
      expect(g.shape).toEqual(xs[k].shape);
      expectClose(g, ops[k], 2e-5, 1e-6);
    });
    tf.dispose([...xs, ...fused, ...ops]);
  });

  it('a plain gradient runs one SgmFused forward and ONE multi-output SgmFused backward for two variables', async () => {
    const a = tf.variable(randn([8, 3], 1));
    const b = tf.variable(randn([3], 2));
    const build = (x: FExpr, y: FExpr): FExpr => F.softplus(F.mul(x, y));
    const profile = await tf.profile(() => {
      const { grads } = tf.variableGrads(() => tf.sum(fuse([a, b], build)) as tf.Scalar);
      tf.dispose(Object.values(grads));
    });
    expect(profile.kernels.filter((k) => k.name === FUSED_KERNEL)).toHaveLength(2);
    tf.dispose([a, b]);
  });

  it('frees everything it allocates (no tensors left after a gradient)', () => {
    const xs = inputsOf(CASES[1].shapes, CASES[1].positive);
    const before = tf.memory().numTensors;
    const gs = tf.grads((...a: tf.Tensor[]) => objective(CASES[1].build, a))(xs);
    tf.dispose(gs);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(xs);
  });

  it('matches central differences of float64 code (Bernoulli log p at logits up to ±50, Gaussian KL)', () => {
    const xv = [0, 1, 1, 0, 1, 0];
    const lv = [-50, -3, 0.2, 2, 50, 7];
    const x = tf.tensor1d(xv);
    const l = tf.tensor1d(lv);
    const g = tf.grad((t: tf.Tensor) => tf.sum(fuse([x, t], CASES[0].build as (a: FExpr, b: FExpr) => FExpr)))(l).dataSync();
    const f64 = (ls: number[]): number => ls.reduce((s, li, i) => s + xv[i] * li - (Math.max(li, 0) + Math.log1p(Math.exp(-Math.abs(li)))), 0);
    const h = 1e-6;
    lv.forEach((_, i) => {
      const up = lv.map((v, j) => (j === i ? v + h : v));
      const dn = lv.map((v, j) => (j === i ? v - h : v));
      const fd = (f64(up) - f64(dn)) / (2 * h);
      expect(Math.abs(g[i] - fd)).toBeLessThan(2e-6 + 1e-5 * Math.abs(fd));
    });
    // KL(N(μ, σ²) ‖ N(μ0, σ0²)) = log σ0/σ + (σ² + (μ-μ0)²)/(2σ0²) - ½, differentiated in σ and μ.
    const [mu, s, mu0, s0] = [0.3, 0.7, -0.2, 1.4];
    const kl = (m: number, sd: number): number => Math.log(s0 / sd) + (sd * sd + (m - mu0) ** 2) / (2 * s0 * s0) - 0.5;
    const [gm, gs] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(fuse([a, b, tf.scalar(mu0), tf.scalar(s0)], CASES[1].build as (...xs: FExpr[]) => FExpr)))([tf.scalar(mu), tf.scalar(s)]);
    expect(Math.abs(gm.dataSync()[0] - (kl(mu + h, s) - kl(mu - h, s)) / (2 * h))).toBeLessThan(1e-5);
    expect(Math.abs(gs.dataSync()[0] - (kl(mu, s + h) - kl(mu, s - h)) / (2 * h))).toBeLessThan(1e-5);
    tf.dispose([x, l, gm, gs]);
  });

  it('second order (tf.grad of tf.grad, the tape is on in the inner backward): closed forms in float64', () => {
    // f(l) = Σ σ(l²): f'' = 2σ'(l²) + 4l²σ''(l²), σ' = σ(1-σ), σ'' = σ'(1-2σ).
    const lv = [0.3, -0.7, 1.2, 2.5, -4];
    const l = tf.tensor1d(lv);
    const f = (t: tf.Tensor): tf.Tensor => tf.sum(fuse([t], (u) => F.sigmoid(F.mul(u, u))));
    const second = tf.grad((t: tf.Tensor) => tf.sum(tf.grad(f)(t)))(l).dataSync();
    lv.forEach((v, i) => {
      const sg = 1 / (1 + Math.exp(-v * v));
      const d1 = sg * (1 - sg);
      const d2 = d1 * (1 - 2 * sg);
      const expected = 2 * d1 + 4 * v * v * d2;
      expect(Math.abs(second[i] - expected)).toBeLessThan(1e-6 + 1e-5 * Math.abs(expected));
    });
    // Mixed partial of g(a, b) = Σ softplus(a·b) - e^a / b in a then b: ∂²g/∂b∂a = σ(ab) + ab σ'(ab) + e^a / b².
    const av = [0.5, -1.5, 2];
    const bv = [1.5, 0.8, -2.5];
    const a = tf.tensor1d(av);
    const b = tf.tensor1d(bv);
    const g = (x: tf.Tensor, y: tf.Tensor): tf.Tensor => tf.sum(fuse([x, y], (p, q) => F.sub(F.softplus(F.mul(p, q)), F.div(F.exp(p), q))));
    const mixed = tf.grad((y: tf.Tensor) => tf.sum(tf.grad((x: tf.Tensor) => g(x, y))(a)))(b).dataSync();
    av.forEach((x, i) => {
      const y = bv[i];
      const sg = 1 / (1 + Math.exp(-x * y));
      const expected = sg + x * y * sg * (1 - sg) + Math.exp(x) / (y * y);
      expect(Math.abs(mixed[i] - expected)).toBeLessThan(1e-5 + 1e-5 * Math.abs(expected));
    });
    tf.dispose([l, a, b]);
  });
});
