/**
 * The front-end pipeline: source -> AST -> checked model (-> graph, in compiler/graph). Each stage returns
 * `{ value, diagnostics }`; the pipeline stops before a stage whose input has errors.
 */
import { hasErrors, type Diagnostic } from './diagnostics/diagnostic.js';
import { SourceFile } from './diagnostics/source.js';
import { check, type CheckOptions } from './semantics/check.js';
import type { CheckedModel } from './semantics/types.js';
import { parse } from './syntax/parse.js';
import type { Program } from './syntax/ast.js';

/** Everything the front end produced for one file. */
export interface FrontEndResult {
  readonly file: SourceFile;
  readonly program: Program;
  /** Checked models (present even with errors, for tools; do not compile them when `ok` is false). */
  readonly models: readonly CheckedModel[];
  readonly diagnostics: readonly Diagnostic[];
  /** No errors (warnings allowed). */
  readonly ok: boolean;
}

/** Parses and checks a source text. Semantic checks run even after syntax errors (on the recovered tree). */
export function checkSource(path: string, text: string, options: CheckOptions = {}): FrontEndResult {
  const file = new SourceFile(path, text);
  const parsed = parse(file);
  const checked = check(parsed.value, file, options);
  // After syntax errors, report only semantic errors that cannot be echoes of the broken syntax: names and
  // shapes in a half-read statement are unreliable, so warnings are dropped and errors kept.
  const semantic = hasErrors(parsed.diagnostics) ? checked.diagnostics.filter((d) => d.severity === 'error') : checked.diagnostics;
  const diagnostics = [...parsed.diagnostics, ...semantic];
  return { file, program: parsed.value, models: checked.value, diagnostics, ok: !hasErrors(diagnostics) };
}
