/**
 * Learning-rate schedules (issue 16 item 5): factors against closed forms computed here by hand, the trainer's
 * logged `lr` metric against lr·f(t), the optimizer actually using the rate (a cosine to 0 freezes the weights),
 * and a resume continuing the schedule bit for bit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bindModelData } from '../../runtime/data/bind.js';
import { readManifest } from '../../runtime/checkpoint/read.js';
import { UserError } from '../../runtime/errors.js';
import { parseLrSchedule } from '../../runtime/train/lr-schedule.js';
import { parseJsonl } from '../../runtime/train/jsonl-log.js';
import { trainingCurves } from '../../runtime/report/training-curves.js';
import type { TrainOptions } from '../../runtime/train/options.js';
import { train, type TrainData } from '../../runtime/train/trainer.js';
import type { ModelInstance } from '../../runtime/model-api.js';
import * as linearVae from './fixtures/linear-vae.js';
import { linearVaeSplit } from './fixtures/datasets.js';
import { scratch } from './fixtures/scratch.js';

const { tempDir, keep } = scratch('sgm-lr-');

describe('parseLrSchedule', () => {
  const f = (spec: string, t: number) => parseLrSchedule(spec).factor(t);

  it('matches the closed forms', () => {
    expect(f('constant', 1234)).toBe(1);
    // exponential: 0.5^(5/10) = 1/sqrt(2); every defaults to 1: 0.99^3.
    expect(f('exponential(0.5, every=10)', 5)).toBeCloseTo(0.7071067811865476, 15);
    expect(f('exponential(decay=0.99)', 3)).toBeCloseTo(0.970299, 15);
    // step: staircase, 0.5 at t in [10, 20), 0.25 from t = 20.
    expect([9, 10, 19, 20].map((t) => f('step(0.5, 10)', t))).toEqual([1, 0.5, 0.5, 0.25]);
    // cosine over 100 steps: 1 at 0, (1 + cos(π/4))/2 at 25, 1/2 at 50, 0 from 100 on; min lifts the floor.
    expect(f('cosine(100)', 0)).toBe(1);
    expect(f('cosine(100)', 25)).toBeCloseTo(0.8535533905932737, 15);
    expect(f('cosine(100)', 50)).toBeCloseTo(0.5, 15);
    expect(f('cosine(100)', 100)).toBe(0);
    expect(f('cosine(100)', 250)).toBe(0);
    expect(f('cosine(steps=100, min=0.1)', 50)).toBeCloseTo(0.55, 15);
    // warmup: (t + 1)/steps, then 1.
    expect([0, 1, 3, 10].map((t) => f('warmup(4)', t))).toEqual([0.25, 0.5, 1, 1]);
    // a product: warmup(4) · cosine(100) at t = 1 is 0.5 · (1 + cos(π/100))/2.
    expect(f('warmup(4) * cosine(100)', 1)).toBeCloseTo((0.5 * (1 + Math.cos(Math.PI / 100))) / 2, 15);
  });

  it('has a canonical text with every parameter named', () => {
    expect(parseLrSchedule(' warmup( 500 )*cosine(20000)').text).toBe('warmup(steps=500) * cosine(steps=20000, min=0)');
    expect(parseLrSchedule('constant').text).toBe('constant');
  });

  it('refuses mistakes with one line naming them', () => {
    for (const [spec, why] of [
      ['linear(10)', /unknown schedule 'linear'/],
      ['cosine', /cosine needs steps/],
      ['cosine(0)', /steps must be a whole number >= 1/],
      ['exponential(1.5)', /decay must be in \(0, 1\]/],
      ['warmup(steps=10, x=1)', /warmup takes steps/],
      ['cosine(steps=abc)', /steps=abc is not a number/],
      ['', /empty/],
    ] as const) {
      expect(() => parseLrSchedule(spec), spec).toThrow(UserError);
      expect(() => parseLrSchedule(spec), spec).toThrow(why);
    }
  });
});

describe('training with a schedule', () => {
  async function vae(): Promise<ModelInstance> {
    return keep(await linearVae.create({ seed: 11 }));
  }
  function vaeData(model: ModelInstance): TrainData {
    const split = linearVaeSplit();
    return { train: bindModelData(model.metadata, split.train), test: bindModelData(model.metadata, split.test) };
  }
  const base: TrainOptions = { steps: 20, batchSize: 16, seed: 5, learningRate: 0.01, logEvery: 1, evalEvery: 0, checkpointEvery: 0, progress: false };
  // Trainable variables only: a baseline's running average is not moved by the optimizer.
  const weights = (m: ModelInstance) => [...m.variables].filter(([, v]) => v.trainable).map(([k, v]) => [k, Array.from(v.dataSync())] as const);

  it('logs lr = learningRate · f(t) for the step each record counts (t = step - 1)', async () => {
    const dir = tempDir();
    const m = await vae();
    const spec = 'warmup(5) * exponential(0.9, every=2)';
    await train(m, vaeData(m), { ...base, lrSchedule: spec, checkpointDir: dir });
    const records = parseJsonl(readFileSync(join(dir, 'train.jsonl'), 'utf8')).filter((r) => r.type === 'train');
    expect(records).toHaveLength(20);
    for (const r of records) {
      const t = (r.step as number) - 1;
      const expected = 0.01 * Math.min(1, (t + 1) / 5) * Math.pow(0.9, t / 2);
      expect((r.metrics as Record<string, number>).lr).toBeCloseTo(expected, 15);
    }
    expect(readManifest(dir).manifest.settings.lrSchedule).toBe('warmup(steps=5) * exponential(decay=0.9, every=2)');
    // The report draws it among the schedules.
    const curve = trainingCurves(records).schedules.filter((p) => p.series === 'lr');
    expect(curve.map((p) => p.step)).toEqual(records.map((r) => r.step));
  });

  it('applies the rate: a cosine to 0 after one step leaves the weights where the first step put them', async () => {
    const a = await vae();
    await train(a, vaeData(a), { ...base, steps: 1 });
    const b = await vae();
    await train(b, vaeData(b), { ...base, steps: 6, lrSchedule: 'cosine(1)' });
    expect(weights(b)).toEqual(weights(a));
    // And without the schedule the next steps do move them.
    const c = await vae();
    await train(c, vaeData(c), { ...base, steps: 6 });
    expect(weights(c)).not.toEqual(weights(a));
  });

  it('resumes the schedule at the checkpoint step: K + K steps equal 2K, and another schedule is refused', async () => {
    const spec = 'cosine(steps=20, min=0.1)';
    const dirA = tempDir();
    const a = await vae();
    const full = await train(a, vaeData(a), { ...base, lrSchedule: spec, checkpointDir: dirA });
    const dirB = tempDir();
    const b1 = await vae();
    await train(b1, vaeData(b1), { ...base, steps: 9, lrSchedule: spec, checkpointDir: dirB });
    const b2 = await vae();
    // The schedule comes from the checkpoint: not given again here.
    const resumed = await train(b2, vaeData(b2), { ...base, checkpointDir: dirB, resume: true });
    expect(resumed.loss).toBe(full.loss);
    expect(weights(b2)).toEqual(weights(a));
    const lrs = (dir: string) =>
      parseJsonl(readFileSync(join(dir, 'train.jsonl'), 'utf8'))
        .filter((r) => r.type === 'train')
        .map((r) => (r.metrics as Record<string, number>).lr);
    expect(lrs(dirB)).toEqual(lrs(dirA));
    const b3 = await vae();
    await expect(train(b3, vaeData(b3), { ...base, steps: 30, lrSchedule: 'cosine(30)', checkpointDir: dirB, resume: true })).rejects.toThrow(
      /was trained with --lr-schedule 'cosine\(steps=20, min=0.1\)'; a resumed run continues it/,
    );
  });
});
