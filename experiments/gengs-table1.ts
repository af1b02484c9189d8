/**
 * GenGS paper (Joo, Kim, Kim, Moon, "Generalized Gumbel-Softmax Gradient Estimator for Generic Discrete Random
 * Variables", arXiv 2003.01847), Table 1, MNIST rows Pois(2), Pois(3) and Geom(.25), at reduced scale: the same
 * count-prior VAE trained by eight gradient estimators (REINFORCE, NVIL, MuProp, VIMCO(5), REBAR, RELAX, GenGS
 * explicit and implicit; models in gengs-table1-models.ts), several seeds per cell, every trained model scored
 * like for like on the DISCRETE model (experiments/lib/discrete-metrics.ts: latent counts drawn from the
 * truncated posterior pmf, the truncated prior pmf, the decoder at integer counts): the discrete ELBO and the
 * importance-sampled discrete log p(x) (docs/results.md section 4 says why the relaxed objective of a GenGS run
 * is not comparable with a score-function run's ELBO).
 */
import { defineExperiment, type Job } from './lib/experiment.js';
import { markdownTable } from './lib/markdown.js';
import { mean, std } from './lib/stats.js';
import { trainAndEvaluate, type VaeRunResult } from './lib/train-vae.js';
import { PALETTE, figure, type Panel } from './figures/svg.js';
import { ESTIMATORS, PAPER, PRIORS, modelSource, paperMean, type Estimator, type Prior } from './gengs-table1-models.js';

const SETTINGS = {
  quick: { seeds: [0, 1, 2], steps: 120, isSamples: 20, testRows: 300, learningRate: 2e-3 },
  full: { seeds: [0, 1, 2, 3, 4], steps: 20000, isSamples: 1000, testRows: 1000, learningRate: 1e-3 },
} as const;
/** Seconds per REINFORCE step on the loaded reference machine (for the schedule and the ETA). */
const STEP_SECONDS = 0.25;

interface CellJob extends Job {
  readonly prior: Prior['key'];
  readonly estimator: Estimator['key'];
  readonly seed: number;
}

/** "mean ± standard error over seeds" (the mean alone for one seed). */
function meanSe(xs: readonly number[], digits = 2): string {
  if (xs.length === 0) return 'n/a';
  return xs.length === 1 ? xs[0].toFixed(digits) : `${mean(xs).toFixed(digits)} ± ${(std(xs) / Math.sqrt(xs.length)).toFixed(digits)}`;
}

/** The like-for-like numbers of one run (undefined: the metric is missing). */
function discreteElbo(r: VaeRunResult): number | undefined {
  return r.discrete?.variants[0]?.discreteElbo.mean;
}
function discreteLogLik(r: VaeRunResult): number | undefined {
  return r.eval.logLikelihood?.estimates[0]?.mean;
}

/** Ranks (1 = best) of the entries of `values` that are defined; undefined stays undefined. */
function rankDefined(values: ReadonlyArray<number | undefined>, lowerIsBetter: boolean): Array<number | undefined> {
  const order = values.map((v, i) => [v, i] as const).filter((p): p is readonly [number, number] => p[0] !== undefined && Number.isFinite(p[0]));
  order.sort((a, b) => (lowerIsBetter ? a[0] - b[0] : b[0] - a[0]));
  const r: Array<number | undefined> = values.map(() => undefined);
  order.forEach(([, i], k) => (r[i] = k + 1));
  return r;
}

/** Spearman's rank correlation of two rankings of the same items (no ties). */
function spearman(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const d2 = a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

export const gengsTable1 = defineExperiment<CellJob, VaeRunResult>({
  name: 'gengs-table1',
  title: 'GenGS paper Table 1 (MNIST; Poisson(2), Poisson(3), Geometric(0.25) VAEs; 8 gradient estimators): discrete ELBO and log p(x)',
  jobs(scale) {
    const s = SETTINGS[scale];
    const cost = (p: Prior, e: Estimator) => s.steps * STEP_SECONDS * e.cost * (p.trunc / 12) ** 0.5 + s.testRows * s.isSamples * 1e-3 + 15;
    const cells = PRIORS.flatMap((p) => ESTIMATORS.map((e) => [p, e] as const));
    // Every job carries the mean cost, so the runner (longest first, a stable sort) keeps this seed-major order:
    // an interrupted run has whole seeds of every cell rather than every seed of the expensive cells only.
    const average = cells.reduce((a, [p, e]) => a + cost(p, e), 0) / cells.length;
    return s.seeds.flatMap((seed) => cells.map(([p, e]) => ({ id: `${p.key}-${e.key}-s${seed}`, prior: p.key, estimator: e.key, seed, cost: average })));
  },
  async run(job, scale, log) {
    const s = SETTINGS[scale];
    const prior = PRIORS.find((p) => p.key === job.prior)!;
    const estimator = ESTIMATORS.find((e) => e.key === job.estimator)!;
    return trainAndEvaluate(
      {
        path: `gengs-table1/${job.prior}_${job.estimator}.sgm`,
        source: modelSource(prior, estimator, s.steps),
        data: 'mnist-binarized',
        steps: s.steps,
        batchSize: 100,
        learningRate: s.learningRate,
        seed: job.seed,
        isSamples: s.isSamples,
        testRows: s.testRows,
        recoverySamples: 1000,
        discreteSamples: s.isSamples,
      },
      log,
    );
  },
  report(results, scale, out) {
    const s = SETTINGS[scale];
    const runsOf = (p: Prior, e: Estimator) => s.seeds.map((seed) => results.get(`${p.key}-${e.key}-s${seed}`)).filter((r): r is VaeRunResult => r !== undefined);
    const values = (runs: readonly VaeRunResult[], f: (r: VaeRunResult) => number | undefined) => runs.map(f).filter((x): x is number => x !== undefined && Number.isFinite(x));
    const cell = (p: Prior, e: Estimator, f: (r: VaeRunResult) => number | undefined, negate = true) => {
      const runs = runsOf(p, e);
      const xs = values(runs, f).map((x) => (negate ? -x : x));
      const failed = runs.filter((r) => r.status !== 'completed').length;
      const missing = s.seeds.length - runs.length;
      const notes = [missing > 0 ? `${missing} missing` : '', failed > 0 ? `${failed} stopped early` : '', xs.length < runs.length ? `${runs.length - xs.length} non-finite` : ''].filter(Boolean);
      return `${meanSe(xs)}${xs.length > 0 && xs.length < s.seeds.length ? ` (n = ${xs.length})` : ''}${notes.length ? ` [${notes.join(', ')}]` : ''}`;
    };
    const table = (f: (r: VaeRunResult) => number | undefined, withPaper: boolean) =>
      markdownTable(
        ['Estimator', ...PRIORS.flatMap((p) => (withPaper ? [`${p.label}: sgm`, `${p.label}: paper`] : [p.label]))],
        ESTIMATORS.map((e) => [e.label, ...PRIORS.flatMap((p) => (withPaper ? [cell(p, e, f), PAPER[p.key][e.key]] : [cell(p, e, f)]))]),
      );
    // Rankings per prior: ours by the mean discrete NELBO, the paper's by its NELBO (lower is better).
    const rankLines: string[] = [];
    for (const p of PRIORS) {
      const ours = ESTIMATORS.map((e) => {
        const xs = values(runsOf(p, e), discreteElbo);
        return xs.length > 0 ? -mean(xs) : undefined;
      });
      const ourRank = rankDefined(ours, true);
      const kept = ESTIMATORS.map((e, i) => [e, ourRank[i]] as const).filter((x): x is readonly [Estimator, number] => x[1] !== undefined);
      const paperRank = rankDefined(
        kept.map(([e]) => paperMean(p.key, e.key)),
        true,
      ) as number[];
      const oursKept = rankDefined(
        kept.map(([e]) => ours[ESTIMATORS.indexOf(e)]),
        true,
      ) as number[];
      const order = (r: readonly number[]) => kept.map(([e], i) => [e.label, r[i]] as const).sort((a, b) => a[1] - b[1]).map(([l]) => l).join(' < ');
      rankLines.push(
        `- **${p.label}** (lower NELBO first). sgm: ${order(oursKept)}. Paper: ${order(paperRank)}. Spearman ρ = ${kept.length > 2 ? spearman(oursKept, paperRank).toFixed(2) : 'n/a'} over ${kept.length} estimators.`,
      );
    }
    const secondsPerStep = markdownTable(
      ['Estimator', ...PRIORS.map((p) => p.label)],
      ESTIMATORS.map((e) => [e.label, ...PRIORS.map((p) => meanSe(runsOf(p, e).map((r) => r.secondsPerStep * 1000), 0))]),
    );
    const md = [
      `# GenGS Table 1 (MNIST count-prior VAEs, 8 estimators), ${scale} scale`,
      '',
      `Written by \`npm run experiments -- --${scale} --only gengs-table1\`. Binarized MNIST (mnist package, threshold 0.5), 9,000 training / ` +
        `1,000 test digits, batch 100, Adam lr ${s.learningRate}, ${s.steps} steps (${(s.steps / 90).toFixed(1)} epochs), seeds ${s.seeds.join(', ')}; ` +
        `evaluated on the first ${s.testRows} test digits with S = ${s.isSamples} draws per digit. 32 latent counts per digit, encoder 784-256, ` +
        'decoder 32-256-784 (experiments/gengs-table1-models.ts). sgm numbers: mean ± standard error over seeds. Paper numbers: GenGS paper ' +
        'Table 1, MNIST, test negative ELBO ± its spread (the paper does not say over what), trained to convergence on 60,000 digits.',
      '',
      '## Discrete negative ELBO (lower is better), beside the paper\'s test negative ELBO',
      '',
      table(discreteElbo, true),
      '',
      '## Discrete negative log p(x), importance-sampled (lower is better)',
      '',
      table(discreteLogLik, false),
      '',
      '## Rankings',
      '',
      ...rankLines,
      '',
      '## Milliseconds per training step (2 jobs at a time on the shared 2-core machine: noisy)',
      '',
      secondsPerStep,
      '',
      'Metrics (experiments/lib/discrete-metrics.ts, runtime/eval): the **discrete ELBO** is the mean over S draws of log p(x | counts) minus ' +
        'the analytic KL of the truncated posterior pmf from the truncated prior pmf, counts drawn from the posterior pmf (for the score-function ' +
        'rows this is their own training objective; for GenGS it is the discrete model behind the relaxation, not the relaxed objective it ' +
        'trained); the **discrete log p(x)** is importance-sampled with the same posterior as proposal (a stochastic lower bound, loose at ' +
        `S = ${s.isSamples}). VIMCO trains the 5-sample bound, so its discrete ELBO is not its objective.`,
      '',
      'Figure: [gengs-table1.svg](gengs-table1.svg): training objective per step, seed 0.',
      '',
    ].join('\n');
    out.write('gengs-table1.md', md);
    const panels: Panel[] = PRIORS.map((p) => ({
      title: `${p.label} prior: training objective`,
      xLabel: 'step',
      yLabel: 'ELBO / IWAE(5) (relaxed for GenGS)',
      series: ESTIMATORS.flatMap((e, i) => {
        const r = results.get(`${p.key}-${e.key}-s${s.seeds[0]}`);
        return r ? [{ name: e.label, color: PALETTE[i % PALETTE.length], dashed: i >= PALETTE.length, points: r.curve.filter(([st]) => st >= s.steps * 0.1) }] : [];
      }),
    }));
    out.write('gengs-table1.svg', figure(panels, 3, `Seed ${s.seeds[0]}; mean of the training objective over windows of ${Math.floor(s.steps / 40)} steps.`));
  },
});
