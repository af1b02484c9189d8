/**
 * The fast path's lexer: the tokens of tokens.ts read by one switch over the next character, as light objects
 * (type, text, offset) for the direct parser (direct-parse.ts). It reads only files the Chevrotain lexer reads
 * without a diagnostic: at a character no token starts with, or an unclosed block comment, it gives up and
 * parse.ts lexes the file with `sgmLexer`, which reports it.
 *
 * Contract: when it returns tokens they are `sgmLexer.tokenize(text).tokens` with the same types, images and
 * start offsets (test/compiler/direct-parse.test.ts compares the two). The rules it follows are Chevrotain's for
 * this token list: the first pattern of ALL_TOKENS that matches wins (comments before `/`, `->` before `-`,
 * a number before `..`), and a keyword followed by more identifier characters is an identifier (longer_alt).
 */
import type { TokenType } from 'chevrotain';
import * as T from './tokens.js';

/** What the direct parser reads of a token (an IToken has these fields too). */
export interface LightToken {
  readonly tokenType: TokenType;
  readonly image: string;
  readonly startOffset: number;
}

const IDENTIFIER = /[\p{L}_][\p{L}\p{N}_]*/uy;
const BLOCK_COMMENT_END = '*/';

const KEYWORDS: ReadonlyMap<string, TokenType> = new Map(
  [T.Model, T.Data, T.Param, T.Const, T.Guide, T.Generative, T.Maximize, T.Minimize, T.Report, T.With, T.True, T.False].map((t) => [t.name.toLowerCase(), t]),
);

/** One-character tokens (after the longer ones starting with the same character have been ruled out). */
const SINGLE: ReadonlyMap<number, TokenType> = new Map(
  (
    [
      ['<', T.Less], ['>', T.Greater], ['=', T.Equals], ['~', T.Tilde], [':', T.Colon], [';', T.Semicolon], [',', T.Comma],
      ['+', T.Plus], ['-', T.Minus], ['*', T.Star], ['/', T.Slash], ['%', T.Percent], ['^', T.Caret], ['(', T.LParen],
      [')', T.RParen], ['[', T.LBracket], [']', T.RBracket], ['{', T.LBrace], ['}', T.RBrace], ['→', T.Arrow],
    ] as const
  ).map(([c, t]) => [c.charCodeAt(0), t]),
);

/** The two-character token made of char codes `c` and `d`: -> == != <= >= .. (undefined for none). */
function twoCharToken(c: number, d: number): TokenType | undefined {
  if (d === 61 /* = */) return c === 61 ? T.EqEq : c === 33 ? T.NotEq : c === 60 ? T.LessEq : c === 62 ? T.GreaterEq : undefined;
  if (c === 45 && d === 62) return T.Arrow;
  if (c === 46 && d === 46) return T.DotDot;
  return undefined;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** WhiteSpace of tokens.ts: [ \t\r\n\u00a0\ufeff]. */
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10 || c === 0xa0 || c === 0xfeff;

/** The tokens of `text` (comments and white space dropped), or undefined when the lexer would report something. */
export function lexDirect(text: string): LightToken[] | undefined {
  const out: LightToken[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 47 /* / */) {
      const d = text.charCodeAt(i + 1);
      if (d === 47) {
        const end = text.indexOf('\n', i + 2);
        i = end < 0 ? n : end;
        continue;
      }
      if (d === 42 /* * */) {
        const end = text.indexOf(BLOCK_COMMENT_END, i + 2);
        if (end < 0) return undefined; // unterminated: SGM1002 from the full path
        i = end + 2;
        continue;
      }
    }
    if (isDigit(c) || (c === 46 /* . */ && isDigit(text.charCodeAt(i + 1)))) {
      const end = numberEnd(text, i);
      out.push({ tokenType: T.NumberLiteral, image: text.slice(i, end), startOffset: i });
      i = end;
      continue;
    }
    if (c === 46 && text.startsWith('...', i)) {
      out.push({ tokenType: T.Ellipsis, image: '...', startOffset: i });
      i += 3;
      continue;
    }
    const two = twoCharToken(c, text.charCodeAt(i + 1));
    if (two !== undefined) {
      out.push({ tokenType: two, image: two === T.Arrow ? '->' : text.slice(i, i + 2), startOffset: i });
      i += 2;
      continue;
    }
    const one = SINGLE.get(c);
    if (one !== undefined) {
      out.push({ tokenType: one, image: text[i], startOffset: i });
      i++;
      continue;
    }
    const end = identifierEnd(text, i);
    if (end === i) return undefined; // no token starts here: SGM1001 from the full path
    const word = text.slice(i, end);
    // Keywords are 4 to 10 lower-case letters: most names skip the lookup.
    const length = end - i;
    const keyword = length >= 4 && length <= 10 && c >= 99 && c <= 119 ? KEYWORDS.get(word) : undefined;
    out.push({ tokenType: keyword ?? T.Identifier, image: word, startOffset: i });
    i = end;
  }
  return out;
}

/** The end of NumberLiteral's match at `i` (tokens.ts: `(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?`), scanned by hand. */
function numberEnd(text: string, i: number): number {
  let j = i;
  while (isDigit(text.charCodeAt(j))) j++;
  if (text.charCodeAt(j) === 46 && isDigit(text.charCodeAt(j + 1))) {
    j++;
    while (isDigit(text.charCodeAt(j))) j++;
  }
  const e = text.charCodeAt(j);
  if (e === 101 || e === 69) {
    let k = j + 1;
    const sign = text.charCodeAt(k);
    if (sign === 43 || sign === 45) k++;
    if (isDigit(text.charCodeAt(k))) {
      while (isDigit(text.charCodeAt(k))) k++;
      j = k;
    }
  }
  return j;
}

const isAsciiWordStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isAsciiWord = (c: number): boolean => isAsciiWordStart(c) || isDigit(c);

/**
 * The end of Identifier's match at `i` (`[\p{L}_][\p{L}\p{N}_]*`), or `i` when none: ASCII by hand, and the
 * Unicode regex of tokens.ts from the first non-ASCII character on.
 */
function identifierEnd(text: string, i: number): number {
  let j = i;
  if (isAsciiWordStart(text.charCodeAt(j))) {
    j++;
    while (isAsciiWord(text.charCodeAt(j))) j++;
    if (!(text.charCodeAt(j) >= 128)) return j;
  }
  IDENTIFIER.lastIndex = i;
  const m = IDENTIFIER.exec(text);
  return m === null ? i : i + m[0].length;
}
