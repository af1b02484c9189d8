// The reference model's training step (models/igr_vae.sgm, compiled) with fused elementwise programs against the
// same step unfused (SGM_FUSION=0's path: the same programs as tfjs ops): same seeds, same RNG consumption, so
// the losses and the trained weights must agree to float32 rounding over several Adam steps.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { compileSource } from '../../compiler/compile.js';
import { SGM_VERSION } from '../../cli/version.js';
import { importGeneratedModule } from '../../runtime/model-cache.js';
import { packageRoot } from '../../runtime/package-root.js';
import { RandomStream } from '../../stdlib/random.js';
import { FUSED_KERNEL, fusedKernelActive, setFusionEnabled } from '../../stdlib/fusion/index.js';

describe('the compiled igr_vae step, fused against unfused (CPU backend, JS evaluator)', () => {
  afterAll(() => setFusionEnabled(true));

  it('gives the same losses and weights within float32 rounding after 4 Adam steps, with fewer kernels', async () => {
    const path = 'models/igr_vae.sgm';
    const r = compileSource(path, readFileSync(join(packageRoot(), path), 'utf8'), { sgmVersion: SGM_VERSION });
    const module = await importGeneratedModule(r.models[0].name, r.code!, 'ts');
    const x = tf.tidy(() => tf.cast(tf.less(new RandomStream(5).uniform([6, 784]), 0.3), 'float32'));
    const run = async (fused: boolean): Promise<{ losses: number[]; weights: Float32Array[]; kernels: number }> => {
      const model = await module.create({ seed: 3 });
      const opt = tf.train.adam(1e-3);
      const trainables = [...model.variables.values()].filter((v) => v.trainable);
      const rng = new RandomStream(11);
      const losses: number[] = [];
      let kernels = 0;
      for (let step = 0; step < 4; step++) {
        setFusionEnabled(fused);
        const profile = await tf.profile(() => {
          const loss = opt.minimize(() => model.objective({ x }, { step, rng }).loss, true, trainables)!;
          losses.push(loss.dataSync()[0]);
          loss.dispose();
        });
        kernels = profile.kernels.length;
        if (fused) expect(profile.kernels.some((k) => k.name === FUSED_KERNEL)).toBe(true);
        setFusionEnabled(true);
      }
      const weights = trainables.map((v) => v.dataSync() as Float32Array);
      model.dispose();
      opt.dispose();
      return { losses, weights, kernels };
    };
    expect(fusedKernelActive()).toBe(true);
    const fused = await run(true);
    const plain = await run(false);
    fused.losses.forEach((l, i) => expect(Math.abs(l - plain.losses[i])).toBeLessThan(1e-5 * Math.abs(plain.losses[i])));
    // Adam moves each weight by about lr = 1e-3 per step whatever the gradient's size, so a gradient of a few ulps
    // (where float32 roundings of the two paths differ) can move a weight by up to ~1e-3 in either direction; any
    // real difference (a wrong derivative) moves thousands of weights by ~1e-3. Measured: ≤ 2.6e-6.
    fused.weights.forEach((w, k) => {
      let worst = 0;
      w.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - plain.weights[k][i]))));
      expect(worst).toBeLessThan(2e-5);
    });
    expect(fused.kernels).toBeLessThan(plain.kernels - 60);
    x.dispose();
  });
});
