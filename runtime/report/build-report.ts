/**
 * `sgm report`: the content of a run's report (figures rendered: charts as SVG by Vega, image grids as PNG)
 * from the run directory and, when the model could be rebuilt and has a checkpoint, what was drawn from it.
 */
import type { ReportContent, ReportFigure, ReportSection } from './report-content.js';
import type { LogRecord } from '../train/jsonl-log.js';
import { curveChart, groupedBarChart, histogramChart } from './charts.js';
import { imageGridPng, pngDataUri, type ImageSet } from './image-grid.js';
import type { ModelDraws } from './model-draws.js';
import type { RelaxedLatentSummary } from './relaxed-samples.js';
import type { Run } from './run-dir.js';
import { trainingCurves } from './training-curves.js';
import { renderSvg } from './vega-svg.js';

/** A built report: its content (rendered to a page by web/report-page.ts) and the ids of its figures. */
export interface BuiltReport {
  readonly content: ReportContent;
  readonly figures: readonly string[];
  readonly notes: readonly string[];
}

/** What the report knows besides the run: draws from the model (or why there are none) and the generator. */
export interface ReportInputs {
  readonly draws?: ModelDraws;
  /** Why nothing was drawn from the model (no checkpoint, the model no longer compiles, ...). */
  readonly drawNote?: string;
  readonly generatedBy: string;
  /** How to name the run directory on the page (default: its path as read). */
  readonly runLabel?: string;
}

/** Builds the report of a run. */
export async function buildReport(run: Run, inputs: ReportInputs): Promise<BuiltReport> {
  const sections = [await trainingSection(run), await relaxedSection(inputs), imagesSection(inputs)];
  const content: ReportContent = {
    model: run.model?.model ?? String(run.records.find((r) => r.type === 'start')?.model ?? 'model'),
    runDir: inputs.runLabel ?? run.dir,
    summary: summaryRows(run),
    sections,
    plan: run.model?.plan ?? [],
    ...(run.source !== undefined ? { source: run.source } : {}),
    generatedBy: inputs.generatedBy,
  };
  return {
    content,
    figures: sections.flatMap((s) => s.figures.map((f) => f.id)),
    notes: sections.flatMap((s) => s.notes),
  };
}

/** The summary table: dataset, steps, status, time, final objective on training and held-out data. */
function summaryRows(run: Run): Array<[string, string]> {
  const last = (type: string): LogRecord | undefined => [...run.records].reverse().find((r) => r.type === type);
  const start = run.records.find((r) => r.type === 'start');
  const end = last('end');
  const train = last('train');
  const evaluation = last('eval');
  const rows: Array<[string, string]> = [];
  if (start) rows.push(['dataset', `${String(start.dataset)} (${String(start.trainSize)} training, ${String(start.testSize)} held-out rows)`]);
  rows.push(['steps', `${String(end?.step ?? train?.step ?? 0)}${start?.targetSteps ? ` of ${String(start.targetSteps)}` : ''}`]);
  rows.push(['status', end ? String(end.status) : 'no end record (running, or killed)']);
  if (start?.time) rows.push(['started', String(start.time)]);
  if (run.model && Object.keys(run.model.hyperparameters).length > 0) rows.push(['hyperparameters', Object.entries(run.model.hyperparameters).map(([k, v]) => `${k}=${v}`).join(', ')]);
  if (train) rows.push(['last training value', fmt(train.value)]);
  if (evaluation) rows.push(['last held-out value', `${fmt(evaluation.value)} (step ${String(evaluation.step)})`]);
  if (run.checkpoint) rows.push(['checkpoint', `step ${run.checkpoint.manifest.step}`]);
  if (run.badLines > 0) rows.push(['log', `${run.badLines} unreadable line(s) skipped`]);
  return rows;
}

const fmt = (v: unknown): string => (typeof v === 'number' ? v.toPrecision(6) : String(v));

async function svgFigure(id: string, title: string, caption: string, spec: Parameters<typeof renderSvg>[0]): Promise<ReportFigure> {
  return { id, title, caption, svg: await renderSvg(spec) };
}

/** Loss/objective, log-likelihood, KL per latent, schedules and gradient norm over the steps. */
async function trainingSection(run: Run): Promise<ReportSection> {
  const c = trainingCurves(run.records);
  const heldOut = (s: string) => s.includes('held-out');
  const figures: ReportFigure[] = [];
  const notes: string[] = [];
  if (c.objective.length > 0) {
    figures.push(await svgFigure('objective', `${c.objectiveName} over training`, `The objective${c.objectiveName === 'objective' ? '' : ` (${c.objectiveName})`} on training batches (line) and on held-out data (dots).`, curveChart(`${c.objectiveName}`, c.objectiveName, c.objective, heldOut)));
  } else notes.push('the log has no training steps yet');
  if (c.surrogate.length > 0) {
    figures.push(await svgFigure('loss', 'surrogate loss', 'The loss the optimizer minimised: its gradient is the planned estimator (score function, enumeration), so its value differs from the objective.', curveChart('surrogate loss', 'loss', c.surrogate)));
  }
  if (c.loglik.length > 0) figures.push(await svgFigure('loglik', 'log-likelihood', 'log p(observed | latents) per data point.', curveChart('log-likelihood', 'log p(x | z)', c.loglik, heldOut)));
  if (c.kl.length > 0) figures.push(await svgFigure('kl', 'KL per latent', 'KL(q(z | x) ‖ p(z)) of each latent per data point, as the objective computes it (closed form or Monte Carlo, see the plan).', curveChart('KL per latent', 'KL (nats)', c.kl, heldOut)));
  else notes.push('no KL terms in the log (the model has no latent with a prior)');
  if (c.schedules.length > 0) figures.push(await svgFigure('schedules', 'schedules', 'Scheduled scalars (temperatures τ, capacities, ...) at each logged step.', curveChart('schedules', 'value', c.schedules)));
  else notes.push('no schedules in the log (constant temperatures are not logged)');
  if (c.reports.length > 0) figures.push(await svgFigure('reports', 'reports', 'The model\'s own metrics (`report name = ...`) on training batches (line) and averaged over the held-out batches at each evaluation (dots).', curveChart('reports', 'value', c.reports, heldOut)));
  if (c.gradNorm.length > 0) figures.push(await svgFigure('grad-norm', 'gradient norm', 'Global norm of the gradient at each logged step.', curveChart('gradient norm', '‖∇‖', c.gradNorm)));
  if (c.nonFinite > 0) notes.push(`${c.nonFinite} non-finite logged value(s) are not drawn`);
  return { id: 'training', title: 'Training', figures, notes };
}

/** For each relaxed latent: relaxed vs discrete (by category or by value) and the distance to the nearest vertex. */
async function relaxedSection(inputs: ReportInputs): Promise<ReportSection> {
  const figures: ReportFigure[] = [];
  const notes = inputs.draws ? inputs.draws.notes.relaxed : [inputs.drawNote ?? 'nothing was drawn from the model'];
  for (const s of inputs.draws?.relaxed ?? []) figures.push(await relaxedFigure(s), await distanceFigure(s));
  return { id: 'relaxed', title: 'Relaxed samples vs discrete', figures, notes };
}

async function relaxedFigure(s: RelaxedLatentSummary): Promise<ReportFigure> {
  const title = `${s.name} ~ ${s.distribution}: relaxed vs discrete`;
  if (s.categories) {
    const bars = s.categories.relaxedMass.flatMap((m, k) => [
      { group: String(k), kind: 'relaxed: mean mass', value: m },
      { group: String(k), kind: 'discrete: nearest vertex', value: s.categories!.discreteFraction[k] },
    ]);
    return svgFigure(`relaxed-${s.name}`, title, `Per category: the mean relaxed mass of ${s.draws} draws on held-out rows, and how often the category is the draw's nearest vertex (its discrete value).`, groupedBarChart(title, 'category', 'fraction of draws', bars));
  }
  const values = [...s.values!.relaxed.map((value) => ({ value, kind: 'relaxed' })), ...s.values!.discrete.map((value) => ({ value, kind: 'discrete (nearest integer)' }))];
  const bins = s.relaxation === 'relaxed_binary' ? { maxbins: 20 } : { maxbins: 40 };
  return svgFigure(`relaxed-${s.name}`, title, `Histogram of ${s.draws} relaxed values on held-out rows and of their nearest integers.`, histogramChart(title, s.name, values, bins));
}

async function distanceFigure(s: RelaxedLatentSummary): Promise<ReportFigure> {
  const title = `${s.name}: distance to the nearest vertex`;
  const values = s.distances.map((value) => ({ value, kind: 'distance' }));
  return svgFigure(`distance-${s.name}`, title, `Euclidean distance of each relaxed draw to its nearest vertex: mean ${s.meanDistance.toPrecision(3)}, ${(100 * s.shareWithin).toFixed(1)}% within ${s.threshold} (the IGR paper's statistic, as sgm eval reports it). It shrinks towards 0 as the temperature τ goes to 0.`, histogramChart(title, 'distance', values, { maxbins: 30 }));
}

/** Reconstructions and samples as PNG grids. */
function imagesSection(inputs: ReportInputs): ReportSection {
  const figures: ReportFigure[] = [];
  const draws = inputs.draws;
  const png = (id: string, title: string, caption: string, set: ImageSet, columns: number): ReportFigure => {
    const buf = imageGridPng(set, columns, 2);
    // Width and height of the PNG, read from its IHDR chunk (bytes 16-23).
    return { id, title, caption, png: { uri: pngDataUri(buf), width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) } };
  };
  if (draws?.reconstructions) {
    figures.push(png('reconstructions', 'Reconstructions', 'Held-out images (odd rows) and the mean of p(x | z) with z drawn from the guide q(z | x) (even rows).', draws.reconstructions.images, draws.reconstructions.columns));
  }
  if (draws?.samples) figures.push(png('samples', 'Samples', 'The mean of p(x | z) for z drawn from the prior p(z).', draws.samples.images, draws.samples.columns));
  const notes = draws ? draws.notes.images : [inputs.drawNote ?? 'nothing was drawn from the model'];
  return { id: 'images', title: 'Reconstructions and samples', figures, notes };
}
