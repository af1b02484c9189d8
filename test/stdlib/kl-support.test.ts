// Issue 13 item 4, the class the model generator found with relaxed Monte Carlo KLs lifted (~3 % of models,
// non-finite loss or gradients at step 1): a prior whose support is smaller than the guide's. IGR_SB has density
// only at softmax++ of sticks w > 0 with Σ w < 1, so an IGR_I / Gumbel-Softmax guide, or an IGR_SB guide at a
// larger τ or another δ, draws points where log p = -∞: KL = +∞. stdlib/kl/support.ts decides this from the
// families and τ/δ (SGM5005 at compile time, an error in klDivergence at run time). Checked here against an
// independent float64 reference: the fraction of the guide's draws where the float64 IGR_SB density
// (helpers/kl64.ts, which tests w > 0 and Σ w < 1 itself) is -∞ is positive exactly for the rejected pairs.
import { describe, expect, it } from 'vitest';
import type { Distribution } from '../../stdlib/distributions/distribution.js';
import { GumbelSoftmax } from '../../stdlib/distributions/gumbel-softmax.js';
import { IGR_I } from '../../stdlib/distributions/igr-i.js';
import { IGR_SB } from '../../stdlib/distributions/igr-sb.js';
import { explainKl, klDivergence } from '../../stdlib/kl/kl-divergence.js';
import { klSupportMismatch, temperatureRange } from '../../stdlib/kl/support.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { concrete64, igr64, Rng64, type Relaxed64 } from './helpers/kl64.js';

const MU = [1.2, -0.5, 0.3, 2, -1.5];
const SIGMA = [0.6, 1.1, 0.8, 0.5, 1.4];
const MU0 = [0, 0.4, -0.2, 1, 0.5];
const SIGMA0 = [1, 0.9, 1.2, 0.7, 1];
const LOGITS = [1, -1, 0.5, 2, 0, -2];
const DRAWS = 20_000;

/** Fraction of q's float64 draws at which p's float64 log density is -∞. */
function outsideFraction(q: Relaxed64, p: Relaxed64, seed: number): number {
  const rng = new Rng64(seed);
  let outside = 0;
  for (let i = 0; i < DRAWS; i++) if (p.logDensity(q.draw(rng)) === -Infinity) outside++;
  return outside / DRAWS;
}

interface Pair {
  readonly name: string;
  readonly q: () => Distribution;
  readonly p: () => Distribution;
  readonly q64: Relaxed64;
  readonly p64: Relaxed64;
  readonly finite: boolean;
}

const sb = (mu: number[], sigma: number[], tau: number, delta = 1) => () => new IGR_SB({ mu, sigma, tau, delta });
const PAIRS: Pair[] = [
  { name: 'IGR_I guide, IGR_SB prior', q: () => new IGR_I({ mu: MU, sigma: SIGMA, tau: 0.5 }), p: sb(MU0, SIGMA0, 0.5), q64: igr64('I', MU, SIGMA, 0.5), p64: igr64('SB', MU0, SIGMA0, 0.5), finite: false },
  { name: 'GumbelSoftmax guide, IGR_SB prior (τ = 0.01)', q: () => new GumbelSoftmax({ logits: LOGITS, tau: 0.01 }), p: sb(MU0, SIGMA0, 0.01), q64: concrete64(LOGITS, 0.01), p64: igr64('SB', MU0, SIGMA0, 0.01), finite: false },
  { name: 'IGR_SB τ 0.5 guide, IGR_SB τ 1 prior', q: sb(MU, SIGMA, 0.5), p: sb(MU0, SIGMA0, 1), q64: igr64('SB', MU, SIGMA, 0.5), p64: igr64('SB', MU0, SIGMA0, 1), finite: false },
  { name: 'IGR_SB δ 1 guide, IGR_SB δ 0.5 prior', q: sb(MU, SIGMA, 0.5), p: sb(MU0, SIGMA0, 0.5, 0.5), q64: igr64('SB', MU, SIGMA, 0.5), p64: igr64('SB', MU0, SIGMA0, 0.5, 0.5), finite: false },
  { name: 'IGR_SB δ 1 guide, IGR_SB δ 2 prior, same τ', q: sb(MU, SIGMA, 0.5), p: sb(MU0, SIGMA0, 0.5, 2), q64: igr64('SB', MU, SIGMA, 0.5), p64: igr64('SB', MU0, SIGMA0, 0.5, 2), finite: false },
  { name: 'IGR_SB τ guide, IGR_SB τ/2 prior', q: sb(MU, SIGMA, 0.1), p: sb(MU0, SIGMA0, 0.05), q64: igr64('SB', MU, SIGMA, 0.1), p64: igr64('SB', MU0, SIGMA0, 0.05), finite: true },
  { name: 'IGR_SB τ, δ 1 guide, IGR_SB τ/8, δ 2 prior', q: sb(MU, SIGMA, 1), p: sb(MU0, SIGMA0, 1 / 8, 2), q64: igr64('SB', MU, SIGMA, 1), p64: igr64('SB', MU0, SIGMA0, 1 / 8, 2), finite: true },
  { name: 'IGR_SB guide, IGR_I prior', q: sb(MU, SIGMA, 0.01), p: () => new IGR_I({ mu: MU0, sigma: SIGMA0, tau: 0.01 }), q64: igr64('SB', MU, SIGMA, 0.01), p64: igr64('I', MU0, SIGMA0, 0.01), finite: true },
];

describe('KL against a prior with a smaller support (IGR_SB)', () => {
  PAIRS.forEach((pair, i) => {
    it(`${pair.name}: ${pair.finite ? 'finite, estimated' : 'KL = +∞, refused'} (float64: guide draws outside the prior's support ${pair.finite ? '= 0' : '> 0'})`, () => {
      const fraction = outsideFraction(pair.q64, pair.p64, 40 + i);
      if (pair.finite) expect(fraction).toBe(0);
      else expect(fraction).toBeGreaterThan(0.01);
      const q = pair.q();
      const p = pair.p();
      if (pair.finite) {
        const kl = tf.tidy(() => klDivergence(q, p, { rng: new RandomStream(7), samples: 2000 }));
        expect(Number.isFinite(kl.dataSync()[0])).toBe(true);
        kl.dispose();
      } else {
        expect(() => explainKl(q, p)).toThrow(/no finite KL .*KL = \+∞/);
      }
    });
  });

  it('decides from canonical compile-time keys: schedules over their whole range', () => {
    const d = (family: string, tau: string, delta = '1', categories = '6') => ({ family, statics: { tau, delta, categories } });
    expect(temperatureRange('0.5')).toEqual([0.5, 0.5]);
    expect(temperatureRange('ramp(endpoints=1 -> 0.5, steps=20)')).toEqual([0.5, 1]);
    expect(temperatureRange('anneal(endpoints=0.1 -> 2, steps=10, kind=exp)')).toEqual([0.1, 2]);
    expect(temperatureRange('(tau * 2)')).toBeUndefined();
    // Same text on both sides: equal at every step.
    expect(klSupportMismatch(d('IGR_SB', 'ramp(endpoints=1 -> 0.5, steps=20)'), d('IGR_SB', 'ramp(endpoints=1 -> 0.5, steps=20)'))).toBeNull();
    // Prior τ ≤ the guide's smallest τ: inside; a prior schedule reaching above the guide's τ: outside.
    expect(klSupportMismatch(d('IGR_SB', 'ramp(endpoints=1 -> 0.5, steps=20)'), d('IGR_SB', '0.3'))).toBeNull();
    expect(klSupportMismatch(d('IGR_SB', '0.5'), d('IGR_SB', 'ramp(endpoints=1 -> 0.5, steps=20)'))).toMatch(/KL = \+∞/);
    // δp > δq needs K: 1/8 + 5 · (1/8) · log 2 ≤ 1 with K = 6, not with K = 40.
    expect(klSupportMismatch(d('IGR_SB', '1'), d('IGR_SB', '0.125', '2'))).toBeNull();
    expect(klSupportMismatch(d('IGR_SB', '1', '1', '40'), d('IGR_SB', '0.125', '2', '40'))).toMatch(/reaches/);
    // A τ sgm cannot bound is refused with that reason; full-support priors accept every guide.
    expect(klSupportMismatch(d('IGR_SB', '0.5'), d('IGR_SB', 'exp(x)'))).toMatch(/cannot show/);
    expect(klSupportMismatch(d('IGR_SB', '0.5'), d('IGR_I', '2'))).toBeNull();
    expect(klSupportMismatch(d('GumbelSoftmax', '0.5'), d('IGR_SB', '0.5'))).toMatch(/whole simplex/);
  });
});
