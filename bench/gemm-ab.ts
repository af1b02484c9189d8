/**
 * In-process A/B of bench/NOTES.md change 16 (the addon's AVX-512 GEMM, native/src/gemm512.c, against OpenBLAS)
 * on one bench row (default 'compiled igr_vae + fusedAdam') on WASM + native. The two GEMMs alternate step by step
 * on one model (ABBA order within each group of four steps), so both see the same machine; reported: the median of
 * the per-pair ratios avx512/openblas of wall time and of process CPU time (all threads), the medians of each, and
 * per-kernel profile minima (tf.profile) of the kernels that run GEMMs. The C benchmark of the GEMM shapes alone is
 * native/experiments/gemm512-bench.c.
 *
 *   npx tsx bench/gemm-ab.ts [row] [pairs=100]
 */
import { tf } from '../stdlib/tf.js';
import { initBackend, loadNativeAddon } from '../runtime/backend/index.js';
import { STEP_ROWS } from './step-rows.js';
import { median, pairedSteps, profileMinima, sumMinima } from './paired-ab.js';

const rowId = process.argv[2] ?? 'compiled igr_vae + fusedAdam';
const pairs = Number(process.argv[3] ?? 100);
await initBackend('wasm', { native: true });
const loaded = loadNativeAddon();
if (!('addon' in loaded) || loaded.addon.gemmKernel === undefined || loaded.addon.gemmKernel('avx512') !== 'avx512') {
  console.log(`skipped: no addon with the AVX-512 GEMM here (${'reason' in loaded ? loaded.reason : 'old addon or no AVX-512'})`);
  process.exit(0);
}
const addon = loaded.addon;
const use = (avx: boolean): void => void addon.gemmKernel?.(avx ? 'avx512' : 'openblas');
const row = STEP_ROWS.find((r) => r.id === rowId);
if (row === undefined) throw new Error(`no bench row ${rowId}`);
const s = await row.create(1);

const { wall, cpu, wallRatio, cpuRatio } = pairedSteps(() => s.step(), use, pairs);
// Kernel profiles, alternating: per kernel name the minimum over 15 profiled steps of its summed time in a step.
const { best } = await profileMinima(() => s.step(), use, 15);
const sum = sumMinima;
const gemms = ['BatchMatMul', '_FusedMatMul', 'SgmDenseGrad'];
console.log(`${rowId}, WASM + native, threads ${addon.threads()}, ${pairs} pairs; old = openblas, new = avx512`);
console.log(
  `profile minima, ms: ${gemms.map((n) => `${n} ${(best.old.get(n) ?? 0).toFixed(3)} -> ${(best.new.get(n) ?? 0).toFixed(3)}`).join(', ')}; ` +
    `these ${sum(best.old, gemms).toFixed(2)} -> ${sum(best.new, gemms).toFixed(2)}, all kernels ${sum(best.old).toFixed(2)} -> ${sum(best.new).toFixed(2)}`,
);
console.log(`wall ms median: old ${median(wall.old).toFixed(2)}, new ${median(wall.new).toFixed(2)}; median per-pair ratio new/old ${median(wallRatio).toFixed(3)}`);
console.log(`cpu ms median: old ${median(cpu.old).toFixed(2)}, new ${median(cpu.new).toFixed(2)}; median per-pair ratio new/old ${median(cpuRatio).toFixed(3)}`);
s.dispose();
use(true);
