// Planar flows (Rezende & Mohamed 2015; docs/math.md section 3): û constraint with ‖w‖², forward against a float64
// reference, log-det against a finite-difference Jacobian, inverse, initialisation near the identity.
import { describe, expect, it } from 'vitest';
import {
  initPlanarFlowParams,
  planarFlow,
  planarFlowInverse,
  planarFlowLogDet,
  planarUHat,
  type PlanarLayer,
} from '../../stdlib/transforms/planar-flow.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { allFinite, logAbsDet, numericJacobian } from './helpers/jacobian.js';

interface Raw {
  w: number[];
  u: number[];
  b: number;
}
const RAW: Raw[] = [
  { w: [0.8, -0.3, 0.5], u: [-1.5, 0.4, 0.9], b: 0.2 },
  { w: [-0.2, 1.1, 0.4], u: [0.3, -2.0, 0.1], b: -0.7 },
];
const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i], 0);
const softplus = (x: number): number => Math.log1p(Math.exp(x));

/** float64 reference of the stacked flow with û = u + (m(wᵀu) - wᵀu) w/‖w‖². */
const reference = (z: number[], raw: Raw[]): number[] => {
  let x = z;
  for (const { w, u, b } of raw) {
    const wu = dot(w, u);
    const uHat = u.map((v, i) => v + ((softplus(wu) - 1 - wu) * w[i]) / dot(w, w));
    const h = Math.tanh(dot(w, x) + b);
    x = x.map((v, i) => v + uHat[i] * h);
  }
  return x;
};
const layersOf = (raw: Raw[]): PlanarLayer[] =>
  raw.map((r) => ({ w: tf.tensor1d(r.w), u: tf.tensor1d(r.u), b: tf.scalar(r.b) }));

describe('planar flow', () => {
  it('û satisfies ûᵀw = softplus(wᵀu) - 1 > -1 (the ‖w‖² decision), even for wᵀu ≪ 0', () => {
    tf.tidy(() => {
      for (const r of [...RAW, { w: [1, 2, -1], u: [-3, -3, 1], b: 0 }]) {
        const [layer] = layersOf([r]);
        const uw = tf.sum(tf.mul(planarUHat(layer), layer.w)).dataSync()[0];
        expect(Math.abs(uw - (softplus(dot(r.w, r.u)) - 1))).toBeLessThan(1e-5);
        expect(uw).toBeGreaterThan(-1);
      }
    });
  });

  it('forward matches the float64 reference; log-det matches the finite-difference Jacobian', () => {
    const points = [
      [0.1, -0.4, 1.2],
      [2, 0.5, -1],
      [-3, 3, 0],
    ];
    const [got, logDet] = tf.tidy(() => {
      const layers = layersOf(RAW);
      const z = tf.tensor2d(points);
      return [planarFlow(z, layers).arraySync() as number[][], Array.from(planarFlowLogDet(z, layers).dataSync())];
    });
    points.forEach((p, i) => {
      const want = reference(p, RAW);
      want.forEach((w, j) => expect(Math.abs(got[i][j] - w)).toBeLessThan(1e-5));
      const ld = logAbsDet(numericJacobian((z) => reference(z, RAW), p));
      expect(Math.abs(logDet[i] - ld)).toBeLessThan(1e-4);
    });
  });

  it('inverts: planarFlowInverse(planarFlow(z)) = z, with gradients to the flow parameters', () => {
    tf.tidy(() => {
      const layers = layersOf(RAW);
      const z = tf.tensor2d([
        [0.1, -0.4, 1.2],
        [5, -5, 2],
      ]);
      const back = planarFlowInverse(planarFlow(z, layers), layers);
      expect(Math.max(...Array.from(tf.abs(tf.sub(back, z)).dataSync()))).toBeLessThan(1e-4);
      // d/dw of Σ f⁻¹(x) at fixed x: compare with a central difference of the float64 inverse-by-solve.
      const x = planarFlow(z, layers);
      const g = tf.grad((w0: tf.Tensor) => tf.sum(planarFlowInverse(x, [{ ...layers[0], w: w0 }, layers[1]])))(layers[0].w);
      const eps = 1e-3;
      const shifted = (d: number): number =>
        tf.sum(planarFlowInverse(x, [{ ...layers[0], w: tf.add(layers[0].w, tf.tensor1d([d, 0, 0])) }, layers[1]])).dataSync()[0];
      const numeric = (shifted(eps) - shifted(-eps)) / (2 * eps);
      expect(Math.abs(g.dataSync()[0] - numeric)).toBeLessThan(2e-2 * Math.max(1, Math.abs(numeric)));
    });
  });

  it('initial parameters give a flow close to the identity (û ≈ 0), seeded', () => {
    tf.tidy(() => {
      const layers = initPlanarFlowParams(9, 2, new RandomStream(3));
      const again = initPlanarFlowParams(9, 2, new RandomStream(3));
      expect(Array.from(layers[1].w.dataSync())).toEqual(Array.from(again[1].w.dataSync()));
      const z = new RandomStream(4).normal([50, 9]);
      const diff = tf.max(tf.abs(tf.sub(planarFlow(z, layers), z))).dataSync()[0];
      expect(diff).toBeLessThan(0.2);
      expect(diff).toBeGreaterThan(0);
      expect(Math.max(...Array.from(tf.abs(planarFlowLogDet(z, layers)).dataSync()))).toBeLessThan(0.2);
    });
  });

  it('is finite with finite gradients for inputs of ±100', () => {
    tf.tidy(() => {
      const layers = layersOf(RAW);
      const z = tf.tensor2d([
        [100, -100, 100],
        [-100, 100, 0],
      ]);
      expect(allFinite(planarFlow(z, layers).dataSync())).toBe(true);
      expect(allFinite(planarFlowLogDet(z, layers).dataSync())).toBe(true);
      const g = tf.grad((w: tf.Tensor) => tf.sum(planarFlowLogDet(z, [{ ...layers[0], w }, layers[1]])))(layers[0].w);
      expect(allFinite(g.dataSync())).toBe(true);
    });
  });
});
