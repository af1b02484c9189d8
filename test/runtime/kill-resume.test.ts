import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bindModelData } from '../../runtime/data/bind.js';
import { readManifest } from '../../runtime/checkpoint/read.js';
import { parseJsonl } from '../../runtime/train/jsonl-log.js';
import { train } from '../../runtime/train/trainer.js';
import type { ModelInstance } from '../../runtime/model-api.js';
import * as linearVae from './fixtures/linear-vae.js';
import { linearVaeSplit } from './fixtures/datasets.js';
import { KILL_TEST_OPTIONS } from './fixtures/kill-options.js';
import { scratch } from './fixtures/scratch.js';

const CHILD = fileURLToPath(new URL('./fixtures/train-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TARGET = 40;

const { tempDir, keep } = scratch('sgm-kill-');

/** Starts the child trainer and SIGKILLs it once it reports `killAt` completed steps; resolves its last step. */
function runAndKill(runDir: string, killAt: number): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, runDir, '400'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let lastStep = 0;
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const m of chunk.matchAll(/step (\d+)/g)) lastStep = Number(m[1]);
      if (lastStep >= killAt && child.exitCode === null) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolvePromise(lastStep);
      else reject(new Error(`child exited with ${code ?? signal} before it was killed: ${stderr}`));
    });
  });
}

async function model(): Promise<ModelInstance> {
  return keep(await linearVae.create({ seed: 11 }));
}

function data(m: ModelInstance) {
  const split = linearVaeSplit();
  return { train: bindModelData(m.metadata, split.train), test: bindModelData(m.metadata, split.test) };
}

describe('kill -9 and --resume', () => {
  it('continues from the last checkpoint to the same weights and loss as an uninterrupted run', async () => {
    const runDir = tempDir();
    const killedAfter = await runAndKill(runDir, 15);
    expect(killedAfter).toBeGreaterThanOrEqual(15);
    expect(killedAfter).toBeLessThan(TARGET);
    const { manifest } = readManifest(runDir);
    // A complete checkpoint survived the kill (the child may have run a step or two past what it reported).
    expect(manifest.step).toBeGreaterThanOrEqual(2);
    expect(manifest.step).toBeLessThan(TARGET);

    const resumedModel = await model();
    const resumed = await train(resumedModel, data(resumedModel), { ...KILL_TEST_OPTIONS, steps: TARGET, checkpointDir: runDir, resume: true });
    const referenceModel = await model();
    const reference = await train(referenceModel, data(referenceModel), { ...KILL_TEST_OPTIONS, steps: TARGET, checkpointEvery: 0 });

    expect(resumed.startStep).toBe(manifest.step);
    expect(resumed.loss).toBe(reference.loss);
    for (const [name, v] of resumedModel.variables) {
      expect(Array.from(v.dataSync()), name).toEqual(Array.from(referenceModel.variables.get(name)!.dataSync()));
    }
    // Every step appears exactly once in the log: lines written after the checkpoint by the killed child were cut.
    const steps = parseJsonl(readFileSync(join(runDir, 'train.jsonl'), 'utf8'))
      .filter((r) => r.type === 'train')
      .map((r) => r.step);
    expect(steps).toEqual(Array.from({ length: TARGET }, (_, i) => i + 1));
  });
});
