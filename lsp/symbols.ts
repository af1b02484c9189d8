/**
 * Names in a parsed file, for the language server's navigation (definition, references, rename, highlights,
 * semantic tokens): every definition and every use of a model's names, every call's callee and every argument
 * name, each with its span. Built by one walk over the AST; works on a tree recovered after syntax errors.
 */
import type * as A from '../compiler/syntax/ast.js';
import type { Span } from '../compiler/diagnostics/source.js';
import { childExprs } from '../compiler/syntax/names-read.js';

/** What a name at a place is. */
export type OccurrenceKind = 'definition' | 'use' | 'callee' | 'argument';

/** One name at one place. */
export interface Occurrence {
  readonly name: string;
  readonly span: Span;
  readonly kind: OccurrenceKind;
  /** For definitions: what defines it. */
  readonly defines?: 'hyper' | 'data' | 'param' | 'const' | 'det' | 'stochastic';
  /** The model the name belongs to. */
  readonly model: A.ModelDecl;
  /** The statement (or objective, or hyperparameter default) it stands in. */
  readonly statement?: A.Statement | A.Objective | A.Report;
  /** For arguments: the call they belong to. */
  readonly call?: A.Call;
  /** The block it stands in. */
  readonly block: 'model' | 'guide' | 'generative';
  /** A callee written without parentheses (`relu`, `elbo`, `loo`, `pathwise`). */
  readonly bare?: boolean;
}

/** Every occurrence of a name in a program, in source order. */
export function occurrences(program: A.Program): Occurrence[] {
  const out: Occurrence[] = [];
  for (const model of program.models) {
    const defined = new Set<string>();
    const push = (o: Omit<Occurrence, 'model'>): void => void out.push({ ...o, model });
    for (const h of model.hyperparameters) {
      defined.add(h.name.text);
      push({ name: h.name.text, span: h.name.span, kind: 'definition', defines: 'hyper', block: 'model' });
      if (h.default) walkExpr(h.default, undefined, 'model', push);
    }
    const visit = (s: A.Statement | A.Objective | A.Report, block: Occurrence['block']): void => {
      const def = (n: A.Name, defines: Occurrence['defines']): void => {
        defined.add(n.text);
        push({ name: n.text, span: n.span, kind: 'definition', defines, statement: s, block });
      };
      const expr = (e: A.Expr | undefined): void => {
        if (e) walkExpr(e, s, block, push);
      };
      const shape = (sh: A.ShapeExpr | undefined): void => sh?.dims.forEach(expr);
      switch (s.kind) {
        case 'data':
          shape(s.shape);
          expr(s.observation);
          def(s.name, 'data');
          break;
        case 'param':
          shape(s.shape);
          expr(s.init);
          def(s.name, 'param');
          break;
        case 'const':
          shape(s.shape);
          expr(s.value);
          def(s.name, 'const');
          break;
        case 'assign':
          expr(s.value);
          shape(s.shape);
          s.targets.forEach((t) => def(t, 'det'));
          break;
        case 'sample':
          expr(s.distribution);
          shape(s.shape);
          expr(s.estimator);
          def(s.target, 'stochastic');
          break;
        case 'kl_override':
          push({ name: s.variable.text, span: s.variable.span, kind: 'use', statement: s, block });
          expr(s.method);
          break;
        case 'objective':
        case 'report':
          expr(s.expr);
          break;
      }
    };
    for (const item of model.items) {
      if (item.kind === 'block') item.statements.forEach((s) => visit(s, item.which));
      else visit(item, 'model');
    }
    // A bare name is a use of a model name only when the model defines it (else it is `relu`, `elbo`, `loo`, ...
    // or an undefined name, which the checker reports).
    for (let i = 0; i < out.length; i++) {
      const o = out[i];
      if (o.model === model && o.kind === 'use' && !defined.has(o.name)) out[i] = { ...o, kind: 'callee', bare: true };
    }
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

function walkExpr(e: A.Expr, statement: Occurrence['statement'], block: Occurrence['block'], push: (o: Omit<Occurrence, 'model'>) => void): void {
  if (e.kind === 'ident') push({ name: e.name, span: e.span, kind: 'use', ...(statement ? { statement } : {}), block });
  if (e.kind === 'call') {
    push({ name: e.callee.text, span: e.callee.span, kind: 'callee', ...(statement ? { statement } : {}), block });
    for (const a of e.args) if (a.name) push({ name: a.name.text, span: a.name.span, kind: 'argument', call: e, ...(statement ? { statement } : {}), block });
  }
  for (const x of childExprs(e)) walkExpr(x, statement, block, push);
}

/** The occurrence whose span holds `offset` (its end included, so a cursor right after a name finds it). */
export function occurrenceAt(all: readonly Occurrence[], offset: number): Occurrence | undefined {
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (all[mid].span.end < offset) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < all.length && all[i].span.start <= offset; i++) if (offset <= all[i].span.end) return all[i];
  return undefined;
}

/** Definitions and uses of the same model name as `o` (a latent's guide and generative statements are one name). */
export function sameName(all: readonly Occurrence[], o: Occurrence): Occurrence[] {
  if (o.kind !== 'definition' && o.kind !== 'use') return [];
  return all.filter((x) => x.model === o.model && x.name === o.name && (x.kind === 'definition' || x.kind === 'use'));
}

/** The definition a use refers to: the last one before it in its own block or the model, else the first. */
export function definitionOf(all: readonly Occurrence[], o: Occurrence): Occurrence | undefined {
  const defs = sameName(all, o).filter((x) => x.kind === 'definition');
  if (o.kind === 'definition') return o;
  const before = defs.filter((d) => d.span.start < o.span.start && (d.block === o.block || d.block === 'model'));
  return before[before.length - 1] ?? defs[0];
}
