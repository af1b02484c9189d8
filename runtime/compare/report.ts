/**
 * What `sgm compare` reports: the JSON document (format `sgm-compare/1`, docs/cli.md), the text table with
 * standard errors, and the figure (Vega-Lite, drawn as the run report draws its charts: runtime/report/vega-svg.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RelaxationKind } from '../../stdlib/signatures/index.js';
import { norm, type Estimate } from './gradient-stats.js';

/** The reference gradient of a node. */
export interface Reference {
  /** `enumerate`, `reinforce(baseline=loo,samples=8)`, `pathwise`, or `closed form`. */
  readonly estimator: string;
  readonly draws: number;
  /** No noise: a closed form, or enumeration whose draws were all identical. */
  readonly exact: boolean;
  /** 'discrete': the expectation under the discrete distribution (a relaxation is biased for it); 'model': the model's own objective. */
  readonly objective: 'discrete' | 'model';
  readonly gradient: number[];
  readonly stderr: number[];
}

/** One estimator's measurement. */
export interface EstimatorRow {
  readonly estimator: string;
  /** The planned estimator kind (pathwise, reinforce, enumerate, straight_through, ...). */
  readonly kind: string;
  readonly automatic: boolean;
  /** The gradient of a relaxation: biased for the discrete objective by design. */
  readonly relaxed: boolean;
  readonly reason: string;
  readonly draws: number;
  readonly mean: number[];
  readonly meanStderr: number[];
  /** Trace of the covariance of the estimate. */
  readonly variance: Estimate;
  readonly bias: { readonly values: number[]; readonly stderr: number[]; readonly norm: number; readonly noise: number; readonly maxZ: number; readonly rmsZ: number };
  readonly mse: Estimate;
  readonly msPerGradient: number;
}

/** Every estimator of one node. */
export interface NodeComparison {
  readonly node: string;
  readonly distribution: string;
  readonly relaxation: RelaxationKind;
  readonly automatic: string;
  /** The model variables the gradient is taken with respect to. */
  readonly parameters: string[];
  readonly coordinates: number;
  readonly objective: 'discrete' | 'model';
  readonly reference: Reference;
  readonly rows: EstimatorRow[];
  /** Estimators asked for but not applicable, with the analysis's reason. */
  readonly skipped: Array<{ readonly estimator: string; readonly reason: string }>;
}

/** The whole report. */
export interface CompareReport {
  readonly format: 'sgm-compare/1';
  readonly model: string;
  readonly source: string;
  readonly hyperparameters: Readonly<Record<string, number>>;
  readonly data: string | null;
  readonly checkpoint: string | null;
  readonly step: number;
  readonly batchSize: number | null;
  readonly draws: number;
  readonly seed: number;
  readonly warmup: number;
  readonly nodes: NodeComparison[];
}

/** A number in 4 significant digits (exponent form outside [1e-3, 1e5)). */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5 ? String(Number(x.toPrecision(4))) : x.toExponential(2);
}

const pm = (v: number, se: number) => `${num(v)} ± ${num(se)}`;

/** The text table: one block per node. */
export function formatCompare(r: CompareReport): string {
  const lines: string[] = [];
  lines.push(`model ${r.model} at step ${r.step}${r.checkpoint ? ` (${r.checkpoint})` : ' (initial parameters)'}, batch ${r.batchSize ?? '-'}, ${r.draws} draws per estimator, seed ${r.seed}`);
  for (const n of r.nodes) {
    const ref = n.reference;
    lines.push('');
    lines.push(`node ${n.node} ~ ${n.distribution}: gradient w.r.t. ${n.parameters.join(', ')} (${n.coordinates} coordinate${n.coordinates === 1 ? '' : 's'}), objective: ${n.objective === 'discrete' ? 'discrete (expectation under the discrete distribution)' : "the model's"}`);
    lines.push(`reference: ${ref.estimator}${ref.exact ? ' (exact)' : `, ${ref.draws} draws`} = [${ref.gradient.slice(0, 4).map((g, j) => (ref.exact ? num(g) : pm(g, ref.stderr[j]))).join(', ')}${ref.gradient.length > 4 ? ', ...' : ''}]`);
    const one = n.coordinates === 1;
    const header = ['estimator', one ? 'mean' : '‖mean‖', 'variance (trace)', one ? 'bias' : '‖bias‖ (noise)', one ? '|z|' : 'rms z', 'MSE', 'ms/grad'];
    const rows = n.rows.map((x) => [
      x.estimator + (x.relaxed && n.objective === 'discrete' ? ' *' : ''),
      one ? pm(x.mean[0], x.meanStderr[0]) : num(norm(x.mean)),
      pm(x.variance.value, x.variance.stderr),
      one ? pm(x.bias.values[0], x.bias.stderr[0]) : `${num(x.bias.norm)} (${num(x.bias.noise)})`,
      Number.isFinite(x.bias.rmsZ) ? x.bias.rmsZ.toFixed(1) : 'inf',
      pm(x.mse.value, x.mse.stderr),
      x.msPerGradient.toFixed(2),
    ]);
    lines.push(...table(header, rows));
    if (n.rows.some((x) => x.relaxed && n.objective === 'discrete')) lines.push('* a relaxation: its gradient is of the relaxed objective, biased for the discrete one');
    for (const s of n.skipped) lines.push(`not measured: ${s.estimator}: ${s.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

function table(header: string[], rows: string[][]): string[] {
  const width = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const fmt = (r: string[]) => r.map((c, j) => (j === 0 ? c.padEnd(width[j]) : c.padStart(width[j]))).join('  ');
  return [fmt(header), ...rows.map(fmt)];
}

/**
 * The figure: per node (rows) variance, squared bias and MSE (columns) of each estimator on log axes, as dots
 * with ±1 standard-error rules.
 */
export function compareChart(r: CompareReport): TopLevelSpec {
  const values = r.nodes.flatMap((n) =>
    n.rows.flatMap((x) => [
      { node: n.node, estimator: x.estimator, measure: 'variance (trace)', value: x.variance.value, lo: x.variance.value - x.variance.stderr, hi: x.variance.value + x.variance.stderr },
      { node: n.node, estimator: x.estimator, measure: '‖bias‖²', value: x.bias.norm ** 2, lo: Math.max(0, x.bias.norm - x.bias.noise) ** 2, hi: (x.bias.norm + x.bias.noise) ** 2 },
      { node: n.node, estimator: x.estimator, measure: 'MSE', value: x.mse.value, lo: x.mse.value - x.mse.stderr, hi: x.mse.value + x.mse.stderr },
    ]),
  );
  // Zeros (enumeration's variance) cannot sit on a log axis: they are drawn at a floor, 1e-12, and say so.
  const floor = 1e-12;
  const shown = values.map((v) => ({ ...v, shown: Math.max(v.value, floor), lo: Math.max(v.lo, floor), hi: Math.max(v.hi, floor) }));
  return {
    title: `${r.model}: gradient estimators at step ${r.step} (${r.draws} draws; values below 1e-12 drawn at 1e-12)`,
    data: { values: shown },
    facet: { row: { field: 'node', type: 'nominal', title: 'node' }, column: { field: 'measure', type: 'nominal', title: null, sort: ['variance (trace)', '‖bias‖²', 'MSE'] } },
    spec: {
      width: 200,
      height: 140,
      // Dots with ±1 standard-error rules: bars have no baseline on a log axis.
      layer: [
        {
          mark: { type: 'rule', color: '#555', strokeWidth: 1.5 },
          encoding: { x: { field: 'estimator', type: 'nominal', title: null }, y: { field: 'lo', type: 'quantitative', scale: { type: 'log' } }, y2: { field: 'hi' } },
        },
        {
          mark: { type: 'point', filled: true, size: 90, opacity: 1 },
          encoding: {
            x: { field: 'estimator', type: 'nominal', title: null, axis: { labelAngle: -30 } },
            y: { field: 'shown', type: 'quantitative', scale: { type: 'log' }, title: 'value (log scale)' },
            color: { field: 'estimator', type: 'nominal', title: null },
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  } as TopLevelSpec;
}
