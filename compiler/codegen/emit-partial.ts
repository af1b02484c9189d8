/**
 * Code of partial observation, `logprob(z)`, the `elbo ± E` objective and user reports (docs/language.md
 * "Partial observation" and "Reports"; docs/math.md section 16), for the objective of a blocks model.
 */
import { elboExtra } from '../analysis/elbo-extra.js';
import type { ResolvedCall } from '../semantics/types.js';
import { objectiveName } from './emit-blocks.js';
import { tiledEnumeration } from './emit-tiled.js';
import { Fn } from './fn.js';
import type { ModelState } from './model-state.js';
import { propKey } from './names.js';

/** The mask column of a partially observed latent, or undefined. */
export function maskOf(em: ModelState, z: string): string | undefined {
  return em.model.partial.get(z);
}

/**
 * The weight of enumerated value `value` of z per data point: q(k | x), or, for a partially observed z,
 * 1[k = y] on its observed rows (runtime observedWeight).
 */
export function enumerationWeight(em: ModelState, z: string, probQ: string, value: string): string {
  const mask = maskOf(em, z);
  if (mask === undefined) return probQ;
  em.cx.imports.runtime.add('observedWeight');
  return `observedWeight(${probQ}, ${value}, ${em.data(z)}, ${em.data(mask)})`;
}

/** The KL term of z per data point: `kl`, or for a partially observed z, -log p(y) on its observed rows. */
export function partialKlTerm(em: ModelState, z: string, kl: string, prior: string): string {
  const mask = maskOf(em, z);
  if (mask === undefined) return kl;
  em.cx.imports.runtime.add('observedKl');
  const reduce = em.perExampleReducer(em.model.variables.get(z)?.shape ?? null);
  return `observedKl(${kl}, ${reduce}(${prior}.logProb(${em.data(z)})), ${em.data(mask)})`;
}

/**
 * Under tiled enumeration (emit-tiled.ts) the guide pass runs on the tiled batch: the data that reports and the
 * extra term read come from it too (each copy holds the same rows, so batch means are unchanged).
 */
function batchOf(em: ModelState): string {
  return tiledEnumeration(em) ? 'tiledBatch' : 'batch';
}

/**
 * Tiled enumeration of a partially observed z: a row's log weight is log 1[value = y] on observed rows
 * (observedLogWeight) and its KL contribution -log p(y) (observedKl); undefined when z is fully latent.
 */
export function tiledObserved(em: ModelState, z: string, logq: string, logp: string | undefined, value: string): { logw: string; ratio: string } | undefined {
  const mask = maskOf(em, z);
  if (mask === undefined || logp === undefined) return undefined;
  em.cx.imports.runtime.add('observedLogWeight');
  em.cx.imports.runtime.add('observedKl');
  const [y, m] = [em.data(z, 'tiledBatch'), em.data(mask, 'tiledBatch')];
  return { logw: `observedLogWeight(${logq}, ${value}, ${y}, ${m})`, ratio: `observedKl(tf.sub(${logq}, ${logp}), ${logp}, ${m})` };
}

/** logprob(z): log q(z | ...) per data point, at the data for a partially observed z, else at the guide's draw. */
export function logprobTerm(em: ModelState, call: ResolvedCall, g: string): string {
  const v = call.args.get('variable');
  const z = v?.expr.kind === 'ident' ? v.expr.name : '';
  const reduce = em.perExampleReducer(em.model.variables.get(z)?.shape ?? null);
  const value = maskOf(em, z) !== undefined ? em.data(z, batchOf(em)) : `${g}.${em.names.source(z)}`;
  return `${reduce}(${g}.${em.ids.get(`${z}.q`)}.logProb(${value}))`;
}

/** An expression of the objective's names and logprob terms (an `elbo ± E` extra or a report), with its prelude. */
function emitStandalone(em: ModelState, expr: import('../syntax/ast.js').Expr, g: string): { lines: string[]; code: string } {
  const data = batchOf(em);
  const resolve = (n: string): string | undefined => ((em.model.definitions.get(n) ?? []).some((d) => d.kind === 'data') ? em.data(n, data) : objectiveName(em, n, g, 'm'));
  const fn = new Fn(em.cx, resolve, (call) => {
    if (call.name !== 'logprob') throw new Error(`internal: ${call.name} in a report or an elbo extra`);
    return logprobTerm(em, call, g);
  });
  const code = fn.emit.expr(expr);
  return { lines: [...fn.scope.prelude], code };
}

/** `value` plus the extra term E of `maximize elbo ± E`, or `value` itself. */
export function withElboExtra(em: ModelState, value: string, g: string): { lines: string[]; value: string } {
  const e = elboExtra(em.model);
  if (e === undefined) return { lines: [], value };
  const { lines, code } = emitStandalone(em, e.extra, g);
  return { lines, value: `${e.sign === 1 ? 'tf.add' : 'tf.sub'}(${value}, ${code})` };
}

/** The metrics of the model's `report` items, computed from guide pass `g`: statements and `name: value` entries. */
export function reportMetrics(em: ModelState, g: string): { lines: string[]; metrics: string[] } {
  const lines: string[] = [];
  const metrics: string[] = [];
  for (const r of em.model.reports) {
    const { lines: pre, code } = emitStandalone(em, r.expr, g);
    lines.push(...pre);
    // A metric is logged, never differentiated: its tensor is a scalar of the batch.
    metrics.push(`${propKey(r.name.text)}: tf.reshape(${code}, [])`);
  }
  return { lines, metrics };
}
