/**
 * fit_prior(family, target, tau): the Gaussian parameters (μ₀, σ₀) of an IGR prior whose relaxed samples have
 * mean p₀ (IGR paper eq. (14), v1 eq. (20); docs/math.md section 4), fitted once and cached.
 *
 * Decisions (also in docs/stdlib.md):
 * - **Temperature.** The fit runs at the τ passed in, the τ the prior is used with: the closed-form IGR KL needs
 *   prior and posterior to share τ, and at that τ the prior's relaxed mean E[z] then equals p₀. The authors fit at
 *   τ = 0.01, where E[z] ≈ P(H) (Proposition 1), i.e. they match the recovered DISCRETE distribution; pass
 *   `fitTau: 0.01` for that. (For a symmetric target such as uniform(K) the two differ only through the δ
 *   category.)
 * - **IGR_Planar.** Its prior is a plain Gaussian on the flow output (docs/math.md section 4, rule
 *   igr-planar-gaussian-mc): an IGR_I prior. fitPrior('IGR_Planar', …) fits and returns that IGR_I prior
 *   (`family: 'IGR_I'` in the result).
 * - **Noise.** S = 10⁴ standard normal draws from RandomStream(seed), fixed for the whole fit (see
 *   igr/moment-matching.ts), so a seed determines the result bit for bit.
 * - **Cache.** One JSON entry per key (family, K, τ, δ, target, S, seed, and the optimiser settings) in a
 *   `PriorStore` (prior-store.ts). This file imports nothing from Node: the store is installed by the entry point.
 *   In Node (`sgm/stdlib`'s node entry, stdlib/index.ts) it is a folder, stdlib/node/prior-file-store.ts:
 *   `options.cacheDir`, else the `priors/` folder of sgm's per-user cache (`$SGM_CACHE_DIR`, else
 *   `$XDG_CACHE_HOME/sgm` or `~/.cache/sgm`), each entry written to a temporary file and renamed, so concurrent
 *   fits never leave a torn file. In a page (stdlib/browser.ts) it is memory, backed by IndexedDB when the page
 *   has it. The cache only saves time: when it cannot be written (read-only, full or forbidden folder) the fit is
 *   returned all the same, with one line through `options.log` saying why it was not kept.
 */
import { priorStore, keyDigest } from './prior-store.js';
import { fitMoments, type MomentFamily } from './igr/moment-matching.js';
import { RandomStream } from './random.js';
import { fitPriorResultFamily } from './signatures/family-facts.js';
import { tf } from './tf.js';

/** The families fit_prior accepts (the signature table's choices). */
export type PriorFamily = 'IGR_I' | 'IGR_SB' | 'IGR_Planar';

/** Options of fitPrior; every default follows docs/math.md section 4. */
export interface FitPriorOptions {
  /** softmax++ δ (default 1). */
  readonly delta?: number;
  /** Monte Carlo samples S (default 10⁴). */
  readonly samples?: number;
  /** Seed of the noise draws (default 0). */
  readonly seed?: number;
  /** Adam steps at most (default 1000). */
  readonly maxSteps?: number;
  /** Adam learning rate (default 1e-2). */
  readonly learningRate?: number;
  /** Stop when the mean loss of the last 10 steps is below this (default 1e-5). */
  readonly tolerance?: number;
  /** Temperature of the fit, if not the prior's τ (e.g. 0.01 as the IGR authors). */
  readonly fitTau?: number;
  /** Directory of the cached fits (overrides SGM_CACHE_DIR and the default; Node's file store only). */
  readonly cacheDir?: string;
  /** Read and write the cache (default true). */
  readonly cache?: boolean;
  /** Where to say that a fit could not be cached (default: nowhere). */
  readonly log?: (message: string) => void;
}

/** A fitted prior: the Gaussian parameters of an IGR of `family` at temperature `tau`. */
export interface FitPriorResult {
  /** The family of the returned prior (IGR_I for an IGR_Planar request). */
  readonly family: 'IGR_I' | 'IGR_SB';
  readonly mu: number[];
  readonly sigma: number[];
  readonly tau: number;
  readonly delta: number;
  /** Σ_k (E[z_k] - p₀_k)² at the returned parameters, over the S fixed draws. */
  readonly loss: number;
  /** Adam steps taken. */
  readonly steps: number;
  /** True when the result was read from the cache. */
  readonly cached: boolean;
}

// Bump when the fitting algorithm changes, so old cache entries are not reused.
const ALGORITHM_VERSION = 1;

function checkTarget(target: readonly number[]): number[] {
  if (!Array.isArray(target) || target.length < 2) throw new RangeError('fitPrior: target needs at least 2 probabilities');
  if (target.some((p) => !(p >= 0) || !Number.isFinite(p))) throw new RangeError('fitPrior: target entries must be finite and ≥ 0');
  const sum = target.reduce((s, p) => s + p, 0);
  if (Math.abs(sum - 1) > 1e-6) throw new RangeError(`fitPrior: target must sum to 1, got ${sum}`);
  return target.map((p) => p / sum);
}

/**
 * Fits (or reads from the cache) the Gaussian parameters μ₀, σ₀ of an IGR prior whose relaxed mean matches the
 * discrete target p₀ (K probabilities) at temperature tau: { family, mu, sigma, tau, delta, loss, steps, cached }.
 */
export function fitPrior(family: PriorFamily, target: readonly number[], tau: number, options: FitPriorOptions = {}): FitPriorResult {
  // The families fit_prior takes, and the family of the prior each gives, are facts of the signature table.
  // The cast holds by the table: every fitPriorAs is IGR_I or IGR_SB (test/stdlib/family-table.test.ts).
  const fitFamily = fitPriorResultFamily(family)?.name as MomentFamily | undefined;
  if (fitFamily === undefined) throw new RangeError(`fitPrior: unknown family ${family}`);
  if (!(tau > 0) || !Number.isFinite(tau)) throw new RangeError(`fitPrior: tau must be a positive number, got ${tau}`);
  const p0 = checkTarget(target);
  const delta = options.delta ?? 1;
  const samples = options.samples ?? 10_000;
  const seed = options.seed ?? 0;
  const maxSteps = options.maxSteps ?? 1000;
  const learningRate = options.learningRate ?? 1e-2;
  const tolerance = options.tolerance ?? 1e-5;
  const fitTau = options.fitTau ?? tau;
  if (!(delta > 0)) throw new RangeError(`fitPrior: delta must be > 0, got ${delta}`);
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`fitPrior: samples must be a positive integer, got ${samples}`);

  const key = { version: ALGORITHM_VERSION, family: fitFamily, K: p0.length, tau, fitTau, delta, target: p0, samples, seed, maxSteps, learningRate, tolerance };
  const keyText = JSON.stringify(key);
  const store = priorStore(options.cacheDir);
  const name = `${fitFamily}-K${p0.length}-${keyDigest(keyText)}.json`;
  const useCache = options.cache ?? true;
  if (useCache) {
    try {
      const text = store.read(name);
      const stored = text === undefined ? undefined : (JSON.parse(text) as { key: unknown; result: Omit<FitPriorResult, 'cached'> });
      // The entry's name is a digest of the key: compare the full key before trusting the entry.
      if (stored && JSON.stringify(stored.key) === keyText) return { ...stored.result, cached: true };
    } catch {
      // A corrupt or foreign entry is ignored and overwritten below.
    }
  }

  const d = p0.length - 1;
  const noise = tf.tidy(() => new RandomStream(seed).normal([samples, d]).dataSync() as Float32Array);
  const fit = fitMoments({ family: fitFamily, target: p0, tau: fitTau, delta, noise, maxSteps, learningRate, tolerance });
  const result: Omit<FitPriorResult, 'cached'> = { family: fitFamily, mu: fit.mu, sigma: fit.sigma, tau, delta, loss: fit.loss, steps: fit.steps };

  if (useCache) {
    try {
      store.write(name, JSON.stringify({ key, result }, null, 1));
    } catch (error) {
      const code = (error as { code?: string }).code ?? String(error);
      options.log?.(`fit_prior: the fit is not cached: cannot write ${store.where} (${code}); set SGM_CACHE_DIR to a writable folder to keep it`);
    }
  }
  return { ...result, cached: false };
}
