/**
 * `sgm eval`: a trained checkpoint on held-out data. Re-creates the run's test split (the same dataset,
 * held-out fraction and split seed as `sgm train`, whose defaults are 0.1 and 0), loads the weights, and reports
 * the test objective and ELBO, the recovered discrete model's log-likelihood by importance sampling, the
 * distance of relaxed samples to the simplex vertices, the recovered discrete distributions and the IGR-SB
 * category counts (runtime/eval/evaluate-model.ts). Prints text, or the whole report as JSON.
 */
import type { IgrSbTruncationRule } from '../../stdlib/distributions/igr-sb.js';
import { readManifest } from '../checkpoint/read.js';
import { loadModelWeights } from '../checkpoint/model-state.js';
import { bindModelData } from '../data/bind.js';
import { loadDataset } from '../data/registry.js';
import { DEFAULT_TEST_FRACTION, splitDataset } from '../data/split.js';
import { UserError } from '../errors.js';
import { EVAL_DEFAULTS, evaluateModel, type ModelEvalReport } from '../eval/evaluate-model.js';
import { formatEvalReport } from '../eval/format-report.js';
import type { CompiledModelModule } from '../model-api.js';
import type { CommandIo } from './command-io.js';

/** The options of `sgm eval` (CLI flag in brackets). */
export interface EvalCommandOptions {
  /** Run directory or checkpoint directory [--checkpoint]. */
  readonly checkpoint: string;
  /** Dataset spec [--data]; default: the dataset the run was trained on (from the checkpoint manifest). */
  readonly data?: string;
  /** Importance samples per test row [--samples], default 1000; 0 skips the log-likelihood. */
  readonly samples?: number;
  /** Evaluate at most this many test batches [--batches]. */
  readonly batches?: number;
  /** Test batch size [--batch], default 100. */
  readonly batchSize?: number;
  /** Seed of every evaluation draw [--seed], default 0. */
  readonly seed?: number;
  /** Held-out fraction and split seed [--test-fraction]; must match the run's (defaults 0.1 and 0). */
  readonly testFraction?: number;
  readonly splitSeed?: number;
  /** Monte Carlo draws for IGR-SB / IGR-Planar recovery [--recovery-samples], default 1000. */
  readonly recoverySamples?: number;
  /** ρ of the IGR-SB category count [--rho]. */
  readonly rho?: number;
  /** What the IGR-SB category count sums [--truncation-rule]: 'softmax' (paper, default) or 'sticks' (authors' code). */
  readonly truncationRule?: IgrSbTruncationRule;
  /** text (default) or json [--format]. */
  readonly format?: 'text' | 'json';
}

/** Runs `sgm eval`; resolves to exit code 0 and the report. */
export async function runEval(module: CompiledModelModule, options: EvalCommandOptions, io: CommandIo): Promise<{ exitCode: 0; report: ModelEvalReport; dataset: string }> {
  const samples = options.samples ?? EVAL_DEFAULTS.samples;
  if (!Number.isInteger(samples) || samples < 0) throw new UserError(`the number of importance samples must be a whole number >= 0, got ${samples}`);
  const { manifest } = readManifest(options.checkpoint);
  const spec = options.data ?? manifest.data.datasetName;
  let dataset;
  try {
    dataset = loadDataset(spec);
  } catch (error) {
    if (options.data !== undefined) throw error;
    throw new UserError(`cannot reload '${spec}', the dataset the run was trained on (${(error as Error).message}): give it with --data`);
  }
  bindModelData(module.metadata, dataset);
  const split = splitDataset(dataset, { testFraction: options.testFraction ?? DEFAULT_TEST_FRACTION, seed: options.splitSeed ?? 0 });
  if (!split.test) throw new UserError(`no held-out rows: the test fraction ${options.testFraction} leaves none of the ${dataset.size} rows of '${dataset.name}'`);
  const test = bindModelData(module.metadata, split.test);
  const model = await module.create({ seed: manifest.settings.seed, log: (m) => io.stderr(`${m}\n`) });
  try {
    const { step } = loadModelWeights(model, options.checkpoint);
    const report = evaluateModel(model, test, {
      batchSize: options.batchSize ?? EVAL_DEFAULTS.batchSize,
      seed: options.seed ?? 0,
      step,
      samples,
      progress: { write: io.stderr, isTty: io.isTty },
      ...(options.batches !== undefined ? { maxBatches: options.batches } : {}),
      ...(options.recoverySamples !== undefined ? { recoverySamples: options.recoverySamples } : {}),
      ...(options.rho !== undefined ? { rho: options.rho } : {}),
      ...(options.truncationRule !== undefined ? { truncationRule: options.truncationRule } : {}),
    });
    if (options.format === 'json') io.stdout(`${JSON.stringify({ dataset: dataset.name, checkpoint: options.checkpoint, ...report }, null, 2)}\n`);
    else io.stdout(formatEvalReport(report, dataset.name));
    return { exitCode: 0, report, dataset: dataset.name };
  } finally {
    model.dispose();
  }
}
