/**
 * Where the parser recovered from syntax errors, so that the semantic findings there (echoes of the broken
 * syntax) can be dropped while every other finding is kept. A syntax error damages one statement: the statement
 * that contains the offending token, or, when the token starts a statement or lies between statements (the
 * parser expected more of the statement before it), the statement before it. The damaged region runs from
 * that statement's start to the start of the next statement, so the tokens the parser skipped are inside it.
 * Names written in a damaged region may be defined by the text the parser skipped: a later "undefined name"
 * for them is an echo too.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceFile, Span } from '../diagnostics/source.js';
import type { Program } from './ast.js';

export interface RecoveredRegions {
  readonly regions: readonly Span[];
  /** Every identifier written in a damaged region. */
  readonly names: ReadonlySet<string>;
}

/** The damaged regions of `program` given the syntax errors among `diagnostics`. */
export function recoveredRegions(program: Program, file: SourceFile, diagnostics: readonly Diagnostic[]): RecoveredRegions {
  const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => d.span.start);
  if (errors.length === 0) return { regions: [], names: new Set() };
  const spans: Span[] = [];
  for (const m of program.models) {
    spans.push(...m.hyperparameters.map((h) => h.span));
    for (const it of m.items) {
      if (it.kind === 'block') spans.push(...it.statements.map((s) => s.span));
      else spans.push(it.span);
    }
  }
  spans.sort((a, b) => a.start - b.start);
  const regions: Span[] = [];
  for (const o of errors) {
    const inside = spans.find((s) => s.start < o && o < s.end);
    const damaged = inside ?? [...spans].reverse().find((s) => s.start < o);
    const start = damaged ? damaged.start : 0;
    const next = spans.find((s) => s.start >= Math.max(o, damaged ? damaged.end : o) && s !== damaged);
    regions.push({ start, end: next ? next.start : file.text.length });
  }
  const names = new Set<string>();
  for (const r of regions) for (const m of file.text.slice(r.start, r.end).matchAll(/[\p{L}_][\p{L}\p{N}_]*/gu)) names.add(m[0]);
  return { regions, names };
}

/** Codes that a name defined in skipped text produces far from the damage. */
const NAME_ECHOES = new Set(['SGM2001', 'SGM2003']);

/** Whether a finding is an echo of a recovered syntax error (inside a damaged region, or about a name in one). */
export function isRecoveryEcho(d: Diagnostic, recovered: RecoveredRegions, file: SourceFile): boolean {
  if (recovered.regions.some((r) => r.start <= d.span.start && d.span.start < r.end)) return true;
  return NAME_ECHOES.has(d.code) && recovered.names.has(file.text.slice(d.span.start, d.span.end));
}
