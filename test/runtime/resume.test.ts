import { existsSync, mkdirSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bindModelData } from '../../runtime/data/bind.js';
import { splitDataset } from '../../runtime/data/split.js';
import { findCheckpoint, readCheckpoint, readManifest, disposeCheckpoint } from '../../runtime/checkpoint/read.js';
import { loadModelWeights } from '../../runtime/checkpoint/model-state.js';
import { parseJsonl, type LogRecord } from '../../runtime/train/jsonl-log.js';
import { train, type TrainData } from '../../runtime/train/trainer.js';
import type { TrainOptions } from '../../runtime/train/options.js';
import { UserError } from '../../runtime/errors.js';
import type { ModelInstance } from '../../runtime/model-api.js';
import * as linearVae from './fixtures/linear-vae.js';
import * as gaussianMean from './fixtures/gaussian-mean.js';
import { gaussianScalars, linearGaussianData, linearVaeSplit } from './fixtures/datasets.js';
import { scratch } from './fixtures/scratch.js';

const { tempDir, keep } = scratch('sgm-resume-');

async function vae(): Promise<ModelInstance> {
  return keep(await linearVae.create({ seed: 11 }));
}

function vaeData(model: ModelInstance): TrainData {
  // 104 training rows in batches of 16: 6 batches per epoch, so K = 13 stops inside the third epoch.
  const split = linearVaeSplit();
  return { train: bindModelData(model.metadata, split.train), test: bindModelData(model.metadata, split.test) };
}

const base: TrainOptions = { steps: 26, batchSize: 16, seed: 5, learningRate: 0.01, logEvery: 1, evalEvery: 5, checkpointEvery: 0, progress: false };

function weightsOf(model: ModelInstance): Map<string, Float32Array> {
  return new Map([...model.variables].map(([k, v]) => [k, v.dataSync() as Float32Array]));
}

/** Log records without the fields that legitimately differ between sessions (wall-clock time, speed). */
function comparable(records: LogRecord[], type: string): unknown[] {
  return records
    .filter((r) => r.type === type)
    .map(({ stepsPerSecond: _s, time: _t, ...rest }) => rest);
}

describe('resume', () => {
  it('continues exactly: 2K steps equal K steps + stop + resume K steps, bit for bit', async () => {
    const dirA = tempDir();
    const a = await vae();
    const full = await train(a, vaeData(a), { ...base, checkpointDir: dirA });

    const dirB = tempDir();
    const b1 = await vae();
    const half = await train(b1, vaeData(b1), { ...base, steps: 13, checkpointDir: dirB });
    expect(half.checkpoint?.step).toBe(13);
    const b2 = await vae(); // a fresh process would start here: new instance, same seed
    const resumed = await train(b2, vaeData(b2), { ...base, checkpointDir: dirB, resume: true });

    expect(resumed.startStep).toBe(13);
    expect(resumed.step).toBe(26);
    expect(resumed.loss).toBe(full.loss);
    expect(resumed.value).toBe(full.value);
    expect(resumed.lastEval?.value).toBe(full.lastEval?.value);
    const wa = weightsOf(a);
    for (const [name, w] of weightsOf(b2)) expect(Array.from(w), name).toEqual(Array.from(wa.get(name)!));
    // Adam moments, iteration count, beta products and RNG state agree too: the final checkpoints are identical.
    expect(readFileSync(join(dirB, 'checkpoint', 'weights.bin')).equals(readFileSync(join(dirA, 'checkpoint', 'weights.bin')))).toBe(true);
    const ma = readCheckpoint(dirA);
    const mb = readCheckpoint(dirB);
    try {
      expect(mb.manifest.optimizer).toEqual(ma.manifest.optimizer);
      expect(mb.manifest.rng).toEqual(ma.manifest.rng);
      expect(mb.manifest.data).toEqual(ma.manifest.data);
    } finally {
      disposeCheckpoint(ma);
      disposeCheckpoint(mb);
    }
    // The resumed log reads like the uninterrupted one: the same train records (the lines the killed session
    // wrote after its checkpoint were cut), every eval of the full run, plus the stopped session's final eval.
    const logA = parseJsonl(readFileSync(join(dirA, 'train.jsonl'), 'utf8'));
    const logB = parseJsonl(readFileSync(join(dirB, 'train.jsonl'), 'utf8'));
    expect(comparable(logB, 'train')).toEqual(comparable(logA, 'train'));
    expect(comparable(logB, 'eval')).toEqual(expect.arrayContaining(comparable(logA, 'eval')));
    expect(comparable(logB, 'eval')).toHaveLength(comparable(logA, 'eval').length + 1);
    expect(logB.filter((r) => r.type === 'resume').map((r) => r.step)).toEqual([13]);
  });

  it('loads trained weights into a fresh instance for sampling', async () => {
    const dir = tempDir();
    const a = await vae();
    await train(a, vaeData(a), { ...base, steps: 5, checkpointDir: dir });
    const fresh = await vae();
    const manifest = loadModelWeights(fresh, dir);
    expect(manifest.step).toBe(5);
    const wa = weightsOf(a);
    for (const [name, w] of weightsOf(fresh)) expect(Array.from(w), name).toEqual(Array.from(wa.get(name)!));
  });

  it('survives a crash between the two renames: reads checkpoint.previous and keeps the previous one after the next save', async () => {
    const dir = tempDir();
    const a = await vae();
    await train(a, vaeData(a), { ...base, steps: 6, checkpointDir: dir });
    renameSync(join(dir, 'checkpoint'), join(dir, 'checkpoint.previous'));
    mkdirSync(join(dir, '.checkpoint.tmp'));
    writeFileSync(join(dir, '.checkpoint.tmp', 'weights.bin'), 'half-written');
    expect(findCheckpoint(dir)).toBe(join(dir, 'checkpoint.previous'));
    const b = await vae();
    const s = await train(b, vaeData(b), { ...base, steps: 8, checkpointEvery: 1, checkpointDir: dir, resume: true });
    expect(s.startStep).toBe(6);
    expect(findCheckpoint(dir)).toBe(join(dir, 'checkpoint'));
    expect(existsSync(join(dir, '.checkpoint.tmp'))).toBe(false);
    // Checkpoints at steps 7 and 8: the one before the current stays beside it.
    expect(readManifest(dir).manifest.step).toBe(8);
    expect(readManifest(join(dir, 'checkpoint.previous')).manifest.step).toBe(7);
  });

  it('refuses what cannot continue the run, with one line each', async () => {
    const dir = tempDir();
    const a = await vae();
    const data = vaeData(a);
    await train(a, data, { ...base, steps: 4, checkpointDir: dir });
    const b = await vae();
    const attempt = (model: ModelInstance, d: TrainData, o: Partial<TrainOptions>) =>
      train(model, d, { ...base, checkpointDir: dir, ...o });

    await expect(attempt(b, data, { steps: 8 })).rejects.toThrow(
      `'${dir}' already holds a checkpoint (step 4): pass --resume to continue it, --overwrite to start afresh, or use another directory`,
    );
    await expect(attempt(b, data, { steps: 2, resume: true })).rejects.toThrow('is at step 4, past the requested 2 steps');
    const other = splitDataset(linearGaussianData(130, 99), { testFraction: 0.2, seed: 3 });
    await expect(attempt(b, { train: bindModelData(b.metadata, other.train) }, { resume: true })).rejects.toThrow(/was trained on other data/);
    const g = keep(await gaussianMean.create({ seed: 0 }));
    await expect(
      attempt(g, { train: bindModelData(g.metadata, gaussianScalars(50, 0, 1)) }, { resume: true }),
    ).rejects.toThrow(`checkpoint '${join(dir, 'checkpoint')}' was written by model 'linear_vae', not 'gaussian_mean'`);
    const changed: ModelInstance = { ...b, metadata: { ...b.metadata, hyperparameters: { D: 4, L: 3 } } };
    await expect(attempt(changed, data, { resume: true })).rejects.toThrow("with other hyperparameters: L=2 (now 3)");
    await expect(attempt(b, data, { checkpointDir: tempDir(), resume: true })).rejects.toThrow(/^no checkpoint in /);
    truncateSync(join(dir, 'checkpoint', 'weights.bin'), 10);
    await expect(attempt(b, data, { resume: true })).rejects.toThrow(/is damaged: weights.bin has 10 bytes, checkpoint.json \(files.weights.bin.bytes\) records/);
    for (const p of [attempt(b, data, { resume: true })]) await expect(p).rejects.toBeInstanceOf(UserError);
  });

  it('rejects an unwritable checkpoint directory before training, writing nothing', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'file'), 'x');
    const a = await vae();
    const target = join(root, 'file', 'run');
    await expect(train(a, vaeData(a), { ...base, checkpointDir: target })).rejects.toThrow(
      `cannot write checkpoints to '${target}': a parent of it is not a directory`,
    );
    expect(readFileSync(join(root, 'file'), 'utf8')).toBe('x');
  });

  it('rejects a directory under a pseudo file system (/proc) at once instead of spinning in mkdir', async () => {
    const a = await vae();
    await expect(train(a, vaeData(a), { ...base, checkpointDir: '/proc/sgm-run' })).rejects.toThrow("cannot write checkpoints to '/proc/sgm-run'");
  });
});
