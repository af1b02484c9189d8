/**
 * `sgm sample`: n ancestral samples from a model, with the weights of a checkpoint. Without --out it prints
 * one summary line per variable (shape, mean, min, max); with `--out file.json` it writes
 * `{ "<name>": { "shape": [...], "data": [...] } }`; with any other `--out DIR` one `<name>.npy` per variable;
 * with `format: 'json'` and no --out, the same JSON on stdout.
 * Files are written atomically (temporary file + rename).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { deriveSeed } from '../data/js-random.js';
import { encodeNpy } from '../data/npy.js';
import { UserError, describeFsError } from '../errors.js';
import { loadModelWeights } from '../checkpoint/model-state.js';
import { writeFileAtomic } from '../checkpoint/write.js';
import type { CompiledModelModule } from '../model-api.js';
import type { CommandIo } from './command-io.js';

/** The options of `sgm sample` (CLI flag in brackets). */
export interface SampleCommandOptions {
  /** Checkpoint or run directory with the trained weights [--checkpoint]; without it the untrained model samples. */
  readonly checkpoint?: string;
  /** Number of samples [-n, --num]. */
  readonly n: number;
  /** Seed of the draws [--seed], default 0. */
  readonly seed?: number;
  /** Output [--out]: a .json file, or a directory for .npy files. */
  readonly out?: string;
  /** Without --out: a summary line per variable (text, default) or the samples as JSON on stdout [--format]. */
  readonly format?: 'text' | 'json';
}

/** One sampled variable, read back from the backend. */
export interface SampledArray {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** Runs `sgm sample`; resolves to exit code 0 and the samples by variable name. */
export async function runSample(
  module: CompiledModelModule,
  options: SampleCommandOptions,
  io: CommandIo,
): Promise<{ exitCode: 0; samples: Record<string, SampledArray> }> {
  if (!Number.isInteger(options.n) || options.n < 1) throw new UserError(`the number of samples must be a whole number >= 1, got ${options.n}`);
  const seed = options.seed ?? 0;
  const model = await module.create({ seed, log: (m) => io.stderr(`${m}\n`) });
  try {
    let step = 0;
    if (options.checkpoint !== undefined) step = loadModelWeights(model, options.checkpoint).step;
    else io.stderr('note: no --checkpoint given: sampling from the untrained model\n');
    const drawn = model.sample(options.n, { step, rng: new RandomStream(deriveSeed(seed, 'sample')) });
    // Object.fromEntries defines own properties, so a variable named `__proto__` stays a variable.
    const samples: Record<string, SampledArray> = Object.fromEntries(
      Object.entries(drawn).map(([name, t]) => [name, { shape: t.shape, values: Float32Array.from(t.dataSync()) }]),
    );
    tf.dispose(Object.values(drawn));
    if (options.out === undefined && options.format === 'json') {
      io.stdout(`${samplesJson(samples)}\n`);
    } else if (options.out === undefined) {
      for (const [name, s] of Object.entries(samples)) io.stdout(`${name}: ${describe(s)}\n`);
    } else {
      writeSamples(options.out, samples);
      io.stdout(`wrote ${Object.keys(samples).length} sampled variable(s) to ${options.out}\n`);
    }
    return { exitCode: 0, samples };
  } finally {
    model.dispose();
  }
}

/** Writes samples as one JSON file (path ending in .json) or as <name>.npy files in a directory. */
export function writeSamples(out: string, samples: Readonly<Record<string, SampledArray>>): void {
  if (out.toLowerCase().endsWith('.json')) {
    writeFileAtomic(out, `${samplesJson(samples)}\n`);
    return;
  }
  try {
    mkdirSync(out, { recursive: true });
  } catch (error) {
    throw new UserError(`cannot write samples to '${out}': ${describeFsError(error)}`);
  }
  for (const [name, s] of Object.entries(samples)) writeFileAtomic(join(out, `${name}.npy`), encodeNpy(s.values, s.shape));
}

/** `{ "<name>": { "shape": [...], "data": [...] } }`. */
function samplesJson(samples: Readonly<Record<string, SampledArray>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, { shape: s.shape, data: Array.from(s.values) }])));
}

function describe(s: SampledArray): string {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of s.values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  const mean = s.values.length > 0 ? sum / s.values.length : Number.NaN;
  return `shape [${s.shape.join(', ')}], mean ${mean.toPrecision(4)}, min ${min.toPrecision(4)}, max ${max.toPrecision(4)}`;
}
