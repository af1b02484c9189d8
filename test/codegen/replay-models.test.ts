// Step replay (runtime/train/replay) on every shipped model that declares its step replayable: 6 training steps
// through the trainer with replay and with the declaration withdrawn (tfjs' tape every step) give the same losses
// and the same weights, bit for bit, and the replay is actually used.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend/index.js';
import { loadDataset } from '../../runtime/data/registry.js';
import { bindModelData } from '../../runtime/data/bind.js';
import { train } from '../../runtime/train/trainer.js';
import { stepReplayStatus } from '../../runtime/train/step.js';
import type { ModelInstance } from '../../runtime/model-api.js';
import { loadModelFile } from './load-generated.js';
import { DATA } from './shipped-model-data.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'sgm-priors-'));

/**
 * Models that declare a replayable step but whose run-time code reads values back to decide what to draw (Gamma's
 * rejection sampler runs in JS on the shape parameters): the recording finds the read-back and keeps the normal
 * step, with this reason.
 */
const FALLS_BACK: Record<string, RegExp> = { poisson_factorization: /reads back a value computed from the variables/ };

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(async () => {
  await initBackend('cpu');
});

describe('replayed training steps of the shipped models equal the steps through the tape', () => {
  it.each(Object.entries(DATA))('%s', async (name, spec) => {
    const module = await loadModelFile(`models/${name}.sgm`);
    const runOnce = async (replay: boolean) => {
      const created = await module.create({ seed: 0, cacheDir });
      const model: ModelInstance = replay ? created : { ...created, replayableStep: false };
      const data = { train: bindModelData(module.metadata, loadDataset(spec)) };
      const summary = await train(model, data, { steps: 6, batchSize: 16, seed: 1, learningRate: 1e-3, progress: false });
      const weights = [...created.variables.values()].map((v) => Array.from(v.dataSync()));
      const status = stepReplayStatus(model);
      created.dispose();
      return { summary, weights, status, declared: created.replayableStep === true };
    };
    const replayed = await runOnce(true);
    const reference = await runOnce(false);
    expect(replayed.summary.status).toBe('completed');
    expect(replayed.summary.loss).toBe(reference.summary.loss);
    expect(replayed.summary.metrics).toEqual(reference.summary.metrics);
    let differing = 0;
    replayed.weights.forEach((w, k) => w.forEach((v, i) => (differing += Object.is(v, reference.weights[k][i]) ? 0 : 1)));
    expect(differing).toBe(0);
    if (name in FALLS_BACK) {
      expect(replayed.status?.state).toBe('off');
      expect(replayed.status?.reason).toMatch(FALLS_BACK[name]);
    } else if (replayed.declared) expect(replayed.status, JSON.stringify(replayed.status)).toMatchObject({ state: 'replaying' });
    else expect(replayed.status?.state).toBe('off');
  }, 120_000);
});
