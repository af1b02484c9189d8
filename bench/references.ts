/**
 * The JAX and PyTorch references of the bench step (bench/reference_jax.py, bench/reference_torch.py: the same IGR-I
 * VAE step, batch 100, Adam), run when a Python with the framework is installed (scripts/install-references.sh),
 * skipped with the reason otherwise. Each runs in its own process after the step table, in the same bench run, so
 * the ratios sgm / reference compare numbers taken minutes apart on the same machine, not across runs.
 *
 * Configurations (issue 19's acceptance lines): JAX jit on every core, JAX pinned to one core (taskset) with one
 * XLA thread, PyTorch eager on one thread and on every core.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../runtime/package-root.js';
import type { StepResult } from './measure.js';

/** One reference configuration's result. */
export interface ReferenceResult {
  readonly id: string;
  readonly status: 'measured' | 'skipped' | 'failed';
  /** Why skipped or failed. */
  readonly reason?: string;
  readonly python?: string;
  readonly version?: string;
  readonly mode?: string;
  readonly threads?: number;
  readonly ms?: { readonly median: number; readonly p10: number; readonly p90: number; readonly min: number };
}

interface ReferenceConfig {
  readonly id: string;
  readonly module: 'jax' | 'torch';
  readonly script: string;
  readonly args: readonly string[];
  /** Pin to CPU 0 with taskset (skipped with the reason when taskset is missing). */
  readonly pin?: boolean;
}

const CORES = os.cpus().length;

export const REFERENCE_CONFIGS: readonly ReferenceConfig[] = [
  { id: `jax jit (${CORES} cores)`, module: 'jax', script: 'reference_jax.py', args: [] },
  { id: 'jax jit (1 core, 1 thread)', module: 'jax', script: 'reference_jax.py', args: ['--one-thread'], pin: true },
  { id: 'pytorch eager (1 thread)', module: 'torch', script: 'reference_torch.py', args: ['--threads', '1'] },
  { id: `pytorch eager (${CORES} threads)`, module: 'torch', script: 'reference_torch.py', args: ['--threads', String(CORES)] },
];

/** Pythons to try, in order: $SGM_PYTHON, python3 on the PATH, the system's (Debian's python3-torch is there). */
function pythons(): string[] {
  return [...new Set([process.env.SGM_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p))];
}

/** The first Python that imports `module`, or the reason none does. */
export function findPython(module: string): { python: string } | { reason: string } {
  const tried: string[] = [];
  for (const python of pythons()) {
    const r = spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return { python };
    tried.push(r.error ? `${python} not found` : `${python}: ${(r.stderr.trim().split('\n').at(-1) ?? '').slice(0, 80)}`);
  }
  return { reason: `no Python with ${module} (${tried.join('; ')}); bash scripts/install-references.sh installs it` };
}

/** Whether `taskset` (util-linux) runs here: the one-core configurations pin their processes with it. */
export function hasTaskset(): boolean {
  return spawnSync('taskset', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** Runs every reference configuration (warm-up and timed steps as the step table's). */
export function runReferences(warmup: number, steps: number): ReferenceResult[] {
  const found = new Map<string, ReturnType<typeof findPython>>();
  return REFERENCE_CONFIGS.map((config): ReferenceResult => {
    if (!found.has(config.module)) found.set(config.module, findPython(config.module));
    const py = found.get(config.module)!;
    if ('reason' in py) return { id: config.id, status: 'skipped', reason: py.reason };
    if (config.pin && !hasTaskset()) return { id: config.id, status: 'skipped', reason: 'taskset (util-linux) is not installed' };
    const script = join(packageRoot(), 'bench', config.script);
    const argv = [script, ...config.args, '--warmup', String(warmup), '--steps', String(steps)];
    const [cmd, args] = config.pin ? ['taskset', ['-c', '0', py.python, ...argv]] : [py.python, argv];
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 600_000, maxBuffer: 16 * 2 ** 20 });
    const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
    if (r.status !== 0 || line === undefined) {
      const err = (r.stderr || r.stdout || String(r.error ?? '')).trim().split('\n').slice(-2).join(' | ').slice(0, 300);
      return { id: config.id, status: 'failed', python: py.python, reason: `exit ${r.status}: ${err}` };
    }
    const out = JSON.parse(line.slice('RESULT '.length)) as Required<Pick<ReferenceResult, 'version' | 'mode' | 'threads' | 'ms'>>;
    return { id: config.id, status: 'measured', python: py.python, version: out.version, mode: out.mode, threads: out.threads, ms: out.ms };
  });
}

/** sgm's configurations the references are compared with (the compiled step of the step table). */
const SGM_CONFIGS = ['wasm+native', 'wasm+native (1 thread)', 'wasm+native (1 core)', 'wasm'];

/** sgm's median ms of `row` on each of SGM_CONFIGS over each reference's median: the printed ratios. */
export function referenceRatios(ref: ReferenceResult, results: readonly StepResult[], row: string): Array<{ config: string; ratio: number }> {
  if (!ref.ms) return [];
  return SGM_CONFIGS.flatMap((config) => {
    const ms = results.find((r) => r.config === config && r.row === row)?.measurement?.ms.median;
    return ms === undefined ? [] : [{ config, ratio: Number((ms / ref.ms!.median).toFixed(2)) }];
  });
}

/** The printed lines: each reference's times and sgm / reference, or why it was skipped. */
export function describeReferences(references: readonly ReferenceResult[], results: readonly StepResult[], row: string): string[] {
  return references.map((ref) => {
    if (!ref.ms) return `${ref.id}: ${ref.status}: ${ref.reason}`;
    const ratios = referenceRatios(ref, results, row).map((r) => `sgm ${r.config} / this ${r.ratio.toFixed(2)}`);
    return `${ref.id}: ${ref.ms.median} ms median, ${ref.ms.min} min (${ref.mode} ${ref.version}, ${ref.python})${ratios.length ? `; ${ratios.join(', ')}` : ''}`;
  });
}
