/**
 * Trains a VAE-like model on MNIST and evaluates it with `sgm eval`'s evaluation (runtime/eval): the shared
 * protocol of the discrete-VAE and count-VAE experiments. Batch 100 and Adam as in the IGR paper v2 appendix E;
 * the test split is the one `sgm train`/`sgm eval` use (1,000 held-out digits of the mnist package).
 */
import { evaluateModel, type ModelEvalReport } from '../../runtime/eval/evaluate-model.js';
import { train } from '../../runtime/train/trainer.js';
import { splitData } from './data.js';
import { discreteMetrics, type DiscreteMetrics } from './discrete-metrics.js';
import { loadModelSource } from './load-model.js';

/** One training run and its evaluation. */
export interface VaeRunSpec {
  /** Path shown in messages, and the model source text. */
  readonly path: string;
  readonly source: string;
  readonly overrides?: Readonly<Record<string, number>>;
  readonly data: string;
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  /** Importance samples per test row (0: no discrete log-likelihood). */
  readonly isSamples: number;
  /** Test rows evaluated (a multiple of 100). */
  readonly testRows: number;
  /** Monte Carlo draws for IGR-SB / IGR-Planar recovery. */
  readonly recoverySamples: number;
  /** One-hot draws per test row for the authors' metric and the discrete ELBO (discrete-metrics.ts); 0: skipped. */
  readonly discreteSamples: number;
}

/** The result of a run: the training curve, timings and the full evaluation report. */
export interface VaeRunResult {
  /** [step, training objective value (mean of the last 50 steps)]. */
  readonly curve: Array<[number, number]>;
  readonly trainSeconds: number;
  readonly secondsPerStep: number;
  readonly status: string;
  readonly eval: ModelEvalReport;
  /** The IGR authors' Table 1 metric and the discrete ELBO on the same test rows (undefined: skipped). */
  readonly discrete?: DiscreteMetrics;
}

/** Points on the training curve. */
const CURVE_POINTS = 40;

/** Trains and evaluates (see the module comment). */
export async function trainAndEvaluate(spec: VaeRunSpec, log: (message: string) => void): Promise<VaeRunResult> {
  const module = await loadModelSource(spec.path, spec.source, spec.overrides ?? {});
  const data = splitData(spec.data, module.metadata);
  const model = await module.create({ seed: spec.seed, log });
  try {
    const every = Math.max(1, Math.floor(spec.steps / CURVE_POINTS));
    const curve: Array<[number, number]> = [];
    let window: number[] = [];
    const start = performance.now();
    const summary = await train(model, { train: data.train }, {
      steps: spec.steps,
      batchSize: spec.batchSize,
      learningRate: spec.learningRate,
      seed: spec.seed,
      progress: false,
      onStep: (r) => {
        window.push(r.value);
        if (r.step % every === 0 || r.step === spec.steps) {
          curve.push([r.step, window.reduce((a, b) => a + b, 0) / window.length]);
          window = [];
        }
        if (r.step % Math.max(1, Math.floor(spec.steps / 5)) === 0) log(`step ${r.step}/${spec.steps}: objective ${r.value.toFixed(2)}`);
      },
    });
    const trainSeconds = (performance.now() - start) / 1000;
    const report = evaluateModel(model, data.test, {
      batchSize: 100,
      maxBatches: spec.testRows / 100,
      seed: spec.seed,
      step: spec.steps,
      samples: spec.isSamples,
      recoverySamples: spec.recoverySamples,
    });
    const discrete =
      spec.discreteSamples > 0
        ? discreteMetrics(model, data.test, {
            batchSize: 100,
            maxBatches: spec.testRows / 100,
            seed: spec.seed,
            step: spec.steps,
            samples: spec.discreteSamples,
            recoverySamples: spec.recoverySamples,
          })
        : undefined;
    return { curve, trainSeconds, secondsPerStep: trainSeconds / spec.steps, status: summary.status, eval: report, ...(discrete ? { discrete } : {}) };
  } finally {
    model.dispose();
  }
}
