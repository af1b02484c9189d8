/**
 * Issue 15's acceptance run: every score-function-family estimator trains the two-layer sigmoid belief net of the
 * NVIL paper's Table 1 (Mnih & Gregor 2014, arXiv:1402.0030; also the REBAR, RELAX and VIMCO benchmarks): 200-200
 * Bernoulli units on binarized MNIST, models/sbn_<estimator>.sgm, without NaN and with its test ELBO improving.
 *
 * Each job trains one model with Adam (lr 1e-3, batch 100, the mnist package's 9,000 training digits) and scores
 * it on the 1,000 held-out digits twice, before training and after: by its own objective (the ELBO; VIMCO's is
 * the 5-sample bound), and by the ELBO for every model alike. The ELBO of a model trained under another objective
 * comes from models/sbn_reinforce.sgm (the same network: same weight names) with the trained weights copied in,
 * evaluated with the same test draws.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../runtime/package-root.js';
import { evaluateObjective } from '../runtime/train/evaluate.js';
import { train } from '../runtime/train/trainer.js';
import type { ModelInstance } from '../runtime/model-api.js';
import type { BoundData } from '../runtime/data/bind.js';
import { splitData } from './lib/data.js';
import { defineExperiment, type Job } from './lib/experiment.js';
import { loadModelFile } from './lib/load-model.js';
import { markdownTable } from './lib/markdown.js';
import { meanStd } from './lib/stats.js';

/** The estimators with a models/sbn_<name>.sgm; unordered_set joins when its model is in the checkout. */
const ESTIMATORS = ['reinforce', 'nvil', 'muprop', 'rebar', 'relax', 'vimco', 'unordered_set'] as const;
const available = () => ESTIMATORS.filter((e) => existsSync(join(packageRoot(), `models/sbn_${e}.sgm`)));

const SETTINGS = {
  quick: { seeds: [0], steps: 300 },
  full: { seeds: [0], steps: 2000 },
} as const;
/** Seconds per step on one core (REBAR and RELAX evaluate the model 3 times per step and train η, λ, r_ρ). */
const STEP_SECONDS: Readonly<Record<string, number>> = { reinforce: 0.03, nvil: 0.04, muprop: 0.08, rebar: 0.15, relax: 0.15, vimco: 0.1, unordered_set: 0.1 };

interface SbnJob extends Job {
  readonly estimator: string;
  readonly seed: number;
}

/** Test scores of one model state. */
interface Scores {
  /** The model's own objective (ELBO; VIMCO: the 5-sample bound) on the test digits. */
  readonly objective: number;
  /** The ELBO on the same digits. */
  readonly elbo: number;
}

interface SbnResult {
  readonly estimator: string;
  readonly seed: number;
  readonly status: string;
  readonly steps: number;
  readonly stepsPerSecond: number;
  readonly nonFinite: boolean;
  readonly initial: Scores;
  readonly final: Scores;
  /** Training objective (mean of windows) by step. */
  readonly curve: Array<[number, number]>;
}

/** The ELBO of `model`'s weights on `test`, through the REINFORCE twin (same network and weight names). */
function elboOf(twin: ModelInstance, model: ModelInstance, test: BoundData, step: number): number {
  for (const [name, v] of twin.variables) {
    const w = model.variables.get(name);
    if (v.trainable && !w) throw new Error(`the ELBO twin's weight '${name}' is not in the trained model`);
    if (v.trainable && w) v.assign(w);
  }
  return evaluateObjective(twin, test, { batchSize: 100, seed: 0, step }).value;
}

export const sbnEstimators = defineExperiment<SbnJob, SbnResult>({
  name: 'sbn-estimators',
  title: 'Issue 15 acceptance: each estimator trains the 200-200 sigmoid belief net on binarized MNIST (test ELBO before and after, NaN, steps/s)',
  jobs(scale) {
    const s = SETTINGS[scale];
    return available().flatMap((estimator) => s.seeds.map((seed) => ({ id: `${estimator}-s${seed}`, estimator, seed, cost: s.steps * (STEP_SECONDS[estimator] ?? 0.1) + 20 })));
  },
  async run(job, scale, log) {
    const s = SETTINGS[scale];
    const module = await loadModelFile(`models/sbn_${job.estimator}.sgm`);
    const twinModule = await loadModelFile('models/sbn_reinforce.sgm');
    const data = splitData('mnist-binarized', module.metadata);
    const model = await module.create({ seed: job.seed, log });
    const twin = await twinModule.create({ seed: job.seed, log });
    try {
      const score = (step: number): Scores => ({ objective: evaluateObjective(model, data.test, { batchSize: 100, seed: 0, step }).value, elbo: elboOf(twin, model, data.test, step) });
      const initial = score(0);
      const every = Math.max(1, Math.floor(s.steps / 40));
      const curve: Array<[number, number]> = [];
      let window: number[] = [];
      const start = performance.now();
      const summary = await train(model, { train: data.train }, {
        steps: s.steps,
        batchSize: 100,
        learningRate: 1e-3,
        seed: job.seed,
        progress: false,
        onStep: (r) => {
          window.push(r.value);
          if (r.step % every === 0 || r.step === s.steps) {
            curve.push([r.step, window.reduce((a, b) => a + b, 0) / window.length]);
            window = [];
          }
          if (r.step % Math.max(1, Math.floor(s.steps / 5)) === 0) log(`step ${r.step}/${s.steps}: objective ${r.value.toFixed(2)}`);
        },
      });
      const seconds = (performance.now() - start) / 1000;
      const steps = summary.step;
      return {
        estimator: job.estimator,
        seed: job.seed,
        status: summary.status,
        steps,
        stepsPerSecond: steps / seconds,
        nonFinite: summary.status === 'non-finite',
        initial,
        final: score(steps),
        curve,
      };
    } finally {
      model.dispose();
      twin.dispose();
    }
  },
  report(results, scale, out) {
    const s = SETTINGS[scale];
    const rows: string[][] = [];
    const missing: string[] = [];
    for (const e of available()) {
      const runs = s.seeds.map((seed) => results.get(`${e}-s${seed}`)).filter((r): r is SbnResult => r !== undefined);
      if (runs.length === 0) {
        missing.push(e);
        continue;
      }
      const improved = runs.every((r) => r.final.elbo > r.initial.elbo + 1);
      rows.push([
        e,
        runs.map((r) => `${r.status} at ${r.steps}`).join(', '),
        runs.some((r) => r.nonFinite) ? 'yes' : 'no',
        meanStd(runs.map((r) => r.initial.elbo)),
        meanStd(runs.map((r) => r.final.elbo)),
        `${meanStd(runs.map((r) => r.initial.objective))} → ${meanStd(runs.map((r) => r.final.objective))}${e === 'vimco' ? ' (5-sample bound)' : ''}`,
        meanStd(runs.map((r) => r.stepsPerSecond), 1),
        improved ? 'yes' : 'NO',
      ]);
    }
    const md = [
      `# Two-layer sigmoid belief net (200-200) on binarized MNIST, one run per estimator, ${scale} scale`,
      '',
      `Written by \`npm run experiments -- --${scale} --only sbn-estimators\`. models/sbn_<estimator>.sgm; binarized MNIST (mnist package, ` +
        `threshold 0.5), 9,000 training / 1,000 test digits, batch 100, Adam lr 1e-3, ${s.steps} steps, seeds ${s.seeds.join(', ')}. ` +
        'Test ELBO per digit (nats, higher is better) on the 1,000 test digits before training (step 0) and after; for models trained on another ' +
        'objective it is the ELBO of their weights through models/sbn_reinforce.sgm (same network). Steps/s: training only, on a shared 2-core ' +
        'machine running two jobs at once (noisy).',
      '',
      markdownTable(['estimator', 'status', 'NaN/Inf', 'test ELBO, step 0', `test ELBO, step ${s.steps}`, 'own objective (test), step 0 → end', 'steps/s', 'improved'], rows),
      '',
      'The own objective is evaluated with the model\'s own test draws, the ELBO columns with the REINFORCE twin\'s (one draw per digit each): ' +
        'REBAR and RELAX consume the random stream differently, so for them the two columns are two single-draw estimates of the same ELBO.',
      ...(missing.length > 0 ? ['', `No result (job not run or failed): ${missing.join(', ')}.`] : []),
      '',
    ].join('\n');
    out.write('sbn-estimators.md', md);
  },
});
