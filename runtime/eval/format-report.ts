/** The text `sgm eval` prints for a ModelEvalReport (the JSON format is the report itself). */
import type { ModelEvalReport } from './evaluate-model.js';
import type { RecoveredDistribution } from './recovered-distributions.js';

/** Rows of a recovered-distribution table printed before eliding the rest. */
const MAX_TABLE_ROWS = 32;

const fixed = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;
/** A probability in two characters and a bit: 1, .25, .03, 0. */
const prob = (p: number): string => (p >= 0.995 ? '1' : p < 0.005 ? '0' : p.toFixed(2).slice(1));

/** The report as indented text lines, ending in a newline. */
export function formatEvalReport(r: ModelEvalReport, datasetName: string): string {
  const lines: string[] = [];
  lines.push(`${r.model} at step ${r.step} on ${r.examples} test rows of ${datasetName} (${r.batches} batch${r.batches === 1 ? '' : 'es'} of ${r.batchSize}), seed ${r.seed}`);
  const metrics = Object.entries(r.objective.metrics)
    .map(([k, v]) => `${k} ${fixed(v)}`)
    .join(', ');
  lines.push(`  test objective (${r.objective.sense} ${r.objective.text}): ${fixed(r.objective.value)}${metrics ? `   [${metrics}]` : ''}`);
  if (r.elbo !== undefined) lines.push(`  test ELBO: ${fixed(r.elbo)}`);
  const ll = r.logLikelihood;
  if (ll) {
    lines.push(`  test log-likelihood of the recovered discrete model (S = ${ll.samples} importance samples; ± 1 s.e. over test rows):`);
    for (const e of ll.estimates) lines.push(`    ${e.prior.padEnd(16)} ${fixed(e.mean)} ± ${fixed(e.stderr)}`);
    lines.push(`    effective sample size: mean ${fixed(ll.effectiveSampleSize.mean, 1)}, min ${fixed(ll.effectiveSampleSize.min, 1)} of ${ll.samples}`);
    for (const l of ll.latents) {
      lines.push(
        l.kind === 'categorical'
          ? `    ${l.name}: ${l.family} posterior by ${l.method}; prior by ${l.priorMethod}`
          : `    ${l.name}: ${l.family}, sampled from the posterior and weighted by its densities`,
      );
    }
  }
  const vertex = Object.entries(r.vertexDistance);
  if (vertex.length > 0) {
    lines.push(`  relaxed posterior samples near a simplex vertex (Euclidean distance to the nearest vertex):`);
    for (const [name, v] of vertex) {
      lines.push(`    ${name}: ${percent(v.shareWithin)} within ${v.threshold}, mean ${fixed(v.mean, 3)}, median ${fixed(v.median, 3)}, 90% ${fixed(v.q90, 3)} (${v.count} samples)`);
    }
  }
  for (const [name, c] of Object.entries(r.categoriesUsed)) {
    lines.push(`  ${name}: IGR-SB categories used at ρ = ${c.rho} (${c.rule === 'sticks' ? 'summing the sticks w, the authors\' code' : 'summing z = g(y, τ), IGR eq. (19)'}): mean ${fixed(c.mean)}, ${c.truncation} at the 70% quantile, max ${c.max} of ${c.maxCategories} (${c.draws} draws)`);
  }
  for (const [name, d] of Object.entries(r.recovered)) lines.push(...formatRecovered(name, d));
  for (const note of r.notes) lines.push(`  note: ${note}`);
  lines.push(`  (${fixed(r.seconds, 1)} s)`);
  return `${lines.join('\n')}\n`;
}

/** One latent's recovered posterior (mean over the test set), one row per latent entry, and its prior. */
export function formatRecovered(name: string, d: RecoveredDistribution): string[] {
  const k = d.shape[d.shape.length - 1];
  const rows = d.posteriorMean.length / k;
  const lines = [`  ${name}: recovered discrete distributions, mean over test rows of q(k | x) (${d.family}; k = 1..${k}):`];
  const cell = (p: number) => prob(p).padStart(4);
  const shown = Math.min(rows, MAX_TABLE_ROWS);
  for (let i = 0; i < shown; i++) {
    const label = rows === 1 ? name : `${name}[${i}]`;
    lines.push(`    ${label.padEnd(8)}${Array.from(d.posteriorMean.slice(i * k, (i + 1) * k), cell).join('')}`);
  }
  if (rows > shown) lines.push(`    ... ${rows - shown} more rows (--format json has them all)`);
  lines.push(`    ${'prior'.padEnd(8)}${d.prior.map(cell).join('')}`);
  return lines;
}
