/** The names an expression reads. */
import type * as A from './ast.js';

/** The direct sub-expressions of `e`, in source order (call arguments' values, index items, slice bounds...). */
export function childExprs(e: A.Expr): A.Expr[] {
  switch (e.kind) {
    case 'call':
      return e.args.map((a) => a.value);
    case 'binary':
      return [e.left, e.right];
    case 'unary':
      return [e.operand];
    case 'paren':
      return [e.inner];
    case 'tensor':
      return [...e.elements];
    case 'index': {
      const out: A.Expr[] = [e.target];
      for (const i of e.items) {
        if (i.kind === 'at') out.push(i.index);
        if (i.kind === 'slice') for (const y of [i.start, i.stop, i.step]) if (y) out.push(y);
      }
      return out;
    }
    case 'transition':
      return [e.from, e.to];
    case 'range':
      return [e.low, e.high];
    case 'ident':
    case 'number':
    case 'bool':
    case 'error':
      return [];
  }
}

/** Names an expression reads, in order of first appearance (excluding callee names and named-argument names). */
export function namesRead(e: A.Expr): string[] {
  const out: string[] = [];
  const visit = (x: A.Expr): void => {
    if (x.kind === 'ident') {
      if (!out.includes(x.name)) out.push(x.name);
    } else childExprs(x).forEach(visit);
  };
  visit(e);
  return out;
}
