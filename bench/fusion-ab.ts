/**
 * In-process A/B of fused elementwise programs (stdlib/fusion, bench/NOTES.md change 11): one training step of a
 * step-table row with SgmFused on, then off (tfjs ops, as SGM_FUSION=0), alternating which goes first, on one
 * backend. Prints the median of per-pair time ratios (robust to a loaded machine: both halves of a pair see the
 * same load), each side's median and process CPU time, and the kernels per step (tf.profile) of each side.
 *   npx tsx bench/fusion-ab.ts [row id] [wasm|cpu] [native|nonative] [pairs]
 */
import { tf } from '../stdlib/tf.js';
import { initBackend } from '../runtime/backend/index.js';
import { setFusionEnabled } from '../stdlib/fusion/index.js';
import { STEP_ROWS } from './step-rows.js';

const rowId = process.argv[2] ?? 'compiled igr_vae + fusedAdam';
const backend = (process.argv[3] ?? 'wasm') as 'wasm' | 'cpu';
const native = (process.argv[4] ?? 'native') === 'native';
const pairs = Number(process.argv[5] ?? 40);

const info = await initBackend(backend, { native });
const row = STEP_ROWS.find((r) => r.id === rowId);
if (row === undefined) throw new Error(`no step row '${rowId}'`);
const s = await row.create(1);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function timed(on: boolean): { wall: number; cpu: number } {
  setFusionEnabled(on);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  s.step();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}
for (let i = 0; i < 8; i++) [timed(true), timed(false)];
const ratios: number[] = [];
const on: number[] = [];
const off: number[] = [];
const cpuOn: number[] = [];
const cpuOff: number[] = [];
for (let i = 0; i < pairs; i++) {
  const first = i % 2 === 0;
  const a = timed(first);
  const b = timed(!first);
  const [f, u] = first ? [a, b] : [b, a];
  on.push(f.wall);
  off.push(u.wall);
  cpuOn.push(f.cpu);
  cpuOff.push(u.cpu);
  ratios.push(f.wall / u.wall);
}
/** Kernels per step, and the sum over kernel names of the least time (of 7 profiled steps) spent in each. */
async function kernels(enabled: boolean): Promise<{ count: number; ms: number; fused: number }> {
  setFusionEnabled(enabled);
  const best = new Map<string, number>();
  let count = 0;
  for (let r = 0; r < 7; r++) {
    const p = await tf.profile(() => s.step());
    count = p.kernels.length;
    const per = new Map<string, number>();
    for (const k of p.kernels) per.set(k.name, (per.get(k.name) ?? 0) + (k.kernelTimeMs as number));
    for (const [k, v] of per) best.set(k, Math.min(best.get(k) ?? Infinity, v));
  }
  const ms = [...best.values()].reduce((a, b) => a + b, 0);
  return { count, ms, fused: best.get('SgmFused') ?? 0 };
}
const kOn = await kernels(true);
const kOff = await kernels(false);
const kernelLine = (k: { count: number; ms: number; fused: number }): string =>
  `${k.count} kernels/step, kernel time ${k.ms.toFixed(2)} ms (sum of per-kernel minima; SgmFused ${k.fused.toFixed(2)} ms)`;
setFusionEnabled(true);
console.log(`${rowId} on ${backend}${info.native.state === 'installed' ? ' + native' : ''}, ${pairs} pairs`);
console.log(`fused:   median ${median(on).toFixed(2)} ms (cpu ${median(cpuOn).toFixed(2)} ms), ${kernelLine(kOn)}`);
console.log(`unfused: median ${median(off).toFixed(2)} ms (cpu ${median(cpuOff).toFixed(2)} ms), ${kernelLine(kOff)}`);
console.log(`median per-pair ratio fused/unfused: ${median(ratios).toFixed(3)}`);
s.dispose();
