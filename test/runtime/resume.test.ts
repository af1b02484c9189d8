import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bindModelData } from '../../runtime/data/bind.js';
import { splitDataset } from '../../runtime/data/split.js';
import { findCheckpoint, readCheckpoint, readManifest, disposeCheckpoint } from '../../runtime/checkpoint/read.js';
import { loadModelWeights } from '../../runtime/checkpoint/model-state.js';
import { writeCheckpoint } from '../../runtime/checkpoint/write.js';
import { tf } from '../../stdlib/tf.js';
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

  it('logs the same steps as an uninterrupted run when the checkpoint is not on a logged step', async () => {
    const opts = { ...base, logEvery: 5, evalEvery: 0 };
    const dirA = tempDir();
    const a = await vae();
    await train(a, vaeData(a), { ...opts, checkpointDir: dirA });
    const dirB = tempDir();
    const b1 = await vae();
    await train(b1, vaeData(b1), { ...opts, steps: 13, checkpointEvery: 7, checkpointDir: dirB });
    // Resume from the checkpoint at step 7 (the one at 13 is set aside, as after a kill between 7 and 13).
    rmSync(join(dirB, 'checkpoint'), { recursive: true });
    renameSync(join(dirB, 'checkpoint.previous'), join(dirB, 'checkpoint'));
    const b2 = await vae();
    await train(b2, vaeData(b2), { ...opts, checkpointDir: dirB, resume: true });
    const steps = (dir: string) => parseJsonl(readFileSync(join(dir, 'train.jsonl'), 'utf8')).filter((r) => r.type === 'train').map((r) => r.step);
    // Step 1, every 5th, and the last: no extra record at step 8, the resumed session's first.
    expect(steps(dirA)).toEqual([1, 5, 10, 15, 20, 25, 26]);
    expect(steps(dirB)).toEqual(steps(dirA));
  });

  it('applies a changed --lr on resume and says so; refuses another seed or beta', async () => {
    const dir = tempDir();
    const a = await vae();
    await train(a, vaeData(a), { ...base, steps: 4, checkpointDir: dir });
    const w4 = weightsOf(a);
    const same = tempDir();
    cpSync(dir, same, { recursive: true });
    const notes: string[] = [];
    const b = await vae();
    const s = await train(b, vaeData(b), {
      ...base,
      steps: 5,
      learningRate: 0.002,
      checkpointDir: dir,
      resume: true,
      progress: { stream: { write: (t: string) => void notes.push(t), isTTY: false } },
    });
    expect(s.settings.learningRate).toBe(0.002);
    expect(notes.join('')).toContain('learning rate changed on resume: 0.002 from here on (the checkpoint was trained with 0.01)');
    const resumeRecord = parseJsonl(readFileSync(join(dir, 'train.jsonl'), 'utf8')).find((r) => r.type === 'resume')!;
    expect(resumeRecord.changed).toEqual({ learningRate: { from: 0.01, to: 0.002 } });
    expect(readManifest(dir).manifest.settings.learningRate).toBe(0.002);
    // Adam's update is lr * m_hat / (sqrt(v_hat) + eps): from the same state and batch, step 5 with lr 0.002
    // moves every weight by 0.2 times what it moves with the checkpoint's 0.01.
    const c = await vae();
    await train(c, vaeData(c), { ...base, steps: 5, checkpointDir: same, resume: true });
    const wc = weightsOf(c);
    const trained = [...b.variables].filter(([, v]) => v.trainable).map(([n]) => n);
    expect(trained.length).toBeGreaterThan(0);
    for (const name of trained) {
      const wb = weightsOf(b).get(name)!;
      const before = w4.get(name)!;
      wb.forEach((v, i) => expect(v - before[i], `${name}[${i}]`).toBeCloseTo(0.2 * (wc.get(name)![i] - before[i]), 6));
    }
    const d = await vae();
    await expect(train(d, vaeData(d), { ...base, steps: 8, seed: 6, checkpointDir: dir, resume: true })).rejects.toThrow(
      `was trained with --seed 5; a resumed run keeps it (only --lr may change on --resume): drop --seed 6, or start a new run`,
    );
    await expect(train(d, vaeData(d), { ...base, steps: 8, beta1: 0.5, checkpointDir: dir, resume: true })).rejects.toThrow('was trained with --beta1 0.9;');
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
    writeFileSync(join(dir, 'checkpoint', 'checkpoint.json'), '{');
    await expect(attempt(b, data, { steps: 8 })).rejects.toThrow(
      `'${dir}' already holds a damaged checkpoint (checkpoint '${join(dir, 'checkpoint')}' is damaged: checkpoint.json is not valid JSON): pass --overwrite to start afresh`,
    );
    await train(b, data, { ...base, steps: 4, checkpointDir: dir, overwrite: true });
    // The damaged checkpoint of the replaced run is not kept as this run's previous one.
    expect(existsSync(join(dir, 'checkpoint.previous'))).toBe(false);
    truncateSync(join(dir, 'checkpoint', 'weights.bin'), 10);
    await expect(attempt(b, data, { resume: true })).rejects.toThrow(/is damaged: weights.bin has 10 bytes, checkpoint.json \(files.weights.bin.bytes\) records/);
    for (const p of [attempt(b, data, { resume: true })]) await expect(p).rejects.toBeInstanceOf(UserError);
  });

  it('refuses checkpoints whose checksums hold but whose tensors do not fit the model (written by another program)', async () => {
    const dir = tempDir();
    const a = await vae();
    await train(a, vaeData(a), { ...base, steps: 3, checkpointDir: dir });
    const ckpt = readCheckpoint(dir);
    const { files: _f, checksum: _c, ...content } = ckpt.manifest;
    const names = Object.keys(ckpt.tensors);
    const moment = names.find((n) => n.startsWith('adam/m/'))!;
    /** A run directory with a self-consistent checkpoint whose tensors are `edit(tensors)`. */
    const rewrite = async (edit: (t: Record<string, tf.Tensor>) => Record<string, tf.Tensor>): Promise<string> => {
      const out = tempDir();
      const tensors = edit({ ...ckpt.tensors });
      await writeCheckpoint(out, content, Object.entries(tensors).map(([name, tensor]) => ({ name, tensor })));
      return out;
    };
    const flat = tf.zeros([ckpt.tensors[moment].size]);
    const attempts: Array<[string, RegExp]> = [
      [await rewrite((t) => ({ ...t, [moment]: flat })), new RegExp(`Adam moment '${moment}' is float32 \\[\\d+\\] there but float32 \\[`)],
      [await rewrite((t) => ({ ...t, 'adam/v/ghost': flat })), /has an Adam moment 'adam\/v\/ghost' for a variable the model does not train/],
      [await rewrite((t) => Object.fromEntries(Object.entries(t).filter(([n]) => n !== moment))), new RegExp(`has no Adam moment '${moment}'`)],
      [await rewrite((t) => ({ ...t, 'variable/ghost': flat })), /has variables the model does not: ghost/],
    ];
    try {
      for (const [runDir, expected] of attempts) {
        const b = await vae();
        await expect(train(b, vaeData(b), { ...base, steps: 6, checkpointDir: runDir, resume: true })).rejects.toThrow(expected);
      }
    } finally {
      flat.dispose();
      disposeCheckpoint(ckpt);
    }
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
