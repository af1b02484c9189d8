/**
 * A synthetic model of about 200 graph nodes, for the graph page's readability and speed checks: a
 * hierarchical VAE whose guide has LATENTS blocks of chained dense layers (with skip connections), each ending
 * in a latent of a different family (IGR, Gumbel-Softmax, a Categorical with REINFORCE, straight-through Gumbel-Softmax),
 * and a generative model with a prior per latent and a long chained decoder.
 */

/** Latent families cycled through, with the guide's and the prior's statements. */
const FAMILIES = [
  (z: string, h: string) => [`${z} ~ IGR_I(dense(${h}, [N, K - 1]), softplus(dense(${h}, [N, K - 1])), tau)`, `${z} ~ fit_prior(IGR_I, Categorical(uniform(K)), tau)`],
  (z: string, h: string) => [`${z} ~ GumbelSoftmax(logits = dense(${h}, [N, K]), tau = tau)`, `${z} ~ GumbelSoftmax(probs = uniform(K), tau = tau)`],
  (z: string, h: string) => [`${z} ~ Categorical(logits = dense(${h}, [K])) with reinforce(baseline = ema(0.9))`, `${z} ~ Categorical(probs = uniform(K))`],
  (z: string, h: string) => [`${z} ~ GumbelSoftmax(logits = dense(${h}, [N, K]), tau = tau) with straight_through`, `${z} ~ GumbelSoftmax(probs = uniform(K), tau = tau)`],
] as const;

/** The model's source text; with the defaults its graph has about 200 nodes. */
export function largeModelSource(latents = 6, guideDepth = 12, decoderDepth = 106): string {
  const lines = ['// Generated for the graph page tests: about 200 nodes.', 'model large_hvae(K = 4, N = 3, tau = 0.5) {', '  data x: [B, 64]', '', '  guide {'];
  let prev = 'x';
  const guideLast: string[] = [];
  for (let l = 1; l <= latents; l++) {
    for (let d = 1; d <= guideDepth; d++) {
      const name = `g${l}_${d}`;
      const skip = d > 3 && d % 4 === 0 ? ` + g${l}_${d - 3}` : '';
      lines.push(`    ${name} = ${d % 2 === 0 ? 'tanh' : 'relu'}(dense(${prev}, [32]))${skip}`);
      prev = name;
    }
    guideLast.push(prev);
    lines.push(`    ${FAMILIES[(l - 1) % FAMILIES.length](`z${l}`, prev)[0]}`);
  }
  lines.push('  }', '', '  generative {');
  for (let l = 1; l <= latents; l++) lines.push(`    ${FAMILIES[(l - 1) % FAMILIES.length](`z${l}`, '')[1]}`);
  const flat = Array.from({ length: latents }, (_, i) => ((i % FAMILIES.length) === 2 ? `one_hot(z${i + 1}, K)` : `flatten(z${i + 1})`));
  lines.push(`    d0 = concat(${flat.join(', ')})`);
  prev = 'd0';
  for (let d = 1; d <= decoderDepth; d++) {
    const skip = d > 3 && d % 5 === 0 ? ` + d${d - 4}` : '';
    lines.push(`    d${d} = ${d % 2 === 0 ? 'tanh' : 'relu'}(dense(${prev}, [48]))${skip}`);
    prev = `d${d}`;
  }
  lines.push(`    x ~ Bernoulli(logits = dense(${prev}, [64]))`, '  }', '', '  maximize elbo', '}', '');
  return lines.join('\n');
}
