/** Builds diagnostics with the catalog's severity. */
import { CATALOG, type DiagnosticCode } from './catalog.js';
import type { Diagnostic, RelatedSpan } from './diagnostic.js';
import type { Span } from './source.js';

/** Optional parts of a diagnostic. */
export interface DiagnosticExtras {
  readonly label?: string;
  readonly related?: readonly RelatedSpan[];
  readonly notes?: readonly string[];
  readonly help?: string;
}

/** A diagnostic of `code` at `span` (span first, as every factory in the compiler). */
export function makeDiagnostic(code: DiagnosticCode, span: Span, message: string, extras: DiagnosticExtras = {}): Diagnostic {
  return {
    code,
    severity: CATALOG[code].severity,
    message,
    span,
    ...(extras.label === undefined ? {} : { label: extras.label }),
    related: extras.related ?? [],
    notes: extras.notes ?? [],
    ...(extras.help === undefined ? {} : { help: extras.help }),
  };
}
