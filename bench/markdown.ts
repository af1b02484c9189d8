/**
 * The benchmark's tables in Markdown, written from bench/results.json into README.md and docs/performance.md
 * between `<!-- bench-table -->` and `<!-- /bench-table -->`, so the published numbers are always those of the
 * committed run. `npm run bench` calls this after writing results.json; `npm run bench:table` re-renders alone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../runtime/package-root.js';
import type { BenchReport } from './measure.js';
import { referenceRatios } from './references.js';
import { LOOP_BENCH_ROW } from './train-loop.js';

const START = '<!-- bench-table -->';
const END = '<!-- /bench-table -->';

/** The Markdown tables of one results file. */
export function renderBenchTables(r: BenchReport): string {
  const m = r.machine;
  const load = m.loadAverageAtStart ? `, load average ${m.loadAverageAtStart[0]} at the start` : '';
  const lines = [
    `Measured ${r.generated.slice(0, 10)} on ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}, tfjs ${m.tfjs}` +
      `${m.openblas ? `, ${m.openblas.split(' ').slice(0, 2).join(' ')}` : ''}` +
      `${m.openblas && m.nativeThreads ? ` (native kernels on ${m.nativeThreads} threads${m.openblasCoreType ? `, OPENBLAS_CORETYPE=${m.openblasCoreType}` : ''})` : ''}` +
      `${load} (\`bench/results.json\`). ` +
      'ms per training step, median and fastest of the timed steps; "vs hand-written" divides by the hand-written ' +
      'step with the same optimizer on the same configuration.',
    '',
    '| configuration | step | median ms | min ms | vs hand-written | kernels/step | leaked tensors/step | peak RSS MB |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const x of r.results) {
    if (x.status !== 'measured' || !x.measurement) {
      lines.push(`| ${x.config} | ${x.row} | ${x.status}: ${(x.reason ?? '').split(' | ')[0].slice(0, 90)} | | | | | |`);
      continue;
    }
    const ratio = x.ratio === undefined ? '' : x.ratio.toFixed(2);
    const cells = [x.config, x.row, x.measurement.ms.median.toFixed(1), x.measurement.ms.min.toFixed(1), ratio, x.measurement.kernelsPerStep, x.measurement.leakedTensorsPerStep, x.peakRssMb ?? ''];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const pairs = (r.pairs ?? []).filter((p) => p.pair);
  if (pairs.length > 0) {
    lines.push(
      '',
      'Zero overhead: each compiled step against the hand-written one with the same optimizer, in one process with ' +
        'alternating steps (both see the same machine; the ratio is the median of the per-pair ratios; target ≤ 1.05):',
      '',
      '| configuration | compiled step | median ms | hand-written median ms | ratio |',
      '|---|---|---:|---:|---:|',
      ...pairs.map((p) => `| ${p.config} | ${p.row} | ${p.pair!.a.median.toFixed(1)} | ${p.pair!.b.median.toFixed(1)} | ${p.pair!.ratio.toFixed(2)} |`),
    );
  }
  for (const g of r.growth) {
    if (!g.growth) continue;
    const { steps, tensorsBefore, tensorsAfter, bytesBefore, bytesAfter } = g.growth;
    lines.push('', `${steps} steps of "${g.row}" on ${g.config}: live tensors ${tensorsBefore} → ${tensorsAfter}, tensor bytes ${bytesBefore} → ${bytesAfter}.`);
  }
  lines.push(...loopLines(r), ...referenceLines(r));
  for (const s of r.sections) {
    const rows = s.rows.filter((row) => row.value !== null);
    if (rows.length === 0) continue;
    const values = rows.map((row) => row.value as number);
    const parse = s.title.startsWith('parse');
    lines.push('', parse
      ? `${s.title}: ${rows.map((row) => `${row.name} ${row.value} ${row.unit}`).join('; ')}.`
      : `${s.title}: ${Math.min(...values)}–${Math.max(...values)} ${rows[0].unit} over ${rows.length} models.`);
  }
  return lines.join('\n');
}

/** The training loop against the bench step (bench/train-loop.ts). */
function loopLines(r: BenchReport): string[] {
  const loops = r.trainLoops ?? [];
  if (loops.length === 0) return [];
  const out = [
    '',
    `Training loop: \`train()\` (what \`sgm train\` runs, with its defaults: log, progress, evaluation and checkpoint every 500 steps) ` +
      `with one "${LOOP_BENCH_ROW}" step run between each two training steps in the same process; ratio = mean training step / mean ` +
      'bench step (target ≤ 1.05). Then `sgm train` itself in its own process: its steps/s × the bench step\'s median above / 1000 (target ≥ 0.95).',
    '',
    '| configuration | steps | training step ms (mean / median) | bench step ms (mean / median) | ratio | ratio (CPU time) | live tensors at step 10 → last | peak RSS MB | `sgm train` steps/s | × bench ms / 1000 |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const l of loops) {
    const p = l.paired;
    const cli = l.cli.stepsPerSecond !== undefined && l.benchMs !== undefined ? ((l.cli.stepsPerSecond * l.benchMs) / 1000).toFixed(3) : '';
    out.push(
      p
        ? `| ${l.config} | ${p.steps} | ${p.trainMs.mean} / ${p.trainMs.median} | ${p.benchMs.mean} / ${p.benchMs.median} | ${p.ratio.toFixed(3)} | ${p.cpuRatio?.toFixed(3) ?? ''} | ${p.tensorsAtStep10} → ${p.tensorsAtEnd} | ${l.peakRssMb ?? ''} | ${l.cli.stepsPerSecond ?? l.cli.error ?? ''} | ${cli} |`
        : `| ${l.config} | failed: ${(l.error ?? '').slice(0, 90)} | | | | | | | | |`,
    );
  }
  return out;
}

/** JAX and PyTorch on the same step (bench/references.ts), or why they were skipped. */
function referenceLines(r: BenchReport): string[] {
  const refs = r.references ?? [];
  if (refs.length === 0) return [];
  const out = ['', 'References, the same step in the same bench run (bench/reference_jax.py, bench/reference_torch.py; ratio = sgm\'s compiled step / the reference):', ''];
  for (const ref of refs) {
    if (!ref.ms) {
      out.push(`- ${ref.id}: ${ref.status}: ${ref.reason}`);
      continue;
    }
    const ratios = referenceRatios(ref, r.results, LOOP_BENCH_ROW).map((x) => `sgm ${x.config} ${x.ratio.toFixed(2)}×`).join(', ');
    out.push(`- ${ref.id}: ${ref.ms.median} ms median, ${ref.ms.min} min (${ref.mode}, ${ref.version}); ${ratios}`);
  }
  return out;
}

/** Rewrites the marked block of each file with the tables of bench/results.json. */
export function updateBenchTables(root = packageRoot()): string[] {
  const results = JSON.parse(readFileSync(join(root, 'bench/results.json'), 'utf8')) as BenchReport;
  const table = renderBenchTables(results);
  const updated: string[] = [];
  for (const file of ['README.md', 'docs/performance.md']) {
    const path = join(root, file);
    const text = readFileSync(path, 'utf8');
    const start = text.indexOf(START);
    if (start < 0) continue;
    const end = text.indexOf(END, start);
    const tail = end < 0 ? text.slice(start + START.length) : text.slice(end + END.length);
    writeFileSync(path, `${text.slice(0, start)}${START}\n${table}\n${END}${tail}`);
    updated.push(file);
  }
  return updated;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`bench tables updated in ${updateBenchTables().join(', ') || 'no file (no <!-- bench-table --> marker)'}`);
}
