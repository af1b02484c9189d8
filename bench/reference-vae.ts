/**
 * The IGR paper's discrete VAE training step (IGR paper, Table 1; models/igr_vae.sgm) written by hand in plain
 * tfjs: the yardstick the compiled model is measured against (issue 6). Batch 100, encoder 784-512-256 then two
 * heads of N×(K-1) = 20×9 for μ and σ = softplus(·) (as igr_vae.sgm writes it), an IGR-I sample through
 * softmax++ (docs/math.md section 1, δ = 1), decoder 200-256-512-784, Bernoulli log-likelihood with logits, the
 * closed-form Gaussian KL to a fixed prior (docs/math.md section 4), Adam.
 *
 * Written the way a careful engineer writes it by hand: `tf.matMul` + `tf.add` + activation per layer, every
 * temporary released by `minimize`'s tidy, the loss read once per step. With `layers: 'sgm-nn'` the same step
 * calls runtime/nn's `dense`/`mlp` instead (what generated code calls), so the bench can show what the layers
 * add or save. Weights are created by runtime/nn's init in both styles (identical values for one seed): weight
 * creation is not part of the timed step.
 */
import { tf } from '../stdlib/tf.js';
import { RandomStream } from '../stdlib/random.js';
import { dense, initDense, initMlp, mlp, variablesOf, type DenseWeights } from '../runtime/nn/index.js';

/** Sizes of the reference model. */
export interface ReferenceVaeSizes {
  readonly batch: number;
  readonly input: number;
  readonly encoder: readonly number[];
  readonly latents: number;
  readonly categories: number;
  readonly decoder: readonly number[];
}

/** The IGR paper's MNIST VAE: batch 100, 20 latents of 10 categories. */
export const REFERENCE_SIZES: ReferenceVaeSizes = {
  batch: 100,
  input: 784,
  encoder: [512, 256],
  latents: 20,
  categories: 10,
  decoder: [256, 512],
};

/** One training step of the reference VAE and what it owns. */
export interface ReferenceVae {
  /** Every trainable variable, in creation order. */
  readonly variables: readonly tf.Variable[];
  /** Runs one Adam step on `x` ([batch, input], values in {0, 1}) and returns the negative ELBO per example. */
  step(x: tf.Tensor): number;
  /** Releases the variables, the optimizer state and the constants. */
  dispose(): void;
}

/** How the step computes its layers: plain tfjs ops (the hand-written yardstick) or sgm's runtime/nn. */
export type LayerStyle = 'plain' | 'sgm-nn';

/** Options of `createReferenceVae`. */
export interface ReferenceVaeOptions {
  readonly sizes?: ReferenceVaeSizes;
  readonly layers?: LayerStyle;
  /** The optimizer; default tf.train.adam(1e-3). */
  readonly optimizer?: tf.Optimizer;
}

/** act(h·W + b) written by hand: matMul, add, activation. */
function plainDense(h: tf.Tensor, w: DenseWeights, act: 'relu' | 'identity'): tf.Tensor {
  const pre = tf.add(tf.matMul(h, w.W), w.b as tf.Variable);
  return act === 'relu' ? tf.relu(pre) : pre;
}

/** Builds the reference VAE with seeded Glorot-uniform weights. */
export function createReferenceVae(seed: number, options: ReferenceVaeOptions = {}): ReferenceVae {
  const sizes = options.sizes ?? REFERENCE_SIZES;
  const rng = new RandomStream(seed);
  const { latents: n, categories: k } = sizes;
  const free = n * (k - 1);
  const tau = 0.5;
  const delta = 1;

  const enc = initMlp(rng, 'enc', [sizes.input, ...sizes.encoder]);
  const trunk = sizes.encoder[sizes.encoder.length - 1];
  const muHead = initDense(rng, 'mu', trunk, free);
  const sigmaHead = initDense(rng, 'sigma', trunk, free);
  const dec = initMlp(rng, 'dec', [n * k, ...sizes.decoder, sizes.input]);
  const variables = [...variablesOf(enc, muHead, sigmaHead, dec).values()];
  const sgm = options.layers === 'sgm-nn';
  const layer = (h: tf.Tensor, w: DenseWeights, act: 'relu' | 'identity'): tf.Tensor =>
    sgm ? dense(h, w.W, w.b, act) : plainDense(h, w, act);
  const stack = (h: tf.Tensor, ws: readonly DenseWeights[], last: 'relu' | 'identity'): tf.Tensor =>
    sgm ? mlp(h, ws, 'relu', last) : ws.reduce((a, w, i) => plainDense(a, w, i === ws.length - 1 ? last : 'relu'), h);

  // A fixed prior N(μ0, σ0²) per free coordinate (the moment-matched prior of docs/math.md section 4 has this form;
  // its values do not change the cost of the step).
  const [mu0, logSigma0, invVar0] = tf.tidy(() => {
    const logS0 = tf.fill([k - 1], 0.3);
    return [tf.fill([k - 1], -0.25), logS0, tf.exp(tf.mul(logS0, -2))];
  });
  const optimizer = options.optimizer ?? tf.train.adam(1e-3);

  const negElbo = (x: tf.Tensor): tf.Scalar => {
    const b = x.shape[0];
    const h = stack(x, enc, 'relu');
    const mu = tf.reshape(layer(h, muHead, 'identity'), [b, n, k - 1]);
    const sigma = tf.reshape(tf.softplus(layer(h, sigmaHead, 'identity')), [b, n, k - 1]);

    // IGR-I: y = μ + σ ε, z = softmax++(y / τ) in the stable form with m = max(max_k a_k, 0).
    const y = tf.add(mu, tf.mul(sigma, rng.normal([b, n, k - 1])));
    const a = tf.div(y, tau);
    const m = tf.maximum(tf.max(a, -1, true), 0);
    const e = tf.exp(tf.sub(a, m));
    const rest = tf.mul(tf.exp(tf.neg(m)), delta);
    const denom = tf.add(tf.sum(e, -1, true), rest);
    // The K-th entry as δe^{-m}/denom rather than 1 - Σ g: no cancellation when one g_k is close to 1.
    const z = tf.div(tf.concat([e, rest], -1), denom);

    const logits = stack(tf.reshape(z, [b, n * k]), dec, 'identity');
    // Bernoulli log-likelihood with logits l: x l - softplus(l).
    const loglik = tf.sum(tf.sub(tf.mul(x, logits), tf.softplus(logits)));

    // KL(N(μ, σ²) ‖ N(μ0, σ0²)) = ½ Σ [σ²/σ0² - 1 + (μ - μ0)²/σ0² + 2 log σ0 - 2 log σ].
    const kl = tf.mul(
      tf.sum(
        tf.sub(
          tf.add(tf.mul(tf.add(tf.square(sigma), tf.squaredDifference(mu, mu0)), invVar0), tf.mul(logSigma0, 2)),
          tf.add(tf.mul(tf.log(sigma), 2), 1),
        ),
      ),
      0.5,
    );
    return tf.div(tf.sub(kl, loglik), b);
  };

  return {
    variables,
    step(x: tf.Tensor): number {
      const loss = optimizer.minimize(() => negElbo(x), true, variables);
      if (loss === null) throw new Error('minimize returned no loss');
      const value = loss.dataSync()[0];
      loss.dispose();
      return value;
    },
    dispose(): void {
      if (options.optimizer === undefined) optimizer.dispose();
      for (const v of variables) v.dispose();
      tf.dispose([mu0, logSigma0, invVar0]);
    },
  };
}

/** A random binary batch of MNIST shape (timing does not depend on the pixel values). */
export function randomBinaryBatch(seed: number, batch = REFERENCE_SIZES.batch, input = REFERENCE_SIZES.input): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.less(new RandomStream(seed).uniform([batch, input]), 0.5), 'float32'));
}
