/**
 * Per-data-point enumeration by tiling the batch (EnumerationPlan mode 'tiled', docs/math.md section 11): the
 * variables y_1..y_n enumerated per data point, with K_1..K_n values, are summed out by ONE evaluation of the
 * model on the batch repeated T = K_1 · ... · K_n times ([T·B, ...] rows, copy t holding one joint configuration;
 * runtime/estimators/tiled-enumeration.ts), not a loop over values. Every statement after an enumerated variable,
 * in the guide too (q(z | x, y)), is evaluated at each of its values.
 *
 * Blocks (`maximize elbo`): per row r = (t, b), with w_r = Π_i q(y_i = t_i | ...) (log q's summed, then exp),
 *   ELBO_b = Σ_t w_r [ Σ_x log p(x | ...) − Σ_{z not enumerated} KL_z + Σ_i (log p(y_i) − log q(y_i)) ],
 * which is exact in the enumerated variables: Σ_t w_r (log q_i − log p_i) is KL(q(y) || p(y)) (for one variable
 * the Categorical-Categorical closed form, term by term), and a KL of a later latent (z given y) is the one of
 * that row. Gradients: the weighted sum is differentiated as it stands (exact in y; pathwise in z).
 * Flat models (loglik terms): log p(x_b) = log Σ_t exp(Σ_i log p(y_i = t_i) + log p(x_b | t)), a log-sum-exp.
 */
import type * as A from '../syntax/ast.js';
import { isNamedDim } from '../semantics/shape.js';
import type { EstimatorDecision } from '../analysis/plan.js';
import { literal } from './emit-expr.js';
import type { ModelState } from './model-state.js';
import { commentText, str } from './names.js';

/** The tiled enumeration of a model, if any: its variables in statement order and the number of copies. */
export function tiledEnumeration(em: ModelState): { nodes: EstimatorDecision[]; copies: number } | undefined {
  const nodes = em.plan.estimators.filter((e) => e.estimator === 'enumerate' && e.enumeration?.mode === 'tiled');
  if (nodes.length === 0) return undefined;
  return { nodes, copies: nodes.reduce((p, e) => p * e.enumeration!.size, 1) };
}

/** The statement that samples `node` (guide side, or the flat model's statement). */
function samplingStatement(em: ModelState, node: string): A.Sample {
  return em.model.statements.find((c) => c.statement.kind === 'sample' && c.statement.target.text === node && c.role !== 'prior')!.statement as A.Sample;
}

/**
 * Lines that tile the batch (`tiledBatch`, `tiledDims`) and the `fixed` literal that puts each enumerated variable
 * at its value on every row.
 */
export function tileLines(em: ModelState, nodes: readonly EstimatorDecision[], copies: number): { lines: string[]; fixed: string } {
  em.cx.imports.runtime.add('tileBatch');
  em.cx.imports.runtime.add('tiledSupport');
  const first = em.model.variables.get(nodes[0].node)?.shape ?? [];
  const batchDim = first[0];
  // Data with the enumerated variables' batch axis first are repeated; other data are the same for every copy.
  const tiledData = em.model.statements
    .filter((s) => s.statement.kind === 'data')
    .map((s) => (s.statement as A.DataDecl).name.text)
    .filter((n) => (em.model.variables.get(n)?.shape ?? [])[0] === batchDim);
  const batchSize = isNamedDim(batchDim) ? em.dimCode(batchDim) : literal(Number(batchDim));
  let stride = copies;
  const fixed: Record<string, string> = {};
  const lines: string[] = [];
  for (const e of nodes) {
    const size = e.enumeration!.size;
    stride /= size;
    const shape = em.model.variables.get(e.node)?.shape ?? [];
    if (e.enumeration!.component) {
      // A mixture's component index per row ([T·B]), read by its draw and by its weight.
      const k = em.nodeId(e.node)('component');
      lines.push(`const ${k} = tiledSupport(${literal(copies)}, ${batchSize}, ${literal(stride)}, ${literal(size)}, [], false);`);
      fixed[k] = k;
      continue;
    }
    const oneHot = (em.distType(samplingStatement(em, e.node))?.eventRank ?? 0) === 1;
    const rest = shape.slice(1).map((d) => literal(Number(d)));
    fixed[e.node] = `tiledSupport(${literal(copies)}, ${batchSize}, ${literal(stride)}, ${literal(size)}, [${rest.join(', ')}], ${oneHot})`;
  }
  const sizes = nodes.map((e) => `${commentText(e.node)}${e.enumeration!.component ? "'s component" : ''}: ${e.enumeration!.size}`).join(', ');
  return {
    lines: [
      `// Summed out exactly per data point (${sizes}${nodes.length > 1 ? `; ${copies} joint configurations` : ''}): one evaluation on the batch tiled ${copies}-fold, one configuration per copy`,
      `const tiledBatch = tileBatch(batch, ${literal(copies)}, [${tiledData.map(str).join(', ')}]);`,
      'const tiledDims = dimsOf(tiledBatch);',
      ...lines,
    ],
    fixed: em.fixedLiteral(fixed),
  };
}

/** Per row, log q and log p of the enumerated variables at their values: identifiers and lines. */
function enumeratedLogs(em: ModelState, nodes: readonly EstimatorDecision[], q: (node: string) => string, p: (node: string) => string | undefined, value: (node: string) => string) {
  const lines: string[] = [];
  const logq: string[] = [];
  const ratio: Array<[string, string]> = [];
  for (const e of nodes) {
    const reduce = em.perExampleReducer(em.model.variables.get(e.node)?.shape ?? null);
    const lq = em.id(`${e.node}.tiled.logq`, e.node, 'logq');
    if (e.enumeration!.component) {
      // A mixture latent: the row's weight is the mixture's probability of its component; its KL term (log q − log p
      // at the row's pathwise draw) stays among the latents' terms.
      lines.push(`const ${lq} = ${reduce}(${q(e.node)}.mixture.logProb(${em.nodeId(e.node)('component')})); // log w of each row's component of ${commentText(e.node)}`);
      logq.push(lq);
      continue;
    }
    lines.push(`const ${lq} = ${reduce}(${q(e.node)}.logProb(${value(e.node)})); // log q(${commentText(e.node)}) at each row's value`);
    logq.push(lq);
    const prior = p(e.node);
    if (prior !== undefined) {
      const lp = em.id(`${e.node}.tiled.logp`, e.node, 'logp');
      lines.push(`const ${lp} = ${reduce}(${prior}.logProb(${value(e.node)})); // log p(${commentText(e.node)})`);
      ratio.push([e.node, `tf.sub(${lq}, ${lp})`]);
    }
  }
  const logw = em.id('tiled.logw', 'enumeration', 'logw');
  lines.push(`const ${logw} = ${em.sum(logq)}; // log of each row's weight: the probability of its configuration`);
  return { lines, logw, ratio };
}

/**
 * The ELBO of a blocks model with tiled enumeration (see the file comment): lines, the per-data-point ELBO, and the
 * expected log-likelihood and KL terms (for the metrics).
 */
export function tiledElbo(
  em: ModelState,
  terms: (g: string, m: string, batch: string) => { loglik: Map<string, string>; kl: Map<string, string>; statements: Map<string, string> },
  shared: string | undefined,
): { lines: string[]; perExample: string; loglik: Map<string, string>; kl: Map<string, string>; g: string; rowSignal: string } {
  const t = tiledEnumeration(em)!;
  const tile = tileLines(em, t.nodes, t.copies);
  const s = shared === undefined ? '{}' : 'tiledShared';
  const lines = [...tile.lines, ...(shared === undefined ? [] : [`const tiledShared = ${shared};`])];
  lines.push(`const g = guide(tiledBatch, ctx, tiledDims, ${s}, ${tile.fixed});`);
  lines.push(`const m = generative(tiledBatch, ctx, tiledDims, ${s}, ${em.latentsLiteral('g')});`);
  // Enumerated values' KL terms are replaced by log q − log p at each row's value; a mixture component's are kept.
  const enumerated = new Set(t.nodes.filter((e) => !e.enumeration!.component).map((e) => e.node));
  const inner = terms('g', 'm', 'tiledBatch');
  const kl = [...inner.kl].filter(([z]) => !enumerated.has(z));
  lines.push(...[...inner.loglik.values(), ...kl.map(([, id]) => id)].map((id) => inner.statements.get(id)!));
  const logs = enumeratedLogs(
    em,
    t.nodes,
    (n) => `g.${em.ids.get(`${n}.q`)}`,
    (n) => (em.ids.has(`${n}.p`) ? `m.${em.ids.get(`${n}.p`)}` : undefined),
    (n) => `g.${em.names.source(n)}`,
  );
  lines.push(...logs.lines);
  em.cx.imports.runtime.add('sumOverCopies');
  const expect = (row: string) => `sumOverCopies(${logs.logw}, ${row}, ${literal(t.copies)})`;
  const loss = [...kl.map(([, id]) => id), ...logs.ratio.map(([, r]) => r)];
  const rowElbo = em.id('tiled.elbo', 'elbo', 'row');
  const logliks = [...inner.loglik.values()];
  lines.push(`const ${rowElbo} = ${loss.length > 0 ? `tf.sub(${em.sum(logliks)}, ${loss.length === 1 ? loss[0] : `tf.addN([${loss.join(', ')}])`})` : em.sum(logliks)}; // each row's ELBO at its configuration`);
  // Expected terms per data point, for the metrics (the ELBO itself is one weighted sum of the rows).
  const metricLoglik = new Map([...inner.loglik].map(([x, id]) => [x, expect(id)]));
  const metricKl = new Map<string, string>([...kl.map(([z, id]): [string, string] => [z, expect(id)]), ...logs.ratio.map(([y, r]): [string, string] => [y, expect(r)])]);
  // A score-function node drawn in the tiled pass (one draw per copy): its learning signal per row is the row's
  // loss weighted by the row's probability, times T so that the surrogate's mean over the T·B rows is the per-data-
  // point sum over copies: (1/B) Σ_b Σ_t w_t (−ELBO_t) ∇ log q(n_t). Unbiased: Σ_t E[w_t f_t ∇ log q(n_t)] is the
  // score part of ∇ Σ_t E[w_t f_t] (w_t and f_t may depend on n_t; the weight is held constant, as the signal is).
  const rowSignal = `tf.mul(${literal(t.copies)}, tf.mul(tf.exp(${logs.logw}), tf.neg(${rowElbo})))`;
  return { lines, perExample: expect(rowElbo), loglik: metricLoglik, kl: metricKl, g: 'g', rowSignal };
}

/** A flat model's `loglik(x)` with the tiled variables summed out, over a forward pass `r` on the tiled batch. */
export function tiledFlatLoglik(em: ModelState, r: string, x: string): string {
  const t = tiledEnumeration(em)!;
  em.cx.imports.runtime.add('logSumOverCopies');
  const shape = em.model.variables.get(x)?.shape ?? null;
  const reduce = em.perExampleReducer(shape);
  const logp = t.nodes.map((e) => `${em.perExampleReducer(em.model.variables.get(e.node)?.shape ?? null)}(${r}.${em.ids.get(`${e.node}.q`)}.logProb(${r}.${em.names.source(e.node)}))`);
  const joint = [...logp, `${reduce}(${r}.${em.ids.get(`${x}.p`)}.logProb(${em.data(x, 'tiledBatch')}))`];
  return `logSumOverCopies(tf.addN([${joint.join(', ')}]), ${literal(t.copies)})`;
}

/** The `fixed` argument (as text) and lines of a flat model's tiled pass. */
export function tiledFlatPass(em: ModelState): { lines: string[]; fixed: string } {
  const t = tiledEnumeration(em)!;
  return tileLines(em, t.nodes, t.copies);
}

