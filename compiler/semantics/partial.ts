/**
 * Partial observation and user reports (docs/language.md "Partial observation" and "Reports").
 *
 * `data y: [B] with obs_mask(m)`: y is observed on the rows where the data column m is 1 and a latent on the
 * others (Pyro's `obs_mask`, NumPyro's `obs_mask`): it is sampled in guide (q on its unobserved rows) and in
 * generative (its prior), and the mask is a data column whose shape is the leading axes of y's.
 *
 * `report name = expr`: a scalar computed with the objective on every batch (logged in training, averaged in
 * evaluation); it reads data, params, consts, model-level and guide values and `logprob(z)`, never the
 * generative block's values or another objective term (their means are already metrics: elbo, loglik_x, kl_z).
 */
import type * as A from '../syntax/ast.js';
import { childExprs } from '../syntax/names-read.js';
import type { CheckContext } from './context.js';
import { typeExpr } from './expressions.js';
import { formatShape } from './shape.js';
import type { OrderedStatement } from './structure.js';

/** Checks every `with obs_mask(m)` clause; returns the partially observed variables and their masks. */
export function checkPartialObservations(ctx: CheckContext, statements: readonly OrderedStatement[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const { statement: st } of statements) {
    if (st.kind !== 'data' || st.observation === undefined) continue;
    const name = st.name.text;
    const obs = st.observation;
    const arg = obs.kind === 'call' && obs.callee.text === 'obs_mask' && obs.args.length === 1 ? obs.args[0] : undefined;
    if (!arg || (arg.name !== undefined && arg.name.text !== 'mask') || arg.value.kind !== 'ident') {
      ctx.report('SGM2212', obs.span, `'with' after data '${name}' must be obs_mask(<data column>)`, {
        label: 'not an observation mask',
        help: `write: data ${name}: [...] with obs_mask(labelled), with 'data labelled: [B]' a 0/1 column`,
      });
      continue;
    }
    const mask = (arg.value as A.Identifier).name;
    ctx.used.add(mask);
    const maskDecl = (ctx.definitions.get(mask) ?? []).find((d) => d.kind === 'data');
    if (!maskDecl || mask === name) {
      ctx.report('SGM2212', arg.value.span, `the observation mask of '${name}' must be another data column`, {
        label: ctx.definitions.has(mask) ? `'${mask}' is not declared with data` : `'${mask}' is not defined`,
        help: `declare 'data ${mask}: [B]' (1 where '${name}' is observed, 0 where it is not)`,
      });
      continue;
    }
    const yShape = ctx.variables.get(name)?.shape;
    const mShape = ctx.variables.get(mask)?.shape;
    if (yShape && mShape) {
      const prefix = mShape.length >= 1 && mShape.length <= yShape.length && mShape.every((d, i) => d === yShape[i]);
      if (!prefix || typeof yShape[0] !== 'string') {
        ctx.report('SGM2212', arg.value.span, `the mask of '${name}' must have the leading axes of its shape`, {
          label: `mask ${formatShape(mShape)}, '${name}' ${formatShape(yShape)}`,
          related: [{ span: maskDecl.span, message: `declared ${formatShape(mShape)}` }],
          help: `a mask has one value per data point: declare 'data ${mask}: [${String(yShape[0])}]'`,
        });
        continue;
      }
    }
    if (!ctx.latents.has(name)) {
      ctx.report('SGM2212', st.name.span, `partially observed '${name}' must be sampled in guide and in generative`, {
        label: 'observed on some rows only',
        help: `the guide's '${name} ~ ...' is q(${name} | ...) on its unobserved rows; the generative '${name} ~ ...' is its prior`,
      });
      continue;
    }
    out.set(name, mask);
  }
  return out;
}

/** Reserved metric names (the generated objective's own). */
const RESERVED = new Set(['loss', 'value', 'elbo', 'iwae', 'objective', 'lr']);

/** Checks `report name = expr` items (SGM2213, SGM3006). */
export function checkReports(ctx: CheckContext, reports: readonly A.Report[]): void {
  const seen = new Map<string, A.Report>();
  for (const r of reports) {
    const t = typeExpr(ctx, r.expr, { block: 'model', position: 'objective', order: Infinity, anyBlock: true });
    if (t.kind === 'tensor' && t.shape !== null && t.shape.some((d) => d !== 1)) {
      ctx.report('SGM3006', r.expr.span, `report '${r.name.text}' must be a scalar`, {
        label: `has shape ${formatShape(t.shape)}`,
        help: 'reduce it with mean(...) or sum(...)',
      });
    }
    const name = r.name.text;
    const prev = seen.get(name);
    if (prev || RESERVED.has(name) || name.startsWith('loglik_') || name.startsWith('kl_')) {
      ctx.report('SGM2213', r.name.span, prev ? `a second report named '${name}'` : `'${name}' is a metric sgm reports itself`, {
        label: 'choose another name',
        ...(prev ? { related: [{ span: prev.name.span, message: 'first report' }] } : {}),
      });
    }
    seen.set(name, r);
    visit(r.expr, (e) => {
      if (e.kind === 'ident') {
        const defs = ctx.definitions.get(e.name) ?? [];
        const visible = defs.some((d) => d.block !== 'generative');
        if (defs.length > 0 && !visible) {
          ctx.report('SGM2213', e.span, `report '${name}' reads '${e.name}', a value of the generative block`, {
            label: 'only data, params, consts, model-level and guide values',
            help: 'reports are computed from the guide pass; compute it in the guide or from the data',
          });
        }
      }
      if (e.kind === 'call') {
        const call = ctx.calls.get(e);
        if (call?.sig.name !== undefined && call.kind === 'function' && 'category' in call.sig && call.sig.category === 'objective' && call.name !== 'logprob') {
          ctx.report('SGM2213', e.span, `report '${name}' uses the objective term ${call.name}`, {
            label: 'not available in a report',
            help: `its batch mean is logged already (elbo, loglik_<x>, kl_<z>); logprob(z) is allowed`,
          });
        }
      }
    });
  }
}

/** Calls f on e and every sub-expression. */
function visit(e: A.Expr, f: (e: A.Expr) => void): void {
  f(e);
  childExprs(e).forEach((c) => visit(c, f));
}
