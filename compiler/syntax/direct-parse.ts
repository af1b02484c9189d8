/**
 * The fast path of the syntax stage: a recursive-descent reader of the same grammar as parser.ts that builds the
 * AST straight from the tokens, with no CST and no error recovery. It reads only files without syntax mistakes:
 * at the first token it does not expect, or wherever to-ast.ts would report a diagnostic (SGM1004, SGM1008), it
 * gives up and parse.ts runs the recovering Chevrotain parser and to-ast.ts instead, so every diagnostic, message
 * and recovered tree comes from that path as before.
 *
 * Contract: for a token stream it accepts, the result equals `new AstBuilder(n).program(parseTokens(tokens).cst)`
 * object for object, key order included (test/compiler/direct-parse.test.ts compares the two on every model and
 * test case). Spans follow Chevrotain's tracked locations: a rule's node runs from the start of its first token to
 * the end of its last one. Expressions are nested by the same shunting-yard rule as to-ast.ts, and their depth
 * (leaves 1, each compound node one more than its deepest child) is tracked as to-ast.ts's `nested` does.
 *
 * Why: the CST (one object per rule invocation and per token list) was most of the front end's garbage and
 * time on long models (bench/NOTES.md, changes 6 and 9).
 */
import type * as A from './ast.js';
import { DirectExpressionReader, GIVE_UP, tokenSpan } from './direct-expr.js';
import type { LightToken } from './direct-lex.js';
import * as T from './tokens.js';

/** The AST of an error-free token stream, or undefined when the stream has a mistake (then use the CST path). */
export function parseDirect(tokens: readonly LightToken[], textLength: number): A.Program | undefined {
  try {
    return new DirectParser(tokens).program(textLength);
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

class DirectParser extends DirectExpressionReader {
  // ── declarations and statements ───────────────────────────────────────────────────────────────

  program(textLength: number): A.Program {
    const models: A.ModelDecl[] = [];
    while (this.at(T.Model)) models.push(this.model());
    if (this.pos !== this.tokens.length || models.length === 0) throw GIVE_UP;
    return { kind: 'program', models, span: { start: 0, end: textLength } };
  }

  private model(): A.ModelDecl {
    const from = this.pos;
    this.consume(T.Model);
    const name = this.name(this.consume(T.Identifier));
    this.consume(T.LParen);
    const hyperparameters: A.Hyperparameter[] = [];
    if (!this.at(T.RParen)) {
      hyperparameters.push(this.hyperparameter());
      while (this.at(T.Comma)) {
        this.pos++;
        hyperparameters.push(this.hyperparameter());
      }
    }
    this.consume(T.RParen);
    this.consume(T.LBrace);
    const items: A.ModelItem[] = [];
    for (;;) {
      const type = this.peekType();
      if (type === T.RBrace || type === undefined) break;
      if (type === T.Semicolon) this.pos++;
      else if (type === T.Guide || type === T.Generative) items.push(this.block());
      else if (type === T.Maximize || type === T.Minimize) items.push(this.objective());
      else if (type === T.Report) items.push(this.report());
      else items.push(this.statementOrDeclaration());
    }
    this.consume(T.RBrace);
    return { kind: 'model', name, hyperparameters, items, span: this.spanFrom(from) };
  }

  private hyperparameter(): A.Hyperparameter {
    const from = this.pos;
    const name = this.name(this.consume(T.Identifier));
    if (!this.at(T.Equals)) return { name, span: this.spanFrom(from) };
    this.pos++;
    const dflt = this.expression();
    return { name, default: dflt, span: this.spanFrom(from) };
  }

  private statementOrDeclaration(): A.Statement {
    const type = this.peekType();
    if (type === T.Data || type === T.Param || type === T.Const) return this.declaration();
    if (type === T.Identifier) return this.statement();
    throw GIVE_UP;
  }

  private block(): A.Block {
    const from = this.pos;
    const kw = this.tokens[this.pos++];
    this.consume(T.LBrace);
    const statements: A.Statement[] = [];
    for (;;) {
      const type = this.peekType();
      if (type === T.RBrace || type === undefined) break;
      if (type === T.Semicolon) this.pos++;
      else statements.push(this.statementOrDeclaration());
    }
    this.consume(T.RBrace);
    return { kind: 'block', which: kw.tokenType === T.Generative ? 'generative' : 'guide', keywordSpan: tokenSpan(kw), statements, span: this.spanFrom(from) };
  }

  private declaration(): A.DataDecl | A.ParamDecl | A.ConstDecl {
    const from = this.pos;
    const kw = this.tokens[this.pos++].tokenType;
    const name = this.name(this.consume(T.Identifier));
    if (kw === T.Data) {
      this.consume(T.Colon);
      const shape = this.shape();
      if (!this.at(T.With)) return { kind: 'data', name, shape, span: this.spanFrom(from) };
      // `data y: [B] with obs_mask(m)`: partial observation.
      this.pos++;
      const observation = this.expression();
      return { kind: 'data', name, shape, observation, span: this.spanFrom(from) };
    }
    if (kw === T.Param) {
      this.consume(T.Colon);
      const shape = this.shape();
      if (!this.at(T.Equals)) return { kind: 'param', name, shape, span: this.spanFrom(from) };
      this.pos++;
      const init = this.expression();
      return { kind: 'param', name, shape, init, span: this.spanFrom(from) };
    }
    let shape: A.ShapeExpr | undefined;
    if (this.at(T.Colon)) {
      this.pos++;
      shape = this.shape();
    }
    this.consume(T.Equals);
    const value = this.expression();
    return { kind: 'const', name, ...(shape ? { shape } : {}), value, span: this.spanFrom(from) };
  }

  private statement(): A.Statement {
    const from = this.pos;
    const head = this.name(this.consume(T.Identifier));
    if (this.at(T.LParen)) {
      // `kl(z) = method`; any other call left of '=' is SGM1004 (to-ast.ts reports it).
      this.pos++;
      const args = this.at(T.RParen) ? [] : this.argumentList();
      this.consume(T.RParen);
      this.consume(T.Equals);
      const method = this.expression();
      const arg = args[0];
      if (head.text !== 'kl' || args.length !== 1 || arg.name || arg.value.kind !== 'ident') throw GIVE_UP;
      return { kind: 'kl_override', variable: { text: arg.value.name, span: arg.value.span }, method, span: this.spanFrom(from) };
    }
    const targets: A.Name[] = [head];
    while (this.at(T.Comma)) {
      this.pos++;
      targets.push(this.name(this.consume(T.Identifier)));
    }
    const sample = this.at(T.Tilde);
    if (!sample) this.consume(T.Equals);
    else this.pos++;
    const value = this.expression();
    let shape: A.ShapeExpr | undefined;
    if (this.at(T.Colon)) {
      this.pos++;
      shape = this.shape();
    }
    let estimator: A.Expr | undefined;
    if (this.at(T.With)) {
      this.pos++;
      estimator = this.expression();
    }
    const span = this.spanFrom(from);
    if (sample) {
      if (targets.length > 1) throw GIVE_UP;
      return { kind: 'sample', target: head, distribution: value, ...(shape ? { shape } : {}), ...(estimator ? { estimator } : {}), span };
    }
    if (estimator) throw GIVE_UP;
    return { kind: 'assign', targets, value, ...(shape ? { shape } : {}), span };
  }

  private objective(): A.Objective {
    const from = this.pos;
    const kw = this.tokens[this.pos++].tokenType;
    const expr = this.expression();
    return { kind: 'objective', sense: kw === T.Minimize ? 'minimize' : 'maximize', expr, span: this.spanFrom(from) };
  }

  /** `report name = expr`: a user metric. */
  private report(): A.Report {
    const from = this.pos++;
    const name = this.name(this.consume(T.Identifier));
    this.consume(T.Equals);
    const expr = this.expression();
    return { kind: 'report', name, expr, span: this.spanFrom(from) };
  }

  private shape(): A.ShapeExpr {
    const from = this.pos;
    this.consume(T.LBracket);
    const dims = this.at(T.RBracket) ? [] : this.expressionList();
    this.consume(T.RBracket);
    return { dims, span: this.spanFrom(from) };
  }
}
