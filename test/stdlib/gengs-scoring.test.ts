// Issue 13 item 4 (found by the model generator): a GenGS latent's draw scored by log q(z) - log p(z) (iwae
// weights, the sampled log-ratio of a hierarchical prior). GenGS's log-probability is its truncated pmf at the
// cell round(z); a relaxed Multinomial count vector rounds to vectors of another total, mass 0: -∞ weights.
// rsample records the draw's discrete cell (Gumbel-max argmax, the value `sample` gives for the same noise), and
// logProbOfSample scores that. Checked: equal to logProb of `sample` at the same seed, finite where rounding
// gave -∞, and the mean log-ratio against the exact float64 discrete KL of the two truncated pmfs.
import { describe, expect, it } from 'vitest';
import { GenGS } from '../../stdlib/distributions/gen-gs.js';
import { logProbOfSample } from '../../stdlib/distributions/log-space.js';
import { Multinomial } from '../../stdlib/distributions/multinomial.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';

const N = 4;
const PQ = [0.6, 0.3, 0.1];
const PP = [0.2, 0.3, 0.5];
const ROWS = 20_000;

/** Every count vector of N over 3 categories with its float64 log multinomial mass. */
function cells64(p: readonly number[]): Array<{ c: number[]; logMass: number }> {
  const lf = (n: number): number => (n <= 1 ? 0 : Math.log(n) + lf(n - 1));
  const out: Array<{ c: number[]; logMass: number }> = [];
  for (let a = 0; a <= N; a++) {
    for (let b = 0; a + b <= N; b++) {
      const c = [a, b, N - a - b];
      out.push({ c, logMass: lf(N) - c.reduce((s, k) => s + lf(k), 0) + c.reduce((s, k, i) => s + k * Math.log(p[i]), 0) });
    }
  }
  return out;
}

const gengs = (p: readonly number[], rows: number, tau: number) =>
  new GenGS({ base: new Multinomial({ total_count: N, probs: tf.tile(tf.tensor2d([p as number[]]), [rows, 1]) }), tau });

describe('GenGS draws scored at their discrete cell', () => {
  it('logProbOfSample(rsample) = logProb(sample) at the same noise, finite where the rounded value had mass 0', () => {
    const q = gengs(PQ, 2000, 1);
    const [recorded, exactCell, rounded] = tf.tidy(() => {
      const z = q.rsample(new RandomStream(3));
      return [logProbOfSample(q, z), q.logProb(q.sample(new RandomStream(3))), q.logProb(z)];
    });
    const r = Array.from(recorded.dataSync());
    expect(r).toEqual(Array.from(exactCell.dataSync()));
    expect(r.every(Number.isFinite)).toBe(true);
    // The old scoring: at τ = 1 many relaxed count vectors round to no cell.
    expect(Array.from(rounded.dataSync()).filter((v) => v === -Infinity).length).toBeGreaterThan(100);
    tf.dispose([recorded, exactCell, rounded]);
  });

  it('mean of log q - log p at the draws = the exact discrete KL of the truncated pmfs (float64), within 4 SE', () => {
    const q = gengs(PQ, ROWS, 0.5);
    const p = gengs(PP, 1, 0.5);
    const ratio = tf.tidy(() => {
      const z = q.rsample(new RandomStream(11));
      return tf.sub(logProbOfSample(q, z), logProbOfSample(p, z));
    });
    const v = Array.from(ratio.dataSync());
    ratio.dispose();
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const se = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1) / v.length);
    const cq = cells64(PQ);
    const cp = cells64(PP);
    const exact = cq.reduce((s, { logMass }, i) => s + Math.exp(logMass) * (logMass - cp[i].logMass), 0);
    expect(exact).toBeGreaterThan(0.5);
    expect(Math.abs(mean - exact)).toBeLessThan(4 * se);
  });
});
