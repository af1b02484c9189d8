/**
 * The syntax stage: source text -> AST, with every lexical and syntax error as a diagnostic
 * (SGM1001-SGM1007). Never throws for user input.
 */
import type { IRecognitionException, IToken } from 'chevrotain';
import type { Diagnostic, StageResult } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import type { SourceFile, Span } from '../diagnostics/source.js';
import type { Program } from './ast.js';
import { parseTokens } from './parser.js';
import { isRecoveryEcho, recoveredRegions } from './recovered.js';
import { sgmLexer, UnterminatedComment } from './tokens.js';
import { AstBuilder } from './to-ast.js';

/** Parses a source file into a Program (partial when there are syntax errors). */
export function parse(file: SourceFile): StageResult<Program> {
  const diagnostics: Diagnostic[] = [];
  const lexed = sgmLexer.tokenize(file.text);

  for (const e of lexed.errors) {
    const ch = [...file.text.slice(e.offset)][0] ?? '';
    diagnostics.push(
      makeDiagnostic('SGM1001', { start: e.offset, end: e.offset + e.length }, `unexpected character '${ch}'`, {
        label: 'not part of any token',
        ...(ch === '`' || ch === '"' || ch === "'" ? { help: 'the language has no strings: write names bare, e.g. act = relu' } : {}),
      }),
    );
  }
  const tokens: IToken[] = [];
  for (const t of lexed.tokens) {
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

  const { cst, errors } = parseTokens(tokens);
  diagnostics.push(...syntaxDiagnostics(errors, file));

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
