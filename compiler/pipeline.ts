/**
 * The front-end pipeline: source -> AST -> checked model -> estimator/KL plan (-> graph, in compiler/graph). Each stage returns
 * `{ value, diagnostics }`; the pipeline stops before a stage whose input has errors.
 */
import { hasErrors, type Diagnostic, type StageResult } from './diagnostics/diagnostic.js';
import { SourceFile, type Span } from './diagnostics/source.js';
import { analyze } from './analysis/analyze.js';
import type { EstimatorOverrides } from './analysis/estimator-overrides.js';
import type { Plan } from './analysis/plan.js';
import { ESTIMATOR_SIGNATURES } from './estimators/registry.js';
import { check, type CheckOptions } from './semantics/check.js';
import type { CheckedModel } from './semantics/types.js';
import { parse } from './syntax/parse.js';
import { isRecoveryEcho, recoveredRegions } from './syntax/recovered.js';
import type { Program } from './syntax/ast.js';

/** Everything the front end produced for one file. */
export interface FrontEndResult {
  readonly file: SourceFile;
  readonly program: Program;
  /** Checked models (present even with errors, for tools; do not compile them when `ok` is false). */
  readonly models: readonly CheckedModel[];
  /** The estimator/KL plan of each model (empty when the front end found errors). */
  readonly plans: readonly Plan[];
  readonly diagnostics: readonly Diagnostic[];
  /** No errors (warnings allowed). */
  readonly ok: boolean;
}

/** Options of the front end: the checker's, and the analysis's. */
export interface FrontEndOptions extends CheckOptions {
  /**
   * Estimators per node chosen without editing the source (`sgm compare`), applied as `with` clauses are, with
   * the same rules and diagnostics (compiler/analysis/estimator-overrides.ts); an entry replaces a `with` clause.
   */
  readonly estimatorOverrides?: EstimatorOverrides;
  /** Most joint configurations per data point of the variables enumerated together (AnalysisOptions). */
  readonly enumerationLimit?: number;
}

/** Parses and checks a source text. Semantic checks run even after syntax errors (on the recovered tree). */
export function checkSource(path: string, text: string, options: FrontEndOptions = {}): FrontEndResult {
  const file = new SourceFile(path, text);
  return checkParsed(file, parse(file), options);
}

/**
 * The stages after parsing, on a parse result of `file` (the language server passes a tree it re-parsed only in
 * part, lsp/incremental.ts; it must equal what `parse(file)` returns).
 */
export function checkParsed(file: SourceFile, parsed: StageResult<Program>, options: FrontEndOptions = {}, checker: typeof check = check): FrontEndResult {
  const text = file.text;
  // `checker` is `check`, or the language server's check that re-uses the previous version's work (semantics/reuse.ts).
  // The `with` signatures come from the estimator modules, above the semantic stage (docs/architecture.md section 9).
  const checked = checker(parsed.value, file, { ...options, estimators: options.estimators ?? ESTIMATOR_SIGNATURES });
  // After syntax errors the tree is a recovered guess inside each damaged statement: semantic findings there
  // are echoes of the broken syntax. Keep semantic errors everywhere else, and drop warnings (unused names are
  // expected in a half-read file).
  const recovered = recoveredRegions(parsed.value, file, parsed.diagnostics);
  const semantic = hasErrors(parsed.diagnostics)
    ? checked.diagnostics.filter((d) => d.severity === 'error' && !isRecoveryEcho(d, recovered, file))
    : checked.diagnostics;
  const diagnostics = [...parsed.diagnostics, ...semantic];
  // The analysis (estimators, KL methods, static warnings) runs on error-free models only.
  const analyses = hasErrors(diagnostics) ? [] : checked.value.map((m) =>
        analyze(m, { ...(options.estimatorOverrides ? { estimatorOverrides: options.estimatorOverrides } : {}), ...(options.enumerationLimit !== undefined ? { enumerationLimit: options.enumerationLimit } : {}) }),
      );
  diagnostics.push(...analyses.flatMap((a) => a.diagnostics));
  const plans = analyses.map((a) => a.value);
  return { file, program: parsed.value, models: checked.value, plans, diagnostics: diagnostics.map((d) => withinFile(d, text.length)), ok: !hasErrors(diagnostics) };
}

/**
 * A diagnostic whose spans lie inside the file and are never inverted: after error recovery a node's span can
 * fall back to the end of the file or start after its own end; every reader (printer, JSON, editors) may
 * rely on 0 <= start <= end <= length.
 */
function withinFile(d: Diagnostic, length: number): Diagnostic {
  const fix = (s: Span): Span => {
    const start = Number.isFinite(s.start) ? Math.max(0, Math.min(s.start, length)) : 0;
    const end = Number.isFinite(s.end) ? Math.max(start, Math.min(s.end, length)) : start;
    return start === s.start && end === s.end ? s : { start, end };
  };
  const span = fix(d.span);
  const related = d.related.map((r) => ({ ...r, span: fix(r.span) }));
  return { ...d, span, related };
}
