/**
 * Densities of relaxed samples in the space where they are exact. A relaxed value z (a point of the simplex, or
 * of (0, 1)) underflows in float32 at low temperature: at τ = 0.01 most entries of z are exactly 0 (or 1), so
 * log q(z) computed from z is wrong, and a Monte Carlo KL or importance weight built from two such densities can
 * come out negative (issue 13 item 4). The draw's log representation does not underflow:
 *  - 'log_simplex': log z, all K entries (IGR: log softmax++ output, IGR paper eq. (12); Gumbel-Softmax: the
 *    ExpConcrete draw, Maddison et al. 2017 appendix C);
 *  - 'logit': y = logit(z) of a binary relaxation (Maddison et al. 2017 section 3.4).
 * A distribution that implements LogSpaceDensity draws in that space and evaluates the log density OF z (with
 * respect to the same reference measure as its logProb) from the representation, exact at any τ.
 *
 * The generated code evaluates densities at values returned by rsample (the guide's draw is scored under the
 * posterior and the prior, e.g. in `iwae` weights). rsample therefore records the representation of the value it
 * returns (`recordLogSpace`), and logProbOfSample looks it up: the value tensor identifies its representation,
 * which lives and is disposed in the same tidy scope as the value. Values without a record (data, values from
 * other code) are scored with logProb as before.
 *
 * The draw's own density: a family whose log representation does not determine its pre-image accurately in
 * float32 (IGR_SB: a stick w_k = τ (log z_k - log z_K + log δ) below ~1e-7·|log z| is lost to cancellation, and
 * the remainder 1 - Σ w with it; at μ = ±8 the density came out thousands of nats off) also returns the latent
 * pre-image of the draw (IGR: the Gaussian y). The record keeps it, and the distribution that drew the value
 * scores it from the latent (exact); another IGR_SB maps that latent to its own pre-image (igr/sb-rescale.ts);
 * any other distribution scores the representation.
 */
import type { RandomStream } from '../random.js';
import type { tf } from '../tf.js';
import type { Distribution } from './distribution.js';

/**
 * The space a relaxed density is exact in (see the file comment); 'discrete': the draw's discrete value (GenGS:
 * the cell of the Gumbel-max argmax), which every distribution scores with its logProb (a pmf: GenGS's
 * log-probability is its truncated pmf, not a density of the relaxed value).
 */
export type LogSpaceKind = 'log_simplex' | 'logit' | 'discrete';

/** A relaxed value together with its log-space representation. */
export interface LogSpaceDraw {
  /** What rsample returns (one-hot / 0-1 forward when hard). */
  readonly value: tf.Tensor;
  /** The representation of the soft sample: log z [..., K] or logit(z) [...]. */
  readonly rep: tf.Tensor;
  /** The draw's pre-image when the representation does not determine it accurately (IGR: the Gaussian y). */
  readonly latent?: tf.Tensor;
}

/** A distribution whose density can be evaluated exactly from a log-space representation. */
export interface LogSpaceDensity {
  readonly logSpace: LogSpaceKind;
  /** A reparameterised draw and its representation (same noise). */
  rsampleLogSpace(rng: RandomStream, sampleShape?: readonly number[]): LogSpaceDraw;
  /** log density of z (summed over the event) from its representation: the same quantity as logProb(z). */
  logProbLogSpace(rep: tf.Tensor): tf.Tensor;
  /** log density of z from the latent pre-image of a draw of THIS distribution (LogSpaceDraw.latent), exact. */
  logProbOfLatent?(latent: tf.Tensor): tf.Tensor;
  /**
   * log density of z from the latent of a draw of ANOTHER distribution `source`, where this family can map it
   * exactly (IGR_SB from another IGR_SB); undefined when it cannot (then the representation is scored).
   */
  logProbOfDrawOf?(source: object, latent: tf.Tensor): tf.Tensor | undefined;
}

/** Whether `d` evaluates its density from a log-space representation. */
export function hasLogSpace(d: Distribution): d is Distribution & LogSpaceDensity {
  const c = d as Partial<LogSpaceDensity>;
  return typeof c.logSpace === 'string' && typeof c.logProbLogSpace === 'function' && typeof c.rsampleLogSpace === 'function';
}

interface Recorded {
  readonly kind: LogSpaceKind;
  readonly rep: tf.Tensor;
  /** The distribution that drew the value and the draw's latent pre-image (see the file comment). */
  readonly source?: { readonly dist: LogSpaceDensity; readonly latent: tf.Tensor };
}

/** value tensor -> representation of the draw it came from (weak: forgets values that are garbage-collected). */
const RECORDED = new WeakMap<tf.Tensor, Recorded>();

/**
 * Remembers that `value` was drawn with representation `rep` in space `kind`; returns value. The representation
 * belongs to the value: disposing the value (value.dispose() or tf.dispose, which calls it) disposes the
 * representation too, so a caller that draws outside tf.tidy and disposes what it got leaks nothing. Inside a
 * tidy both are tracked by the scope and disposed with it.
 */
export function recordLogSpace<T extends tf.Tensor>(
  value: T,
  kind: LogSpaceKind,
  rep: tf.Tensor,
  source?: { readonly dist: LogSpaceDensity; readonly latent: tf.Tensor },
): T {
  if (rep === value) return value;
  const previous = RECORDED.get(value);
  if (previous && previous.rep !== rep && !previous.rep.isDisposed) previous.rep.dispose();
  if (previous?.source && previous.source.latent !== source?.latent && !previous.source.latent.isDisposed) previous.source.latent.dispose();
  RECORDED.set(value, { kind, rep, ...(source ? { source } : {}) });
  const dispose = value.dispose.bind(value);
  // An own property shadows Tensor.prototype.dispose for this one tensor (tfjs has no disposal hook).
  Object.defineProperty(value, 'dispose', {
    configurable: true,
    writable: true,
    value: () => {
      dispose();
      if (!rep.isDisposed) rep.dispose();
      if (source && !source.latent.isDisposed) source.latent.dispose();
    },
  });
  return value;
}

/** The recorded representation of `value`, if it is a relaxed draw whose representation is still alive. */
export function logSpaceOf(value: tf.Tensor): Recorded | undefined {
  const r = RECORDED.get(value);
  return r && !r.rep.isDisposed ? r : undefined;
}

/**
 * log d(value), summed over the event. When `value` is a relaxed draw with a recorded representation and `d`
 * evaluates densities in that space, the density is taken from the representation (exact at any τ); otherwise
 * d.logProb(value). Use this wherever the density of a sample is taken (importance weights, sampled KL terms).
 */
export function logProbOfSample(d: Distribution, value: tf.Tensor): tf.Tensor {
  if (RELAXED_DISCRETE.has(value) && hasRelaxedMass(d)) return d.relaxedLogProb(value);
  const r = logSpaceOf(value);
  if (r?.kind === 'discrete') return d.logProb(r.rep);
  if (r && hasLogSpace(d) && d.logSpace === r.kind) {
    // The value's own distribution: from the draw's latent, exact (see the file comment).
    const src = r.source && !r.source.latent.isDisposed ? r.source : undefined;
    if (src && src.dist === d && d.logProbOfLatent) return d.logProbOfLatent(src.latent);
    const exact = src && d.logProbOfDrawOf ? d.logProbOfDrawOf(src.dist, src.latent) : undefined;
    return exact ?? d.logProbLogSpace(r.rep);
  }
  return d.logProb(value);
}

/** A relaxed draw recorded for logProbOfSample: the value, with its representation kept in the caller's scope. */
export function recordedDraw(d: LogSpaceDensity, rng: RandomStream, sampleShape: readonly number[]): tf.Tensor {
  const { value, rep, latent } = d.rsampleLogSpace(rng, sampleShape);
  return recordLogSpace(value, d.logSpace, rep, latent ? { dist: d, latent } : undefined);
}

/** log d(z) of d's own log-space draw: from its latent when it has one (exact), else from the representation. */
export function logProbOfOwnDraw(d: LogSpaceDensity, draw: LogSpaceDraw): tf.Tensor {
  return draw.latent && d.logProbOfLatent ? d.logProbOfLatent(draw.latent) : d.logProbLogSpace(draw.rep);
}

/** log p(z) at a log-space draw of `source`: from the draw's latent where p maps it exactly, else from the representation. */
export function logProbOfDraw(p: LogSpaceDensity, source: LogSpaceDensity, draw: LogSpaceDraw): tf.Tensor {
  const exact = draw.latent && p.logProbOfDrawOf ? p.logProbOfDrawOf(source, draw.latent) : undefined;
  return exact ?? p.logProbLogSpace(draw.rep);
}

/**
 * Discrete values relaxed by a control-variate estimator (REBAR, RELAX: runtime/estimators/rebar.ts): inside the
 * estimator's relaxed evaluations a Bernoulli or one-hot latent takes a value σ_λ(z) in (0, 1) or on the simplex.
 * Its log-mass formula, extended to such values (REBAR section 5 evaluates the Bernoulli log-likelihood at the
 * relaxed value), is what the relaxed objective uses; logProb itself masks non-0/1 values to −inf.
 */
const RELAXED_DISCRETE = new WeakSet<tf.Tensor>();

/** Marks `value` as a relaxed discrete value (see RELAXED_DISCRETE); returns it. */
export function markRelaxedDiscrete<T extends tf.Tensor>(value: T): T {
  RELAXED_DISCRETE.add(value);
  return value;
}

/** A discrete distribution whose log-mass formula extends to relaxed values. */
export interface RelaxedMass {
  /** The log-mass formula at a relaxed value (no mask): summed over the event like logProb. */
  relaxedLogProb(value: tf.Tensor): tf.Tensor;
}

function hasRelaxedMass(d: Distribution): d is Distribution & RelaxedMass {
  return typeof (d as Partial<RelaxedMass>).relaxedLogProb === 'function';
}
