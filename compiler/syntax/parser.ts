/**
 * The .sgm parser: a Chevrotain CstParser with grammar rules as class members and error recovery on, so one
 * run reports every syntax error it can. Precedence, lowest first: comparison < + - < * / % < unary - + < ^
 * (right-associative, binds tighter than unary minus: -x^2 = -(x^2)) < indexing < primary.
 *
 * Grammar sketch (docs/language.md has the full reference); `expression` is a flat chain
 * of unary operands and infix operators, nested by precedence in to-ast.ts:
 *   program      := model*
 *   model        := 'model' Ident '(' hyper,* ')' '{' item* '}'
 *   item         := declaration | block | objective | statement | ';'
 *   block        := ('guide' | 'generative') '{' (declaration | statement | ';')* '}'
 *   declaration  := 'data' Ident ':' shape ('with' expr)? | 'param' Ident ':' shape ('=' expr)? | 'const' Ident (':' shape)? '=' expr
 *   statement    := Ident '(' args ')' '=' expr                      -- kl(z) = mc(samples = 8)
 *                 | Ident (',' Ident)* ('=' | '~') expr (':' shape)? ('with' expr)?
 *   objective    := ('maximize' | 'minimize') expr
 *   report       := 'report' Ident '=' expr                        -- a user metric (docs/language.md "Reports")
 *   argument     := (Ident '=')? expr (('->' | '..') expr)?
 */
import { CstParser, type CstNode, type IOrAlt, type IParserErrorMessageProvider, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import * as T from './tokens.js';

/** Display text of a token type in error messages. */
export function tokenDisplay(t: TokenType): string {
  const name = t.name;
  if (name === 'Identifier') return 'a name';
  if (name === 'NumberLiteral') return 'a number';
  if (name === 'EOF') return 'end of file';
  if (/^[A-Z][a-z]+$/.test(name) && T.ALL_TOKENS.includes(t) && t.LONGER_ALT !== undefined) return `'${name.toLowerCase()}'`;
  const pattern = t.PATTERN;
  if (pattern instanceof RegExp) return `'${pattern.source.replace(/\\/g, '').split('|')[0]}'`;
  return name;
}

/** How a found token is shown: its text, or "end of file". */
export function foundDisplay(token: IToken): string {
  return token.tokenType.name === 'EOF' ? 'end of file' : `'${token.image}'`;
}

/** What each rule is, for "expected an expression" style messages when no alternative matches. */
const RULE_EXPECTATION: Readonly<Record<string, string>> = {
  program: "'model'",
  modelItem: 'a statement, declaration, guide/generative block or objective',
  blockItem: 'a statement or declaration',
  declaration: "'data', 'param' or 'const'",
  statement: "'=', '~' or ','",
  statementTail: "'=' or '~' after the name",
  primary: 'an expression',
  unary: 'an expression',
  indexItem: 'an index, a slice (a:b) or ...',
  block: "'guide' or 'generative'",
  objective: "'maximize' or 'minimize'",
  report: "'report'",
};

const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) => `expected ${tokenDisplay(expected)} but found ${foundDisplay(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) => `unexpected ${foundDisplay(firstRedundant)} after the last model`,
  buildNoViableAltMessage: ({ actual, ruleName }) =>
    `expected ${RULE_EXPECTATION[ruleName] ?? 'something else'} but found ${foundDisplay(actual[0])}`,
  buildEarlyExitMessage: ({ actual, ruleName }) =>
    `expected ${RULE_EXPECTATION[ruleName] ?? 'more input'} but found ${foundDisplay(actual[0])}`,
};

/** The grammar. One instance is reused; `parse` resets its input. */
export class SgmParser extends CstParser {
  /**
   * The alternatives of each OR, built once per parser: a fresh array of fresh closures on every call was the
   * largest source of garbage when parsing (Chevrotain's performance guide recommends the same caching). The
   * closures capture only `this`, so one array serves every invocation.
   */
  private readonly altCache = new Map<string, IOrAlt<unknown>[]>();

  private alts(key: string, make: () => IOrAlt<unknown>[]): IOrAlt<unknown>[] {
    let a = this.altCache.get(key);
    if (a === undefined) this.altCache.set(key, (a = make()));
    return a;
  }

  constructor() {
    super(T.ALL_TOKENS, {
      recoveryEnabled: true,
      maxLookahead: 3,
      nodeLocationTracking: 'onlyOffset',
      errorMessageProvider: errorMessages,
    });
    this.performSelfAnalysis();
  }

  program = this.RULE('program', () => {
    this.MANY(() => this.SUBRULE(this.model));
  });

  model = this.RULE('model', () => {
    this.CONSUME(T.Model);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.hyperparameter) });
    this.CONSUME(T.RParen);
    this.CONSUME(T.LBrace);
    this.MANY2(() => this.SUBRULE(this.modelItem));
    this.CONSUME(T.RBrace);
  });

  hyperparameter = this.RULE('hyperparameter', () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression);
    });
  });

  modelItem = this.RULE('modelItem', () => {
    this.OR(this.alts('modelItem.OR', () => [
      { ALT: () => this.SUBRULE(this.declaration) },
      { ALT: () => this.SUBRULE(this.block) },
      { ALT: () => this.SUBRULE(this.objective) },
      { ALT: () => this.SUBRULE(this.report) },
      { ALT: () => this.SUBRULE(this.statement) },
      { ALT: () => this.CONSUME(T.Semicolon) },
    ]));
  });

  report = this.RULE('report', () => {
    this.CONSUME(T.Report);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  block = this.RULE('block', () => {
    this.OR(this.alts('block.OR', () => [{ ALT: () => this.CONSUME(T.Guide) }, { ALT: () => this.CONSUME(T.Generative) }]));
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.blockItem));
    this.CONSUME(T.RBrace);
  });

  blockItem = this.RULE('blockItem', () => {
    this.OR(this.alts('blockItem.OR', () => [
      { ALT: () => this.SUBRULE(this.declaration) },
      { ALT: () => this.SUBRULE(this.statement) },
      { ALT: () => this.CONSUME(T.Semicolon) },
    ]));
  });

  declaration = this.RULE('declaration', () => {
    this.OR(this.alts('declaration.OR', () => [
      {
        ALT: () => {
          this.CONSUME(T.Data);
          this.CONSUME(T.Identifier);
          this.CONSUME(T.Colon);
          this.SUBRULE(this.shape);
          // `data y: [B] with obs_mask(labelled)`: observed on the rows where the mask is 1 (partial observation).
          this.OPTION3(() => {
            this.CONSUME(T.With);
            this.SUBRULE3(this.expression);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Param);
          this.CONSUME2(T.Identifier);
          this.CONSUME2(T.Colon);
          this.SUBRULE2(this.shape);
          this.OPTION(() => {
            this.CONSUME(T.Equals);
            this.SUBRULE(this.expression);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Const);
          this.CONSUME3(T.Identifier);
          this.OPTION2(() => {
            this.CONSUME3(T.Colon);
            this.SUBRULE3(this.shape);
          });
          this.CONSUME2(T.Equals);
          this.SUBRULE2(this.expression);
        },
      },
    ]));
  });

  statement = this.RULE('statement', () => {
    this.CONSUME(T.Identifier);
    this.OR(this.alts('statement.OR', () => [
      {
        // kl(z) = method: the only call form allowed left of '='
        ALT: () => {
          this.CONSUME(T.LParen);
          this.OPTION(() => this.SUBRULE(this.argumentList));
          this.CONSUME(T.RParen);
          this.CONSUME(T.Equals);
          this.SUBRULE(this.expression);
        },
      },
      { ALT: () => this.SUBRULE(this.statementTail) },
    ]));
  });

  statementTail = this.RULE('statementTail', () => {
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.CONSUME(T.Identifier);
    });
    this.OR(this.alts('statementTail.OR', () => [{ ALT: () => this.CONSUME(T.Equals) }, { ALT: () => this.CONSUME(T.Tilde) }]));
    this.SUBRULE(this.expression);
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.shape);
    });
    this.OPTION2(() => {
      this.CONSUME(T.With);
      this.SUBRULE2(this.expression);
    });
  });

  objective = this.RULE('objective', () => {
    this.OR(this.alts('objective.OR', () => [{ ALT: () => this.CONSUME(T.Maximize) }, { ALT: () => this.CONSUME(T.Minimize) }]));
    this.SUBRULE(this.expression);
  });

  shape = this.RULE('shape', () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
    this.CONSUME(T.RBracket);
  });

  // ── expressions ──────────────────────────────────────────────────────────────────────────────

  /**
   * A flat chain `unary (op unary)*` of the infix operators below `^`; the AST builder nests it by precedence
   * (comparison < + - < * / %). One rule instead of one per level keeps the parser fast on long models.
   */
  expression = this.RULE('expression', () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.CONSUME(T.BinaryOperator);
      this.SUBRULE2(this.unary);
    });
  });

  /**
   * `('-' | '+')* primary ('[' indexItem,+ ']')* ('^' unary)?`: the signs apply to the whole power (-x^2 is
   * -(x^2)), indexing binds tighter than `^`, and `^` is right-associative through its unary exponent. One rule
   * for the three levels: every rule invocation is a CST node (and a try/finally), and a bare name would
   * otherwise cost five of them (bench/NOTES.md, change 6).
   */
  unary = this.RULE('unary', () => {
    this.MANY(() => this.OR(this.alts('unary.sign', () => [{ ALT: () => this.CONSUME(T.Minus) }, { ALT: () => this.CONSUME(T.Plus) }])));
    this.SUBRULE(this.primary);
    this.MANY2(() => {
      this.CONSUME(T.LBracket);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.indexItem) });
      this.CONSUME(T.RBracket);
    });
    this.OPTION(() => {
      this.CONSUME(T.Caret);
      this.SUBRULE(this.unary);
    });
  });

  indexItem = this.RULE('indexItem', () => {
    this.OR(this.alts('indexItem.OR', () => [
      { ALT: () => this.CONSUME(T.Ellipsis) },
      { ALT: () => this.SUBRULE(this.sliceTail) },
      {
        ALT: () => {
          this.SUBRULE(this.expression);
          this.OPTION(() => this.SUBRULE2(this.sliceTail));
        },
      },
    ]));
  });

  /** `: stop? (: step?)?` after an optional start. */
  sliceTail = this.RULE('sliceTail', () => {
    this.CONSUME(T.Colon);
    this.OPTION(() => this.SUBRULE(this.expression));
    this.OPTION2(() => {
      this.CONSUME2(T.Colon);
      this.OPTION3(() => this.SUBRULE2(this.expression));
    });
  });

  primary = this.RULE('primary', () => {
    this.OR(this.alts('primary.OR', () => [
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.SUBRULE(this.callOrName) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE2(this.expression) });
          this.CONSUME(T.RBracket);
        },
      },
    ]));
  });

  callOrName = this.RULE('callOrName', () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.OPTION2(() => this.SUBRULE(this.argumentList));
      this.CONSUME(T.RParen);
    });
  });

  argumentList = this.RULE('argumentList', () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.argument) });
  });

  argument = this.RULE('argument', () => {
    this.OPTION(() => {
      this.CONSUME(T.Identifier);
      this.CONSUME(T.Equals);
    });
    this.SUBRULE(this.expression);
    this.OPTION2(() => {
      this.OR(this.alts('argument.OR', () => [{ ALT: () => this.CONSUME(T.Arrow) }, { ALT: () => this.CONSUME(T.DotDot) }]));
      this.SUBRULE2(this.expression);
    });
  });
}

/** Syntax errors after which the parser stops reading (error recovery on garbage costs time per error). */
export const MAX_SYNTAX_ERRORS = 100;

/** Thrown from SAVE_ERROR to leave the parse once MAX_SYNTAX_ERRORS are recorded (not a recognition error). */
class TooManyErrors extends Error {
  constructor(readonly token: IToken) {
    super('too many syntax errors');
  }
}

const SAVE_ERROR = (CstParser.prototype as unknown as { SAVE_ERROR(this: CstParser, e: IRecognitionException): IRecognitionException }).SAVE_ERROR;

/** The parser with a bound on recorded errors (see parseTokens). */
class BoundedSgmParser extends SgmParser {
  limitErrors = true;

  /** Chevrotain's hook that records each recognition error (present at run time, absent from its typings). */
  SAVE_ERROR(error: IRecognitionException): IRecognitionException {
    if (this.limitErrors && this.errors.length >= MAX_SYNTAX_ERRORS) throw new TooManyErrors(error.token);
    return SAVE_ERROR.call(this, error);
  }
}

/** The shared parser instance (Chevrotain parsers are built once and reused). */
export const sgmParser = new BoundedSgmParser();

/**
 * The CST of a token stream and the parser's errors. Once MAX_SYNTAX_ERRORS are recorded, the tokens before
 * the next error are parsed again on their own and the rest is left unread (`stoppedAt`), which keeps
 * garbage input linear. Recognition exceptions are Errors: their stack traces are not needed, so they are
 * not captured while parsing (the largest cost of error recovery).
 */
export function parseTokens(tokens: IToken[]): { cst: CstNode; errors: typeof sgmParser.errors; stoppedAt?: IToken } {
  const traceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    sgmParser.limitErrors = true;
    sgmParser.input = tokens;
    try {
      const cst = sgmParser.program();
      return { cst, errors: sgmParser.errors };
    } catch (e) {
      if (!(e instanceof TooManyErrors)) throw e;
      const stop = e.token.startOffset;
      sgmParser.limitErrors = false;
      sgmParser.input = tokens.filter((t) => t.startOffset < stop);
      const cst = sgmParser.program();
      return { cst, errors: sgmParser.errors, stoppedAt: e.token };
    }
  } finally {
    Error.stackTraceLimit = traceLimit;
  }
}
