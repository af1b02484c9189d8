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

const median = (xs: number[]): number => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const timed = (avx: boolean): [number, number] => {
  use(avx);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  s.step();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return [wall, (c.user + c.system) / 1000];
};

for (let i = 0; i < 10; i++) timed(i % 2 === 0);
const wall: Record<'old' | 'new', number[]> = { old: [], new: [] };
const cpu: Record<'old' | 'new', number[]> = { old: [], new: [] };
const wallRatio: number[] = [];
const cpuRatio: number[] = [];
for (let p = 0; p < pairs; p++) {
  const order = p % 2 === 0 ? [false, true] : [true, false];
  const r: Record<string, [number, number]> = {};
  for (const avx of order) r[avx ? 'new' : 'old'] = timed(avx);
  wall.old.push(r.old[0]);
  wall.new.push(r.new[0]);
  cpu.old.push(r.old[1]);
  cpu.new.push(r.new[1]);
  wallRatio.push(r.new[0] / r.old[0]);
  cpuRatio.push(r.new[1] / r.old[1]);
}
// Kernel profiles, alternating: per kernel name the minimum over 15 profiled steps of its summed time in a step.
const best: Record<'old' | 'new', Map<string, number>> = { old: new Map(), new: new Map() };
for (let r = 0; r < 30; r++) {
  const path = r % 2 === 0 ? 'old' : 'new';
  use(path === 'new');
  const info = await tf.profile(() => s.step());
  const per = new Map<string, number>();
  for (const k of info.kernels) per.set(k.name, (per.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  for (const [name, ms] of per) best[path].set(name, Math.min(best[path].get(name) ?? Infinity, ms));
}
const sum = (m: Map<string, number>, names?: string[]): number =>
  [...m].filter(([n]) => names === undefined || names.includes(n)).reduce((t, [, ms]) => t + ms, 0);
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
