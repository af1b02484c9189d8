/** A generated .sgm model of a given length, for throughput measurements of the front end. */

/**
 * A valid flat model of about `lines` lines: a chain of deterministic statements mixing arithmetic, built-ins and
 * layers, a stochastic node every 25 lines, and an objective that reads the end of the chain.
 */
export function largeModel(lines: number): string {
  const out = ['// generated for the parse + check benchmark', 'model large(D = 16, tau = 0.5) {', '  data x: [B, D]', '  param w: [D] = 0', '  h0 = x'];
  let i = 1;
  for (; out.length < lines - 2; i++) {
    const prev = `h${i - 1}`;
    const line =
      i % 25 === 0
        ? `  h${i} ~ Normal(${prev}, softplus(${prev}) + 1e-3)`
        : i % 7 === 0
          ? `  h${i} = tanh(dense(${prev}, [D]))            // a layer every 7 lines`
          : i % 3 === 0
            ? `  h${i} = sigmoid(${prev} * 0.5 + w) - 0.25`
            : `  h${i} = exp(-(${prev} - 1)^2 / 2) + abs(${prev}) * 1e-2`;
    out.push(line);
  }
  out.push(`  minimize mean(sum(h${i - 1}, axis = -1))`, '}');
  return out.join('\n') + '\n';
}
