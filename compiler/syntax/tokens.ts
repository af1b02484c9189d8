/**
 * Tokens of the .sgm language (Chevrotain). Identifiers are Unicode (λ, σ, τ, naïve_rate): Chevrotain 11
 * cannot analyse regexes with the `u` flag (docs/architecture.md section 7), so the identifier uses a custom matcher
 * over a sticky Unicode regex, with no ASCII-only start-character hint.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

const IDENTIFIER_RE = /[\p{L}_][\p{L}\p{N}_]*/uy;

/**
 * Characters that may start an identifier, as Chevrotain's first-character optimisation sees them. Without a
 * hint a custom pattern turns the optimisation off and the lexer tries every token at every character (lexing
 * was a third of `sgm check`'s time on a 5,000-line model). Chevrotain files every char code ≥ 256 under the
 * bucket 255 + ⌊code / 255⌋, so one code per bucket makes Identifier a candidate at every non-Latin-1
 * character (its regex then decides); below 256 the hint lists exactly the letters and `_`.
 */
function identifierStartHint(): number[] {
  const codes: number[] = [];
  for (let c = 0; c < 256; c++) if (/[\p{L}_]/u.test(String.fromCharCode(c))) codes.push(c);
  for (let bucket = 1; 255 + bucket <= 255 + Math.floor(0xffff / 255); bucket++) codes.push(Math.max(256, bucket * 255));
  return codes;
}

/** A Unicode identifier: a letter or underscore, then letters, digits or underscores. */
export const Identifier = createToken({
  name: 'Identifier',
  pattern: {
    exec: (text: string, offset: number): RegExpExecArray | null => {
      IDENTIFIER_RE.lastIndex = offset;
      return IDENTIFIER_RE.exec(text);
    },
  },
  start_chars_hint: identifierStartHint(),
  line_breaks: false,
});

const keyword = (word: string): TokenType =>
  createToken({ name: word[0].toUpperCase() + word.slice(1), pattern: new RegExp(word), longer_alt: Identifier });

export const Model = keyword('model');
export const Data = keyword('data');
export const Param = keyword('param');
export const Const = keyword('const');
export const Guide = keyword('guide');
export const Generative = keyword('generative');
export const Maximize = keyword('maximize');
export const Minimize = keyword('minimize');
export const Report = keyword('report');
export const With = keyword('with');
export const True = keyword('true');
export const False = keyword('false');

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\u00a0\ufeff]+/, group: Lexer.SKIPPED });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n]*/, group: 'comments' });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: 'comments', line_breaks: true });
/** An unclosed block comment: matched to end of file so the lexer reports SGM1002 once instead of garbage. */
export const UnterminatedComment = createToken({ name: 'UnterminatedComment', pattern: /\/\*[\s\S]*/, line_breaks: true });

/** Numbers: 3, 0.5, 1e-3, .5; "50..150" lexes as 50, .., 150 because a dot must be followed by a digit. */
export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/ });

/** Every infix operator below `^` (one token category: the parser reads a flat chain, the AST builder nests it). */
export const BinaryOperator = createToken({ name: 'BinaryOperator', pattern: Lexer.NA });

export const Arrow = createToken({ name: 'Arrow', pattern: /->|→/ });
export const Ellipsis = createToken({ name: 'Ellipsis', pattern: /\.\.\./ });
export const DotDot = createToken({ name: 'DotDot', pattern: /\.\./ });
export const EqEq = createToken({ name: 'EqEq', pattern: /==/, categories: [BinaryOperator] });
export const NotEq = createToken({ name: 'NotEq', pattern: /!=/, categories: [BinaryOperator] });
export const LessEq = createToken({ name: 'LessEq', pattern: /<=/, categories: [BinaryOperator] });
export const GreaterEq = createToken({ name: 'GreaterEq', pattern: />=/, categories: [BinaryOperator] });
export const Less = createToken({ name: 'Less', pattern: /</, categories: [BinaryOperator] });
export const Greater = createToken({ name: 'Greater', pattern: />/, categories: [BinaryOperator] });
export const Equals = createToken({ name: 'Equals', pattern: /=/ });
export const Tilde = createToken({ name: 'Tilde', pattern: /~/ });
export const Colon = createToken({ name: 'Colon', pattern: /:/ });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, categories: [BinaryOperator] });
export const Minus = createToken({ name: 'Minus', pattern: /-/, categories: [BinaryOperator] });
export const Star = createToken({ name: 'Star', pattern: /\*/, categories: [BinaryOperator] });
export const Slash = createToken({ name: 'Slash', pattern: /\//, categories: [BinaryOperator] });
export const Percent = createToken({ name: 'Percent', pattern: /%/, categories: [BinaryOperator] });
export const Caret = createToken({ name: 'Caret', pattern: /\^/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /]/ });
export const LBrace = createToken({ name: 'LBrace', pattern: /{/ });
export const RBrace = createToken({ name: 'RBrace', pattern: /}/ });

/** Every token in lexing priority order (comments before '/', longer operators before their prefixes). */
export const ALL_TOKENS: TokenType[] = [
  BinaryOperator,
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  NumberLiteral,
  Arrow,
  Ellipsis,
  DotDot,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  Equals,
  Tilde,
  Colon,
  Semicolon,
  Comma,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Caret,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Model,
  Data,
  Param,
  Const,
  Guide,
  Generative,
  Maximize,
  Minimize,
  Report,
  With,
  True,
  False,
  Identifier,
];

/**
 * The lexer (position tracking on; lexing errors are collected, not thrown). ensureOptimizations: a token
 * that would silently turn the first-character optimisation off is an error when this module loads.
 */
export const sgmLexer = new Lexer(ALL_TOKENS, { positionTracking: 'full', ensureOptimizations: true });
