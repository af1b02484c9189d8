/**
 * The syntax stage: source text -> AST, with every lexical and syntax error as a diagnostic
 * (SGM1001-SGM1007). Never throws for user input.
 */
import type { IRecognitionException, IToken } from 'chevrotain';
import type { Diagnostic, StageResult } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import type { SourceFile, Span } from '../diagnostics/source.js';
import type { Program } from './ast.js';
import { lexDirect } from './direct-lex.js';
import { parseDirect } from './direct-parse.js';
import { checkTokenNesting, MAX_TOKENS } from './nesting.js';
import { MAX_SYNTAX_ERRORS, parseTokens } from './parser.js';
import { isRecoveryEcho, recoveredRegions } from './recovered.js';
import { NumberLiteral, sgmLexer, UnterminatedComment } from './tokens.js';
import { AstBuilder } from './to-ast.js';

/** Parses a source file into a Program (partial when there are syntax errors). */
export function parse(file: SourceFile): StageResult<Program> {
  const direct = parseWithoutMistakes(file.text);
  if (direct !== undefined) return { value: direct, diagnostics: [] };
  return parseRecovering(file);
}

/**
 * The fast path (bench/NOTES.md, change 9): a file without mistakes is lexed by direct-lex.ts and parsed by
 * direct-parse.ts, with no Chevrotain tokens and no CST. Undefined at the first thing that would be reported
 * (a bad character, an unclosed comment, an out-of-range number, too many tokens, too deep nesting, a syntax
 * or statement-form mistake); `parseRecovering` then reads the file and reports it.
 */
function parseWithoutMistakes(text: string): Program | undefined {
  const tokens = lexDirect(text);
  if (tokens === undefined || tokens.length > MAX_TOKENS) return undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    // Only an exponent or 309 digits can leave the float64 range (SGM1007 from the full path).
    if (t.tokenType === NumberLiteral && (t.image.length > 300 || /[eE]/.test(t.image)) && !Number.isFinite(Number(t.image))) return undefined;
  }
  if (checkTokenNesting(tokens)) return undefined;
  return parseDirect(tokens, text.length);
}

/** Chevrotain's lexer and recovering parser, then to-ast.ts: every lexical and syntax diagnostic. */
function parseRecovering(file: SourceFile): StageResult<Program> {
  const diagnostics: Diagnostic[] = [];
  const lexed = sgmLexer.tokenize(file.text);

  // Past MAX_SYNTAX_ERRORS bad characters the rest of the file is not read (as for syntax errors).
  const cut = lexed.errors.length > MAX_SYNTAX_ERRORS ? lexed.errors[MAX_SYNTAX_ERRORS].offset : Infinity;
  for (const e of lexed.errors.slice(0, MAX_SYNTAX_ERRORS)) {
    const cp = file.text.codePointAt(e.offset);
    const ch = cp === undefined ? '' : String.fromCodePoint(cp);
    diagnostics.push(
      makeDiagnostic('SGM1001', { start: e.offset, end: e.offset + e.length }, `unexpected character '${ch}'`, {
        label: 'not part of any token',
        ...(ch === '`' || ch === '"' || ch === "'" ? { help: 'the language has no strings: write names bare, e.g. act = relu' } : {}),
      }),
    );
  }
  if (cut < Infinity) {
    diagnostics.push(
      makeDiagnostic('SGM1001', { start: cut, end: cut + 1 }, `more than ${MAX_SYNTAX_ERRORS} unexpected characters: the rest of the file is not read`, {
        label: 'reading stopped here',
        help: 'is this a .sgm model file?',
      }),
    );
  }
  const tokens: IToken[] = [];
  for (const t of lexed.tokens) {
    if (t.startOffset >= cut) break;
    if (t.tokenType === UnterminatedComment) {
      diagnostics.push(
        makeDiagnostic('SGM1002', { start: t.startOffset, end: t.startOffset + 2 }, 'unterminated block comment', {
          label: 'this comment is never closed',
          help: 'close it with */',
        }),
      );
      continue;
    }
    if (t.tokenType.name === 'NumberLiteral' && !Number.isFinite(Number(t.image))) {
      diagnostics.push(makeDiagnostic('SGM1007', spanOf(t), `number '${t.image}' is out of range`, { label: 'not a finite number' }));
    }
    tokens.push(t);
  }

  if (tokens.length > MAX_TOKENS) {
    const t = tokens[MAX_TOKENS];
    const tooLong = makeDiagnostic('SGM1009', spanOf(t), `the file has more than ${MAX_TOKENS.toLocaleString('en-US')} tokens`, {
      label: 'reading stopped here',
      help: 'a model file is expected; split generated code into smaller models',
    });
    return { value: { kind: 'program', models: [], span: { start: 0, end: file.text.length } }, diagnostics: [...diagnostics.slice(0, 100), tooLong] };
  }
  // Nesting deeper than the parser and the later stages can recurse: report it and read nothing further.
  const tooDeep = checkTokenNesting(tokens);
  if (tooDeep) return { value: { kind: 'program', models: [], span: { start: 0, end: file.text.length } }, diagnostics: [...diagnostics, tooDeep] };

  // A file without mistakes is read by the direct parser (no CST); anything else takes the recovering parser
  // below, which reports every diagnostic (direct-parse.ts gives up wherever one would be reported).
  if (diagnostics.length === 0) {
    const direct = parseDirect(tokens, file.text.length);
    if (direct !== undefined) return { value: direct, diagnostics };
  }

  const { cst, errors, stoppedAt } = parseTokens(tokens);
  diagnostics.push(...syntaxDiagnostics(errors, file));
  if (stoppedAt) {
    diagnostics.push(
      makeDiagnostic('SGM1003', spanOf(stoppedAt), `more than ${MAX_SYNTAX_ERRORS} syntax errors: the rest of the file is not read`, {
        label: 'reading stopped here',
        help: 'fix the first errors and check again',
      }),
    );
  }

  const builder = new AstBuilder(file.text.length);
  const program = builder.program(cst);
  // Statement-form mistakes inside a statement the parser recovered are its recovery guess: drop those.
  const recovered = recoveredRegions(program, file, diagnostics);
  diagnostics.push(...builder.diagnostics.filter((d) => !isRecoveryEcho(d, recovered, file)));
  if (program.models.length === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push(
      makeDiagnostic('SGM1006', { start: 0, end: 0 }, 'no model in this file', {
        help: 'a file holds `model name(hyper = value, ...) { ... }`',
      }),
    );
  }
  return { value: program, diagnostics };
}

const spanOf = (t: IToken): Span => ({ start: t.startOffset, end: t.startOffset + t.image.length });

/** Parser exceptions as SGM1003 diagnostics; one per position (recovery can report a spot twice). */
function syntaxDiagnostics(errors: readonly IRecognitionException[], file: SourceFile): Diagnostic[] {
  const seen = new Set<number>();
  const out: Diagnostic[] = [];
  for (const e of errors) {
    const t = e.token;
    const atEnd = t.tokenType.name === 'EOF' || !Number.isFinite(t.startOffset);
    // At end of file, point just after the last non-space character rather than past trailing blank lines.
    const span = atEnd ? endOfContent(file) : spanOf(t);
    if (seen.has(span.start)) continue;
    seen.add(span.start);
    out.push(makeDiagnostic('SGM1003', span, e.message, { label: atEnd ? 'the file ends here' : 'unexpected here' }));
  }
  return out;
}

function endOfContent(file: SourceFile): Span {
  const end = file.text.replace(/\s+$/, '').length;
  return { start: end, end };
}
