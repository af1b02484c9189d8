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

/** Most diagnostics printed as text for one file; the rest are counted ("... and 12 more"). */
export const MAX_PRINTED_DIAGNOSTICS = 50;
/** Code points of a source line shown in an excerpt, and how many of them precede the marked span. */
const EXCERPT_WIDTH = 160;
const EXCERPT_BEFORE = 60;

/**
 * Human-readable text of the diagnostics, in source order, ending with a summary line. At most
 * MAX_PRINTED_DIAGNOSTICS are shown (errors first, so a flood of warnings never hides one); the summary
 * counts all of them.
 */
export function formatDiagnostics(file: SourceFile, diagnostics: readonly Diagnostic[], options: PrintOptions = {}): string {
  const sorted = sortDiagnostics(diagnostics);
  const errorsFirst = [...sorted.filter((d) => d.severity === 'error'), ...sorted.filter((d) => d.severity !== 'error')];
  const shown = sorted.length <= MAX_PRINTED_DIAGNOSTICS ? sorted : sortDiagnostics(errorsFirst.slice(0, MAX_PRINTED_DIAGNOSTICS));
  const blocks = shown.map((d) => formatDiagnostic(file, d, options));
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const hidden = diagnostics.length - shown.length;
  if (hidden > 0) blocks.push(`... and ${hidden} more (${plural(hidden, 'diagnostic')} not shown; --format json lists all)`);
  if (diagnostics.length > 0) blocks.push(summaryLine(errors, warnings));
  return blocks.join('\n\n') + (blocks.length > 0 ? '\n' : '');
}

const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;

/** Longest message, label, note or help printed (they may quote source text, e.g. a very long name). */
const MAX_TEXT = 300;
const clip = (t: string): string => (t.length <= MAX_TEXT ? t : `${t.slice(0, MAX_TEXT)}…`);

/** "2 errors, 1 warning". */
export function summaryLine(errors: number, warnings: number): string {
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

/** One diagnostic as text. */
export function formatDiagnostic(file: SourceFile, d: Diagnostic, options: PrintOptions = {}): string {
  const color = options.color ?? false;
  const sevColor = d.severity === 'error' ? '1;31' : d.severity === 'warning' ? '1;33' : '1;36';
  const lines: string[] = [`${paint(color, sevColor, `${d.severity} ${d.code}`)}${paint(color, '1', `: ${clip(d.message)}`)}`];
  const spans = [{ span: d.span, message: clip(d.label ?? ''), primary: true }, ...d.related.map((r) => ({ ...r, message: clip(r.message), primary: false }))];
  const gutter = String(Math.max(...spans.map((s) => file.position(s.span.start).line))).length;
  const pad = ' '.repeat(gutter);
  spans.forEach((s, i) => {
    const pos = file.position(s.span.start);
    lines.push(`${pad}${i === 0 ? '-->' : ':::'} ${file.path}:${pos.line}:${pos.column}`);
    lines.push(`${pad} |`);
    lines.push(...excerpt(file, s.span, s.message, gutter, s.primary ? '^' : '-', color, sevColor));
  });
  for (const note of d.notes) lines.push(`${pad} = note: ${clip(note)}`);
  if (d.help) lines.push(`${pad} = help: ${clip(d.help)}`);
  return lines.join('\n');
}

/**
 * The source line of a span with a marker under it (multi-line spans mark the first line to its end). A long
 * line is cut to a window of EXCERPT_WIDTH code points around the span's start, with '…' where text is left
 * out, so the output per diagnostic stays bounded whatever the line length.
 */
function excerpt(file: SourceFile, span: Span, message: string, gutter: number, mark: string, color: boolean, sevColor: string): string[] {
  const clamp = (o: number): number => (Number.isNaN(o) ? 0 : Math.max(0, Math.min(o, file.text.length)));
  const at = clamp(span.start);
  const line = file.position(at).line;
  const lineStart = file.lineStart(line);
  const lineEnd = file.lineEnd(line);
  const caret = Math.min(at, lineEnd);
  const markEnd = Math.max(caret, Math.min(clamp(span.end), lineEnd));
  // The window in UTF-16 offsets, moved off the middle of a surrogate pair at both ends.
  const lowHalf = (o: number): boolean => o > 0 && o < file.text.length && (file.text.charCodeAt(o) & 0xfc00) === 0xdc00;
  const whole = file.codePoints(lineStart, lineEnd) <= EXCERPT_WIDTH;
  let from = whole ? lineStart : Math.max(lineStart, caret - EXCERPT_BEFORE);
  if (lowHalf(from)) from--;
  let to = whole ? lineEnd : Math.min(lineEnd, from + EXCERPT_WIDTH);
  if (lowHalf(to)) to++;
  const before = from > lineStart ? '…' : '';
  const after = to < lineEnd ? '…' : '';
  const text = before + file.text.slice(from, to).replace(/[\t\r\v\f\u2028\u2029]/g, ' ') + after;
  const indent = [...before].length + file.codePoints(from, caret);
  const len = Math.max(1, file.codePoints(caret, Math.min(markEnd, to)));
  const marker = ' '.repeat(indent) + paint(color, sevColor, mark.repeat(len)) + (message ? ' ' + paint(color, sevColor, message) : '');
  return [`${String(line).padStart(gutter)} | ${text}`, `${' '.repeat(gutter)} | ${marker}`];
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
