/**
 * Prints diagnostics for people (file:line:col, the source line, a caret/underline, related spans, notes,
 * help; docs/architecture.md section 1) and for tools (stable JSON).
 */
import type { Diagnostic } from './diagnostic.js';
import { sortDiagnostics } from './diagnostic.js';
import type { SourceFile, Span } from './source.js';

/** Options of the text printer. */
export interface PrintOptions {
  /** ANSI colours (default false). */
  readonly color?: boolean;
}

const paint = (on: boolean, code: string, s: string): string => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

/** Human-readable text of all diagnostics, in source order, ending with a summary line. */
export function formatDiagnostics(file: SourceFile, diagnostics: readonly Diagnostic[], options: PrintOptions = {}): string {
  const sorted = sortDiagnostics(diagnostics);
  const blocks = sorted.map((d) => formatDiagnostic(file, d, options));
  const errors = sorted.filter((d) => d.severity === 'error').length;
  const warnings = sorted.filter((d) => d.severity === 'warning').length;
  if (sorted.length > 0) blocks.push(summaryLine(errors, warnings));
  return blocks.join('\n\n') + (blocks.length > 0 ? '\n' : '');
}

/** "2 errors, 1 warning". */
export function summaryLine(errors: number, warnings: number): string {
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

/** One diagnostic as text. */
export function formatDiagnostic(file: SourceFile, d: Diagnostic, options: PrintOptions = {}): string {
  const color = options.color ?? false;
  const sevColor = d.severity === 'error' ? '1;31' : d.severity === 'warning' ? '1;33' : '1;36';
  const lines: string[] = [`${paint(color, sevColor, `${d.severity} ${d.code}`)}${paint(color, '1', `: ${d.message}`)}`];
  const spans = [{ span: d.span, message: d.label ?? '', primary: true }, ...d.related.map((r) => ({ ...r, primary: false }))];
  const gutter = String(Math.max(...spans.map((s) => file.position(s.span.start).line))).length;
  const pad = ' '.repeat(gutter);
  spans.forEach((s, i) => {
    const pos = file.position(s.span.start);
    lines.push(`${pad}${i === 0 ? '-->' : ':::'} ${file.path}:${pos.line}:${pos.column}`);
    lines.push(`${pad} |`);
    lines.push(...excerpt(file, s.span, s.message, gutter, s.primary ? '^' : '-', color, sevColor));
  });
  for (const note of d.notes) lines.push(`${pad} = note: ${note}`);
  if (d.help) lines.push(`${pad} = help: ${d.help}`);
  return lines.join('\n');
}

/** The source line of a span with a marker under it (multi-line spans mark the first line to its end). */
function excerpt(file: SourceFile, span: Span, message: string, gutter: number, mark: string, color: boolean, sevColor: string): string[] {
  const start = file.position(span.start);
  const end = file.position(span.end);
  const text = file.lineText(start.line).replace(/\t/g, ' ');
  const width = [...text].length;
  const from = start.column - 1;
  const to = end.line === start.line ? end.column - 1 : width;
  const len = Math.max(1, to - from);
  const marker = ' '.repeat(from) + paint(color, sevColor, mark.repeat(len)) + (message ? ' ' + paint(color, sevColor, message) : '');
  return [`${String(start.line).padStart(gutter)} | ${text}`, `${' '.repeat(gutter)} | ${marker}`];
}

/** A diagnostic as plain data with resolved positions (the `--format json` form). */
export interface DiagnosticJson {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly file: string;
  readonly start: { line: number; column: number; offset: number };
  readonly end: { line: number; column: number; offset: number };
  readonly label?: string;
  readonly related: readonly { message: string; start: { line: number; column: number; offset: number }; end: { line: number; column: number; offset: number } }[];
  readonly notes: readonly string[];
  readonly help?: string;
}

/** Diagnostics as JSON-ready objects, in source order. */
export function diagnosticsToJson(file: SourceFile, diagnostics: readonly Diagnostic[]): DiagnosticJson[] {
  const at = (offset: number) => ({ ...file.position(offset), offset });
  return sortDiagnostics(diagnostics).map((d) => ({
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: file.path,
    start: at(d.span.start),
    end: at(d.span.end),
    ...(d.label === undefined ? {} : { label: d.label }),
    related: d.related.map((r) => ({ message: r.message, start: at(r.span.start), end: at(r.span.end) })),
    notes: d.notes,
    ...(d.help === undefined ? {} : { help: d.help }),
  }));
}
