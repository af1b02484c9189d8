import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { bindModelData } from '../../runtime/data/bind.js';
import { splitDataset } from '../../runtime/data/split.js';
import { readCheckpoint, disposeCheckpoint } from '../../runtime/checkpoint/read.js';
import { parseJsonl } from '../../runtime/train/jsonl-log.js';
import { train } from '../../runtime/train/trainer.js';
import type { ModelInstance } from '../../runtime/model-api.js';
import * as gaussianMean from './fixtures/gaussian-mean.js';
import * as linearVae from './fixtures/linear-vae.js';
import * as diverging from './fixtures/diverging.js';
import * as kink from './fixtures/kink.js';
import { gaussianScalars, linearGaussianData } from './fixtures/datasets.js';
import { scratch } from './fixtures/scratch.js';

const { tempDir, keep } = scratch('sgm-train-');

async function make<T extends { create: typeof gaussianMean.create }>(mod: T, seed = 1): Promise<ModelInstance> {
  return keep(await mod.create({ seed }));
}

describe('train', () => {
  it('drives the Gaussian mean to the data mean', async () => {
    const data = gaussianScalars(400, 3, 7);
    const model = await make(gaussianMean);
    const summary = await train(model, { train: bindModelData(model.metadata, data) }, {
      steps: 300,
      batchSize: 40,
      learningRate: 0.05,
      progress: false,
    });
    const values = data.columns.x.values;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const mu = model.variables.get('mu')!.dataSync()[0];
    expect(summary.status).toBe('completed');
    expect(summary.step).toBe(300);
    expect(Math.abs(mu - mean)).toBeLessThan(0.1);
    // At the optimum the expected log-likelihood is -0.5 log(2π) - 0.5 Var(x) ≈ -1.42 for unit variance.
    expect(summary.value!).toBeGreaterThan(-1.7);
  });

  it('keeps tf.memory().numTensors constant across steps (no tensor leaks)', async () => {
    const data = linearGaussianData(200, 3);
    const model = await make(linearVae);
    const split = splitDataset(data, { testFraction: 0.2, seed: 0 });
    const counts: number[] = [];
    await train(
      model,
      { train: bindModelData(model.metadata, split.train), test: bindModelData(model.metadata, split.test!) },
      {
        steps: 30,
        batchSize: 16,
        evalEvery: 10,
        progress: false,
        onStep: () => counts.push(tf.memory().numTensors),
      },
    );
    expect(counts).toHaveLength(30);
    // Adam creates its moment slots during the first update; from then on the count must not move, including
    // across the evaluations at steps 10 and 20.
    expect(new Set(counts.slice(1)).size).toBe(1);
  });

  it('improves the ELBO of the linear VAE and reports eval, metrics and a JSONL log', async () => {
    const dir = tempDir();
    const data = linearGaussianData(300, 5);
    const split = splitDataset(data, { testFraction: 0.2, seed: 0 });
    const model = await make(linearVae);
    const out: string[] = [];
    const summary = await train(
      model,
      { train: bindModelData(model.metadata, split.train), test: bindModelData(model.metadata, split.test!) },
      {
        steps: 200,
        batchSize: 20,
        learningRate: 0.02,
        logEvery: 25,
        evalEvery: 100,
        checkpointDir: dir,
        checkpointEvery: 100,
        progress: { stream: { write: (t: string) => out.push(t) }, tty: false, every: 50 },
      },
    );
    const records = parseJsonl(readFileSync(join(dir, 'train.jsonl'), 'utf8'));
    const trainRecs = records.filter((r) => r.type === 'train');
    expect(trainRecs.map((r) => r.step)).toEqual([1, 25, 50, 75, 100, 125, 150, 175, 200]);
    const first = trainRecs[0].value as number;
    const lastRec = trainRecs[trainRecs.length - 1];
    expect(lastRec.value as number).toBeGreaterThan(first + 1);
    expect(Object.keys(lastRec.metrics as object).sort()).toEqual(['beta', 'elbo', 'elbo_ema', 'kl_z', 'loglik_x']);
    expect((lastRec.metrics as Record<string, number>).beta).toBe(1);
    const evals = records.filter((r) => r.type === 'eval');
    expect(evals.map((r) => r.step)).toEqual([100, 200]);
    expect(summary.lastEval?.examples).toBe(60);
    expect(records.filter((r) => r.type === 'checkpoint').map((r) => r.step)).toEqual([100, 200]);
    expect(records[0].type).toBe('start');
    expect(records[records.length - 1]).toMatchObject({ type: 'end', status: 'completed', step: 200 });
    // Plain (non-TTY) progress: one line every 50 steps, no carriage returns.
    const lines = out.join('').split('\n').filter((l) => l.startsWith('step'));
    expect(lines.map((l) => l.split('|')[0].trim())).toEqual(['step  50/200', 'step 100/200', 'step 150/200', 'step 200/200']);
    expect(lines[3]).toMatch(/loss .* \| elbo .* \| beta 1 \| .* steps\/s \| ETA/);
    expect(out.join('')).not.toContain('\r');
    expect(out.join('')).toContain('eval at step 100: test elbo');
    expect(out.join('')).toContain(`checkpoint at step 200: ${join(dir, 'checkpoint')}`);
    expect(summary.checkpoint?.step).toBe(200);
    // The EMA baseline is non-trainable state: it moved, and it is in the checkpoint.
    const ckpt = readCheckpoint(dir);
    try {
      const ema = ckpt.tensors['variable/baseline.elbo_ema'].dataSync()[0];
      expect(ema).toBe(model.variables.get('baseline.elbo_ema')!.dataSync()[0]);
      expect(ema).toBeLessThan(0);
    } finally {
      disposeCheckpoint(ckpt);
    }
  });

  it('stops on a non-finite metric, names the node and keeps the last good checkpoint', async () => {
    const dir = tempDir();
    const model = await make(diverging);
    const data = gaussianScalars(20, 0, 1);
    const summary = await train(model, { train: bindModelData(model.metadata, data) }, {
      steps: 50,
      batchSize: 5,
      learningRate: 0.5,
      checkpointDir: dir,
      checkpointEvery: 4,
      progress: false,
    });
    expect(summary.status).toBe('non-finite');
    expect(summary.failure?.node).toBe('big');
    expect(summary.failure?.line).toBe(5);
    // w grows by lr = 0.5 per step; exp(exp(w)) overflows float32 once w > 4.485, i.e. in the step with w = 4.5.
    const failed = summary.failure!.step;
    expect(failed).toBe(10);
    expect(summary.step).toBe(failed - 1);
    expect(summary.checkpoint?.step).toBe(8);
    expect(summary.message).toMatch(/^step 10: non-finite value in node 'big' \(line 5\): 1 ±Inf of 1 entries; .*last good checkpoint \(step 8\)/);
    // The bad update was not applied, and the checkpoint on disk is the good one from step 8.
    expect(model.variables.get('w')!.dataSync()[0]).toBeCloseTo(4.5, 3);
    const ckpt = readCheckpoint(dir);
    try {
      expect(ckpt.manifest.step).toBe(8);
      expect(ckpt.tensors['variable/w'].dataSync()[0]).toBeCloseTo(4, 3);
    } finally {
      disposeCheckpoint(ckpt);
    }
    const records = parseJsonl(readFileSync(join(dir, 'train.jsonl'), 'utf8'));
    expect(records.find((r) => r.type === 'non_finite')).toMatchObject({ step: 10, node: 'big', metrics: { big: 'Infinity' } });
  });

  it('stops on a non-finite gradient with finite values and names the variable', async () => {
    const model = await make(kink);
    const summary = await train(model, { train: bindModelData(model.metadata, gaussianScalars(10, 0, 1)) }, { steps: 5, batchSize: 5, progress: false });
    expect(summary.status).toBe('non-finite');
    expect(summary.step).toBe(0);
    expect(summary.failure?.node).toBeUndefined();
    expect(summary.message).toBe(
      "step 1: non-finite gradient for variable 'w' (every node value was finite); training stopped before applying this update, no checkpoint was written",
    );
    expect(model.variables.get('w')!.dataSync()[0]).toBe(0);
  });

  it('stops at an abort signal with a checkpoint', async () => {
    const dir = tempDir();
    const model = await make(gaussianMean);
    const controller = new AbortController();
    const summary = await train(model, { train: bindModelData(model.metadata, gaussianScalars(50, 1, 2)) }, {
      steps: 100,
      batchSize: 10,
      checkpointDir: dir,
      progress: false,
      onStep: (r) => {
        if (r.step === 7) controller.abort();
      },
      signal: controller.signal,
    });
    expect(summary.status).toBe('interrupted');
    expect(summary.step).toBe(7);
    expect(summary.checkpoint?.step).toBe(7);
  });
});
