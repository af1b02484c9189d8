// Issue 4 acceptance: every model in models/ compiles and trains 50 steps on its data without NaN.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend/index.js';
import { loadDataset } from '../../runtime/data/registry.js';
import { bindModelData } from '../../runtime/data/bind.js';
import { train } from '../../runtime/train/trainer.js';
import { tf } from '../../stdlib/tf.js';
import { loadModelFile } from './load-generated.js';
import { DATA } from './shipped-model-data.js';


const cacheDir = mkdtempSync(join(tmpdir(), 'sgm-priors-'));

// WASM: the VAEs' dense layers are ~10x faster there than on the pure-JS CPU backend.
beforeAll(async () => {
  await initBackend('wasm');
});

describe('every shipped model trains 50 steps without NaN', () => {
  it.each(Object.entries(DATA))('%s', async (name, spec) => {
    const module = await loadModelFile(`models/${name}.sgm`);
    const model = await module.create({ seed: 0, cacheDir });
    const data = { train: bindModelData(module.metadata, loadDataset(spec)) };
    const before = tf.memory().numTensors;
    const summary = await train(model, data, { steps: 50, batchSize: 16, seed: 1, learningRate: 1e-3, progress: false });
    expect(summary.status, summary.message).toBe('completed');
    expect(Number.isFinite(summary.loss)).toBe(true);
    expect(Number.isFinite(summary.value)).toBe(true);
    for (const v of Object.values(summary.metrics)) expect(Number.isFinite(v)).toBe(true);
    model.dispose();
    // Training leaves nothing behind but what the model owned (disposed above).
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
  }, 120_000);
});
