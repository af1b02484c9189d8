/** The diagnostic type every compiler stage returns (docs/architecture.md section 1). */
import type { Span } from './source.js';
import type { DiagnosticCode } from './catalog.js';

/** How bad a diagnostic is: errors stop compilation; warnings and notes do not. */
export type Severity = 'error' | 'warning' | 'info';

/** A secondary span with its own message, printed after the primary one. */
export interface RelatedSpan {
  readonly span: Span;
  readonly message: string;
}

/** One located, coded message for the user. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  /** The headline, e.g. "shape mismatch in argument 'sigma' of IGR_I". */
  readonly message: string;
  readonly span: Span;
  /** Printed under the caret, e.g. "has shape [B, 20, 10], expected [B, 20, 9]". */
  readonly label?: string;
  readonly related: readonly RelatedSpan[];
  /** Extra lines printed as "= note: ...". */
  readonly notes: readonly string[];
  /** A suggestion printed as "= help: ...". */
  readonly help?: string;
}

/** The result of every compiler stage: a value (possibly partial when there are errors) and diagnostics. */
export interface StageResult<T> {
  readonly value: T;
  readonly diagnostics: readonly Diagnostic[];
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Diagnostics in source order (then by code), as they are printed. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.span.start - b.span.start || a.code.localeCompare(b.code));
}
