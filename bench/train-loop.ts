/**
 * The training loop's overhead over the bench step (issue 19: `sgm train` steps/s within 5 % of 1000 / bench
 * step ms). Two measurements, both on the compiled igr_vae with FusedAdam on MNIST (binarized), batch 100:
 *
 *  - paired, in one process: the trainer (`train()`, what `sgm train` runs: batches from the bound data, the
 *    gradient norm and NaN/Inf guard, progress, the JSONL log, evaluation and checkpoints at `sgm train`'s
 *    defaults of every 500 steps) with one bench step (bench/step-rows.ts, "compiled igr_vae + fusedAdam", a
 *    second model on a fixed batch) run inside each `onStep`. The time between two `onStep` calls minus the bench
 *    step inside is one training step with everything the loop does around it; both see the same machine. The
 *    ratio is mean training step / mean bench step over the steps after warm-up (a mean, so the evaluation and
 *    checkpoint steps count); it also checks that the live tensors at step 10 and at the last step are equal.
 *  - the command itself: `sgm train` in a child process, its own steps/s (the last `train` record of its log)
 *    against the median of the bench step measured before it in the same bench run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { tf } from '../stdlib/tf.js';
import { bindModelData } from '../runtime/data/bind.js';
import { loadDataset } from '../runtime/data/registry.js';
import { DEFAULT_TEST_FRACTION, splitDataset } from '../runtime/data/split.js';
import { train } from '../runtime/train/trainer.js';
import { packageRoot } from '../runtime/package-root.js';
import { loadCompiledForBench } from './compiled-model.js';
import { STEP_ROWS } from './step-rows.js';

/** The bench row the loop is compared with, and the configurations measured (issue 19: both paths). */
export const LOOP_BENCH_ROW = 'compiled igr_vae + fusedAdam';
export const LOOP_CONFIGS: readonly string[] = ['wasm+native', 'wasm'];

/** The paired measurement of the training loop against the bench step. */
export interface TrainLoopMeasurement {
  readonly steps: number;
  readonly warmup: number;
  /** Mean and median ms of a training step (everything between two steps) and of the bench step. */
  readonly trainMs: { readonly mean: number; readonly median: number };
  readonly benchMs: { readonly mean: number; readonly median: number };
  /** Mean training step over mean bench step (1.00 = no overhead; the target is ≤ 1.05). */
  readonly ratio: number;
  /** The same with the process's CPU time (all threads) instead of wall time: robust to other processes' load. */
  readonly cpuRatio: number;
  /** The steps/s the trainer's progress line showed at the end, and 1000 / mean bench ms. */
  readonly reportedStepsPerSecond: number | null;
  readonly benchStepsPerSecond: number;
  /** tf.memory().numTensors at step 10 and at the last step (equal: no growth). */
  readonly tensorsAtStep10: number;
  readonly tensorsAtEnd: number;
  /** The first step (kernel setup, JIT), ms: part of what the progress line's rate averages over. */
  readonly firstStepMs: number;
  /** V8 garbage collection (perf_hooks 'gc' entries) that began inside training steps and inside bench steps after warm-up, ms per step. */
  readonly gcMsPerStep: { readonly train: number; readonly bench: number };
}

/** One configuration's result in bench/results.json. */
export interface TrainLoopResult {
  readonly config: string;
  readonly paired?: TrainLoopMeasurement;
  /** Peak RSS of the paired child process (two models, the dataset, the trainer), MB. */
  readonly peakRssMb?: number;
  readonly error?: string;
  /** `sgm train` in its own process, and the bench step's median on this configuration in the step table. */
  readonly cli: ReturnType<typeof runSgmTrain>;
  readonly benchMs?: number;
}

/** The printed lines of one result. */
export function describeLoop(r: TrainLoopResult): string[] {
  const p = r.paired;
  const lines = [
    p
      ? `${r.config}: paired: training step ${p.trainMs.mean} ms mean (${p.trainMs.median} median) vs bench step ${p.benchMs.mean} ms mean ` +
        `(${p.benchMs.median} median): ratio ${p.ratio} (target <= 1.05), in CPU time ${p.cpuRatio}; live tensors at step 10 / ${p.steps}: ${p.tensorsAtStep10} / ${p.tensorsAtEnd}; ` +
        `first step ${p.firstStepMs} ms; GC ${p.gcMsPerStep?.train} / ${p.gcMsPerStep?.bench} ms per training / bench step; peak RSS ${r.peakRssMb} MB`
      : `${r.config}: paired: ${r.error}`,
  ];
  const c = r.cli;
  if (c.stepsPerSecond !== undefined && r.benchMs !== undefined) {
    lines.push(`${r.config}: sgm train ${c.stepsPerSecond} steps/s (${c.seconds} s in all) x bench step ${r.benchMs} ms / 1000 = ${((c.stepsPerSecond * r.benchMs) / 1000).toFixed(3)} (target >= 0.95)`);
  } else {
    lines.push(`${r.config}: sgm train: ${c.error ?? 'no bench step to compare with'}`);
  }
  return lines;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

/** The training data of `sgm train models/igr_vae.sgm --data mnist-binarized` (default split). */
async function igrVaeRun(): Promise<{ module: Awaited<ReturnType<typeof loadCompiledForBench>>; data: Parameters<typeof train>[1] }> {
  const module = await loadCompiledForBench('models/igr_vae.sgm');
  const split = splitDataset(loadDataset('mnist-binarized'), { testFraction: DEFAULT_TEST_FRACTION, seed: 0 });
  const data = { train: bindModelData(module.metadata, split.train), ...(split.test ? { test: bindModelData(module.metadata, split.test) } : {}) };
  return { module, data };
}

/** Runs `steps` training steps with a bench step after each (see the module comment); on the active backend. */
export async function measureTrainLoop(steps: number, warmup = 5): Promise<TrainLoopMeasurement> {
  const { module, data } = await igrVaeRun();
  const bench = await STEP_ROWS.find((r) => r.id === LOOP_BENCH_ROW)!.create(1);
  const model = await module.create({ seed: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'sgm-bench-loop-'));
  const trainMs: number[] = [];
  const benchMs: number[] = [];
  const trainCpu: number[] = [];
  const benchCpu: number[] = [];
  const cpuMs = (): number => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  let resumedCpu = 0;
  let tensorsAtStep10 = -1;
  let tensorsAtEnd = -1;
  let resumed = 0;
  // Phases after warm-up as [start, end) in performance.now() time, to attribute each GC to the step it began in.
  const phases: Array<{ start: number; end: number; train: boolean }> = [];
  const gcs: Array<{ start: number; ms: number }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ start: e.startTime, ms: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    for (let i = 0; i < warmup; i++) bench.step();
    resumed = performance.now();
    resumedCpu = cpuMs();
    const summary = await train(model, data, {
      steps,
      batchSize: 100,
      checkpointDir: dir,
      overwrite: true,
      // A file or a pipe, not a terminal: a plain progress line every steps / 20 steps, as in CI or `| tee`.
      progress: { stream: { write: () => true, isTTY: false } },
      onStep: ({ step }) => {
        const now = performance.now();
        trainMs.push(now - resumed);
        const cpu0 = cpuMs();
        trainCpu.push(cpu0 - resumedCpu);
        if (step > warmup) phases.push({ start: resumed, end: now, train: true });
        if (step === 10) tensorsAtStep10 = tf.memory().numTensors;
        if (step === steps) tensorsAtEnd = tf.memory().numTensors;
        const t0 = performance.now();
        bench.step();
        benchMs.push(performance.now() - t0);
        resumedCpu = cpuMs();
        benchCpu.push(resumedCpu - cpu0);
        resumed = performance.now();
        if (step > warmup) phases.push({ start: t0, end: resumed, train: false });
      },
    });
    if (summary.status !== 'completed') throw new Error(`training stopped: ${summary.message}`);
    const log = readFileSync(join(dir, 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; stepsPerSecond?: number });
    const reported = log.filter((r) => r.type === 'train').at(-1)?.stepsPerSecond ?? null;
    // Entries are delivered asynchronously: let the observer's callback run before reading them.
    await new Promise((r) => setImmediate(r));
    const gcIn = (train: boolean): number =>
      gcs.filter((g) => phases.some((p) => p.train === train && g.start >= p.start && g.start < p.end)).reduce((a, g) => a + g.ms, 0);
    const t = trainMs.slice(warmup);
    const b = benchMs.slice(warmup);
    return {
      steps,
      warmup,
      trainMs: { mean: round(mean(t)), median: round(median(t)) },
      benchMs: { mean: round(mean(b)), median: round(median(b)) },
      ratio: round(mean(t) / mean(b), 3),
      cpuRatio: round(mean(trainCpu.slice(warmup)) / mean(benchCpu.slice(warmup)), 3),
      // The trainer's own rate also counts the bench steps run inside onStep: take them out.
      reportedStepsPerSecond: reported === null ? null : round(1000 / (1000 / reported - mean(benchMs)), 2),
      benchStepsPerSecond: round(1000 / mean(b), 2),
      tensorsAtStep10,
      tensorsAtEnd,
      firstStepMs: round(trainMs[0], 1),
      gcMsPerStep: { train: round(gcIn(true) / t.length), bench: round(gcIn(false) / b.length) },
    };
  } finally {
    observer.disconnect();
    model.dispose();
    bench.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `sgm train` as a user runs it, in a child process; its steps/s as its log reports it (or an error). */
export function runSgmTrain(steps: number, env: Readonly<Record<string, string>>): { stepsPerSecond?: number; seconds: number; error?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sgm-bench-train-'));
  const cli = join(packageRoot(), 'cli/sgm.ts');
  const args = ['--import', 'tsx', cli, 'train', 'models/igr_vae.sgm', '--backend', 'wasm', '--data', 'mnist-binarized', '--steps', String(steps), '--batch', '100', '--checkpoint', dir, '--overwrite'];
  const t0 = performance.now();
  try {
    const out = spawnSync(process.execPath, args, { cwd: packageRoot(), encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 16 * 2 ** 20 });
    const seconds = round((performance.now() - t0) / 1000, 1);
    if (out.status !== 0) return { seconds, error: `exit ${out.status}: ${(out.stderr || '').trim().split('\n').slice(-2).join(' | ')}` };
    const log = readFileSync(join(dir, 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; stepsPerSecond?: number });
    const rate = log.filter((r) => r.type === 'train').at(-1)?.stepsPerSecond;
    return rate === undefined ? { seconds, error: 'no steps/s in the log' } : { stepsPerSecond: round(rate, 2), seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
