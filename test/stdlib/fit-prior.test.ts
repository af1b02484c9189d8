// fitPrior (docs/math.md section 4): convergence for a uniform target at τ = 0.5, the fitted prior's relaxed mean
// checked by fresh tfjs sampling, the disk cache (instant second call, key, atomic write, SGM_CACHE_DIR),
// determinism, IGR_Planar → IGR_I, and the hand-written gradient against finite differences.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IGR_I } from '../../stdlib/distributions/igr-i.js';
import { fitPrior, priorCacheDir } from '../../stdlib/index.js';
import { packageRoot } from '../../stdlib/package-root.js';
import { momentMatchingLoss, type MomentFitSettings } from '../../stdlib/igr/moment-matching.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { softmaxPlusPlus } from '../../stdlib/transforms/softmax-plus-plus.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'sgm-priors-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const uniform = (k: number): number[] => new Array<number>(k).fill(1 / k);

describe('fitPrior', () => {
  const cacheDir = tempDir();
  let first: ReturnType<typeof fitPrior>;

  it("fitPrior('IGR_I', uniform(10), 0.5) converges (loss < 1e-5); fresh samples of the prior have mean ≈ 1/10", () => {
    const start = performance.now();
    first = fitPrior('IGR_I', uniform(10), 0.5, { cacheDir });
    const ms = performance.now() - start;
    expect(first.cached).toBe(false);
    expect(first.family).toBe('IGR_I');
    expect(first.loss).toBeLessThan(1e-5);
    expect(first.steps).toBeGreaterThan(0);
    expect(first.steps).toBeLessThan(1000);
    expect(first.mu.length).toBe(9);
    expect(ms).toBeLessThan(15000);
    // Independent check with other noise: 20k tfjs draws from the fitted IGR_I.
    const mean = tf.tidy(() =>
      Array.from(tf.mean(new IGR_I({ mu: first.mu, sigma: first.sigma, tau: 0.5 }).rsample(new RandomStream(77), [20000]), 0).dataSync()),
    );
    // Tolerance: the fit's own residual (√1e-5 at most per entry) plus 5 standard errors of 20k draws (sd < 0.3).
    mean.forEach((m) => expect(Math.abs(m - 0.1)).toBeLessThan(Math.sqrt(1e-5) + (5 * 0.3) / Math.sqrt(20000)));
  });

  it('the second call reads the cache: cached: true, identical numbers, under 50 ms', () => {
    const start = performance.now();
    const again = fitPrior('IGR_I', uniform(10), 0.5, { cacheDir });
    const ms = performance.now() - start;
    expect(again.cached).toBe(true);
    expect(ms).toBeLessThan(50);
    expect(again.mu).toEqual(first.mu);
    expect(again.sigma).toEqual(first.sigma);
    expect(again.loss).toBe(first.loss);
    // Written atomically: one JSON file, no temporary left behind.
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.json')).length).toBe(1);
    expect(readdirSync(cacheDir).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('is deterministic for a seed (a fit without the cache reproduces the numbers bit for bit)', () => {
    const fresh = fitPrior('IGR_I', uniform(10), 0.5, { cache: false });
    expect(fresh.cached).toBe(false);
    expect(fresh.mu).toEqual(first.mu);
  });

  it('keys the cache by the fit settings: another τ, seed or target is a new fit', () => {
    const other = fitPrior('IGR_I', uniform(10), 0.5, { cacheDir, seed: 1, maxSteps: 5 });
    expect(other.cached).toBe(false);
    expect(other.steps).toBe(5);
    expect(fitPrior('IGR_I', uniform(10), 0.5, { cacheDir, seed: 1, maxSteps: 5 }).cached).toBe(true);
    expect(fitPrior('IGR_I', [0.5, 0.3, 0.2], 0.5, { cacheDir, maxSteps: 5 }).cached).toBe(false);
  });

  it('IGR_Planar gets the IGR_I prior on the flow output (same numbers, family IGR_I)', () => {
    const planar = fitPrior('IGR_Planar', uniform(10), 0.5, { cacheDir });
    expect(planar.family).toBe('IGR_I');
    expect(planar.cached).toBe(true);
    expect(planar.mu).toEqual(first.mu);
  });

  it('honours SGM_CACHE_DIR (as the cache root) and otherwise uses the per-user cache folder, never the package', () => {
    const saved = { SGM_CACHE_DIR: process.env.SGM_CACHE_DIR, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
    try {
      const root = tempDir();
      process.env.SGM_CACHE_DIR = root;
      expect(priorCacheDir()).toBe(join(root, 'priors'));
      fitPrior('IGR_I', [0.6, 0.4], 1, { maxSteps: 3 });
      expect(readdirSync(join(root, 'priors')).length).toBe(1);
      delete process.env.SGM_CACHE_DIR;
      process.env.XDG_CACHE_HOME = '/var/cache/someone';
      expect(priorCacheDir()).toBe(join('/var/cache/someone', 'sgm', 'priors'));
      delete process.env.XDG_CACHE_HOME;
      expect(priorCacheDir()).toBe(join(homedir(), '.cache', 'sgm', 'priors'));
      expect(priorCacheDir().startsWith(packageRoot())).toBe(false);
      expect(priorCacheDir('/somewhere/else')).toBe('/somewhere/else');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('returns the fit when its cache cannot be written, and says so in one line', () => {
    // A regular file where the cache folder should be: mkdir fails (ENOTDIR/EEXIST) for any user, root included.
    const blocker = join(tempDir(), 'not-a-folder');
    writeFileSync(blocker, '');
    const lines: string[] = [];
    const fit = fitPrior('IGR_I', [0.7, 0.3], 1, { maxSteps: 3, cacheDir: join(blocker, 'priors'), log: (m) => lines.push(m) });
    expect(fit.cached).toBe(false);
    expect(fit.mu).toHaveLength(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/not cached: cannot write .*not-a-folder.*SGM_CACHE_DIR/);
  });

  it('rejects targets that are not probability vectors and non-positive τ', () => {
    expect(() => fitPrior('IGR_I', [0.5, 0.6], 0.5, { cache: false })).toThrow(RangeError);
    expect(() => fitPrior('IGR_I', [1], 0.5, { cache: false })).toThrow(RangeError);
    expect(() => fitPrior('IGR_I', [0.5, 0.5], 0, { cache: false })).toThrow(RangeError);
  });
});

describe('moment-matching objective', () => {
  const noise = tf.tidy(() => Array.from(new RandomStream(3).normal([300, 4]).dataSync()));
  const settings = (family: 'IGR_I' | 'IGR_SB', tau: number): MomentFitSettings => ({
    family,
    target: [0.4, 0.3, 0.15, 0.1, 0.05],
    tau,
    delta: 1,
    noise,
    maxSteps: 1,
    learningRate: 1e-2,
    tolerance: 1e-5,
  });
  const mu = [0.3, -0.2, 0.5, -1];
  const logSigma = [0.1, -0.3, 0.2, 0];

  for (const family of ['IGR_I', 'IGR_SB'] as const) {
    it(`${family}: the hand-written gradient equals central finite differences`, () => {
      const s = settings(family, 0.5);
      const { gradMu, gradLogSigma } = momentMatchingLoss(s, mu, logSigma);
      const eps = 1e-6;
      const fd = (which: 0 | 1, j: number): number => {
        const shift = (h: number) => {
          const m = [...mu];
          const l = [...logSigma];
          (which === 0 ? m : l)[j] += h;
          return momentMatchingLoss(s, m, l).loss;
        };
        return (shift(eps) - shift(-eps)) / (2 * eps);
      };
      mu.forEach((_, j) => {
        expect(Math.abs(gradMu[j] - fd(0, j))).toBeLessThan(1e-7 + 1e-5 * Math.abs(gradMu[j]));
        expect(Math.abs(gradLogSigma[j] - fd(1, j))).toBeLessThan(1e-7 + 1e-5 * Math.abs(gradLogSigma[j]));
      });
    });
  }

  it('IGR_I loss equals Σ (mean z - p₀)² computed with the tfjs softmax++ on the same noise', () => {
    const s = settings('IGR_I', 0.5);
    const { loss } = momentMatchingLoss(s, mu, logSigma);
    const want = tf.tidy(() => {
      const y = tf.add(tf.tensor1d(mu), tf.mul(tf.exp(tf.tensor1d(logSigma)), tf.tensor2d(noise, [300, 4])));
      const m = tf.mean(softmaxPlusPlus(y, 0.5), 0);
      return tf.sum(tf.square(tf.sub(m, tf.tensor1d([...s.target])))).dataSync()[0];
    });
    expect(Math.abs(loss - want)).toBeLessThan(1e-6);
  });
});
