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
  /** Offsets of the high halves of surrogate pairs (code points above U+FFFF), ascending. */
  private readonly astral: readonly number[];

  constructor(
    readonly path: string,
    readonly text: string,
  ) {
    const starts = [0];
    const astral: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) astral.push(i++);
      }
    }
    this.lineStarts = starts;
    this.astral = astral;
  }

  /** Number of lines (a trailing newline does not start a new line of content). */
  get lineCount(): number {
    return this.lineStarts.length;
  }

  /**
   * The 1-based line and code-point column of an offset (clamped to the file; NaN counts as 0). O(log n): two
   * binary searches, one for the line, one counting the surrogate pairs between the line start and the offset.
   */
  position(offset: number): Position {
    const o = Number.isNaN(offset) ? 0 : Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    const start = this.lineStarts[lo];
    // A pair counts as one code point once both halves lie before the offset (high half at h with h + 1 < o).
    const pairs = lowerBound(this.astral, o - 1) - lowerBound(this.astral, start);
    return { line: lo + 1, column: o - start - pairs + 1 };
  }

  /** Number of code points in [from, to) (offsets within the file). */
  codePoints(from: number, to: number): number {
    if (to <= from) return 0;
    return to - from - (lowerBound(this.astral, to - 1) - lowerBound(this.astral, from));
  }

  /** Offset just after the last character of a 1-based line, before its line break (and a \r before it). */
  lineEnd(line: number): number {
    const next = this.lineStarts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return end > this.lineStart(line) && this.text.charCodeAt(end - 1) === 13 ? end - 1 : end;
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

/** Index of the first element >= x in an ascending array. */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The smallest span covering both. */
export function joinSpans(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/** An empty span at an offset (e.g. "expected ')' here"). */
export function pointSpan(offset: number): Span {
  return { start: offset, end: offset };
}
