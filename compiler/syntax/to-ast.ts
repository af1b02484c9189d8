/**
 * CST -> AST in one visitor. The CST may be partial after error recovery (missing tokens, recovered nodes);
 * every missing piece becomes an `error` expression or is dropped, so later stages can still check the rest
 * of the file. Spans come from token offsets (Chevrotain end offsets are inclusive; ours are exclusive).
 */
import type { CstNode, IToken } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import { MAX_EXPRESSION_DEPTH, nestingDiagnostic } from './nesting.js';
import type { Span } from '../diagnostics/source.js';
import type * as A from './ast.js';

type Children = CstNode['children'];

const isToken = (x: CstNode | IToken): x is IToken => (x as IToken).image !== undefined;
const tokenSpan = (t: IToken): Span => ({ start: t.startOffset, end: t.startOffset + t.image.length });
const validToken = (t: IToken | undefined): t is IToken => t !== undefined && !t.isInsertedInRecovery && Number.isFinite(t.startOffset);

/**
 * The span of a node: Chevrotain's tracked location when it is sound, else the smallest span over every valid
 * token below the node (after error recovery a location can be NaN or include inserted tokens).
 */
function nodeSpan(node: CstNode | IToken, fallback: number): Span {
  if (!isToken(node) && !node.recoveredNode) {
    const loc = node.location;
    if (loc && Number.isFinite(loc.startOffset) && Number.isFinite(loc.endOffset) && loc.endOffset! >= loc.startOffset) {
      return { start: loc.startOffset, end: loc.endOffset! + 1 };
    }
  }
  let start = Infinity;
  let end = -Infinity;
  const visit = (n: CstNode | IToken): void => {
    if (isToken(n)) {
      if (validToken(n)) {
        start = Math.min(start, n.startOffset);
        end = Math.max(end, n.startOffset + n.image.length);
      }
      return;
    }
    for (const list of Object.values(n.children)) for (const c of list) visit(c);
  };
  visit(node);
  return Number.isFinite(start) ? { start, end } : { start: fallback, end: fallback };
}

const tokens = (c: Children, name: string): IToken[] => ((c[name] ?? []) as IToken[]).filter(validToken);
const nodes = (c: Children, name: string): CstNode[] => (c[name] ?? []) as CstNode[];
const first = <T>(xs: readonly T[]): T | undefined => xs[0];

/** Tokens of several kinds merged in source order (operators of one precedence level). */
function ordered(c: Children, names: readonly string[]): IToken[] {
  return names.flatMap((n) => tokens(c, n)).sort((a, b) => a.startOffset - b.startOffset);
}

/** Binding strength of the infix operators below `^` (higher binds tighter). */
const PRECEDENCE: Readonly<Record<string, number>> = {
  '==': 1, '!=': 1, '<': 1, '<=': 1, '>': 1, '>=': 1,
  '+': 2, '-': 2,
  '*': 3, '/': 3, '%': 3,
};

/** Converts a Chevrotain CST of the `program` rule into the AST. */
export class AstBuilder {
  /** Structural mistakes the grammar admits but the language does not (SGM1004). */
  readonly diagnostics: Diagnostic[] = [];

  /** Depth of each compound expression built so far (leaves are 1), for the nesting limit. */
  private readonly depths = new WeakMap<A.Expr, number>();
  private nestingReported = false;

  constructor(private readonly textLength: number) {}

  /**
   * Records the depth of a new compound node; past MAX_EXPRESSION_DEPTH it becomes an error node and SGM1008
   * is reported (once per file), so no later stage recurses deeper than the limit.
   */
  private nested(e: A.Expr, children: readonly (A.Expr | undefined)[]): A.Expr {
    let depth = 1;
    for (const c of children) if (c) depth = Math.max(depth, (this.depths.get(c) ?? 1) + 1);
    if (depth <= MAX_EXPRESSION_DEPTH) {
      this.depths.set(e, depth);
      return e;
    }
    if (!this.nestingReported) {
      this.nestingReported = true;
      this.diagnostics.push(nestingDiagnostic(e.span, `more than ${MAX_EXPRESSION_DEPTH} levels of operations`));
    }
    return this.errorAt(e.span);
  }

  program(node: CstNode): A.Program {
    return { kind: 'program', models: nodes(node.children, 'model').map((m) => this.model(m)), span: { start: 0, end: this.textLength } };
  }

  private name(t: IToken | undefined, at: number): A.Name {
    return t && validToken(t) ? { text: t.image, span: tokenSpan(t) } : { text: '', span: { start: at, end: at } };
  }

  private model(node: CstNode): A.ModelDecl {
    const c = node.children;
    const span = nodeSpan(node, this.textLength);
    return {
      kind: 'model',
      name: this.name(first(tokens(c, 'Identifier')), span.start),
      hyperparameters: nodes(c, 'hyperparameter').map((h) => {
        const hc = h.children;
        const hs = nodeSpan(h, span.start);
        const dflt = first(nodes(hc, 'expression'));
        return { name: this.name(first(tokens(hc, 'Identifier')), hs.start), ...(dflt ? { default: this.expr(dflt) } : {}), span: hs };
      }),
      items: nodes(c, 'modelItem').flatMap((i) => this.item(i)),
      span,
    };
  }

  private item(node: CstNode): A.ModelItem[] {
    const c = node.children;
    const decl = first(nodes(c, 'declaration'));
    if (decl) return [this.declaration(decl)];
    const block = first(nodes(c, 'block'));
    if (block) return [this.block(block)];
    const objective = first(nodes(c, 'objective'));
    if (objective) return [this.objective(objective)];
    const report = first(nodes(c, 'report'));
    if (report) return [this.report(report)];
    const statement = first(nodes(c, 'statement'));
    if (statement) return this.statement(statement);
    return [];
  }

  private block(node: CstNode): A.Block {
    const c = node.children;
    const kw = first(tokens(c, 'Guide')) ?? first(tokens(c, 'Generative'));
    const span = nodeSpan(node, this.textLength);
    const statements = nodes(c, 'blockItem').flatMap((i): A.Statement[] => {
      const decl = first(nodes(i.children, 'declaration'));
      if (decl) return [this.declaration(decl)];
      const st = first(nodes(i.children, 'statement'));
      return st ? this.statement(st) : [];
    });
    return {
      kind: 'block',
      which: tokens(c, 'Generative').length > 0 ? 'generative' : 'guide',
      keywordSpan: kw ? tokenSpan(kw) : span,
      statements,
      span,
    };
  }

  private report(node: CstNode): A.Report {
    const c = node.children;
    const span = nodeSpan(node, this.textLength);
    const exprNode = first(nodes(c, 'expression'));
    return {
      kind: 'report',
      name: this.name(first(tokens(c, 'Identifier')), span.start),
      expr: exprNode ? this.expr(exprNode) : this.errorAt({ start: span.end, end: span.end }),
      span,
    };
  }

  private declaration(node: CstNode): A.DataDecl | A.ParamDecl | A.ConstDecl {
    const c = node.children;
    const span = nodeSpan(node, this.textLength);
    const name = this.name(first(tokens(c, 'Identifier')), span.start);
    const shapeNode = first(nodes(c, 'shape'));
    const shape = shapeNode ? this.shape(shapeNode) : { dims: [], span: { start: span.end, end: span.end } };
    const exprNode = first(nodes(c, 'expression'));
    if (tokens(c, 'Data').length > 0) return { kind: 'data', name, shape, ...(exprNode ? { observation: this.expr(exprNode) } : {}), span };
    if (tokens(c, 'Param').length > 0) return { kind: 'param', name, shape, ...(exprNode ? { init: this.expr(exprNode) } : {}), span };
    return {
      kind: 'const',
      name,
      ...(shapeNode ? { shape } : {}),
      value: exprNode ? this.expr(exprNode) : { kind: 'error', span: { start: span.end, end: span.end } },
      span,
    };
  }

  private statement(node: CstNode): A.Statement[] {
    const c = node.children;
    const span = nodeSpan(node, this.textLength);
    const head = this.name(first(tokens(c, 'Identifier')), span.start);
    const tail = first(nodes(c, 'statementTail'));
    if (!tail) {
      // `kl(z) = method`: the only call form the grammar admits left of '='.
      const args = this.arguments(first(nodes(c, 'argumentList')));
      const arg = args[0];
      const exprNode = first(nodes(c, 'expression'));
      if (head.text !== 'kl' || args.length !== 1 || arg.name || arg.value.kind !== 'ident') {
        this.diagnostics.push(
          makeDiagnostic('SGM1004', head.text === 'kl' ? (arg?.span ?? head.span) : head.span, 'invalid assignment target', {
            label: head.text === 'kl' ? 'kl(...) takes one latent variable name' : `cannot assign to a call of '${head.text}'`,
            help: 'only kl(latent) = closed_form | mc(samples = k) may stand left of = with parentheses',
          }),
        );
        return [];
      }
      return [
        {
          kind: 'kl_override',
          variable: { text: (arg.value as A.Identifier).name, span: arg.value.span },
          method: exprNode ? this.expr(exprNode) : this.errorAt({ start: span.end, end: span.end }),
          span,
        },
      ];
    }
    const tc = tail.children;
    const targets = [head, ...tokens(tc, 'Identifier').map((t) => this.name(t, span.start))];
    const exprs = nodes(tc, 'expression');
    const value = exprs[0] ? this.expr(exprs[0]) : this.errorAt({ start: span.end, end: span.end });
    const estimatorNode = tokens(tc, 'With').length > 0 ? exprs[1] : undefined;
    const estimator = estimatorNode ? this.expr(estimatorNode) : undefined;
    const shapeNode = first(nodes(tc, 'shape'));
    const shape = shapeNode ? this.shape(shapeNode) : undefined;
    if (tokens(tc, 'Tilde').length > 0) {
      if (targets.length > 1) {
        const extra = targets[1];
        this.diagnostics.push(
          makeDiagnostic('SGM1004', { start: extra.span.start, end: targets[targets.length - 1].span.end }, 'invalid assignment target', {
            label: 'a ~ statement samples exactly one variable',
          }),
        );
      }
      return [
        { kind: 'sample', target: head, distribution: value, ...(shape ? { shape } : {}), ...(estimator ? { estimator } : {}), span },
      ];
    }
    if (estimator) {
      this.diagnostics.push(
        makeDiagnostic('SGM1004', estimator.span, 'estimator on a deterministic statement', {
          label: "'with' applies only to ~ statements",
          help: 'use ~ to sample a variable, or remove the with clause',
        }),
      );
    }
    return [{ kind: 'assign', targets, value, ...(shape ? { shape } : {}), span }];
  }

  private objective(node: CstNode): A.Objective {
    const c = node.children;
    const span = nodeSpan(node, this.textLength);
    const e = first(nodes(c, 'expression'));
    return {
      kind: 'objective',
      sense: tokens(c, 'Minimize').length > 0 ? 'minimize' : 'maximize',
      expr: e ? this.expr(e) : { kind: 'error', span: { start: span.end, end: span.end } },
      span,
    };
  }

  private shape(node: CstNode): A.ShapeExpr {
    return { dims: nodes(node.children, 'expression').map((e) => this.expr(e)), span: nodeSpan(node, this.textLength) };
  }

  // ── expressions ────────────────────────────────────────────────────────────────────────────

  /** An expression: the flat chain of the parser nested by precedence (shunting-yard, left-associative). */
  expr(node: CstNode): A.Expr {
    const c = node.children;
    const operands = nodes(c, 'unary').map((u) => this.unary(u));
    const operators = tokens(c, 'BinaryOperator');
    if (operands.length === 0) return this.errorAt(nodeSpan(node, this.textLength));
    const values: A.Expr[] = [operands[0]];
    const ops: IToken[] = [];
    const reduce = (): void => {
      const op = ops.pop()!;
      const right = values.pop()!;
      const left = values.pop()!;
      values.push(this.binary(op.image as A.BinaryOperator, tokenSpan(op), left, right));
    };
    operators.forEach((op, i) => {
      const right = operands[i + 1];
      if (!right) return; // recovery dropped the operand
      while (ops.length > 0 && PRECEDENCE[ops[ops.length - 1].image] >= PRECEDENCE[op.image]) reduce();
      ops.push(op);
      values.push(right);
    });
    while (ops.length > 0 && values.length > 1) reduce();
    return values[0];
  }

  private errorAt(span: Span): A.ErrorExpr {
    return { kind: 'error', span };
  }

  private binary(op: A.BinaryOperator, opSpan: Span, left: A.Expr, right: A.Expr): A.Expr {
    const e: A.Binary = { kind: 'binary', op, left, right, opSpan, span: { start: left.span.start, end: Math.max(right.span.end, opSpan.end) } };
    return this.nested(e, [left, right]);
  }

  /** Signs, then the power: the primary with its index brackets, raised to the exponent if there is one. */
  private unary(node: CstNode): A.Expr {
    const c = node.children;
    const span = nodeSpan(node, this.textLength);
    const caret = first(tokens(c, 'Caret'));
    const exponent = first(nodes(c, 'unary'));
    const base = this.postfix(node);
    let acc = caret && exponent ? this.binary('^', tokenSpan(caret), base, this.unary(exponent)) : base;
    // The innermost sign is the last one: -+x is -(+x).
    const signs = ordered(c, ['Minus', 'Plus']);
    for (let i = signs.length - 1; i >= 0; i--) {
      const op = signs[i];
      const at: Span = { start: op.startOffset, end: span.end };
      // Fold a minus sign into a number literal so `-1` is a literal (keeps constant folding and printing simple).
      acc =
        acc.kind === 'number' && op.image === '-'
          ? { kind: 'number', value: -acc.value, text: `-${acc.text}`, span: at }
          : this.nested({ kind: 'unary', op: op.image as '-' | '+', operand: acc, span: at }, [acc]);
    }
    return acc;
  }

  /** The primary of a unary node with its index brackets applied (indexing binds tighter than `^`). */
  private postfix(node: CstNode): A.Expr {
    const c = node.children;
    const prim = first(nodes(c, 'primary'));
    let acc = prim ? this.primary(prim) : this.errorAt(nodeSpan(node, this.textLength));
    const items = nodes(c, 'indexItem');
    const closers = tokens(c, 'RBracket');
    const openers = tokens(c, 'LBracket');
    // Group index items by the bracket pair they sit in (items and brackets are both in source order: one pass).
    let next = 0;
    openers.forEach((open, i) => {
      const close = closers[i];
      const end = close ? close.startOffset + 1 : Infinity;
      while (next < items.length && nodeSpan(items[next], open.startOffset).start <= open.startOffset) next++;
      const group: CstNode[] = [];
      while (next < items.length && nodeSpan(items[next], open.startOffset).start < end) group.push(items[next++]);
      const built = group.map((g) => this.indexItem(g));
      const index: A.Expr = {
        kind: 'index',
        target: acc,
        items: built,
        span: { start: acc.span.start, end: close ? close.startOffset + 1 : nodeSpan(node, this.textLength).end },
      };
      acc = this.nested(index, [acc, ...built.flatMap((b) => (b.kind === 'at' ? [b.index] : b.kind === 'slice' ? [b.start, b.stop, b.step] : []))]);
    });
    return acc;
  }

  private indexItem(node: CstNode): A.IndexItem {
    const c = node.children;
    const span = nodeSpan(node, this.textLength);
    if (tokens(c, 'Ellipsis').length > 0) return { kind: 'ellipsis', span };
    const startNode = first(nodes(c, 'expression'));
    const tail = first(nodes(c, 'sliceTail'));
    if (!tail) return { kind: 'at', index: startNode ? this.expr(startNode) : this.errorAt(span), span };
    const tc = tail.children;
    const colons = tokens(tc, 'Colon');
    const exprs = nodes(tc, 'expression');
    // In the tail, an expression before the second colon is the stop; one after it is the step.
    const secondColon = colons[1];
    const stop = exprs.find((e) => !secondColon || nodeSpan(e, 0).start < secondColon.startOffset);
    const step = secondColon ? exprs.find((e) => nodeSpan(e, 0).start > secondColon.startOffset) : undefined;
    return {
      kind: 'slice',
      ...(startNode ? { start: this.expr(startNode) } : {}),
      ...(stop ? { stop: this.expr(stop) } : {}),
      ...(step ? { step: this.expr(step) } : {}),
      span,
    };
  }

  private primary(node: CstNode): A.Expr {
    const c = node.children;
    const span = nodeSpan(node, this.textLength);
    const num = first(tokens(c, 'NumberLiteral'));
    if (num) return { kind: 'number', value: Number(num.image), text: num.image, span };
    if (tokens(c, 'True').length > 0) return { kind: 'bool', value: true, span };
    if (tokens(c, 'False').length > 0) return { kind: 'bool', value: false, span };
    const call = first(nodes(c, 'callOrName'));
    if (call) return this.callOrName(call);
    if (tokens(c, 'LParen').length > 0) {
      const inner = first(nodes(c, 'expression'));
      const value = inner ? this.expr(inner) : this.errorAt(span);
      return this.nested({ kind: 'paren', inner: value, span }, [value]);
    }
    if (tokens(c, 'LBracket').length > 0) {
      const elements = nodes(c, 'expression').map((e) => this.expr(e));
      return this.nested({ kind: 'tensor', elements, span }, elements);
    }
    return this.errorAt(span);
  }

  private callOrName(node: CstNode): A.Expr {
    const c = node.children;
    const span = nodeSpan(node, this.textLength);
    const id = first(tokens(c, 'Identifier'));
    const name = this.name(id, span.start);
    if (tokens(c, 'LParen').length === 0) return { kind: 'ident', name: name.text, span: name.span };
    const args = this.arguments(first(nodes(c, 'argumentList')));
    return this.nested({ kind: 'call', callee: name, args, span }, args.map((a) => a.value));
  }

  private arguments(node: CstNode | undefined): A.Argument[] {
    if (!node) return [];
    return nodes(node.children, 'argument').map((a) => {
      const c = a.children;
      const span = nodeSpan(a, this.textLength);
      const nameTok = first(tokens(c, 'Identifier'));
      const exprs = nodes(c, 'expression');
      let value: A.Expr = exprs[0] ? this.expr(exprs[0]) : this.errorAt(span);
      const arrow = first(tokens(c, 'Arrow'));
      const dots = first(tokens(c, 'DotDot'));
      if ((arrow || dots) && exprs[1]) {
        const other = this.expr(exprs[1]);
        const s = { start: value.span.start, end: other.span.end };
        const pair: A.Expr = arrow ? { kind: 'transition', from: value, to: other, span: s } : { kind: 'range', low: value, high: other, span: s };
        value = this.nested(pair, [value, other]);
      }
      return { ...(nameTok ? { name: this.name(nameTok, span.start) } : {}), value, span };
    });
  }
}
