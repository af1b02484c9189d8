/**
 * The curves of a training log: the objective on training batches and on held-out data, the surrogate loss
 * where it is not just the objective's negation, the log-likelihood
 * terms, the KL of each latent, the schedules (temperatures, capacities, ...) and the gradient norm, each as
 * long-format points { step, value, series } for the charts. Metric names follow the generated code:
 * `elbo` / `objective` / `iwae…` (the objective), `loglik_<x>`, `kl_<z>`, and anything else is a schedule or
 * another scalar (`n.tau`, `Cd`). Non-finite values (logged as strings) are dropped and counted.
 */
import type { LogRecord } from '../train/jsonl-log.js';

/** One point of a curve. */
export interface CurvePoint {
  readonly step: number;
  readonly value: number;
  readonly series: string;
}

/** Every curve of a run. */
export interface TrainingCurves {
  /** What the objective is called in the log (`elbo`, `objective`, ...). */
  readonly objectiveName: string;
  readonly objective: readonly CurvePoint[];
  /** The surrogate loss the optimizer minimised, where it is more than ± the objective (score function, enumeration). */
  readonly surrogate: readonly CurvePoint[];
  readonly loglik: readonly CurvePoint[];
  readonly kl: readonly CurvePoint[];
  readonly schedules: readonly CurvePoint[];
  /** The model's `report` metrics (named in the log's start record), on training batches and held-out data. */
  readonly reports: readonly CurvePoint[];
  readonly gradNorm: readonly CurvePoint[];
  /** Values that were NaN or infinite and are not drawn. */
  readonly nonFinite: number;
}

/** The kind of a logged metric. */
export type MetricKind = 'objective' | 'loglik' | 'kl' | 'schedule';

/** What a metric name is. */
export function metricKind(name: string): MetricKind {
  if (name === 'elbo' || name === 'objective' || name === 'loss' || name.startsWith('iwae')) return 'objective';
  if (name.startsWith('loglik_')) return 'loglik';
  if (name.startsWith('kl_')) return 'kl';
  return 'schedule';
}

/** A logged number: numbers as they are, "NaN"/"Infinity" strings as non-finite numbers, anything else undefined. */
function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?(NaN|Infinity)$/.test(v)) return Number(v);
  return undefined;
}

/** The curves of a log's `train` and `eval` records. */
export function trainingCurves(records: readonly LogRecord[]): TrainingCurves {
  const objective: CurvePoint[] = [];
  const loglik: CurvePoint[] = [];
  const kl: CurvePoint[] = [];
  const schedules: CurvePoint[] = [];
  const reports: CurvePoint[] = [];
  const reportNames = new Set(records.flatMap((r) => (r.type === 'start' && Array.isArray(r.reports) ? r.reports.map(String) : [])));
  const gradNorm: CurvePoint[] = [];
  const loss: CurvePoint[] = [];
  let surrogateDiffers = false;
  let nonFinite = 0;
  let objectiveName = 'objective';
  const add = (into: CurvePoint[], step: number, value: number | undefined, series: string) => {
    if (value === undefined) return;
    if (!Number.isFinite(value)) {
      nonFinite++;
      return;
    }
    into.push({ step, value, series });
  };
  for (const r of records) {
    const step = numberOf(r.step);
    if (step === undefined || (r.type !== 'train' && r.type !== 'eval')) continue;
    const metrics = (r.metrics ?? {}) as Record<string, unknown>;
    const named = Object.keys(metrics).find((k) => metricKind(k) === 'objective');
    if (named) objectiveName = named;
    const split = r.type === 'train' ? 'train' : 'held-out';
    add(objective, step, numberOf(r.value), split);
    if (r.type === 'train') {
      add(gradNorm, step, numberOf(r.gradNorm), 'gradient norm');
      const [l, v] = [numberOf(r.loss), numberOf(r.value)];
      if (l !== undefined && Number.isFinite(l)) {
        loss.push({ step, value: l, series: 'surrogate loss' });
        // A loss that is neither the objective (minimize) nor its negation (maximize) is a surrogate worth drawing.
        if (v !== undefined && Math.abs(l - v) > 1e-6 * (1 + Math.abs(v)) && Math.abs(l + v) > 1e-6 * (1 + Math.abs(v))) surrogateDiffers = true;
      }
    }
    for (const [k, v] of Object.entries(metrics)) {
      if (reportNames.has(k)) {
        add(reports, step, numberOf(v), `${k} (${split})`);
        continue;
      }
      const kind = metricKind(k);
      if (kind === 'loglik') add(loglik, step, numberOf(v), `${k.slice('loglik_'.length)} (${split})`);
      else if (kind === 'kl') add(kl, step, numberOf(v), `${k.slice('kl_'.length)} (${split})`);
      else if (kind === 'schedule' && r.type === 'train') add(schedules, step, numberOf(v), k);
    }
  }
  return { objectiveName, objective, surrogate: surrogateDiffers ? loss : [], loglik, kl, schedules, reports, gradNorm, nonFinite };
}
