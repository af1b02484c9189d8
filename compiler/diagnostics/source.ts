/**
 * Source files and spans. Spans are stored as UTF-16 offsets (what JavaScript strings index); line and
 * column are computed only when printing (as TypeScript and stanc3 do). Columns count Unicode code points so
 * a caret under `λ` or `σ` lines up in a terminal.
 */

/** A half-open range [start, end) of UTF-16 offsets into one source file. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A 1-based line and column (columns in code points). */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** The text of one .sgm file and its path as the user gave it. */
export class SourceFile {
  private readonly lineStarts: readonly number[];

  constructor(
    readonly path: string,
    readonly text: string,
  ) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
    this.lineStarts = starts;
  }

  /** Number of lines (a trailing newline does not start a new line of content). */
  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The 1-based line and code-point column of an offset (clamped to the file). */
  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    const column = [...this.text.slice(this.lineStarts[lo], o)].length + 1;
    return { line: lo + 1, column };
  }

  /** The text of a 1-based line without its line break. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1] ?? this.text.length;
    const next = this.lineStarts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }

  /** Offset of the first character of a 1-based line. */
  lineStart(line: number): number {
    return this.lineStarts[line - 1] ?? this.text.length;
  }

  /** The source text of a span. */
  slice(span: Span): string {
    return this.text.slice(span.start, span.end);
  }
}

/** The smallest span covering both. */
export function joinSpans(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/** An empty span at an offset (e.g. "expected ')' here"). */
export function pointSpan(offset: number): Span {
  return { start: offset, end: offset };
}
