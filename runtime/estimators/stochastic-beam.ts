/**
 * Stochastic beam search (Kool, van Hoof, Welling 2019, "Stochastic Beams and Where to Find Them: The Gumbel-Top-k
 * Trick for Sampling Sequences Without Replacement", arXiv:1903.06059, Algorithm 1): k distinct configurations of
 * U independent units (each with K values) per row, drawn without replacement from their product distribution,
 * for the unordered set estimator over a factorized vector latent (unordered-set.ts; the [B, H] Bernoulli layer of
 * a sigmoid belief net). Vectorised over rows and beams; the loop runs over the units in the runtime, not in
 * generated code.
 *
 * Every partial configuration y_{1:u} carries its log-probability φ and a perturbed value G, a Gumbel with
 * location φ conditioned on its parent's: the children's unconditional perturbed values G̃_c = φ_c + Gumbel have
 * maximum Z, and G_c = −log(exp(−G_parent) − exp(−Z) + exp(−G̃_c)) (paper eq. 23), so the maximum over a parent's
 * children equals the parent's value and top-k over the leaves is Gumbel-top-k over complete configurations.
 * Computed as G_c = T − softplus(v) with v = T − G̃_c + log(1 − exp(G̃_c − Z)) (T the parent's value), where
 * log(1 − exp(x)) for x ≤ 0 switches between log(−expm1(x)) and log1p(−exp(x)) at −log 2 (Mächler 2012) and is −∞
 * for the maximising child (whose value is then exactly T).
 */
import { tf } from '../../stdlib/tf.js';
import type { RandomStream } from '../../stdlib/random.js';
import { detached } from '../../stdlib/stop-gradient.js';

/** log(1 − exp(x)) for x ≤ 0 (file comment); −∞ at 0. */
export function log1mexpNeg(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.where(tf.greater(x, -Math.LN2), tf.log(tf.neg(tf.expm1(x))), tf.log1p(tf.neg(tf.exp(x)))));
}

/** A set drawn by stochastic beam search. */
export interface BeamSet {
  /** [N, k, U] int32: the value of each unit in each configuration. */
  readonly values: tf.Tensor;
  /** [N, k]: log p of each configuration, differentiable in the table. */
  readonly logp: tf.Tensor;
  /** [N]: log p(D \ S) = log(1 − Σ_S p), without gradient. */
  readonly logRest: tf.Tensor;
}

/**
 * k configurations per row of `table`, the units' log-probabilities [N, U, K], without replacement. k must not
 * exceed K^U (the analysis checks it).
 */
export function stochasticBeamSearch(table: tf.Tensor, k: number, rng: RandomStream): BeamSet {
  const [, U, K] = table.shape as [number, number, number];
  return tf.tidy(() => {
    const values = tf.cast(detached((t) => beamValues(t, U, K, k, rng), table), 'int32'); // [N, k, U]
    const picks = tf.cast(tf.oneHot(values, K), 'float32'); // [N, k, U, K]
    const logp = tf.sum(tf.mul(picks, tf.expandDims(table, 1)), [2, 3]); // [N, k]
    // log(1 − Σ_S p): the set holds little of the mass of a product of many units (a 200-unit layer: Σ_S p ~ e^{-100}),
    // so no cancellation there; a set holding almost all mass of a few units loses relative precision in p(D \ S).
    const logRest = detached((l) => log1mexpNeg(tf.minimum(tf.logSumExp(l, 1), 0)), logp);
    return { values, logp, logRest };
  });
}

/**
 * The log-probability of a dead beam (fewer than k configurations exist yet): finite, so that dead children need no
 * masking and no ∞ − ∞ arises; their perturbed values stay at DEAD (float32 absorbs any Gumbel and log-probability
 * added to it), below every live one, and a dead child's shift is exactly its parent's (log(1 − e^0) = −∞).
 */
const DEAD = -1e30;

/** The beam search itself, on values without gradient: the chosen values [N, k, U] as float32. */
function beamValues(table: tf.Tensor, U: number, K: number, k: number, rng: RandomStream): tf.Tensor {
  return tf.tidy(() => {
    const N = table.shape[0] ?? 1;
    // All the Gumbel noise at once ([U, N, k, K]) and the units' tables as a list: fewer ops per unit.
    const noise = tf.unstack(rng.gumbel([U, N, k, K]));
    const units = tf.unstack(table, 1); // U × [N, K]
    // Row offsets of the flat gathers (a batched gather, batchDims = 1, fails on WASM).
    const rows = tf.expandDims(tf.range(0, N, 1, 'int32'), 1);
    const childOffsets = tf.mul(rows, tf.scalar(k * K, 'int32'));
    const parentOffsets = tf.mul(rows, tf.scalar(k, 'int32'));
    const KK = tf.scalar(K, 'int32');
    // One live beam (the empty prefix, φ = 0, T = 0) and k − 1 dead ones.
    const start = () => tf.concat([tf.zeros([N, 1]), tf.fill([N, k - 1], DEAD)], 1);
    let phi = start();
    let T = start();
    let seq = tf.zeros([N, k, 1]); // replaced at the first unit
    for (let u = 0; u < U; u++) {
      // One unit per iteration, its intermediates freed at once (U is 200 in a belief net's layer).
      const next = tf.tidy(() => {
        const childPhi = tf.add(tf.expandDims(phi, 2), tf.expandDims(units[u], 1)); // [N, k, K]
        const gTilde = tf.add(childPhi, noise[u]);
        const Z = tf.max(gTilde, 2, true); // [N, k, 1]
        // G_c = T − softplus(T − G̃_c + log(1 − exp(G̃_c − Z))) (file comment). log(−expm1(x)) alone for x ≤ 0: below
        // x = −log 2 it rounds 1 − e^x, an absolute error under 6e−8 in v, which shifts G_c by less than that.
        const parentT = tf.expandDims(T, 2);
        const v = tf.add(tf.sub(parentT, gTilde), tf.log(tf.neg(tf.expm1(tf.sub(gTilde, Z)))));
        const g = tf.sub(parentT, tf.softplus(v)); // [N, k, K]
        const { values: top, indices } = tf.topk(tf.reshape(g, [N, k * K]), k); // [N, k]
        const parent = tf.floorDiv(indices, KK);
        const value = tf.expandDims(tf.cast(tf.sub(indices, tf.mul(parent, KK)), 'float32'), 2);
        const flatChild = tf.reshape(tf.add(indices, childOffsets), [-1]);
        const flatParent = tf.reshape(tf.add(parent, parentOffsets), [-1]);
        return {
          phi: tf.reshape(tf.gather(tf.reshape(childPhi, [-1]), flatChild), [N, k]),
          T: top,
          seq: u === 0 ? value : tf.concat([tf.reshape(tf.gather(tf.reshape(seq, [N * k, u]), flatParent), [N, k, u]), value], 2),
        };
      });
      tf.dispose([phi, T, seq]);
      ({ phi, T, seq } = next);
    }
    return seq;
  });
}
