/**
 * The language server's answers that are plain functions of a checked document: go to definition, references,
 * rename, document symbols, semantic tokens, the fixes of diagnostics (code actions) and formatting. Spans are
 * UTF-16 offsets; server.ts converts them to protocol positions.
 */
import type { Diagnostic } from '../compiler/diagnostics/diagnostic.js';
import type { Span } from '../compiler/diagnostics/source.js';
import type * as A from '../compiler/syntax/ast.js';
import { formatSource } from '../compiler/syntax/format.js';
import { sgmLexer } from '../compiler/syntax/tokens.js';
import { ACTIVATIONS, findDistribution } from '../stdlib/signatures/index.js';
import { findBuiltinFunction } from '../compiler/estimators/registry.js';
import type { DocumentState } from './document.js';
import { definitionOf, occurrenceAt, sameName, type Occurrence } from './symbols.js';

/** A text replacement. */
export interface Edit {
  readonly span: Span;
  readonly text: string;
}

/** The definition of the name at `offset`. */
export function definitionAt(doc: DocumentState, offset: number): Span | undefined {
  const o = occurrenceAt(doc.occurrences, offset);
  return o ? definitionOf(doc.occurrences, o)?.span : undefined;
}

/** Every definition and use of the name at `offset`. */
export function referencesAt(doc: DocumentState, offset: number, includeDeclaration = true): Span[] {
  const o = occurrenceAt(doc.occurrences, offset);
  if (!o) return [];
  return sameName(doc.occurrences, o)
    .filter((x) => includeDeclaration || x.kind !== 'definition')
    .map((x) => x.span);
}

const IDENTIFIER = /^[\p{L}_][\p{L}\p{N}_]*$/u;
const RESERVED = new Set(['model', 'data', 'param', 'const', 'guide', 'generative', 'maximize', 'minimize', 'with', 'true', 'false']);

/** The span of a renameable name at `offset` (a model's own name), or undefined. */
export function renameRangeAt(doc: DocumentState, offset: number): Span | undefined {
  const o = occurrenceAt(doc.occurrences, offset);
  return o && (o.kind === 'definition' || o.kind === 'use') ? o.span : undefined;
}

/** The edits renaming the name at `offset`, or a reason why not. */
export function renameAt(doc: DocumentState, offset: number, newName: string): Edit[] | string {
  const o = occurrenceAt(doc.occurrences, offset);
  if (!o || (o.kind !== 'definition' && o.kind !== 'use')) return 'only names defined in the model can be renamed';
  if (!IDENTIFIER.test(newName) || RESERVED.has(newName)) return `'${newName}' is not a valid name`;
  const clash = doc.occurrences.find((x) => x.model === o.model && x.kind === 'definition' && x.name === newName);
  if (clash) return `'${newName}' is already defined in model '${o.model.name.text}'`;
  if (findDistribution(newName) || findBuiltinFunction(newName)) return `'${newName}' is a built-in`;
  return sameName(doc.occurrences, o).map((x) => ({ span: x.span, text: newName }));
}

/** A document symbol: models contain blocks, blocks contain statements. */
export interface SymbolNode {
  readonly name: string;
  readonly detail: string;
  readonly kind: 'model' | 'block' | 'variable' | 'constant' | 'objective' | 'field';
  readonly span: Span;
  readonly selection: Span;
  readonly children: readonly SymbolNode[];
}

/** The outline: models, their hyperparameters, blocks and statements. */
export function documentSymbols(doc: DocumentState): SymbolNode[] {
  const statement = (s: A.Statement | A.Objective | A.Report): SymbolNode[] => {
    const text = doc.text.slice(s.span.start, s.span.end).replace(/\s+/g, ' ');
    const detail = text.length > 60 ? `${text.slice(0, 57)}...` : text;
    switch (s.kind) {
      case 'data':
      case 'param':
      case 'const':
        return [{ name: s.name.text, detail: s.kind, kind: s.kind === 'const' ? 'constant' : 'field', span: s.span, selection: s.name.span, children: [] }];
      case 'assign':
        return s.targets.map((t) => ({ name: t.text, detail, kind: 'variable' as const, span: s.span, selection: t.span, children: [] }));
      case 'sample':
        return [{ name: s.target.text, detail, kind: 'variable', span: s.span, selection: s.target.span, children: [] }];
      case 'kl_override':
        return [{ name: `kl(${s.variable.text})`, detail, kind: 'field', span: s.span, selection: s.variable.span, children: [] }];
      case 'objective':
        return [{ name: s.sense, detail, kind: 'objective', span: s.span, selection: s.span, children: [] }];
      case 'report':
        return [{ name: `report ${s.name.text}`, detail, kind: 'field', span: s.span, selection: s.name.span, children: [] }];
    }
  };
  return doc.result.program.models.map((m) => ({
    name: m.name.text,
    detail: 'model',
    kind: 'model' as const,
    span: m.span,
    selection: m.name.span,
    children: [
      ...m.hyperparameters.map((h) => ({ name: h.name.text, detail: 'hyperparameter', kind: 'constant' as const, span: h.span, selection: h.name.span, children: [] })),
      ...m.items.flatMap((item): SymbolNode[] =>
        item.kind === 'block'
          ? [{ name: item.which, detail: 'block', kind: 'block', span: item.span, selection: item.keywordSpan, children: item.statements.flatMap(statement) }]
          : statement(item),
      ),
    ],
  }));
}

/** Semantic token types and modifiers, in the order of the legend the server announces. */
export const TOKEN_TYPES = ['keyword', 'number', 'operator', 'comment', 'variable', 'parameter', 'function', 'type', 'property', 'enumMember'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'readonly', 'defaultLibrary'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/** One classified token: offset, length, type and modifier bits. */
export interface ClassifiedToken {
  readonly start: number;
  readonly length: number;
  readonly type: TokenType;
  readonly modifiers: number;
}

const KEYWORD_TOKENS = new Set(['Model', 'Data', 'Param', 'Const', 'Guide', 'Generative', 'Maximize', 'Minimize', 'With', 'True', 'False']);
const DECLARATION = 1;
const READONLY = 2;
const LIBRARY = 4;

/** Every token of the document, classified (identifiers by what they name). */
export function semanticTokens(doc: DocumentState): ClassifiedToken[] {
  const lexed = sgmLexer.tokenize(doc.text);
  const byStart = new Map<number, Occurrence>(doc.occurrences.map((o) => [o.span.start, o]));
  const all = [...lexed.tokens, ...(lexed.groups.comments ?? [])].sort((a, b) => a.startOffset - b.startOffset);
  const out: ClassifiedToken[] = [];
  for (const t of all) {
    const name = t.tokenType.name;
    const at = (type: TokenType, modifiers = 0): void => void out.push({ start: t.startOffset, length: t.image.length, type, modifiers });
    if (KEYWORD_TOKENS.has(name)) at('keyword');
    else if (name === 'NumberLiteral') at('number');
    else if (name === 'LineComment' || name === 'BlockComment' || name === 'UnterminatedComment') at('comment');
    else if (name === 'Identifier') {
      const o = byStart.get(t.startOffset);
      if (!o) at('variable');
      else if (o.kind === 'argument') at('parameter');
      else if (o.kind === 'callee') {
        const choice = o.bare && ((ACTIVATIONS as readonly string[]).includes(o.name) || /^(loo|none|closed_form|pathwise|reinforce|enumerate|straight_through)$/.test(o.name));
        if (choice) at('enumMember', LIBRARY);
        else if (findDistribution(o.name)) at('type', LIBRARY);
        else if (findBuiltinFunction(o.name)) at('function', LIBRARY);
        else at('variable');
      } else {
        const def = definitionOf(doc.occurrences, o);
        const mods = (o.kind === 'definition' ? DECLARATION : 0) | (def?.defines === 'hyper' || def?.defines === 'const' || def?.defines === 'data' ? READONLY : 0);
        at(def?.defines === 'hyper' ? 'parameter' : def?.defines === 'param' ? 'property' : 'variable', mods);
      }
    } else if (!/^(LParen|RParen|LBracket|RBracket|LBrace|RBrace|Comma|Semicolon|Colon)$/.test(name)) at('operator');
  }
  return out;
}

/** A quick fix of a diagnostic. */
export interface Fix {
  readonly title: string;
  readonly edits: readonly Edit[];
}

/**
 * The fixes a diagnostic carries: "did you mean 'x'?" replaces the misspelt name (the diagnostic's span), and a
 * score-function warning (SGM4007) on a statement without a `with` clause offers `with reinforce`, which keeps
 * the plan and says so in the source.
 */
export function fixesOf(d: Diagnostic, doc: Pick<DocumentState, 'text' | 'result'>): Fix[] {
  const fixes: Fix[] = [];
  const spanText = doc.text.slice(d.span.start, d.span.end);
  const meant = /did you mean (?:the hyperparameter )?'([^']+)'\?/.exec(`${d.help ?? ''} ${d.message}`)?.[1];
  if (meant !== undefined && IDENTIFIER.test(spanText) && meant !== spanText) fixes.push({ title: `Change '${spanText}' to '${meant}'`, edits: [{ span: d.span, text: meant }] });
  if (d.code === 'SGM4007') {
    const s = sampleWithDistribution(doc.result.program, d.span);
    if (s && !s.estimator) fixes.push({ title: "Keep the score function: add 'with reinforce'", edits: [{ span: { start: s.span.end, end: s.span.end }, text: ' with reinforce' }] });
  }
  return fixes;
}

function sampleWithDistribution(p: A.Program, span: Span): A.Sample | undefined {
  for (const m of p.models) {
    for (const item of m.items) {
      for (const s of item.kind === 'block' ? item.statements : [item]) {
        if (s.kind === 'sample' && s.distribution.span.start === span.start && s.distribution.span.end === span.end) return s;
      }
    }
  }
  return undefined;
}

/** The whole-document edit of the formatter, [] when already formatted, or undefined on syntax errors. */
export function formatEdits(doc: Pick<DocumentState, 'text' | 'uri'>): Edit[] | undefined {
  const r = formatSource(doc.text, doc.uri);
  if (!r.ok) return undefined;
  return r.text === doc.text ? [] : [{ span: { start: 0, end: doc.text.length }, text: r.text }];
}
