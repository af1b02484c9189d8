// Issue 16 item 7: models/m2.sgm (Kingma et al. 2014, M2) on MNIST with 100 labels per class. The labelled
// column of `mnist?labels=100` (runtime/data/labelled.ts), and a short training of a small M2 (H = 32, Z = 4):
// finite steps, the accuracy report logged in training and averaged in evaluation.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend/index.js';
import { bindModelData } from '../../runtime/data/bind.js';
import { loadDataset } from '../../runtime/data/registry.js';
import { DEFAULT_TEST_FRACTION, splitDataset } from '../../runtime/data/split.js';
import { evaluateObjective } from '../../runtime/train/evaluate.js';
import { train } from '../../runtime/train/trainer.js';
import { loadModelFile } from './load-generated.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const SPEC = 'mnist?binarize=dynamic&labels=100';

describe('mnist?labels=100', () => {
  it('marks 100 training rows of every class, none in the default test split', () => {
    const ds = loadDataset(SPEC);
    const { train: tr, test } = splitDataset(ds, { testFraction: DEFAULT_TEST_FRACTION, seed: 0 });
    const count = (d: typeof ds) => {
      const perClass = new Map<number, number>();
      d.columns.labelled.values.forEach((m, i) => {
        if (m === 1) perClass.set(d.columns.label.values[i], (perClass.get(d.columns.label.values[i]) ?? 0) + 1);
      });
      return perClass;
    };
    expect([...count(tr).entries()].sort((a, b) => a[0] - b[0])).toEqual(Array.from({ length: 10 }, (_, c) => [c, 100]));
    expect(count(test!).size).toBe(0);
    expect([tr.size, test!.size]).toEqual([9000, 1000]);
    // Another label seed picks other rows.
    const other = loadDataset(`${SPEC}&label_seed=1`);
    expect(Array.from(other.columns.labelled.values)).not.toEqual(Array.from(ds.columns.labelled.values));
  });
});

describe('models/m2.sgm', () => {
  it('trains a small M2 for 30 steps: finite values, accuracy logged and evaluated', async () => {
    const module = await loadModelFile('models/m2.sgm', { H: 32, Z: 4 });
    const label = module.metadata.nodes.find((n) => n.name === 'label' && n.estimator !== undefined)!;
    expect(label.estimator).toBe('enumerate');
    const ds = loadDataset(SPEC);
    const split = splitDataset(ds, { testFraction: DEFAULT_TEST_FRACTION, seed: 0 });
    const data = { train: bindModelData(module.metadata, split.train), test: bindModelData(module.metadata, split.test!) };
    const model = await module.create({ seed: 0 });
    const steps: Array<Record<string, number>> = [];
    const summary = await train(model, data, { steps: 30, batchSize: 50, seed: 1, learningRate: 0.003, progress: false, onStep: (r) => void steps.push({ value: r.value, ...r.metrics }) });
    expect(summary.status, summary.message).toBe('completed');
    for (const s of steps) for (const v of Object.values(s)) expect(Number.isFinite(v)).toBe(true);
    expect(steps.every((s) => s.accuracy >= 0 && s.accuracy <= 1)).toBe(true);
    expect(steps.at(-1)!.elbo).toBeGreaterThan(steps[0].elbo);
    const ev = evaluateObjective(model, data.test, { batchSize: 100, step: 30, seed: 0, maxBatches: 2 });
    expect(ev.metrics.accuracy).toBeGreaterThanOrEqual(0);
    expect(ev.metrics.accuracy).toBeLessThanOrEqual(1);
    // The test rows are all unlabelled: the bound there is U(x), and kl_label is KL(q(y | x) || p(y)) >= 0.
    expect(ev.metrics.kl_label).toBeGreaterThanOrEqual(0);
    model.dispose();
  }, 300_000);
});
