/**
 * The formatter (`sgm fmt`, the language server's formatting request): one canonical layout of a .sgm file,
 * printed from the AST. Layout: two spaces per level; one statement per line (`;` separators become line
 * breaks, a statement written over several lines is joined); one blank line kept where the source had at least
 * one between items, none after `{` or before `}`; one blank line between models; canonical spacing inside
 * statements (print-expr.ts).
 *
 * Comments are kept: a comment on its own line stays on its own line before the next item; a comment after code
 * on the same line stays after that line's code; comments of consecutive lines that all end in a comment are
 * aligned one column past the longest code (two spaces). A comment written inside a statement (between its
 * tokens) is moved to its own line before the statement, since the statement is printed on one line.
 *
 * Only error-free files are formatted (a file with syntax errors is returned unchanged with its diagnostics).
 * The result is checked before it is returned: it must parse to the same tree (spans aside) and keep every
 * comment; otherwise formatting throws, as an internal error, and the caller writes nothing.
 */
import type { IToken } from 'chevrotain';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile, type Span } from '../diagnostics/source.js';
import type * as A from './ast.js';
import { parse } from './parse.js';
import { printModelHeader, printStatement, treeShape } from './print-expr.js';
import { sgmLexer } from './tokens.js';

/** The formatter's result: the canonical text, or the diagnostics that stopped it. */
export type FormatResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** One output line: indentation level, code, and a trailing comment. */
interface Line {
  readonly indent: number;
  readonly code: string;
  comment?: string;
}

const INDENT = '  ';

/** Formats a source text. */
export function formatSource(text: string, path = '<input>'): FormatResult {
  const file = new SourceFile(path, text);
  const parsed = parse(file);
  if (hasErrors(parsed.diagnostics)) return { ok: false, diagnostics: parsed.diagnostics };
  const lexed = sgmLexer.tokenize(text);
  const comments = (lexed.groups.comments ?? []).slice().sort((a, b) => a.startOffset - b.startOffset);
  const out = new Printer(text, comments, lexed.tokens).program(parsed.value);
  verify(text, out, parsed.value, comments.length, path);
  return { ok: true, text: out };
}

/** The formatted text parses to the same tree and holds every comment. */
function verify(before: string, after: string, tree: A.Program, commentCount: number, path: string): void {
  const again = parse(new SourceFile(path, after));
  const comments = sgmLexer.tokenize(after).groups.comments ?? [];
  if (hasErrors(again.diagnostics) || treeShape(again.value) !== treeShape(tree) || comments.length !== commentCount) {
    throw new Error(`the formatter changed the model ${path} (${before.length} -> ${after.length} characters); this is a bug in sgm`);
  }
}

class Printer {
  private readonly lines: Line[] = [];
  private next = 0; // index of the first comment not yet printed
  private lastEnd = 0; // source offset of the end of what was printed last

  constructor(
    private readonly text: string,
    private readonly comments: readonly IToken[],
    private readonly tokens: readonly IToken[],
  ) {}

  program(p: A.Program): string {
    p.models.forEach((m, i) => {
      this.leading(m.span.start, 0, i > 0);
      this.model(m);
    });
    this.leading(this.text.length, 0, this.lines.length > 0);
    return render(this.lines);
  }

  private model(m: A.ModelDecl): void {
    this.interior(m.span.start, this.openBrace(m.name.span.end), 0);
    this.emit(0, printModelHeader(m), this.openBrace(m.name.span.end) + 1);
    this.items(m.items, 1);
    this.close(m.span, 0);
  }

  private items(items: readonly A.ModelItem[], indent: number): void {
    items.forEach((item, i) => {
      this.leading(item.span.start, indent, i > 0);
      if (item.kind === 'block') {
        const brace = this.openBrace(item.keywordSpan.end);
        this.interior(item.span.start, brace, indent);
        this.emit(indent, `${item.which} {`, brace + 1);
        this.items(item.statements, indent + 1);
        this.close(item.span, indent);
      } else {
        this.interior(item.span.start, item.span.end, indent);
        this.emit(indent, printStatement(item), item.span.end);
      }
    });
  }

  /** Comments before the closing brace at span.end - 1, then the brace line. */
  private close(span: Span, indent: number): void {
    this.leading(span.end - 1, indent + 1, false);
    this.emit(indent, '}', span.end);
  }

  /** Offset of the first `{` token at or after `from`. */
  private openBrace(from: number): number {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid].startOffset < from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.tokens.length; i++) if (this.tokens[i].image === '{') return this.tokens[i].startOffset;
    return from;
  }

  /** A code line ending at source offset `end`, with the comments that follow it on the same source line. */
  private emit(indent: number, code: string, end: number): void {
    const line: Line = { indent, code };
    this.lines.push(line);
    this.lastEnd = Math.max(this.lastEnd, end);
    const trailing: string[] = [];
    while (this.next < this.comments.length) {
      const c = this.comments[this.next];
      if (c.startOffset < this.lastEnd || !/^[ \t;]*$/.test(this.text.slice(this.lastEnd, c.startOffset))) break;
      trailing.push(c.image.trimEnd());
      this.lastEnd = c.startOffset + c.image.length;
      this.next++;
      if (c.image.includes('\n')) break; // a block comment over several lines ends the line
    }
    if (trailing.length > 0) line.comment = trailing.join(' ');
  }

  /** Comments before `pos`, each on its own line; a blank line where the source had one (if `blankAllowed`). */
  private leading(pos: number, indent: number, blankAllowed: boolean): void {
    let first = true;
    while (this.next < this.comments.length && this.comments[this.next].startOffset < pos) {
      const c = this.comments[this.next++];
      if ((blankAllowed || !first) && this.blankBefore(c.startOffset)) this.blank();
      this.commentLines(c, indent);
      this.lastEnd = c.startOffset + c.image.length;
      first = false;
    }
    if ((blankAllowed || !first) && pos < this.text.length && this.blankBefore(pos)) this.blank();
  }

  /** Comments inside [from, to) (between a statement's tokens): moved to their own lines before it. */
  private interior(from: number, to: number, indent: number): void {
    while (this.next < this.comments.length && this.comments[this.next].startOffset < to && this.comments[this.next].startOffset >= from) {
      this.commentLines(this.comments[this.next++], indent);
    }
  }

  private commentLines(c: IToken, indent: number): void {
    const [head, ...rest] = c.image.trimEnd().split('\n');
    this.lines.push({ indent, code: head });
    // Continuation lines of a block comment are kept as written (their own indentation is part of the text).
    for (const l of rest) this.lines.push({ indent: -1, code: l.replace(/\r$/, '') });
  }

  private blankBefore(pos: number): boolean {
    const gap = this.text.slice(this.lastEnd, pos);
    return (gap.match(/\n/g) ?? []).length >= 2 && this.lines.length > 0;
  }

  private blank(): void {
    if (this.lines.length > 0 && this.lines[this.lines.length - 1].code !== '') this.lines.push({ indent: 0, code: '' });
  }
}

/** Code points of a string (columns as an editor counts them for λ, σ). */
const width = (s: string): number => [...s].length;

/** The lines as text: indentation, and trailing comments aligned over runs of consecutive commented lines. */
function render(lines: readonly Line[]): string {
  const texts = lines.map((l) => (l.indent < 0 ? l.code : l.code === '' ? '' : INDENT.repeat(l.indent) + l.code));
  for (let i = 0; i < lines.length; ) {
    if (lines[i].comment === undefined) {
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && lines[j].comment !== undefined) j++;
    const column = Math.max(...texts.slice(i, j).map(width)) + 2;
    for (let k = i; k < j; k++) texts[k] = texts[k] + ' '.repeat(column - width(texts[k])) + lines[k].comment;
    i = j;
  }
  while (texts.length > 0 && texts[texts.length - 1] === '') texts.pop();
  return texts.length === 0 ? '' : texts.join('\n') + '\n';
}
