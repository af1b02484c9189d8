// runtime/nn against plain tfjs: dense and mlp values and gradients for every activation, with and without bias,
// rank-2 and rank-3 inputs; the fused gradient computes only what leads to a variable; init is seeded.
import { describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { RandomStream } from '../../stdlib/random.js';
import { activate, dense, initDense, initLimit, initMlp, mlp, variablesOf, type Activation } from '../../runtime/nn/index.js';
import { DENSE_GRAD_KERNEL, registerDenseGradKernel } from '../../runtime/backend/dense-grad.js';
import { expectClose, nativeAddon, randn } from './helpers.js';

const ACTIVATIONS: Activation[] = ['identity', 'relu', 'sigmoid', 'tanh', 'softplus', 'elu'];

/** act(x·W + b) with plain tfjs ops over the last axis. */
function plainDense(x: tf.Tensor, W: tf.Tensor, b: tf.Tensor | null, act: Activation = 'identity'): tf.Tensor {
  const x2 = tf.reshape(x, [-1, x.shape[x.rank - 1]]);
  const lin = tf.matMul(x2, W);
  const y = activate(b === null ? lin : tf.add(lin, b), act);
  return tf.reshape(y, [...x.shape.slice(0, -1), W.shape[1] as number]);
}

describe('dense', () => {
  for (const act of ACTIVATIONS) {
    for (const withBias of [true, false]) {
      for (const xShape of [[6, 4], [2, 3, 4]]) {
        it(`equals plain tfjs with its gradients: ${act}, bias=${withBias}, x [${xShape}]`, () => {
          tf.tidy(() => {
            const x = randn(xShape, 1);
            const W = randn([4, 5], 2);
            // Biases away from zero so relu's kink is not hit at a point where the derivative is ambiguous.
            const b = withBias ? tf.add(randn([5], 3), 0.05) : null;
            const w = randn([...xShape.slice(0, -1), 5], 4);
            const loss = (f: typeof dense) => (xx: tf.Tensor, WW: tf.Tensor, bb?: tf.Tensor) =>
              tf.sum(tf.mul(f(xx, WW, bb ?? null, act), w));
            const args = b === null ? [x, W] : [x, W, b];
            expectClose(dense(x, W, b, act), plainDense(x, W, b, act), 1e-5, 1e-5);
            const got = tf.grads(loss(dense))(args);
            const want = tf.grads(loss(plainDense))(args);
            for (let i = 0; i < args.length; i++) expectClose(got[i], want[i], 1e-4, 1e-5);
          });
        });
      }
    }
  }

  it('computes no gradient for an input that leads to no variable (one GEMM for dW, none for dx)', async () => {
    const x = randn([8, 6], 5);
    const W = tf.variable(randn([6, 3], 6));
    const b = tf.variable(tf.zeros([3]));
    // The tfjs-op gradient: without the native SgmDenseGrad kernel (dense-grad.test.ts checks that one).
    const native = tf.getKernel(DENSE_GRAD_KERNEL, tf.getBackend()) !== undefined;
    registerDenseGradKernel(tf.getBackend(), null);
    const profile = await tf.profile(() => {
      const { grads } = tf.variableGrads(() => tf.sum(dense(x, W, b, 'relu')) as tf.Scalar, [W, b]);
      tf.dispose(grads);
    });
    if (native && 'addon' in nativeAddon) registerDenseGradKernel(tf.getBackend(), nativeAddon.addon);
    const gemms = profile.kernels.filter((k) => k.name === 'BatchMatMul' || k.name === '_FusedMatMul');
    // The forward fused kernel and dW; a dx GEMM would make it three.
    expect(gemms.map((k) => k.name)).toEqual(['_FusedMatMul', 'BatchMatMul']);
    tf.dispose([x, W, b]);
  });
});

describe('mlp', () => {
  it('applies hidden after every layer but the last and output after the last', () => {
    tf.tidy(() => {
      const rng = new RandomStream(11);
      const layers = initMlp(rng, 'net', [4, 7, 5, 3]);
      const x = randn([6, 4], 12);
      let h = x;
      layers.forEach((l, i) => {
        h = plainDense(h, l.W, l.b, i === layers.length - 1 ? 'sigmoid' : 'relu');
      });
      expectClose(mlp(x, layers, 'relu', 'sigmoid'), h, 1e-5, 1e-6);
      tf.dispose(layers.flatMap((l) => [l.W, l.b ?? []]));
    });
  });
});

describe('init', () => {
  it('is reproducible from the seed and bounded by the Glorot / He limits', () => {
    const a = initDense(new RandomStream(3), 'a', 50, 30);
    const b = initDense(new RandomStream(3), 'b', 50, 30);
    const he = initDense(new RandomStream(3), 'he', 50, 30, { init: 'he', bias: false });
    expect(a.W.dataSync()).toEqual(b.W.dataSync());
    const glorot = initLimit('glorot', 50, 30);
    expect(glorot).toBeCloseTo(Math.sqrt(6 / 80), 12);
    expect(initLimit('he', 50, 30)).toBeCloseTo(Math.sqrt(6 / 50), 12);
    const w = Array.from(a.W.dataSync());
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(glorot);
    // A uniform on ±L has standard deviation L/√3; 1500 draws pin it within a few percent.
    const sd = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(sd).toBeGreaterThan(0.9 * (glorot / Math.sqrt(3)));
    expect(sd).toBeLessThan(1.1 * (glorot / Math.sqrt(3)));
    expect(Array.from(a.b!.dataSync()).every((v) => v === 0)).toBe(true);
    expect(he.b).toBeNull();
    expect(Math.max(...Array.from(he.W.dataSync(), Math.abs))).toBeGreaterThan(glorot);
    tf.dispose([a.W, a.b!, b.W, b.b!, he.W]);
  });

  it('names variables by layer and rejects duplicate layer names', () => {
    const rng = new RandomStream(1);
    const enc = initMlp(rng, 'enc', [4, 3, 2]);
    const mu = initDense(rng, 'mu', 2, 2, { bias: false });
    expect([...variablesOf(enc, mu).keys()]).toEqual(['enc/0/W', 'enc/0/b', 'enc/1/W', 'enc/1/b', 'mu/W']);
    expect(() => variablesOf(mu, mu)).toThrow(/two layers are named mu/);
    expect(() => initMlp(rng, 'x', [3])).toThrow(RangeError);
    tf.dispose([...variablesOf(enc, mu).values()]);
  });
});
