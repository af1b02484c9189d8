/**
 * Timing and memory measurements of one training step: the median of many timed steps after warm-up, one
 * profiled step (kernels, tensors allocated, per-kernel time), and a long run for tensor/byte growth.
 */
import { tf } from '../stdlib/tf.js';
import type { SectionResult } from './sections.js';
import type { BenchStep } from './step-rows.js';
import { timeReplayedKernels } from '../runtime/train/step.js';
import type { ReferenceResult } from './references.js';
import type { TrainLoopResult } from './train-loop.js';

/** Timing and memory of one step row on one backend. */
export interface StepMeasurement {
  readonly warmup: number;
  readonly steps: number;
  /** Milliseconds per step: median, 10th and 90th percentile, fastest. */
  readonly ms: { readonly median: number; readonly p10: number; readonly p90: number; readonly min: number };
  /** Kernels run by one step (tf.profile). */
  readonly kernelsPerStep: number;
  /** Tensors created by one step (outputs of its kernels; all but the loss are released by the step). */
  readonly tensorsPerStep: number;
  /** Live tensors gained per step over the timed steps (0 = no leak). */
  readonly leakedTensorsPerStep: number;
  /** The most expensive kernels of the profiled step. */
  readonly topKernels: readonly { readonly name: string; readonly ms: number; readonly calls: number }[];
}

/** Growth over a long run of steps. */
export interface GrowthMeasurement {
  readonly steps: number;
  readonly tensorsBefore: number;
  readonly tensorsAfter: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  readonly rssMbBefore: number;
  readonly rssMbAfter: number;
  /** Size of the WASM heap before and after (MB; null off WASM). RSS also holds V8's garbage-collected heap, which
   * rises and falls by ~100 MB over a thousand steps; the WASM heap and tensor bytes are what must stay flat. */
  readonly wasmHeapMbBefore: number | null;
  readonly wasmHeapMbAfter: number | null;
  readonly msPerStep: number;
}

/** The WASM backend's heap size in MB, or null on other backends. */
function wasmHeapMb(): number | null {
  if (tf.getBackend() !== 'wasm') return null;
  // BackendWasm exposes its emscripten module as `wasm`; the heap is its HEAPU8.
  const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8;
  return round(heap.length / 2 ** 20, 1);
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

/** Median, 10th and 90th percentile and fastest of step times (ms, rounded). */
function msSummary(times: readonly number[]): StepMeasurement['ms'] {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: round(quantile(sorted, 0.5)), p10: round(quantile(sorted, 0.1)), p90: round(quantile(sorted, 0.9)), min: round(sorted[0]) };
}

/** Times `steps` steps after `warmup` untimed ones, then profiles one more. */
export async function measureStep(step: BenchStep, warmup: number, steps: number): Promise<StepMeasurement> {
  for (let i = 0; i < warmup; i++) step.step();
  const before = tf.memory().numTensors;
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step.step();
    times.push(performance.now() - t0);
  }
  const leaked = (tf.memory().numTensors - before) / steps;
  // A replayed step's kernels (runtime/train/replay) bypass tfjs' engine, so tf.profile misses them: the replay
  // times them itself; tf.profile sees the rest (the optimizer's kernels). Replayed kernels count one tensor per
  // call (their multi-output calls are not told apart here).
  const replayed = new Map<string, { ms: number; calls: number }>();
  if (step.model !== undefined) timeReplayedKernels(step.model, replayed);
  const profile = await tf.profile(() => step.step());
  if (step.model !== undefined) timeReplayedKernels(step.model, undefined);
  const byName = new Map<string, { ms: number; calls: number }>(replayed);
  let tensors = 0;
  for (const e of replayed.values()) tensors += e.calls;
  for (const k of profile.kernels) {
    const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += Number(k.kernelTimeMs) || 0;
    e.calls += 1;
    byName.set(k.name, e);
    tensors += k.outputShapes.length;
  }
  const topKernels = [...byName]
    .map(([name, e]) => ({ name, ms: round(e.ms), calls: e.calls }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 8);
  return {
    warmup,
    steps,
    ms: msSummary(times),
    kernelsPerStep: profile.kernels.length + [...replayed.values()].reduce((n, e) => n + e.calls, 0),
    tensorsPerStep: tensors,
    leakedTensorsPerStep: leaked,
    topKernels,
  };
}

/** Two steps timed in one process, alternating, so both see the same machine (the zero-overhead check). */
export interface PairMeasurement {
  readonly steps: number;
  /** Median and fastest ms per step of the first (the compiled model) and the second (its yardstick). */
  readonly a: StepMeasurement['ms'];
  readonly b: StepMeasurement['ms'];
  /** Median over the pairs of a's time over b's in the same pair: robust to slow periods of the machine. */
  readonly ratio: number;
}

/** Alternates a and b for `steps` pairs after `warmup` untimed pairs. */
export function measurePair(a: BenchStep, b: BenchStep, warmup: number, steps: number): PairMeasurement {
  for (let i = 0; i < warmup; i++) {
    a.step();
    b.step();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < steps; i++) {
    // Alternate which goes first, so neither always follows the other's garbage.
    const [first, second, t1, t2] = i % 2 === 0 ? [a, b, ta, tb] : [b, a, tb, ta];
    let t0 = performance.now();
    first.step();
    t1.push(performance.now() - t0);
    t0 = performance.now();
    second.step();
    t2.push(performance.now() - t0);
    ratios.push(ta[ta.length - 1] / tb[tb.length - 1]);
  }
  return { steps, a: msSummary(ta), b: msSummary(tb), ratio: round(quantile([...ratios].sort((x, y) => x - y), 0.5), 3) };
}

/** Runs `steps` steps and reports live tensors, bytes and RSS before and after. */
export function measureGrowth(step: BenchStep, steps: number): GrowthMeasurement {
  // Three steps first: the optimizer's moments appear on the first, and a compiled row records its first two steps
  // for replay (runtime/train/replay), during which the WASM heap grows once (23.1 -> 27.8 MB, then flat for
  // 1,500 steps: measured 2026-12-03).
  for (let i = 0; i < 3; i++) step.step();
  const m0 = tf.memory();
  const rss0 = process.memoryUsage().rss;
  const heap0 = wasmHeapMb();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step.step();
  const elapsed = performance.now() - t0;
  const m1 = tf.memory();
  return {
    steps,
    tensorsBefore: m0.numTensors,
    tensorsAfter: m1.numTensors,
    bytesBefore: m0.numBytes,
    bytesAfter: m1.numBytes,
    rssMbBefore: round(rss0 / 2 ** 20, 1),
    rssMbAfter: round(process.memoryUsage().rss / 2 ** 20, 1),
    wasmHeapMbBefore: heap0,
    wasmHeapMbAfter: wasmHeapMb(),
    msPerStep: round(elapsed / steps),
  };
}

/** One cell of the step table: a row on a configuration. */
export interface StepResult {
  readonly config: string;
  readonly row: string;
  readonly status: 'measured' | 'unavailable' | 'failed';
  readonly reason?: string;
  readonly measurement?: StepMeasurement;
  /** Peak resident set of the child process that ran only this row (MB). */
  readonly peakRssMb?: number;
  /** This row's median over that of the hand-written row with the same optimizer on the same configuration. */
  readonly ratio?: number;
}

/** The machine a report was measured on. */
export interface BenchMachine {
  readonly cpu: string | undefined;
  readonly cores: number;
  readonly memoryGb: number;
  readonly os: string;
  readonly node: string;
  readonly tfjs: string;
  readonly openblas: string | null;
  /** Threads of the native kernels (SGM_THREADS or one per core) and OPENBLAS_CORETYPE as the environment set it. */
  readonly nativeThreads?: number;
  readonly openblasCoreType?: string | null;
  readonly loadAverageAtStart: readonly number[];
  readonly loadAverageAtEnd?: readonly number[];
}

/** bench/results.json: written by bench/run.ts, read by bench/markdown.ts. */
export interface BenchReport {
  readonly generated: string;
  readonly machine: BenchMachine;
  readonly settings: { readonly warmup: number; readonly steps: number; readonly long: number };
  readonly configurations: readonly unknown[];
  readonly rows: readonly { readonly id: string; readonly description: string; readonly baseline: boolean; readonly compiled: boolean }[];
  readonly results: readonly StepResult[];
  readonly pairs: readonly { readonly config: string; readonly row: string; readonly yardstick: string; readonly pair?: PairMeasurement; readonly error?: string }[];
  readonly growth: readonly { readonly config: string; readonly row: string; readonly growth?: GrowthMeasurement; readonly error?: string }[];
  /** The training loop against the bench step (bench/train-loop.ts); absent in results written before it. */
  readonly trainLoops?: readonly TrainLoopResult[];
  /** JAX and PyTorch running the same step (bench/references.ts); absent in results written before them. */
  readonly references?: readonly ReferenceResult[];
  readonly sections: readonly SectionResult[];
}
