// The reference VAE step (bench/reference-vae.ts) keeps no tensor and no byte across repeated steps, in both
// layer styles and with both optimizers; the two layer styles compute the same loss. A scaled-down model keeps
// the test fast on the CPU backend; the 1,000-step check at full size is in the bench.
import { describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { fusedAdam } from '../../runtime/backend/index.js';
import { createReferenceVae, randomBinaryBatch, type ReferenceVaeSizes } from '../../bench/reference-vae.js';

const SMALL: ReferenceVaeSizes = { batch: 8, input: 24, encoder: [16, 12], latents: 3, categories: 4, decoder: [12, 16] };

describe('reference VAE step', () => {
  for (const layers of ['plain', 'sgm-nn'] as const) {
    for (const opt of ['tf.train.adam', 'fusedAdam'] as const) {
      it(`keeps tensors and bytes constant over 300 steps (${layers}, ${opt})`, () => {
        const x = randomBinaryBatch(1, SMALL.batch, SMALL.input);
        const optimizer = opt === 'fusedAdam' ? fusedAdam(1e-3) : undefined;
        const vae = createReferenceVae(2, { sizes: SMALL, layers, optimizer });
        // The optimizer creates its moments on the first step.
        vae.step(x);
        const before = tf.memory();
        let last = NaN;
        for (let i = 0; i < 300; i++) last = vae.step(x);
        const after = tf.memory();
        expect(after.numTensors).toBe(before.numTensors);
        expect(after.numBytes).toBe(before.numBytes);
        expect(Number.isFinite(last)).toBe(true);
        vae.dispose();
        optimizer?.dispose();
        x.dispose();
      });
    }
  }

  it('gives the same losses with plain tfjs layers and runtime/nn layers', () => {
    const x = randomBinaryBatch(3, SMALL.batch, SMALL.input);
    const a = createReferenceVae(4, { sizes: SMALL, layers: 'plain' });
    const b = createReferenceVae(4, { sizes: SMALL, layers: 'sgm-nn' });
    for (let i = 0; i < 5; i++) expect(b.step(x)).toBeCloseTo(a.step(x), 3);
    a.dispose();
    b.dispose();
    x.dispose();
  });
});
