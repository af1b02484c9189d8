/**
 * The objective of `maximize iwae(samples = k)` (Burda, Grosse, Salakhutdinov 2016, arXiv:1509.00519):
 * L̂ = log (1/k) Σ_i p(x, z_i) / q(z_i | x) per data point, its batch mean the value.
 *
 * Batched (the plan's `objective.batchedSamples`, analysis/separability.ts `tileableOverSamples`): the batch is
 * tiled to [k·B, ...] sample-major (runtime/estimators/tiled-enumeration.ts `tileBatch`), guide and generative run ONCE on the k·B rows, and
 * the per-row log weights are reshaped to [k, B]; otherwise (a latent without batch axis, or a statement that
 * mixes data points) a loop of k passes over the batch stacks them. Either way the multi-sample estimators
 * (VIMCO) see log weights and log q as [k, B] tensors (estimator.ts, SurrogateContext 'iwae').
 */
import { surrogate } from './emit-objective.js';
import type { ModelState } from './model-state.js';
import { str } from './names.js';

/** Appends the iwae objective's statements to `body` and its metric to `metrics`. */
export function iwaeObjective(em: ModelState, sharedCall: (batch: string, dims: string) => string, body: string[], metrics: string[]): void {
  const k = em.plan.objective.iwaeSamples ?? 1;
  const batched = em.plan.objective.batchedSamples === true;
  const scored = em.scored();
  // Each quantity a scored node's draw binds (e.g. its log q), per sample: [k, B, ...].
  const collected = scored.map((e) => ({ e, roles: (em.bound.get(e.node) ?? []).map((role) => [em.nodeId(e.node)(role), em.id(`${e.node}.iwae.${role}`, e.node, `${role}_samples`)] as const) }));
  // log p(x, z) - log q(z | x) per row of the pass: the observed log-likelihoods and each latent's log-ratio, its
  // densities taken from the draw's log-space representation (exact at any τ; stdlib log-space.ts).
  const logWeight = (batch: string) => {
    // A term of a variable without batch axis is a scalar (only in the loop form): added by broadcasting to each
    // data point's weight, as the ELBO adds its KL (tf.addN needs equal shapes).
    const reducers: string[] = [];
    const reducer = (shape: Parameters<ModelState['perExampleReducer']>[0]) => {
      const r = em.perExampleReducer(shape);
      reducers.push(r);
      return r;
    };
    const terms = [
      ...em.model.observed.map((x) => `${reducer(em.model.variables.get(x)?.shape ?? null)}(m.${em.ids.get(`${x}.p`)}.logProb(${em.data(x, batch)}))`),
      ...em.model.latents.map((z) => {
        const zid = `g.${em.names.source(z)}`;
        em.cx.imports.stdlib.add('logProbOfSample');
        return em.logRatio(z, reducer(em.model.variables.get(z)?.shape ?? null), `logProbOfSample(m.${em.ids.get(`${z}.p`)}, ${zid})`, `logProbOfSample(g.${em.ids.get(`${z}.q`)}, ${zid})`);
      }),
    ];
    if (terms.length === 1) return terms[0];
    return reducers.includes('tf.sum') ? terms.slice(1).reduce((a, t) => `tf.add(${a}, ${t})`, terms[0]) : `tf.addN([${terms.join(', ')}])`;
  };
  if (batched) {
    // The batch tiling of tiled enumeration (runtime/estimators/tiled-enumeration.ts): every data tensor repeated.
    em.cx.imports.runtime.add('tileBatch');
    em.cx.imports.runtime.add('splitSamples');
    const data = em.model.statements.flatMap(({ statement: st }) => (st.kind === 'data' ? [str(st.name.text)] : []));
    body.push(
      `// iwae(samples = ${k}): log (1/k) Σ_i p(x, z_i) / q(z_i | x) per data point (Burda et al. 2016), the k samples in`,
      `// one pass over the batch tiled to [${k}·B, ...] (row i·B + b: sample i of data point b), split back to [${k}, B]`,
      `const tiled = tileBatch(batch, ${k}, [${data.join(', ')}]);`,
      'const dims = dimsOf(tiled);',
      `const s = ${sharedCall('tiled', 'dims')};`,
      'const g = guide(tiled, ctx, dims, s);',
      `const m = generative(tiled, ctx, dims, s, ${em.latentsLiteral('g')});`,
      `const logWeights = splitSamples(${logWeight('tiled')}, ${k}); // [${k}, B]`,
      ...collected.flatMap(({ roles }) => roles.map(([id, arr]) => `const ${arr} = splitSamples(g.${id}, ${k});`)),
    );
  } else {
    body.push(
      `// iwae(samples = ${k}): log (1/k) Σ_i p(x, z_i) / q(z_i | x) per data point (Burda et al. 2016), as a loop of k`,
      '// passes: a latent without batch axis, or a statement that mixes data points, keeps the samples apart',
      'const dims = dimsOf(batch);',
      `const s = ${sharedCall('batch', 'dims')};`,
      'const weights: tf.Tensor[] = [];',
      ...collected.flatMap(({ roles }) => roles.map(([, arr]) => `const ${arr}_list: tf.Tensor[] = [];`)),
      `for (let i = 0; i < ${k}; i++) {`,
      '  const g = guide(batch, ctx, dims, s);',
      ...collected.flatMap(({ roles }) => roles.map(([id, arr]) => `  ${arr}_list.push(g.${id});`)),
      `  const m = generative(batch, ctx, dims, s, ${em.latentsLiteral('g')});`,
      `  weights.push(${logWeight('batch')});`,
      '}',
      `const logWeights = tf.stack(weights); // [${k}, B]`,
      ...collected.flatMap(({ roles }) => roles.map(([, arr]) => `const ${arr} = tf.stack(${arr}_list);`)),
    );
  }
  body.push(
    // tf.logSumExp subtracts the maximum before exponentiating: float32-safe for log weights of -1000 nats.
    `const bound = tf.sub(tf.logSumExp(logWeights, 0), Math.log(${k})); // [B], log-sum-exp over the samples (max-shifted: float32-safe)`,
    'const value = tf.mean(bound) as tf.Scalar;',
    `${scored.length > 0 ? 'let' : 'const'} loss = tf.neg(value) as tf.Scalar;`,
  );
  for (const { e, roles } of collected) {
    const tensors = new Map(roles);
    const logq = tensors.get(em.nodeId(e.node)('logq'));
    if (logq === undefined) throw new Error(`internal: '${e.node}' under iwae binds no log q`);
    body.push(
      ...surrogate(em, e, 'iwae', {
        logq,
        signal: 'logWeights',
        perExample: true,
        samples: k,
        pass: (id) => {
          const t = tensors.get(id);
          if (t === undefined) throw new Error(`internal: '${id}' is not collected over the iwae samples`);
          return t;
        },
      }, metrics),
    );
  }
  metrics.push('iwae: value');
}
