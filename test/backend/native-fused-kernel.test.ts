// SgmFused on the native addon (runtime/backend/native-kernels.ts registers the addon's `fused` through
// fused-kernel.ts's hook): stdlib/fusion's fuse() on the CPU and WASM backends with the native evaluator equals
// the JS evaluator within float32 rounding, forward, gradient (tape off: one multi-output kernel) and second order
// (tape on), and the tfjs-op fallback forward and first order, for programs with every broadcast mode and several
// outputs. (tfjs' own second-order gradient of the Gaussian case below is wrong: -20.34 at one entry where the
// fused programs give -10.116 and central differences of the first-order gradient -10.114; and it has no gradient
// for Less, which the max/min case needs. So second order is checked against the JS evaluator only.)
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { currentBackend, initBackend, installNativeKernels } from '../../runtime/backend/index.js';
import { registerFusedKernel } from '../../runtime/backend/fused-kernel.js';
import { F, FUSED_KERNEL, fuse, setFusionEnabled, type FExpr } from '../../stdlib/fusion/index.js';
import { expectClose, itWithAddon, randn } from './helpers.js';

type Build = (...xs: FExpr[]) => FExpr | FExpr[];

// Module-level builders (fuse caches the compiled program on the function).
const CASES: { name: string; build: Build; shapes: number[][] }[] = [
  { name: 'Bernoulli log p and its logits gradient, row bias', build: (x, l, b) => [F.sub(F.mul(x, F.add(l, b)), F.softplus(F.add(l, b))), F.sigmoid(F.add(l, b))], shapes: [[30, 784], [30, 784], [784]] },
  { name: 'Gaussian terms with a column, a scalar and tanh/expm1/log1p', build: (m, s, c, k) => F.mul(F.add(F.expm1(F.mul(F.tanh(m), c)), F.log1p(F.square(s))), k), shapes: [[20, 9, 7], [20, 9, 7], [20, 1, 1], []] },
  { name: 'max/min/abs/relu/step/greater/recip/sqrt', build: (a, b) => F.add(F.mul(F.max(a, b), F.min(a, F.relu(b))), F.sub(F.div(F.sqrt(F.abs(a)), F.add(F.square(b), 1)), F.mul(F.step(a), F.greater(a, b)))), shapes: [[100, 20, 9], [100, 20, 9]] },
];

const inputsOf = (shapes: number[][]): tf.Tensor[] => shapes.map((s, i) => randn(s, 40 + i));

/** Σ of every output weighted differently, so each output's cotangent differs. */
function objective(build: Build, xs: tf.Tensor[]): tf.Scalar {
  const out = fuse(xs, build);
  return tf.addN((Array.isArray(out) ? out : [out]).map((o, j) => tf.sum(tf.mul(o, j + 1)))) as tf.Scalar;
}

/** Forward outputs, first-order gradients and, when asked, the gradient in input 0 of Σ first-order gradients. */
function run(build: Build, xs: tf.Tensor[], secondOrder: boolean): Float32Array[] {
  return tf.tidy(() => {
    const out = fuse(xs, build);
    const outs = Array.isArray(out) ? out : [out];
    const grads = tf.grads((...a: tf.Tensor[]) => objective(build, a))(xs);
    const sumOfGrads = (t: tf.Tensor): tf.Tensor => tf.addN(tf.grads((...a: tf.Tensor[]) => objective(build, a))([t, ...xs.slice(1)]).map((g) => tf.sum(g)));
    const second = secondOrder ? [tf.grad(sumOfGrads)(xs[0])] : [];
    return [...outs, ...grads, ...second].map((t) => t.dataSync() as Float32Array);
  });
}

describe.each(['cpu', 'wasm'] as const)('SgmFused with the native evaluator on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend, { native: true });
  });
  afterAll(async () => {
    setFusionEnabled(true);
    await initBackend('cpu');
  });

  itWithAddon('installNativeKernels registers the addon evaluator for SgmFused', () => {
    const native = currentBackend()?.native;
    expect(native?.state === 'installed' && native.kernels).toContain('SgmFused');
  });

  itWithAddon('an addon built before fused() existed is still installed and leaves the JS evaluator', (addon) => {
    registerFusedKernel(backend);
    const js = tf.getKernel(FUSED_KERNEL, backend)?.kernelFunc;
    try {
      const older = installNativeKernels(backend, true, { addon: { ...addon, fused: undefined } });
      expect(older.state).toBe('installed');
      expect(older.state === 'installed' && older.kernels).not.toContain('SgmFused');
      expect(tf.getKernel(FUSED_KERNEL, backend)?.kernelFunc).toBe(js);
    } finally {
      installNativeKernels(backend, true);
    }
    expect(tf.getKernel(FUSED_KERNEL, backend)?.kernelFunc).not.toBe(js);
  });

  for (const c of CASES) {
    itWithAddon(`${c.name}: native = JS evaluator (forward, gradient, second order) = tfjs ops (forward, gradient) within float32 rounding`, (addon) => {
      const xs = inputsOf(c.shapes);
      const native = run(c.build, xs, true);
      let js: Float32Array[];
      let ops: Float32Array[];
      try {
        registerFusedKernel(backend); // the JS evaluator
        js = run(c.build, xs, true);
        setFusionEnabled(false);
        ops = run(c.build, xs, false);
      } finally {
        registerFusedKernel(backend, addon.fused!.bind(addon));
        setFusionEnabled(true);
      }
      expect(native.length).toBe(js.length);
      // Native against the JS evaluator (the same programs; the transcendental functions differ by 1-3 ulp), and
      // against tfjs' ops (other formulas for softplus, sigmoid, expm1 and the gradients).
      native.forEach((v, k) => expectClose(v, js[k], 2e-5, 1e-6));
      ops.forEach((v, k) => expectClose(native[k], v, 5e-5, 2e-6));
      tf.dispose(xs);
    });
  }

  itWithAddon('an empty output ([3, 0] with a [3, 1] column: period 0) gives an empty result', () => {
    const addColumn = (a: FExpr, c: FExpr): FExpr => F.add(a, c);
    const shape = tf.tidy(() => fuse([tf.zeros([3, 0]), tf.ones([3, 1])], addColumn).shape);
    expect(shape).toEqual([3, 0]);
  });

  itWithAddon('a gradient of two variables runs one SgmFused forward and one multi-output SgmFused backward', async () => {
    const a = tf.variable(randn([100, 784], 1));
    const b = tf.variable(randn([784], 2));
    const softplusOfProduct = (x: FExpr, y: FExpr): FExpr => F.softplus(F.mul(x, y));
    const profile = await tf.profile(() => {
      const { grads } = tf.variableGrads(() => tf.sum(fuse([a, b], softplusOfProduct)) as tf.Scalar);
      tf.dispose(Object.values(grads));
    });
    expect(profile.kernels.filter((k) => k.name === FUSED_KERNEL)).toHaveLength(2);
    tf.dispose([a, b]);
  });
});
