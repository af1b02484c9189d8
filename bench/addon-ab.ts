/**
 * In-process A/B of two builds of the native addon (bench/NOTES.md change 18) on one bench row (default 'compiled
 * igr_vae + fusedAdam') on WASM + native: the addon built in this checkout (new) against another build (old, e.g. a
 * copy of native/build/Release/sgm_native.node made before a change). Each addon keeps its own thread pool; every
 * kernel the addon provides (GEMMs, SgmDenseGrad, unary, SgmFused, Adam, sum of squares) is registered from the
 * active one before each step, outside the timing, and the two alternate step by step (ABBA order within each
 * group of four steps), so both see the same machine. Each addon trains its own instance of the model (same seed):
 * a replayed step (runtime/train/replay) calls the kernel functions it recorded, so one instance per addon is what
 * keeps each on its own kernels. Reported as bench/gemm-ab.ts does: the median of the per-pair ratios new/old of
 * wall and process CPU time, and per-kernel minima of the GEMM kernels (timed by the replay, or by tf.profile
 * for a step that is not replayed).
 * SGM_THREADS sets both pools' thread count, SGM_SPIN_US their workers' spin (default 50); SGM_SPIN_US_OLD gives the
 * old one another spin (with old = a copy of this build, an A/B of the spin alone).
 *
 *   cp native/build/Release/sgm_native.node /tmp/old.node   # before the change, then rebuild
 *   npx tsx bench/addon-ab.ts /tmp/old.node [pairs=100] [row]
 */
import { tf } from '../stdlib/tf.js';
import {
  initBackend,
  installNativeKernels,
  loadAddonFrom,
  loadNativeAddon,
  nativeThreadCount,
  registerSumOfSquaresKernel,
  type SgmNative,
} from '../runtime/backend/index.js';
import { registerDenseGradKernel } from '../runtime/backend/dense-grad.js';
import { registerFusedAdamInPlaceKernel, registerFusedAdamKernel } from '../runtime/backend/fused-adam.js';
import { stepReplayStatus, timeReplayedKernels } from '../runtime/train/step.js';
import { STEP_ROWS, type BenchStep } from './step-rows.js';
import { median, pairedSteps, profileMinima, sumMinima } from './paired-ab.js';

const oldPath = process.argv[2];
const pairs = Number(process.argv[3] ?? 100);
const rowId = process.argv[4] ?? 'compiled igr_vae + fusedAdam';
if (oldPath === undefined) throw new Error('usage: npx tsx bench/addon-ab.ts OLD_ADDON.node [pairs] [row]');
await initBackend('wasm', { native: true });
const fresh = loadNativeAddon();
const old = loadAddonFrom([oldPath]);
if (!('addon' in fresh) || !('addon' in old)) {
  console.log(`skipped: ${'reason' in fresh ? `new addon: ${fresh.reason}` : ''} ${'reason' in old ? `old addon: ${old.reason}` : ''}`);
  process.exit(0);
}
const spin = Number(process.env.SGM_SPIN_US ?? 50);
const spinOld = Number(process.env.SGM_SPIN_US_OLD ?? spin);
old.addon.threads(nativeThreadCount(), spinOld);
fresh.addon.threads(nativeThreadCount(), spin);
// installNativeKernels configures the pool (restarting its threads); the pools are configured once above instead.
const keepPool = (a: SgmNative): SgmNative => ({ ...a, threads: () => a.threads() });
const kernelsOf = { old: keepPool(old.addon), new: keepPool(fresh.addon) };
/** Registers every kernel `addon` provides; returns the backend's kernel configs by name. */
const install = (addon: SgmNative): Map<string, tf.KernelConfig> => {
  installNativeKernels('wasm', true, { addon });
  registerDenseGradKernel('wasm', addon);
  registerFusedAdamInPlaceKernel(addon);
  registerFusedAdamKernel('wasm', addon);
  registerSumOfSquaresKernel('wasm', addon);
  return new Map(tf.getKernelsForBackend('wasm').map((c) => [c.kernelName, { ...c }]));
};
// Installed once per addon; switching re-registers the same kernel functions, as a replayed step requires.
const configs = { old: install(kernelsOf.old), new: install(kernelsOf.new) };
const switched = [...configs.new.keys()].filter((k) => configs.old.get(k)?.kernelFunc !== configs.new.get(k)?.kernelFunc);
let current: 'old' | 'new' = 'new';
const use = (isNew: boolean): void => {
  const path = isNew ? 'new' : 'old';
  if (path === current) return;
  current = path;
  for (const name of switched) {
    if (tf.getKernel(name, 'wasm') !== undefined) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(configs[path].get(name)!);
  }
};
const row = STEP_ROWS.find((r) => r.id === rowId);
if (row === undefined) throw new Error(`no bench row ${rowId}`);
use(false);
const stepOld = await row.create(1);
use(true);
const steps: Record<'old' | 'new', BenchStep> = { old: stepOld, new: await row.create(1) };
console.log(`kernels switched between the addons: ${switched.join(', ')}`);
const step = (): void => steps[current].step();

const { wall, cpu, wallRatio, cpuRatio } = pairedSteps(step, use, pairs);
const replayed = (s: BenchStep): boolean => s.model !== undefined && stepReplayStatus(s.model)?.state === 'replaying';
let best: Record<'old' | 'new', Map<string, number>>;
if (replayed(steps.old) && replayed(steps.new)) {
  // Per kernel name the least summed time in one step over 15 timed steps of each, alternating.
  best = { old: new Map(), new: new Map() };
  for (let r = 0; r < 30; r++) {
    const path = r % 2 === 0 ? 'old' : 'new';
    use(path === 'new');
    const timing = new Map<string, { ms: number; calls: number }>();
    timeReplayedKernels(steps[path].model!, timing);
    step();
    timeReplayedKernels(steps[path].model!, undefined);
    for (const [name, t] of timing) best[path].set(name, Math.min(best[path].get(name) ?? Infinity, t.ms));
  }
} else {
  ({ best } = await profileMinima(step, use, 15));
}
const gemms = ['BatchMatMul', '_FusedMatMul', 'SgmDenseGrad'];
console.log(`${rowId}, WASM + native, threads ${fresh.addon.threads()}, spin ${spinOld} | ${spin} us, ${pairs} pairs; old = ${oldPath}, new = this build; ` +
  `kernels ${replayed(steps.new) ? 'replayed' : 'through tfjs'}`);
console.log(
  `profile minima, ms: ${gemms.map((n) => `${n} ${(best.old.get(n) ?? 0).toFixed(3)} -> ${(best.new.get(n) ?? 0).toFixed(3)}`).join(', ')}; ` +
    `these ${sumMinima(best.old, gemms).toFixed(2)} -> ${sumMinima(best.new, gemms).toFixed(2)}, all kernels ${sumMinima(best.old).toFixed(2)} -> ${sumMinima(best.new).toFixed(2)}`,
);
console.log(`wall ms median: old ${median(wall.old).toFixed(2)}, new ${median(wall.new).toFixed(2)}; median per-pair ratio new/old ${median(wallRatio).toFixed(3)}`);
console.log(`cpu ms median: old ${median(cpu.old).toFixed(2)}, new ${median(cpu.new).toFixed(2)}; median per-pair ratio new/old ${median(cpuRatio).toFixed(3)}`);
steps.old.dispose();
steps.new.dispose();
use(true);
