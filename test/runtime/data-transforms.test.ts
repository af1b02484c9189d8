/**
 * Dataset transforms (issue 16 item 5): `binarize=dynamic|fixed|<threshold>` on grey-level images. The dynamic
 * draw is checked against the grey levels' mean (within 4 standard errors of a sum of independent Bernoullis),
 * for reproducibility under one key and for fresh draws under another; the support check accepts it under a
 * Bernoulli likelihood.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { bindData, bindModelData } from '../../runtime/data/bind.js';
import { makeDataset } from '../../runtime/data/dataset.js';
import { loadDataset } from '../../runtime/data/registry.js';
import { splitDataset } from '../../runtime/data/split.js';
import { UserError } from '../../runtime/errors.js';
import type { DataSpec } from '../../runtime/model-api.js';
import { train } from '../../runtime/train/trainer.js';
import { loadGenerated } from '../codegen/load-generated.js';
import { scratch } from './fixtures/scratch.js';

const { tempDir, keep } = scratch('sgm-binarize-');

const spec: DataSpec = { name: 'x', shape: ['B', 784], line: 2 };
const all = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

function draw(bound: ReturnType<typeof bindData>, rows: Int32Array, seed: number, index: number): Float32Array {
  const batch = bound.batch(rows, { seed, index });
  const v = batch.x.dataSync() as Float32Array;
  tf.dispose(Object.values(batch));
  return v;
}

describe('binarize=dynamic', () => {
  const grey = loadDataset('mnist?classes=3&binarize=dynamic');
  const bound = bindData([spec], grey);
  const rows = all(500);
  // The probabilities themselves, read from the column (not through the transform), in float64.
  const p = Array.from(grey.columns.x.values.subarray(0, 500 * 784));
  const meanP = p.reduce((a, b) => a + b, 0) / p.length;
  // The draws' mean is a mean of independent Bernoulli(p_i): its variance is sum p_i (1 - p_i) / n^2.
  const se = Math.sqrt(p.reduce((a, b) => a + b * (1 - b), 0)) / p.length;

  it('draws 0/1 values whose mean is the grey levels mean within 4 standard errors, pixel by pixel in the right place', () => {
    const x = draw(bound, rows, 7, 0);
    expect(x.every((v) => v === 0 || v === 1)).toBe(true);
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    expect(Math.abs(mean - meanP)).toBeLessThan(4 * se);
    // Grey level 0 stays 0 and 1 stays 1: the draw is of each pixel's own level.
    const wrongEnds = p.filter((v, i) => (v === 0 && x[i] !== 0) || (v === 1 && x[i] !== 1)).length;
    expect(wrongEnds).toBe(0);
    expect(p.filter((v) => v === 0).length).toBeGreaterThan(100_000);
    // Pixels with grey level in (0.4, 0.6): their mean draw is near 0.5, not thresholded.
    const mid = p.map((v, i) => [v, i] as const).filter(([v]) => v > 0.4 && v < 0.6);
    const midMean = mid.reduce((a, [, i]) => a + x[i], 0) / mid.length;
    const midP = mid.reduce((a, [v]) => a + v, 0) / mid.length;
    expect(Math.abs(midMean - midP)).toBeLessThan(4 * Math.sqrt(0.25 / mid.length));
  });

  it('is reproducible under one key and draws afresh under another step or seed', () => {
    const a = draw(bound, rows, 7, 3);
    expect(draw(bound, rows, 7, 3)).toEqual(a);
    const differs = (b: Float32Array) => b.reduce((n, v, i) => n + (v !== a[i] ? 1 : 0), 0);
    // Two independent draws differ at each pixel with probability 2 p (1 - p): thousands of pixels here.
    const expected = p.reduce((s, v) => s + 2 * v * (1 - v), 0);
    for (const other of [draw(bound, rows, 7, 4), draw(bound, rows, 8, 3)]) {
      expect(Math.abs(differs(other) - expected)).toBeLessThan(4 * Math.sqrt(expected));
    }
  });

  it('keeps the transform through a train/test split, and fingerprints differently from the grey levels', () => {
    const { train } = splitDataset(grey, { testFraction: 0.1, seed: 0 });
    expect(train.columns.x.draw).toBe('bernoulli');
    expect(bindData([spec], grey).fingerprint()).not.toBe(bindData([spec], loadDataset('mnist?classes=3')).fingerprint());
  });

  it('is in the support of a Bernoulli likelihood, while the grey levels are not', () => {
    const meta = { data: [spec], hyperparameters: {}, nodes: [{ name: 'x', kind: 'observed' as const, block: 'model' as const, shape: spec.shape, distribution: 'Bernoulli', line: 2 }] };
    expect(bindModelData(meta, grey).size).toBe(grey.size);
    expect(() => bindModelData(meta, loadDataset('mnist?classes=3'))).toThrow(/use --data mnist\?binarize=dynamic \(a fresh Bernoulli draw/);
  });
});

describe('binarize=fixed and thresholds', () => {
  it('fixed gives the values of mnist-binarized; a threshold t sets 1 above t', () => {
    const fixed = loadDataset('mnist?classes=1&binarize=fixed').columns.x.values;
    expect(fixed).toEqual(loadDataset('mnist-binarized?classes=1').columns.x.values);
    const greyValues = loadDataset('mnist?classes=1').columns.x.values;
    const t = loadDataset('mnist?classes=1&binarize=0.2').columns.x.values;
    expect(t.every((v, i) => v === (greyValues[i] > 0.2 ? 1 : 0))).toBe(true);
    expect(loadDataset('mnist?classes=1&binarize=fixed').columns.x.draw).toBeUndefined();
  });

  it('refuses other values and values outside [0, 1]', () => {
    expect(() => loadDataset('mnist?binarize=yes')).toThrow(UserError);
    expect(() => loadDataset('mnist?binarize=1.5')).toThrow(/binarize=1.5 is not one of dynamic, fixed, none, or a threshold/);
    expect(() => loadDataset('mnist-binarized?binarize=dynamic')).toThrow(/unknown parameter 'binarize'/);
  });

  it('needs probabilities', async () => {
    const { applyBinarize } = await import('../../runtime/data/transforms.js');
    const ds = makeDataset('counts', { x: { values: Float32Array.of(0, 2, 1), rowShape: [] } });
    expect(() => applyBinarize(ds, { kind: 'dynamic' })).toThrow(/binarize needs values in \[0, 1\], but 'x' has 2/);
  });
});

describe('training on binarize=dynamic', () => {
  it('resumes with the draws of the uninterrupted run: K + K steps equal 2K bit for bit, and differ from a fixed binarization', async () => {
    const mod = await loadGenerated(
      `model bern(N = 3) {
        data x: [B, 784]
        guide { z ~ Normal(dense(x, [N]), 1) }
        generative {
          z ~ Normal(0, 1)
          x ~ Bernoulli(logits = dense(z, [784]))
        }
        maximize elbo
      }`,
      'bern',
    );
    const { train: rows } = splitDataset(loadDataset('mnist?classes=7&binarize=dynamic'), { testFraction: 0.1, seed: 0 });
    const opts = { steps: 6, batchSize: 20, seed: 4, learningRate: 0.01, evalEvery: 0, checkpointEvery: 0, progress: false } as const;
    const run = async (steps: number, dir: string, resume = false, data = rows) => {
      const m = keep(await mod.create({ seed: 2 }));
      return train(m, { train: bindModelData(mod.metadata, data) }, { ...opts, steps, checkpointDir: dir, resume });
    };
    const full = await run(6, tempDir());
    const dir = tempDir();
    await run(3, dir);
    const resumed = await run(6, dir, true);
    expect(resumed.startStep).toBe(3);
    expect(resumed.loss).toBe(full.loss);
    const { train: fixedRows } = splitDataset(loadDataset('mnist?classes=7&binarize=fixed'), { testFraction: 0.1, seed: 0 });
    expect((await run(6, tempDir(), false, fixedRows)).loss).not.toBe(full.loss);
  });
});
