/**
 * In-process A/B of bench/NOTES.md change 12 (the dense layer's backward pass as one native SgmDenseGrad kernel)
 * on one bench row (default 'compiled igr_vae + fusedAdam') on WASM + native. The two paths alternate step by
 * step on one model (ABBA order within each group of four steps), so both see the same machine; reported: the
 * median of the per-pair ratios new/old of wall time and of process CPU time (all threads), the medians of each,
 * and kernels per step from tf.profile. Then two fresh models of one seed, one per path, train side by side and
 * their losses are compared (the bias sums' order differs: float32 rounding, which training then carries on).
 *
 *   npx tsx bench/dense-grad-ab.ts [row] [pairs=100]
 */
import { tf } from '../stdlib/tf.js';
import { fusedAdam, initBackend, loadNativeAddon } from '../runtime/backend/index.js';
import { DENSE_GRAD_KERNEL, registerDenseGradKernel } from '../runtime/backend/dense-grad.js';
import { STEP_ROWS } from './step-rows.js';
import { median, pairedSteps, profileMinima, sumMinima } from './paired-ab.js';
import { createReferenceVae, randomBinaryBatch } from './reference-vae.js';

const rowId = process.argv[2] ?? 'compiled igr_vae + fusedAdam';
const pairs = Number(process.argv[3] ?? 100);
await initBackend('wasm', { native: true });
const loaded = loadNativeAddon();
if (!('addon' in loaded) || tf.getKernel(DENSE_GRAD_KERNEL, 'wasm') === undefined) {
  console.log(`skipped: SgmDenseGrad is not installed (${'reason' in loaded ? loaded.reason : 'SGM_FUSED_DENSE_GRAD=0 or an old addon'})`);
  process.exit(0);
}
const addon = loaded.addon;
const use = (fused: boolean): void => void registerDenseGradKernel('wasm', fused ? addon : null);
const row = STEP_ROWS.find((r) => r.id === rowId);
if (row === undefined) throw new Error(`no bench row ${rowId}`);
const s = await row.create(1);

const { wall, cpu, wallRatio, cpuRatio } = pairedSteps(() => s.step(), use, pairs);
// Kernel profiles, alternating: per kernel name the minimum over 9 profiled steps of its summed time in a step.
const { best, count } = await profileMinima(() => s.step(), use, 9);
const sum = sumMinima;
const changed = ['BatchMatMul', 'Sum', 'Step', 'Multiply', 'Reshape', DENSE_GRAD_KERNEL];
console.log(`${rowId}, WASM + native, ${pairs} pairs`);
console.log(`kernels per step: old ${count.old}, new ${count.new}`);
console.log(
  `profile minima, ms: ${changed.map((n) => `${n} ${(best.old.get(n) ?? 0).toFixed(3)} -> ${(best.new.get(n) ?? 0).toFixed(3)}`).join(', ')}; ` +
    `these ${sum(best.old, changed).toFixed(2)} -> ${sum(best.new, changed).toFixed(2)}, all kernels ${sum(best.old).toFixed(2)} -> ${sum(best.new).toFixed(2)}`,
);
console.log(`wall ms median: old ${median(wall.old).toFixed(2)}, new ${median(wall.new).toFixed(2)}; median per-pair ratio new/old ${median(wallRatio).toFixed(3)}`);
console.log(`cpu ms median: old ${median(cpu.old).toFixed(2)}, new ${median(cpu.new).toFixed(2)}; median per-pair ratio new/old ${median(cpuRatio).toFixed(3)}`);
s.dispose();

// The same training from one seed on each path, the two models stepping alternately: the hand-written reference
// VAE with runtime/nn layers and FusedAdam, 30 steps on one batch.
const x = randomBinaryBatch(3);
const opts = [fusedAdam(1e-3), fusedAdam(1e-3)];
const vaes = opts.map((optimizer) => createReferenceVae(5, { layers: 'sgm-nn', optimizer }));
let worst = 0;
for (let i = 0; i < 30; i++) {
  use(false);
  const old = vaes[0].step(x);
  use(true);
  const fused = vaes[1].step(x);
  worst = Math.max(worst, Math.abs(fused - old) / Math.abs(old));
  if (i === 0 || i === 29) console.log(`step ${i + 1}: loss old ${old}, new ${fused}`);
}
console.log(`largest relative loss difference over 30 steps: ${worst.toExponential(2)}`);
vaes.forEach((v) => v.dispose());
opts.forEach((o) => o.dispose());
x.dispose();
use(true);
