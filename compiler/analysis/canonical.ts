/**
 * Canonical text of expressions after hyperparameter substitution: the static keys the KL rules compare
 * ("same τ on both sides"), e.g. tau = 0.5 written as `tau` or `0.5` gives '0.5', and a schedule gives
 * 'anneal(1 -> 0.1, steps=2000)'.
 */
import type * as A from '../syntax/ast.js';
import { formatConst } from '../semantics/constant.js';
import type { CheckedModel } from '../semantics/types.js';

/** The canonical text of an expression of a checked model. */
export function canonicalText(model: CheckedModel, e: A.Expr): string {
  const t = model.types.get(e);
  if (t?.kind === 'tensor' && t.constant !== undefined) return formatConst(t.constant);
  switch (e.kind) {
    case 'number':
      return formatConst(e.value);
    case 'bool':
      return String(e.value);
    case 'ident':
      return e.name;
    case 'paren':
      return canonicalText(model, e.inner);
    case 'unary':
      return `${e.op}${canonicalText(model, e.operand)}`;
    case 'binary':
      return `(${canonicalText(model, e.left)} ${e.op} ${canonicalText(model, e.right)})`;
    case 'transition':
      return `${canonicalText(model, e.from)} -> ${canonicalText(model, e.to)}`;
    case 'range':
      return `${canonicalText(model, e.low)}..${canonicalText(model, e.high)}`;
    case 'tensor':
      return `[${e.elements.map((x) => canonicalText(model, x)).join(', ')}]`;
    case 'index':
      return `${canonicalText(model, e.target)}[${e.items.map((i) => i.kind).join(', ')}]`;
    case 'call': {
      const call = model.calls.get(e);
      const args = call
        ? [...call.args].map(([name, a]) => `${name}=${canonicalText(model, a.expr)}`)
        : e.args.map((a) => (a.name ? `${a.name.text}=` : '') + canonicalText(model, a.value));
      return `${call?.name ?? e.callee.text}(${args.join(', ')})`;
    }
    case 'error':
      return '?';
  }
}
