/**
 * Joint enumeration (a variable without batch axis, in a flat model or a guide), with score-function nodes
 * inside it (TraceEnum_ELBO-style, Pyro): the objective is
 * Σ_c q(c) f(c, n_c), with one forward pass per configuration c drawing its own n_c ~ q(n | c). Its gradient is
 * Σ_c [∇q(c) f_c + q(c) (∇f_c + f_c ∇log q(n_c | c))]; the first two terms come from differentiating the
 * weighted sum, the last from the surrogate Σ_c stop(q(c)) · stop(f_c − b) · log q(n_c | c). The weights are
 * held constant there: a differentiable q(c) would add ∇q(c) · f_c · log q(n_c), which has no place in the
 * gradient. The EMA baseline b observes the expected signal Σ_c q(c) f_c.
 */

/** A score-function node as the generated flat objective sees it. */
export interface ScoredNode {
  readonly node: string;
  /** Code of log q of the node's draw in the current pass (per data point or scalar). */
  readonly logq: string;
  /** Identifier of the node's EmaBaseline, when it has one. */
  readonly emaBaseline?: string;
  readonly reason: string;
}

/** Arrays that collect, per configuration, each node's log q and learning signal (before the loop). */
export function scoreArrays(prefix: string, scored: readonly ScoredNode[]): string[] {
  return scored.flatMap((e) => [`const ${prefix}_${e.node}_logq: tf.Tensor[] = [];`, `const ${prefix}_${e.node}_signal: tf.Tensor[] = [];`]);
}

/** Inside the loop over configurations: records each node's log q and `signal` (a loss, to minimise). */
export function scoreCollect(prefix: string, scored: readonly ScoredNode[], signal: string): string[] {
  return scored.flatMap((e) => [`${prefix}_${e.node}_logq.push(${e.logq});`, `${prefix}_${e.node}_signal.push(${signal});`]);
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

/** One joint enumeration as the generated objective writes it. */
export interface JointEnumeration {
  /** Identifier of the enumerated variable (its configurations are `${zid}_c` inside the loop). */
  readonly zid: string;
  readonly reason: string;
  /** Code of the list of configurations. */
  readonly configs: string;
  /** Lines (indented for the loop body) that evaluate the model at configuration `${zid}_c`. */
  readonly pass: readonly string[];
  /** The objective's value at the configuration, and q(configuration) (a probability). */
  readonly value: string;
  readonly probability: string;
  /** The learning signal of the score-function nodes at the configuration (a loss: lower is better). */
  readonly signal: string;
  /** The loss of an objective value (negated under maximize). */
  readonly loss: (value: string) => string;
}

/** The objective body of a joint enumeration: value = Σ_c q(c) value_c, loss, and the score-function surrogates. */
export function jointEnumerationLines(j: JointEnumeration, scored: readonly ScoredNode[]): string[] {
  const { zid } = j;
  return [
    `// ${zid}: ${j.reason}`,
    `const ${zid}_configs = ${j.configs};`,
    `const ${zid}_values: tf.Tensor[] = [];`,
    `const ${zid}_probs: tf.Tensor[] = [];`,
    ...scoreArrays(zid, scored),
    `for (const ${zid}_c of ${zid}_configs) {`,
    ...j.pass,
    `  ${zid}_values.push(${j.value});`,
    `  ${zid}_probs.push(${j.probability});`,
    ...scoreCollect(zid, scored, j.signal).map((l) => `  ${l}`),
    '}',
    `const value = expectation(${zid}_values, ${zid}_probs) as tf.Scalar;`,
    `${scored.length > 0 ? 'let' : 'const'} loss = ${j.loss('value')} as tf.Scalar;`,
    ...scoreTerms(zid, scored, `${zid}_probs`),
  ];
}
