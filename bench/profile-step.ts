/**
 * Per-kernel profile of one bench step (the rows of bench/step-rows.ts): wall time of the step (median and min of
 * 40 after 10 warm-up steps), then each kernel's count per step and its best total time over 5 profiled steps
 * (tf.profile), sorted by time. This is how bench/NOTES.md's kernel profiles are taken.
 *
 *   npx tsx bench/profile-step.ts ['compiled igr_vae + fusedAdam'] [--wasm-only]
 *
 * `--wasm-only` runs WASM without the native addon (as SGM_NATIVE=0 does).
 */
import { tf } from '../stdlib/tf.js';
import { initBackend } from '../runtime/backend/index.js';
import { STEP_ROWS } from './step-rows.js';
import { stepReplayStatus, timeReplayedKernels } from '../runtime/train/step.js';

const args = process.argv.slice(2);
const rowId = args.find((a) => !a.startsWith('--')) ?? 'compiled igr_vae + fusedAdam';
const row = STEP_ROWS.find((r) => r.id === rowId);
if (!row) {
  process.stderr.write(`error: no bench row '${rowId}'; rows: ${STEP_ROWS.map((r) => r.id).join(', ')}\n`);
  process.exit(1);
}
await initBackend('wasm', { native: !args.includes('--wasm-only') });
const step = await row.create(1);
for (let i = 0; i < 10; i++) step.step();
const walls: number[] = [];
for (let i = 0; i < 40; i++) {
  const t = performance.now();
  step.step();
  walls.push(performance.now() - t);
}
walls.sort((a, b) => a - b);
console.log(`${rowId} on ${tf.getBackend()}: step ${walls[20].toFixed(2)} ms median, ${walls[0].toFixed(2)} ms min`);
const counts = new Map<string, number>();
const best = new Map<string, number>();
// A replayed step (runtime/train/replay) bypasses tfjs' engine, so tf.profile sees none of its kernels: those are
// timed by the replay itself.
const replaying = step.model !== undefined && stepReplayStatus(step.model)?.state === 'replaying';
console.log(replaying ? 'kernels timed by the step replay (tf.profile does not see replayed kernels)' : 'kernels timed by tf.profile');
for (let round = 0; round < 5; round++) {
  const per = new Map<string, number>();
  if (replaying) {
    const timing = new Map<string, { ms: number; calls: number }>();
    timeReplayedKernels(step.model!, timing);
    step.step();
    timeReplayedKernels(step.model!, undefined);
    for (const [name, t] of timing) {
      per.set(name, t.ms);
      if (round === 0) counts.set(name, t.calls);
    }
  } else {
    const info = await tf.profile(() => step.step());
    for (const k of info.kernels) {
      per.set(k.name, (per.get(k.name) ?? 0) + Number(k.kernelTimeMs));
      if (round === 0) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
    }
  }
  for (const [name, ms] of per) best.set(name, Math.min(best.get(name) ?? Infinity, ms));
}
let total = 0;
let kernels = 0;
for (const [name, n] of [...counts].sort((a, b) => best.get(b[0])! - best.get(a[0])!)) {
  total += best.get(name)!;
  kernels += n;
  console.log(`${name.padEnd(28)} ${String(n).padStart(4)} ${best.get(name)!.toFixed(3)} ms`);
}
console.log(`${kernels} kernels per step, sum of per-kernel best times ${total.toFixed(2)} ms`);
step.dispose();
