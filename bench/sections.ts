/**
 * Benchmark sections besides the step table (issue 6 item 1): `sgm compile` time of every model and parse + check
 * throughput. Each is one function returning rows.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as sourceCompile from '../compiler/compile.js';
import * as sourcePipeline from '../compiler/pipeline.js';
import { SGM_VERSION } from '../cli/version.js';
import { packageRoot } from '../runtime/package-root.js';
import { largeModel } from './large-model.js';
import { lspLatency } from './lsp-latency.js';

/**
 * The compiler as users run it: the built dist/ (what `sgm check` and `sgm compile` execute) when present, else
 * the sources through tsx, whose per-function wrappers make the front end about 3x slower (noted in the row).
 */
async function compiler(): Promise<{ compileSource: typeof sourceCompile.compileSource; checkSource: typeof sourcePipeline.checkSource; built: boolean }> {
  const dist = join(packageRoot(), 'dist/compiler');
  if (existsSync(join(dist, 'compile.js')) && existsSync(join(dist, 'pipeline.js'))) {
    const c = (await import(pathToFileURL(join(dist, 'compile.js')).href)) as typeof sourceCompile;
    const p = (await import(pathToFileURL(join(dist, 'pipeline.js')).href)) as typeof sourcePipeline;
    return { compileSource: c.compileSource, checkSource: p.checkSource, built: true };
  }
  return { compileSource: sourceCompile.compileSource, checkSource: sourcePipeline.checkSource, built: false };
}

/** One measured quantity of a section. */
export interface SectionRow {
  readonly name: string;
  readonly value: number | null;
  readonly unit: string;
  readonly note?: string;
}

/** A section's result. */
export interface SectionResult {
  readonly id: string;
  readonly title: string;
  readonly status: 'measured' | 'pending';
  readonly rows: readonly SectionRow[];
}

/** Median wall time of `f` over `runs` runs after one warm-up run, in milliseconds. */
function medianMs(f: () => void, runs: number): number {
  f();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** `sgm compile` wall time (parse, check, analysis, code generation) of every model in models/, in-process. */
export async function compileTimes(): Promise<SectionResult> {
  const root = packageRoot();
  const { compileSource, built } = await compiler();
  const rows: SectionRow[] = [];
  for (const f of readdirSync(join(root, 'models')).filter((n) => n.endsWith('.sgm')).sort()) {
    const text = readFileSync(join(root, 'models', f), 'utf8');
    const ms = medianMs(() => void compileSource(`models/${f}`, text, { sgmVersion: SGM_VERSION }), 5);
    rows.push({ name: f, value: round(ms), unit: 'ms', note: `${text.split('\n').length} lines${built ? '' : ', from sources (no dist/)'}` });
  }
  return { id: 'compile', title: '`sgm compile` time per model (in-process, median of 5)', status: 'measured', rows };
}

/** Parse + check throughput on a generated 5,000-line model (issue 2's benchmark) and on models/. */
export async function parseCheckThroughput(): Promise<SectionResult> {
  const rows: SectionRow[] = [];
  const { checkSource, built } = await compiler();
  for (const lines of [1000, 5000]) {
    const text = largeModel(lines);
    const result = checkSource('large.sgm', text);
    if (!result.ok) throw new Error(`the generated ${lines}-line model has errors: ${result.diagnostics[0]?.message}`);
    const ms = medianMs(() => void checkSource('large.sgm', text), 5);
    const n = text.split('\n').length;
    rows.push({ name: `parse + check, ${n}-line model`, value: round(ms), unit: 'ms', note: `${Math.round((n / ms) * 1000).toLocaleString('en-US')} lines/s${built ? '' : ', from sources (no dist/)'}` });
  }
  return { id: 'parse-check', title: 'parse + check throughput (generated models, median of 5)', status: 'measured', rows };
}

const round = (x: number): number => Math.round(x * 10) / 10;

/** Every section, in print order. */
export const SECTIONS: ReadonlyArray<() => Promise<SectionResult>> = [compileTimes, parseCheckThroughput, lspLatency];
