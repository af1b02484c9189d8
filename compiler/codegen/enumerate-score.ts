/**
 * Score-function nodes inside the enumeration of a flat model (TraceEnum_ELBO-style, Pyro): the objective is
 * Σ_c q(c) f(c, n_c), with one forward pass per configuration c drawing its own n_c ~ q(n | c). Its gradient is
 * Σ_c [∇q(c) f_c + q(c) (∇f_c + f_c ∇log q(n_c | c))]; the first two terms come from differentiating the
 * weighted sum, the last from the surrogate Σ_c stop(q(c)) · stop(f_c − b) · log q(n_c | c). The weights are
 * held constant there: a differentiable q(c) would add ∇q(c) · f_c · log q(n_c), which has no place in the
 * gradient. The EMA baseline b observes the expected signal Σ_c q(c) f_c.
 */

/** A score-function node as the generated flat objective sees it. */
export interface ScoredNode {
  readonly node: string;
  /** Property of a forward pass holding log q of the node's draw (per data point or scalar). */
  readonly logq: string;
  /** Identifier of the node's EmaBaseline, when it has one. */
  readonly emaBaseline?: string;
  readonly reason: string;
}

/** Arrays that collect, per configuration, each node's log q and learning signal (before the loop). */
export function scoreArrays(prefix: string, scored: readonly ScoredNode[]): string[] {
  return scored.flatMap((e) => [`const ${prefix}_${e.node}_logq: tf.Tensor[] = [];`, `const ${prefix}_${e.node}_signal: tf.Tensor[] = [];`]);
}

/** Inside the loop over configurations: records forward pass `r`'s log q and `signal` (a loss, to minimise). */
export function scoreCollect(prefix: string, scored: readonly ScoredNode[], r: string, signal: string): string[] {
  return scored.flatMap((e) => [`${prefix}_${e.node}_logq.push(${r}.${e.logq});`, `${prefix}_${e.node}_signal.push(${signal});`]);
}

/**
 * After the loop: adds each node's surrogate to `loss` (declared with let), weights `probs` held constant.
 * Needs `scoreFunctionTerm`, `stopGradient` and `expectation` from the runtime.
 */
export function scoreTerms(prefix: string, scored: readonly ScoredNode[], probs: string): string[] {
  const lines: string[] = [];
  for (const e of scored) {
    const baseline = e.emaBaseline ? `${e.emaBaseline}.variable` : '0';
    lines.push(
      `loss = tf.add(loss, tf.addN(${prefix}_${e.node}_logq.map((lq, k) => tf.mul(stopGradient(${probs}[k]), scoreFunctionTerm(lq, ${prefix}_${e.node}_signal[k], ${baseline}))))) as tf.Scalar; // ${e.node}: ${e.reason}, per enumerated configuration`,
    );
    if (e.emaBaseline) lines.push(`${e.emaBaseline}.observe(expectation(${prefix}_${e.node}_signal, ${probs}));`);
  }
  return lines;
}
