/**
 * Canonical text of AST expressions and statements (the formatter's printer, docs/editors.md "sgm fmt"). The AST
 * keeps parentheses as written (`paren` nodes) and the parser nests the flat operator chain by precedence, so
 * printing children in place, with canonical spacing, reads back as the same tree. Spacing: binary operators,
 * `=` of named arguments and `->` are surrounded by one space; `^`, `..` and slice colons by none; `, ` between
 * list items. A `with` clause is printed as any expression (estimator syntax stays generic).
 */
import * as A from './ast.js';

/** The canonical text of an expression. */
export function printExpr(e: A.Expr): string {
  switch (e.kind) {
    case 'number':
      return e.text;
    case 'bool':
      return e.value ? 'true' : 'false';
    case 'ident':
      return e.name;
    case 'call':
      return `${e.callee.text}(${e.args.map(printArgument).join(', ')})`;
    case 'binary':
      return e.op === '^' ? `${printExpr(e.left)}^${printExpr(e.right)}` : `${printExpr(e.left)} ${e.op} ${printExpr(e.right)}`;
    case 'unary':
      return `${e.op}${printExpr(e.operand)}`;
    case 'tensor':
      return `[${e.elements.map(printExpr).join(', ')}]`;
    case 'index':
      return `${printExpr(e.target)}[${e.items.map(printIndexItem).join(', ')}]`;
    case 'transition':
      return `${printExpr(e.from)} -> ${printExpr(e.to)}`;
    case 'range': {
      // `1...5` would lex as 1, '...', 5: a high end written as `.5` keeps a space after `..`.
      const high = printExpr(e.high);
      return `${printExpr(e.low)}..${high.startsWith('.') ? ' ' : ''}${high}`;
    }
    case 'paren':
      return `(${printExpr(e.inner)})`;
    case 'error':
      throw new Error('printExpr: an error node has no text (format only error-free trees)');
    default:
      return A.assertNever(e);
  }
}

function printArgument(a: A.Argument): string {
  return a.name ? `${a.name.text} = ${printExpr(a.value)}` : printExpr(a.value);
}

function printIndexItem(item: A.IndexItem): string {
  switch (item.kind) {
    case 'at':
      return printExpr(item.index);
    case 'ellipsis':
      return '...';
    case 'slice': {
      const head = `${item.start ? printExpr(item.start) : ''}:${item.stop ? printExpr(item.stop) : ''}`;
      return item.step ? `${head}:${printExpr(item.step)}` : head;
    }
    default:
      return A.assertNever(item);
  }
}

/** `[B, N, K - 1]` */
export function printShape(s: A.ShapeExpr): string {
  return `[${s.dims.map(printExpr).join(', ')}]`;
}

/** The canonical one-line text of a statement. */
export function printStatement(s: A.Statement | A.Objective | A.Report): string {
  switch (s.kind) {
    case 'data':
      return `data ${s.name.text}: ${printShape(s.shape)}${s.observation ? ` with ${printExpr(s.observation)}` : ''}`;
    case 'param':
      return `param ${s.name.text}: ${printShape(s.shape)}${s.init ? ` = ${printExpr(s.init)}` : ''}`;
    case 'const':
      return `const ${s.name.text}${s.shape ? `: ${printShape(s.shape)}` : ''} = ${printExpr(s.value)}`;
    case 'assign':
      return `${s.targets.map((t) => t.text).join(', ')} = ${printExpr(s.value)}${s.shape ? ` : ${printShape(s.shape)}` : ''}`;
    case 'sample':
      return `${s.target.text} ~ ${printExpr(s.distribution)}${s.shape ? ` : ${printShape(s.shape)}` : ''}${s.estimator ? ` with ${printExpr(s.estimator)}` : ''}`;
    case 'kl_override':
      return `kl(${s.variable.text}) = ${printExpr(s.method)}`;
    case 'objective':
      return `${s.sense} ${printExpr(s.expr)}`;
    case 'report':
      return `report ${s.name.text} = ${printExpr(s.expr)}`;
    default:
      return A.assertNever(s);
  }
}

/** `model name(K = 10, tau) {` */
export function printModelHeader(m: A.ModelDecl): string {
  const hypers = m.hyperparameters.map((h) => (h.default ? `${h.name.text} = ${printExpr(h.default)}` : h.name.text));
  return `model ${m.name.text}(${hypers.join(', ')}) {`;
}

/**
 * The tree without its spans, as JSON: two texts that parse to the same shape (the formatter's self-check)
 * give the same string.
 */
export function treeShape(p: A.Program): string {
  return JSON.stringify(p, (key, value: unknown) => (key === 'span' || key === 'opSpan' || key === 'keywordSpan' ? undefined : value));
}
