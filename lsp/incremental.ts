/**
 * Incremental parsing for the language server: when an edit stays inside one statement of an error-free file,
 * only that statement is lexed and parsed again, the rest of the tree is reused (its spans moved by the edit's
 * change of length), and the checker (re-using its previous work for the other statements, semantics/reuse.ts)
 * and the analysis run on the spliced tree. Lexing, parsing and building the
 * AST are most of a check's time (bench/NOTES.md, change 6), so a keystroke in a long file costs the checker's
 * and the analysis' time only.
 *
 * The statement is parsed at its own offset: the text handed to the parser is a model header, spaces up to the
 * statement's offset, the statement's new text and a closing brace, so every span comes out as in the whole
 * file. The result is taken only when that parses without a diagnostic into exactly one item of the same kind of
 * place (a statement stays a statement, an objective an objective); anything else (a syntax error, an edit that
 * crosses statements, a new line of statements) falls back to parsing the whole file. A property test checks that
 * both ways give the same diagnostics (test/lsp/incremental.test.ts).
 */
import type { StageResult } from '../compiler/diagnostics/diagnostic.js';
import { SourceFile } from '../compiler/diagnostics/source.js';
import type * as A from '../compiler/syntax/ast.js';
import type { CheckEdit } from '../compiler/semantics/reuse.js';
import { MAX_TOKENS } from '../compiler/syntax/nesting.js';
import { parse } from '../compiler/syntax/parse.js';
import { sgmLexer } from '../compiler/syntax/tokens.js';

/** The previous parse of a document. */
export interface ParsedText {
  readonly text: string;
  readonly parsed: StageResult<A.Program>;
  /** Tokens of the text (comments excluded), when the text is long enough to approach MAX_TOKENS. */
  readonly tokens?: number;
}

/** Tokens of a text as the parser counts them (comments excluded); only long texts can reach MAX_TOKENS. */
export function tokenCount(text: string): number | undefined {
  return text.length < MAX_TOKENS ? undefined : sgmLexer.tokenize(text).tokens.length;
}

/** The region of `before` replaced in `after`: [start, endBefore) became [start, endAfter). */
export function changedRegion(before: string, after: string): { start: number; endBefore: number; endAfter: number } {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, endBefore: before.length - tail, endAfter: after.length - tail };
}

type Item = A.Statement | A.Objective | A.Report;

/**
 * The parse of `file` re-using `previous` when the edit stays inside one statement, with the new text's token
 * count; undefined when the whole file must be parsed.
 */
export function reparse(previous: ParsedText, file: SourceFile): { parsed: StageResult<A.Program>; tokens?: number; edit: CheckEdit } | undefined {
  if (previous.parsed.diagnostics.some((d) => d.severity === 'error')) return undefined;
  const { start, endBefore, endAfter } = changedRegion(previous.text, file.text);
  const delta = endAfter - endBefore;
  const found = itemAround(previous.parsed.value, start, endBefore);
  if (!found) return undefined;
  const { item, model } = found;
  const newEnd = item.span.end + delta;
  // The item's new text must still be on its own: an edit at its very end may have begun the next statement.
  const snippet = file.text.slice(item.span.start, newEnd);
  const header = `model ${model.name.text}() {`;
  if (header.length + 1 > item.span.start) return undefined;
  const synthetic = `${header}${' '.repeat(item.span.start - header.length)}${snippet}\n}`;
  const part = parse(new SourceFile(file.path, synthetic));
  if (part.diagnostics.length > 0 || part.value.models.length !== 1) return undefined;
  const items = part.value.models[0].items;
  if (items.length !== 1) return undefined;
  const replacement = items[0];
  const role = (k: string): string => (k === 'objective' || k === 'report' ? k : 'statement');
  if (replacement.kind === 'block' || role(replacement.kind) !== role(item.kind)) return undefined;
  if (replacement.span.start !== item.span.start || replacement.span.end !== newEnd) return undefined;
  // The file's token limit (SGM1009) is a property of the whole file: keep the count up to date near it.
  let tokens: number | undefined;
  if (previous.tokens !== undefined || file.text.length >= MAX_TOKENS) {
    if (previous.tokens === undefined) return undefined;
    tokens = previous.tokens - sgmLexer.tokenize(previous.text.slice(item.span.start, item.span.end)).tokens.length + sgmLexer.tokenize(snippet).tokens.length;
    if (tokens > MAX_TOKENS) return undefined;
  }
  const edit: CheckEdit = { start: item.span.start, end: item.span.end, delta };
  const program = splice(previous.parsed.value, item, replacement, delta);
  return { parsed: { value: program, diagnostics: [] }, ...(tokens === undefined ? {} : { tokens }), edit };
}

/** The statement or objective whose span holds [from, to), with its model. */
function itemAround(p: A.Program, from: number, to: number): { item: Item; model: A.ModelDecl } | undefined {
  const holds = (s: { span: A.Name['span'] }): boolean => s.span.start <= from && to <= s.span.end;
  for (const model of p.models) {
    if (!holds(model)) continue;
    for (const it of model.items) {
      if (!holds(it)) continue;
      if (it.kind !== 'block') return { item: it, model };
      for (const s of it.statements) if (holds(s)) return { item: s, model };
      return undefined;
    }
  }
  return undefined;
}

/** The program with `old` replaced and every span after it moved by `delta` (the nodes after it are moved in place). */
function splice(p: A.Program, old: Item, replacement: A.ModelItem, delta: number): A.Program {
  const at = old.span.start;
  const move = <T>(node: T): T => shift(node, delta, at);
  const items = (xs: readonly A.ModelItem[]): A.ModelItem[] =>
    xs.map((it) => {
      if (it === old) return replacement;
      if (it.span.end < at) return it;
      if (it.span.start > at) return move(it);
      // The block holding the edited statement: its own span grows, its statements are spliced.
      if (it.kind === 'block') return { ...it, statements: items(it.statements) as A.Statement[], span: { start: it.span.start, end: it.span.end + delta } };
      return it;
    });
  return {
    ...p,
    span: { start: p.span.start, end: p.span.end + delta },
    models: p.models.map((m) => (m.span.end < at ? m : m.span.start > at ? move(m) : { ...m, items: items(m.items), span: { start: m.span.start, end: m.span.end + delta } })),
  };
}

/**
 * Moves every span (an object with exactly a numeric start and end) at or after `from` by `delta`, in place, and
 * returns the node. In place because the previous tree is dropped once the new one is built (the server keeps
 * one state per document and replaces it; a check that throws is redone from a whole parse), and a copy of half
 * a 5,000-line tree was most of the re-parse's time. A span object reached twice is moved once.
 */
function shift<T>(node: T, delta: number, from: number, seen = new Set<object>()): T {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) {
    for (const x of node) shift(x, delta, from, seen);
    return node;
  }
  const o = node as Record<string, unknown>;
  if (typeof o.start === 'number' && typeof o.end === 'number' && Object.keys(o).length === 2) {
    if (o.start >= from && !seen.has(o)) {
      seen.add(o);
      o.start += delta;
      o.end = (o.end as number) + delta;
    }
    return node;
  }
  for (const k in o) shift(o[k], delta, from, seen);
  return node;
}
