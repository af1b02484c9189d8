/**
 * GenGS paper (Joo et al. 2020) section 6.1 / Figure 3: minimise E_{z ~ D(λ)} Σ_i (z_i - t_i)² over λ with
 * t_i fixed draws from Poisson(20), Binomial(20, .3), Multinomial(3, [.7, .2, .1]) and NegativeBinomial(3, .4),
 * with GenGS (τ annealed 1 → 0.1) and with REINFORCE + EMA baseline (the same model with its node `n` given
 * `reinforce` through the compiler's estimatorOverrides option, as `sgm compare` does). Reported along training:
 * the loss, the variance of the gradient estimate over independent draws at the current parameters, and its bias
 * against the exact gradient, measured by `sgm compare`'s machinery (runtime/compare/measure.ts) with the closed
 * form below as its exact reference.
 *
 * Exact loss and gradient (derived here; the paper's appendix J is not in the seed text). For one data point,
 * E(z - t)² = Var z + (E z - t)², so with the model's mean over the batch,
 *   Poisson(λ):            L = λ + mean_i (λ - t_i)²,               dL/dλ = 1 + 2(λ - t̄)
 *   Binomial(N, p):        L = Np(1-p) + mean_i (Np - t_i)²
 *   NegBinomial(r, p):     L = rp/(1-p)² + mean_i (rp/(1-p) - t_i)²   (successes before r failures)
 *   Multinomial(N, π):     L = mean_i Σ_k [Nπ_k(1-π_k) + (Nπ_k - t_ik)²]
 * and the gradient with respect to the model's own parameter (log λ, logit p, logits) follows by the chain rule,
 * computed here by tf.grad of these closed forms. GenGS truncates Poisson at 60 and NegBinomial at 40 cells
 * (tail mass < 1e-6 near the optimum), so its bias is that of the relaxation, plus a negligible truncation term.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureAgainst } from '../runtime/compare/measure.js';
import { bindModelData, type BoundData } from '../runtime/data/bind.js';
import { loadDataset } from '../runtime/data/registry.js';
import { packageRoot } from '../runtime/package-root.js';
import { train } from '../runtime/train/trainer.js';
import { tf } from '../stdlib/tf.js';
import { defineExperiment, type Job } from './lib/experiment.js';
import { loadModelSource } from './lib/load-model.js';
import { markdownTable } from './lib/markdown.js';
import { mean, meanStd } from './lib/stats.js';
import { PALETTE, figure, type Panel } from './figures/svg.js';

/** One synthetic target: model file, data, its parameter, and the closed-form expected loss. */
interface Target {
  readonly key: string;
  readonly label: string;
  readonly file: string;
  readonly data: (seed: number) => string;
  readonly param: string;
  /** The distribution's parameter as the table shows it (λ, p, π), from the model parameter. */
  readonly readout: (theta: tf.Tensor) => number[];
  /** Closed-form E mean_i Σ (z_i - t_i)² at the model parameter θ, for data t [B] or [B, K]. */
  readonly loss: (theta: tf.Tensor, t: tf.Tensor) => tf.Scalar;
}

const sq = (x: tf.Tensor) => tf.square(x);
const TARGETS: readonly Target[] = [
  {
    key: 'poisson',
    label: 'Poisson(20)',
    file: 'models/gengs_poisson.sgm',
    data: (s) => `synthetic:poisson?rate=20&count=1000&seed=${s}`,
    param: 'log_rate',
    readout: (th) => [Math.exp(th.dataSync()[0])],
    loss: (th, t) => tf.tidy(() => {
      const rate = tf.exp(th);
      return tf.add(rate, tf.mean(sq(tf.sub(rate, t)))) as tf.Scalar;
    }),
  },
  {
    key: 'binomial',
    label: 'Binomial(20, .3)',
    file: 'models/gengs_binomial.sgm',
    data: (s) => `synthetic:binomial?trials=20&p=0.3&count=1000&seed=${s}`,
    param: 'logit_p',
    readout: (th) => [1 / (1 + Math.exp(-th.dataSync()[0]))],
    loss: (th, t) => tf.tidy(() => {
      const p = tf.sigmoid(th);
      const m = tf.mul(20, p);
      return tf.add(tf.mul(m, tf.sub(1, p)), tf.mean(sq(tf.sub(m, t)))) as tf.Scalar;
    }),
  },
  {
    key: 'multinomial',
    label: 'Multinomial(3, [.7, .2, .1])',
    file: 'models/gengs_multinomial.sgm',
    data: (s) => `synthetic:multinomial?trials=3&probs=0.7,0.2,0.1&count=1000&seed=${s}`,
    param: 'logits',
    readout: (th) => Array.from(tf.tidy(() => tf.softmax(th)).dataSync()),
    loss: (th, t) => tf.tidy(() => {
      const pi = tf.softmax(th);
      const m = tf.mul(3, pi);
      return tf.add(tf.sum(tf.mul(m, tf.sub(1, pi))), tf.mean(tf.sum(sq(tf.sub(m, t)), -1))) as tf.Scalar;
    }),
  },
  {
    key: 'negbinomial',
    label: 'NegBinomial(3, .4)',
    file: 'models/gengs_negbinomial.sgm',
    data: (s) => `synthetic:negbinomial?r=3&p=0.4&count=1000&seed=${s}`,
    param: 'logit_p',
    readout: (th) => [1 / (1 + Math.exp(-th.dataSync()[0]))],
    loss: (th, t) => tf.tidy(() => {
      const p = tf.sigmoid(th);
      const m = tf.div(tf.mul(3, p), tf.sub(1, p));
      return tf.add(tf.div(m, tf.sub(1, p)), tf.mean(sq(tf.sub(m, t)))) as tf.Scalar;
    }),
  },
];

const ESTIMATORS = [
  { key: 'gengs', label: 'GenGS' },
  { key: 'reinforce', label: 'REINFORCE (EMA baseline)' },
] as const;

/** The sampled node of every target model; REINFORCE is `reinforce` on it (EMA baseline 0.9, the default). */
const NODE = 'n';

/**
 * Steps, measurement interval, gradient draws per measurement (more for the Poisson, whose bias is measured:
 * the standard error of a mean over n draws is √(Var/n), and REINFORCE's variance is ~10³ here), seeds.
 */
const SETTINGS = {
  quick: { steps: 2000, every: 400, draws: 100, poissonDraws: 400, seeds: [0] },
  full: { steps: 2000, every: 100, draws: 1000, poissonDraws: 5000, seeds: [0, 1, 2, 3, 4] },
} as const;
const LEARNING_RATE = 0.03;
const BATCH = 100;

interface SyntheticJob extends Job {
  readonly target: string;
  readonly estimator: string;
  readonly seed: number;
}

/** One measurement along training. */
interface Point {
  readonly step: number;
  /** Exact expected loss at the current parameters, on all 1000 fixed draws. */
  readonly loss: number;
  /** Trace of the covariance of the gradient estimate (sum of per-coordinate variances) over the draws. */
  readonly variance: number;
  /** mean gradient estimate - exact gradient (per coordinate), and its standard error, on the measurement batch. */
  readonly bias: number[];
  readonly biasStderr: number[];
  readonly exact: number[];
}

interface SyntheticResult {
  readonly points: Point[];
  readonly fitted: number[];
  /** min over the parameter of the exact loss (Adam on the closed form). */
  readonly optimum: number;
  readonly seconds: number;
}

/** The exact gradient of the closed-form loss at θ. */
function exactGradient(target: Target, theta: tf.Tensor, t: tf.Tensor): number[] {
  return tf.tidy(() => Array.from(tf.grad((th: tf.Tensor) => target.loss(th, t))(theta).dataSync()));
}

/** min over θ of the closed-form loss, by Adam on it (the losses are smooth and one-dimensional or on a simplex). */
function closedFormOptimum(target: Target, start: tf.Tensor, t: tf.Tensor): number {
  const theta = tf.variable(start.clone());
  const opt = tf.train.adam(0.05);
  for (let i = 0; i < 3000; i++) opt.minimize(() => target.loss(theta, t), false, [theta]);
  const v = tf.tidy(() => target.loss(theta, t).dataSync()[0]);
  theta.dispose();
  opt.dispose();
  return v;
}

export const gengsSynthetic = defineExperiment<SyntheticJob, SyntheticResult>({
  name: 'gengs-synthetic',
  title: 'GenGS paper Figure 3: loss, gradient variance and bias of GenGS vs REINFORCE on four count distributions',
  jobs(scale) {
    const s = SETTINGS[scale];
    return TARGETS.flatMap((t) =>
      ESTIMATORS.flatMap((e) =>
        s.seeds.map((seed) => ({
          id: `${t.key}-${e.key}-s${seed}`,
          target: t.key,
          estimator: e.key,
          seed,
          cost: s.steps * 0.013 + (s.steps / s.every + 1) * (t.key === 'poisson' ? s.poissonDraws : s.draws) * 0.012 + 5,
        })),
      ),
    );
  },
  async run(job, scale, log) {
    const s = SETTINGS[scale];
    const target = TARGETS.find((t) => t.key === job.target)!;
    const text = readFileSync(join(packageRoot(), target.file), 'utf8');
    const module = await loadModelSource(target.file, text, {}, job.estimator === 'reinforce' ? new Map([[NODE, { kind: 'reinforce' }]]) : undefined);
    const model = await module.create({ seed: job.seed });
    const data: BoundData = bindModelData(module.metadata, loadDataset(target.data(job.seed)));
    const all = data.batch(Int32Array.from({ length: data.size }, (_, i) => i));
    const measure = data.batch(Int32Array.from({ length: BATCH }, (_, i) => i));
    const tAll = Object.values(all)[0];
    const tMeasure = Object.values(measure)[0];
    const theta = model.variables.get(target.param)!;
    const initial = theta.clone();
    const points: Point[] = [];
    const record = (step: number) => {
      const draws = target.key === 'poisson' ? s.poissonDraws : s.draws;
      const exact = exactGradient(target, theta, tMeasure);
      // sgm compare's measurement against the closed form (exact: no reference error). No warm-up: the EMA
      // baseline is the one training has reached, frozen during the draws.
      const m = measureAgainst(model, measure, [theta], { gradient: exact, stderr: exact.map(() => 0) }, { draws, seed: job.seed, purpose: `${job.id}/${step}`, step, warmup: 0 });
      const loss = tf.tidy(() => target.loss(theta, tAll).dataSync()[0]);
      points.push({
        step,
        loss,
        variance: m.summary.trace.value,
        bias: m.accuracy.bias,
        biasStderr: m.accuracy.biasStderr,
        exact,
      });
    };
    const start = performance.now();
    try {
      record(0);
      const summary = await train(model, { train: data }, {
        steps: s.steps,
        batchSize: BATCH,
        learningRate: LEARNING_RATE,
        seed: job.seed,
        progress: false,
        onStep: (r) => {
          if (r.step % s.every === 0) record(r.step);
        },
      });
      if (summary.status !== 'completed') throw new Error(`training stopped: ${summary.message}`);
      const fitted = target.readout(theta);
      const optimum = closedFormOptimum(target, initial, tAll);
      const last = points[points.length - 1];
      log(`${target.label} ${job.estimator}: loss ${points[0].loss.toFixed(2)} -> ${last.loss.toFixed(2)} (optimum ${optimum.toFixed(2)}), fitted ${fitted.map((x) => x.toFixed(3)).join(', ')}`);
      return { points, fitted, optimum, seconds: (performance.now() - start) / 1000 };
    } finally {
      tf.dispose([...Object.values(all), ...Object.values(measure), initial]);
      model.dispose();
    }
  },
  report(results, scale, out) {
    const s = SETTINGS[scale];
    const runs = (t: string, e: string) => s.seeds.map((seed) => results.get(`${t}-${e}-s${seed}`)).filter((r): r is SyntheticResult => r !== undefined);
    const rows: string[][] = [];
    for (const t of TARGETS) {
      for (const e of ESTIMATORS) {
        const rs = runs(t.key, e.key);
        if (rs.length === 0) continue;
        const late = (r: SyntheticResult) => r.points.filter((p) => p.step >= s.steps / 2);
        // Signed bias of the first coordinate pooled over the late points (± its standard error), and the exact gradient.
        const pooled = (r: SyntheticResult) => {
          const l = late(r);
          return { bias: mean(l.map((p) => p.bias[0])), se: Math.sqrt(l.reduce((a, p) => a + p.biasStderr[0] ** 2, 0)) / l.length };
        };
        const b = rs.map(pooled);
        rows.push([
          t.label,
          e.label,
          rs[0].fitted.map((x) => x.toFixed(3)).join(', '),
          meanStd(rs.map((r) => r.points[r.points.length - 1].loss), 2),
          meanStd(rs.map((r) => r.optimum), 2),
          meanStd(rs.map((r) => mean(r.points.filter((p) => p.step < s.steps / 2).map((p) => Math.log10(p.variance)))), 2),
          meanStd(rs.map((r) => mean(late(r).map((p) => Math.log10(p.variance)))), 2),
          `${meanStd(b.map((x) => x.bias), 3)} ± ${mean(b.map((x) => x.se)).toFixed(3)}`,
          meanStd(rs.map((r) => mean(late(r).map((p) => p.exact[0]))), 3),
        ]);
      }
    }
    const md = [
      `# GenGS synthetic experiment (GenGS paper Figure 3), ${scale} scale`,
      '',
      `Written by \`npm run experiments -- --${scale}\`. Minimise E Σ_i (z_i - t_i)² (mean over a batch of ${BATCH}) over the distribution's parameter, ` +
        `t: 1000 fixed draws of the target distribution, ${s.steps} Adam steps with lr ${LEARNING_RATE} for both estimators, seeds ${s.seeds.join(', ')}. ` +
        `GenGS: the models/gengs_*.sgm files (τ annealed 1 → 0.1 over 2000 steps); REINFORCE: the same source with \`reinforce\` on \`n\` (the compiler's estimatorOverrides option, as \`sgm compare\` sets it; score function, EMA baseline 0.9). ` +
        `Every ${s.every} steps: the exact expected loss on all draws (closed form), and ${s.draws} gradient estimates (${s.poissonDraws} for the Poisson) at the current parameters on a fixed batch, ` +
        'whose variance (trace over coordinates) and bias (mean estimate - exact gradient, first coordinate, the exact gradient from the closed form) are shown, measured by the code of sgm compare (runtime/compare/measure.ts). ' +
        '"Early"/"late": mean over the first/second half of training (τ of GenGS from 1 down to 0.32, then to 0.1). A bias within about 2 s.e. of 0 is not distinguishable from 0.',
      '',
      markdownTable(
        ['Target', 'Estimator', 'fitted parameter', 'final loss', 'optimum loss', 'log10 grad. variance (early)', 'log10 grad. variance (late)', 'gradient bias (late) ± s.e.', 'exact gradient (late)'],
        rows,
      ),
      '',
      'The GenGS paper reports Figure 3 as curves (log-loss, log-variance, and bias for Poisson), with no table; the claim is that GenGS has the lowest loss ' +
        'and variance of the estimators and, for the Poisson, the lowest bias. The exact gradients used here are derived in experiments/gengs-synthetic.ts.',
      '',
      'Figure: [gengs-synthetic.svg](gengs-synthetic.svg).',
      '',
    ].join('\n');
    out.write('gengs-synthetic.md', md);
    const seed = s.seeds[0];
    const series = (t: string, f: (p: Point, r: SyntheticResult) => number) =>
      ESTIMATORS.map((e, i) => {
        const r = results.get(`${t}-${e.key}-s${seed}`);
        return { name: e.key === 'gengs' ? 'GenGS' : 'REINFORCE', color: PALETTE[i], points: (r?.points ?? []).map((p) => [p.step, f(p, r!)] as [number, number]) };
      });
    // The loss has a floor (Var z and the spread of the data), so the panels show the excess over the optimum.
    const excess = (p: Point, r: SyntheticResult) => p.loss - r.optimum;
    const label = (key: string) => TARGETS.find((t) => t.key === key)!.label;
    const panels: Panel[] = [
      { title: `${label('poisson')}: excess loss`, xLabel: 'step', yLabel: 'expected loss - optimum', yLog: true, series: series('poisson', excess) },
      { title: `${label('poisson')}: gradient variance`, xLabel: 'step', yLabel: 'variance of d loss / d log λ', yLog: true, series: series('poisson', (p) => p.variance) },
      { title: `${label('poisson')}: gradient bias`, xLabel: 'step', yLabel: '|mean estimate - exact|', yLog: true, series: series('poisson', (p) => Math.abs(p.bias[0])) },
      ...['binomial', 'multinomial', 'negbinomial'].map((k) => ({ title: `${label(k)}: excess loss`, xLabel: 'step', yLabel: 'expected loss - optimum', yLog: true, series: series(k, excess) })),
      ...['binomial', 'multinomial', 'negbinomial'].map((k) => ({ title: `${label(k)}: gradient variance`, xLabel: 'step', yLabel: 'variance (trace)', yLog: true, series: series(k, (p) => p.variance) })),
    ];
    out.write('gengs-synthetic.svg', figure(panels, 3, `Seed ${seed}; ${s.draws} gradient draws per point (Poisson ${s.poissonDraws}) on a fixed batch of ${BATCH}; loss: closed form on all 1000 draws.`));
  },
});
