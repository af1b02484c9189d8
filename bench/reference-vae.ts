/**
 * The IGR paper's discrete VAE training step (IGR paper, Table 1; models/igr_vae.sgm) written by hand in plain
 * tfjs: the yardstick the compiled model is measured against (issue 6). Batch 100, encoder 784-512-256 then two
 * heads of N×(K-1) = 20×9 for μ and σ = softplus(·) (as igr_vae.sgm writes it), an IGR-I sample through
 * softmax++ (math.md section 1, δ = 1), decoder 200-256-512-784, Bernoulli log-likelihood with logits, the
 * closed-form Gaussian KL to a fixed prior (math.md section 4), Adam.
 *
 * Written the way a careful engineer writes it by hand: `tf.matMul` + `tf.add` + activation per layer, every
 * temporary released by `minimize`'s tidy, the loss read once per step. It deliberately does not use sgm's
 * runtime/nn layers, so it measures what plain tfjs gets from the backend fixes alone.
 */
import { tf } from '../stdlib/tf.js';
import { RandomStream } from '../stdlib/random.js';

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

/** A weight matrix and bias: Glorot-uniform W (seeded), zero b. */
function layer(rng: RandomStream, fanIn: number, fanOut: number, name: string): [tf.Variable, tf.Variable] {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const w = tf.tidy(() => rng.uniform([fanIn, fanOut], -limit, limit));
  return [tf.variable(w, true, `${name}/W`), tf.variable(tf.zeros([fanOut]), true, `${name}/b`)];
}

/** Builds the reference VAE with seeded weights and an Adam optimizer (learning rate 1e-3). */
export function createReferenceVae(seed: number, sizes: ReferenceVaeSizes = REFERENCE_SIZES): ReferenceVae {
  const rng = new RandomStream(seed);
  const { latents: n, categories: k } = sizes;
  const free = n * (k - 1);
  const tau = 0.5;
  const delta = 1;

  const encDims = [sizes.input, ...sizes.encoder];
  const enc = encDims.slice(1).map((d, i) => layer(rng, encDims[i], d, `enc${i}`));
  const muHead = layer(rng, encDims[encDims.length - 1], free, 'mu');
  const sigmaHead = layer(rng, encDims[encDims.length - 1], free, 'sigma');
  const decDims = [n * k, ...sizes.decoder, sizes.input];
  const dec = decDims.slice(1).map((d, i) => layer(rng, decDims[i], d, `dec${i}`));
  const variables = [...enc, muHead, sigmaHead, ...dec].flat();

  // A fixed prior N(μ0, σ0²) per free coordinate (the moment-matched prior of math.md section 4 has this form;
  // its values do not change the cost of the step).
  const [mu0, logSigma0, invVar0] = tf.tidy(() => {
    const logS0 = tf.fill([k - 1], 0.3);
    return [tf.fill([k - 1], -0.25), logS0, tf.exp(tf.mul(logS0, -2))];
  });
  const optimizer = tf.train.adam(1e-3);

  const negElbo = (x: tf.Tensor): tf.Scalar => {
    const b = x.shape[0];
    let h = x;
    for (const [w, bias] of enc) h = tf.relu(tf.add(tf.matMul(h, w), bias));
    const mu = tf.reshape(tf.add(tf.matMul(h, muHead[0]), muHead[1]), [b, n, k - 1]);
    const sigma = tf.reshape(tf.softplus(tf.add(tf.matMul(h, sigmaHead[0]), sigmaHead[1])), [b, n, k - 1]);

    // IGR-I: y = μ + σ ε, z = softmax++(y / τ) in the stable form with m = max(max_k a_k, 0).
    const y = tf.add(mu, tf.mul(sigma, rng.normal([b, n, k - 1])));
    const a = tf.div(y, tau);
    const m = tf.maximum(tf.max(a, -1, true), 0);
    const e = tf.exp(tf.sub(a, m));
    const rest = tf.mul(tf.exp(tf.neg(m)), delta);
    const denom = tf.add(tf.sum(e, -1, true), rest);
    // The K-th entry as δe^{-m}/denom rather than 1 - Σ g: no cancellation when one g_k is close to 1.
    const z = tf.div(tf.concat([e, rest], -1), denom);

    h = tf.reshape(z, [b, n * k]);
    dec.forEach(([w, bias], i) => {
      const pre = tf.add(tf.matMul(h, w), bias);
      h = i < dec.length - 1 ? tf.relu(pre) : pre;
    });
    // Bernoulli log-likelihood with logits l: x l - softplus(l).
    const loglik = tf.sum(tf.sub(tf.mul(x, h), tf.softplus(h)));

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
      optimizer.dispose();
      for (const v of variables) v.dispose();
      tf.dispose([mu0, logSigma0, invVar0]);
    },
  };
}

/** A random binary batch of MNIST shape (timing does not depend on the pixel values). */
export function randomBinaryBatch(seed: number, batch = REFERENCE_SIZES.batch, input = REFERENCE_SIZES.input): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.less(new RandomStream(seed).uniform([batch, input]), 0.5), 'float32'));
}
