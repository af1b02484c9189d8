/**
 * Partial observation (docs/language.md "Partial observation", docs/math.md section 16): a variable y observed
 * on the rows where a 0/1 mask is 1 and a latent elsewhere. Under per-data-point enumeration the labelled rows
 * put all their weight on the observed value and score log p(y) instead of KL(q(y | x) || p(y)), which gives the
 * two bounds of Kingma et al. 2014 (arXiv:1406.5298) eq. 6 and 7, row by row, in one pass.
 */
import { tf } from '../../stdlib/tf.js';

/** A mask as a boolean tensor broadcast to `like`'s shape (1 = observed; compared with 0.5, so 0/1 floats). */
function observedRows(mask: tf.Tensor, like: tf.Tensor): tf.Tensor {
  return tf.broadcastTo(tf.greater(mask, 0.5), like.shape);
}

/**
 * Whether each data point's value equals its data, as a boolean of `rank` axes (the per-data-point weight's): a
 * one-hot value (OneHotCategorical, [..., K]) or any value with axes past the weight's matches only when all its
 * entries do, so the comparison is reduced over those trailing axes (an elementwise [B, K] comparison would not
 * broadcast against the [B] weight).
 */
function matchesData(value: tf.Tensor, data: tf.Tensor, rank: number): tf.Tensor {
  const equal = tf.equal(value, data);
  const trailing = Array.from({ length: Math.max(0, equal.rank - rank) }, (_, i) => rank + i);
  return trailing.length > 0 ? tf.all(equal, trailing) : equal;
}

/**
 * The weight of one enumerated value k per data point: 1[k = y] on observed rows, q(k | x) elsewhere. Selected
 * with `where`, not mixed by multiplication, so an unobserved row's placeholder label cannot leak a NaN.
 */
export function observedWeight(probQ: tf.Tensor, value: tf.Tensor, data: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const hit = tf.cast(matchesData(value, data, probQ.rank), 'float32');
    return tf.where(observedRows(mask, probQ), tf.broadcastTo(hit, probQ.shape), probQ);
  });
}

/**
 * The KL term of a partially observed variable per data point: -log p(y) on observed rows (the labelled bound
 * has log p(y) where the unlabelled one has -KL(q(y | x) || p(y))), the KL elsewhere.
 */
export function observedKl(kl: tf.Tensor, logPriorAtData: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.where(observedRows(mask, kl), tf.broadcastTo(tf.neg(logPriorAtData), kl.shape), kl));
}

/**
 * Tiled enumeration (tiled-enumeration.ts): the log weight of a row whose copy holds value `value`: log q(value | x)
 * on unobserved rows; on observed rows 0 at the observed value and -Infinity elsewhere (exp gives the weight
 * 1[value = y] exactly; its gradient, exp(-Infinity) · dy, is 0).
 */
export function observedLogWeight(logQ: tf.Tensor, value: tf.Tensor, data: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const hit = tf.where(tf.broadcastTo(matchesData(value, data, logQ.rank), logQ.shape), tf.zerosLike(logQ), tf.fill(logQ.shape, -Infinity));
    return tf.where(observedRows(mask, logQ), hit, logQ);
  });
}
