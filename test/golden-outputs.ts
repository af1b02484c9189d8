/**
 * The golden outputs of every stage, computed the same way by the tests (which diff them against the committed
 * files) and by scripts/update-goldens.ts (which rewrites them). A golden file is a reviewed claim: read the
 * diff before committing regenerated goldens.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { formatDiagnostics } from '../compiler/diagnostics/printer.js';
import { formatPlan } from '../compiler/analysis/explain.js';
import { annotateGraph, buildGraph, graphToJsonText } from '../compiler/graph/index.js';
import { checkSource } from '../compiler/pipeline.js';
import { compileSource } from '../compiler/compile.js';
import { SGM_VERSION } from '../cli/version.js';
import type { SourceFile, Span } from '../compiler/diagnostics/source.js';
import { packageRoot } from '../runtime/package-root.js';
import { diagnosticsMarkdown, referenceMarkdown } from '../scripts/reference-docs.js';

/** One golden file: where it lives (relative to the package root) and its expected text. */
export interface Golden {
  readonly path: string;
  readonly text: string;
}

const root = packageRoot();
const sgmFiles = (dir: string): string[] =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.sgm'))
    .sort()
    .map((f) => `${dir}/${f}`);

/** The AST as JSON with spans shown as "line:col-line:col" (readable in review). */
export function astToJsonText(value: unknown, file: SourceFile): string {
  const pos = (o: number) => {
    const p = file.position(o);
    return `${p.line}:${p.column}`;
  };
  const replacer = (_key: string, v: unknown): unknown => {
    if (v && typeof v === 'object' && 'start' in v && 'end' in v && Object.keys(v).length === 2) {
      const s = v as Span;
      return `${pos(s.start)}-${pos(s.end)}`;
    }
    return v;
  };
  return JSON.stringify(value, replacer, 2) + '\n';
}

/** Goldens of a valid case: its AST and its graph. */
export function goodCaseGoldens(path: string): Golden[] {
  const r = checkSource(path, readFileSync(join(root, path), 'utf8'));
  const stem = path.replace(/\.sgm$/, '');
  const out: Golden[] = [{ path: `${stem}.ast.json`, text: astToJsonText(r.program, r.file) }];
  if (r.ok) for (const m of r.models) out.push({ path: `${stem}.graph.json`, text: graphToJsonText(buildGraph(m).value) });
  else out.push({ path: `${stem}.errors.txt`, text: formatDiagnostics(r.file, r.diagnostics) });
  return out;
}

/** `--set` overrides from a first line `// sgm-test: --set K=3 --set N=2` of a case file. */
export function caseOverrides(text: string): Record<string, number> {
  const m = /^\/\/ sgm-test:(.*)$/m.exec(text.split('\n')[0]);
  const out: Record<string, number> = {};
  for (const [, k, v] of (m?.[1] ?? '').matchAll(/--set\s+([^=\s]+)=(\S+)/g)) out[k] = Number(v);
  return out;
}

/** The golden of an invalid case: the diagnostics exactly as `sgm check` prints them. */
export function badCaseGolden(path: string): Golden {
  const text = readFileSync(join(root, path), 'utf8');
  const r = checkSource(path, text, { overrides: caseOverrides(text) });
  return { path: path.replace(/\.sgm$/, '.errors.txt'), text: formatDiagnostics(r.file, r.diagnostics) };
}

/** The graph golden of a shipped model (models/*.sgm), kept under test/cases/models/. */
export function modelGoldens(path: string): Golden[] {
  const r = checkSource(path, readFileSync(join(root, path), 'utf8'));
  const name = basename(path, '.sgm');
  if (!r.ok) return [{ path: `test/cases/models/${name}.errors.txt`, text: formatDiagnostics(r.file, r.diagnostics) }];
  const plan = r.plans[0];
  return [
    { path: `test/cases/models/${name}.graph.json`, text: graphToJsonText(annotateGraph(buildGraph(r.models[0]).value, plan)) },
    { path: `test/cases/models/${name}.plan.txt`, text: formatPlan(plan) },
    { path: `test/cases/models/${name}.generated.ts`, text: generatedModule(path) },
  ];
}

/** The generated TypeScript module of a model file, as `sgm compile` prints it. */
export function generatedModule(path: string): string {
  const r = compileSource(path, readFileSync(join(root, path), 'utf8'), { sgmVersion: SGM_VERSION });
  if (!r.code) throw new Error(`${path} does not compile`);
  return r.code;
}

/** Every golden of the project, by case; `docs` are the generated reference pages. */
export function allGoldens(): { good: [string, Golden[]][]; bad: [string, Golden][]; models: [string, Golden[]][]; docs: Golden[] } {
  return {
    good: sgmFiles('test/cases/good').map((p) => [p, goodCaseGoldens(p)]),
    bad: sgmFiles('test/cases/bad').map((p) => [p, badCaseGolden(p)]),
    models: sgmFiles('models').map((p) => [p, modelGoldens(p)]),
    docs: [
      { path: 'docs/reference.md', text: referenceMarkdown() },
      { path: 'docs/diagnostics.md', text: diagnosticsMarkdown() },
    ],
  };
}
