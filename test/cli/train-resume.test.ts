// Issue 4 acceptance, as a user runs it: `sgm train` killed mid-run (SIGKILL), then `--resume`, ends with the
// same loss and weights as an uninterrupted run with the same seed. Runs the built CLI (dist/, made by
// `npm ci` / `npm run build`) in child processes on the CPU backend, where results are bit-reproducible.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { packageRoot } from '../../runtime/package-root.js';

const root = packageRoot();
const cli = join(root, 'dist/cli/sgm.js');
const args = (dir: string, steps: number) => [
  cli, 'train', 'models/gengs_poisson.sgm', '--data', 'synthetic:poisson?rate=20&count=500', '--steps', String(steps),
  '--batch', '50', '--lr', '0.05', '--seed', '7', '--backend', 'cpu', '--checkpoint', dir, '--checkpoint-every', '10', '--log-every', '1',
];

/** The last `train` record of a run's JSONL log. */
function lastTrainRecord(dir: string): { step: number; loss: number } {
  const lines = readFileSync(join(dir, 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; step: number; loss: number });
  return lines.filter((r) => r.type === 'train').at(-1)!;
}

/** The step of the checkpoint in a run directory (0 when there is none yet). */
function checkpointStep(dir: string): number {
  const manifest = join(dir, 'checkpoint', 'checkpoint.json');
  if (!existsSync(manifest)) return 0;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { step: number }).step;
  } catch {
    return 0; // being replaced right now
  }
}

it('resumes a SIGKILLed `sgm train` to the same final loss as an uninterrupted run', async () => {
  expect(existsSync(cli), 'dist/ is missing: run `npm run build` (npm ci does it)').toBe(true);
  const steps = 300;
  const full = mkdtempSync(join(tmpdir(), 'sgm-full-'));
  const killed = mkdtempSync(join(tmpdir(), 'sgm-killed-'));

  const uninterrupted = spawnSync('node', args(full, steps), { cwd: root, encoding: 'utf8' });
  expect(uninterrupted.status, uninterrupted.stderr).toBe(0);

  const child = spawn('node', args(killed, steps), { cwd: root, stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (checkpointStep(killed) >= 100) {
        clearInterval(timer);
        child.kill('SIGKILL');
        resolve();
      }
    }, 20);
    child.on('exit', () => {
      clearInterval(timer);
      reject(new Error('training finished before it could be killed'));
    });
  });
  await new Promise((r) => child.on('exit', r));
  const at = checkpointStep(killed);
  expect(at).toBeGreaterThanOrEqual(100);
  expect(at).toBeLessThan(steps);

  const resumed = spawnSync('node', [...args(killed, steps), '--resume'], { cwd: root, encoding: 'utf8' });
  expect(resumed.status, resumed.stderr).toBe(0);
  const a = lastTrainRecord(full);
  const b = lastTrainRecord(killed);
  expect(b.step).toBe(steps);
  expect(b.loss).toBe(a.loss);
  expect(readFileSync(join(killed, 'checkpoint', 'weights.bin'))).toEqual(readFileSync(join(full, 'checkpoint', 'weights.bin')));
}, 120_000);
