// FusedAdamOptimizer against tfjs' AdamOptimizer: the same weights and moments after several steps, the same
// saved-weights layout, and the stock update on a backend without the fused kernel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { FUSED_ADAM_KERNEL, fusedAdam, registerFusedAdamKernel } from '../../runtime/backend/fused-adam.js';
import { loadNativeAddon } from '../../runtime/backend/native-addon.js';
import { applySpeedFixes, currentBackend } from '../../runtime/backend/index.js';
import { expectClose, randn } from './helpers.js';

/** Trains two copies of a small model, one per optimizer, and returns their variables. */
function trainBoth(steps: number): [tf.Variable[], tf.Variable[], tf.Optimizer, tf.Optimizer] {
  const make = (): tf.Variable[] => [tf.variable(randn([6, 4], 1)), tf.variable(randn([4], 2))];
  const x = randn([5, 6], 3);
  const loss = (vs: tf.Variable[]) => (): tf.Scalar => tf.sum(tf.square(tf.sub(tf.add(tf.matMul(x, vs[0]), vs[1]), 0.5)));
  const [a, b] = [make(), make()];
  const [oa, ob] = [tf.train.adam(0.05), fusedAdam(0.05)];
  for (let i = 0; i < steps; i++) {
    oa.minimize(loss(a), false, a);
    ob.minimize(loss(b), false, b);
  }
  x.dispose();
  return [a, b, oa, ob];
}

describe('FusedAdamOptimizer', () => {
  // sgm installs the kernel only where it is faster (not on WASM without the addon); register it here on every
  // test backend, then put back what setup installed.
  beforeAll(() => {
    registerFusedAdamKernel(tf.getBackend(), null);
  });
  afterAll(() => {
    applySpeedFixes(tf.getBackend(), currentBackend()?.native.state === 'installed');
  });

  it('takes the same first step as tfjs Adam', () => {
    expect(tf.getKernel(FUSED_ADAM_KERNEL, tf.getBackend())).toBeDefined();
    const [a, b, oa, ob] = trainBoth(1);
    for (let i = 0; i < a.length; i++) expectClose(b[i], a[i], 1e-6, 1e-7);
    tf.dispose([...a, ...b]);
    oa.dispose();
    ob.dispose();
  });

  it('follows tfjs Adam over 20 steps', async () => {
    const [a, b, oa, ob] = trainBoth(20);
    // Rounding differs in the last float32 bit (one fused pass against 13 separately rounded ops) and the
    // optimisation amplifies it a little; a wrong formula (e.g. 1 - β rounded differently) is off by more than 1e-5.
    for (let i = 0; i < a.length; i++) expectClose(b[i], a[i], 1e-5, 1e-6);
    const [wa, wb] = [await oa.getWeights(), await ob.getWeights()];
    expect(wb.map((w) => w.name.replace(/\d+/g, '#'))).toEqual(wa.map((w) => w.name.replace(/\d+/g, '#')));
    for (let i = 0; i < wa.length; i++) expectClose(wb[i].tensor, wa[i].tensor, 1e-4, 1e-7);
    tf.dispose([...a, ...b]);
    oa.dispose();
    ob.dispose();
  });

  it('uses the stock update when the backend has no fused kernel', () => {
    const name = tf.getBackend();
    const kernel = tf.getKernel(FUSED_ADAM_KERNEL, name);
    tf.unregisterKernel(FUSED_ADAM_KERNEL, name);
    try {
      const [a, b, oa, ob] = trainBoth(3);
      for (let i = 0; i < a.length; i++) expectClose(b[i], a[i], 1e-6, 1e-7);
      tf.dispose([...a, ...b]);
      oa.dispose();
      ob.dispose();
    } finally {
      tf.registerKernel(kernel);
    }
  });

  it('gives the same update with the JS loop and (when built) the native loop', () => {
    const name = tf.getBackend();
    const loaded = loadNativeAddon();
    const run = (): Float32Array => {
      const [, b] = trainBoth(5);
      const w = b[0].dataSync() as Float32Array;
      tf.dispose(b);
      return w;
    };
    registerFusedAdamKernel(name, null);
    const js = run();
    registerFusedAdamKernel(name, 'addon' in loaded ? loaded.addon : null);
    expectClose(run(), js, 1e-5, 1e-6);
  });

  it('stores moments below the smallest normal float32 as 0 in the JS loop and (when built) the native loop', () => {
    const name = tf.getBackend();
    const loaded = loadNativeAddon();
    // Zero gradients: m·β1 of ±1.3e-38 and v·β2 of 1.176e-38 fall below 2^-126; 2e-38 and the NaN stay.
    const m0 = [1.3e-38, -1.3e-38, 2e-38, Number.NaN];
    const v0 = [1.176e-38, 1e-6, 1e-6, 1e-6];
    const step = (): Float32Array[] => {
      const [w, g, m, v] = [tf.fill([4], 0.5), tf.zeros([4]), tf.tensor1d(m0), tf.tensor1d(v0)];
      const attrs = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, oneMinusAccBeta1: 0.1, oneMinusAccBeta2: 0.001 };
      const outs = tf.engine().runKernel(FUSED_ADAM_KERNEL, { w, g, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      const values = outs.map((t) => t.dataSync() as Float32Array);
      tf.dispose([w, g, m, v, ...outs]);
      return values;
    };
    for (const addon of [null, 'addon' in loaded ? loaded.addon : undefined]) {
      if (addon === undefined) continue;
      registerFusedAdamKernel(name, addon);
      const [w, m, v] = step();
      expect(Array.from(m.slice(0, 2))).toEqual([0, 0]);
      expect(m[2]).toBeCloseTo(0.9 * 2e-38, 45);
      expect(Number.isNaN(m[3])).toBe(true);
      expect(v[0]).toBe(0);
      expect(Array.from(w.slice(0, 2))).toEqual([0.5, 0.5]);
    }
    registerFusedAdamKernel(name, null);
  });
});
