/** The names an expression reads. */
import type * as A from './ast.js';

/** Names an expression reads, in order of first appearance (excluding callee names and named-argument names). */
export function namesRead(e: A.Expr): string[] {
  const out: string[] = [];
  const visit = (x: A.Expr): void => {
    switch (x.kind) {
      case 'ident':
        if (!out.includes(x.name)) out.push(x.name);
        return;
      case 'call':
        for (const a of x.args) visit(a.value);
        return;
      case 'binary':
        visit(x.left);
        visit(x.right);
        return;
      case 'unary':
        visit(x.operand);
        return;
      case 'paren':
        visit(x.inner);
        return;
      case 'tensor':
        x.elements.forEach(visit);
        return;
      case 'index':
        visit(x.target);
        for (const i of x.items) {
          if (i.kind === 'at') visit(i.index);
          if (i.kind === 'slice') for (const y of [i.start, i.stop, i.step]) if (y) visit(y);
        }
        return;
      case 'transition':
        visit(x.from);
        visit(x.to);
        return;
      case 'range':
        visit(x.low);
        visit(x.high);
        return;
      case 'number':
      case 'bool':
      case 'error':
        return;
    }
  };
  visit(e);
  return out;
}
