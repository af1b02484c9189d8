/**
 * Whether KL(q ‖ p) is finite as far as the supports go: KL(q ‖ p) = +∞ as soon as q puts positive mass where p
 * has density 0, and a Monte Carlo estimate of it then meets log p(z) = -∞ at some draws (non-finite loss and
 * gradients at step 1, issue 13 item 4). Pure predicates over KL descriptions (rules.ts), shared by the compiler
 * (SGM5005, at compile time with canonical static keys) and the runtime (klDivergence, with actual values).
 *
 * The one relaxed family whose support is not the whole open simplex is IGR_SB (IGR paper, Potapczynski,
 * Loaiza-Ganem, Cunningham, arXiv:1912.09588, eq. (16)-(18)): z = softmax++(w/τ, δ) of sticks w with w_k > 0 and
 * Σ_k w_k < 1, i.e. with w_k = τ (log z_k - log z_K + log δ), the region
 *   log(z_k/z_K) > -log δ for every k < K,   Σ_{k<K} (log(z_k/z_K) + log δ) < 1/τ.
 * Every other relaxed simplex family (IGR_I, IGR_Planar, GumbelSoftmax/Concrete) puts positive density on the
 * whole open simplex, so against an IGR_SB prior its KL is +∞.
 * Between two IGR_SB (q at τq, δq; p at τp, δp), q's draws have w'_k = r w_k + c with r = τp/τq and
 * c = τp log(δp/δq), w ranging over the open stick simplex; they lie in p's support for every w iff
 *   c ≥ 0 (δp ≥ δq)  and  r + (K-1) c ≤ 1,
 * which with equal δ is τp ≤ τq. A schedule (ramp/anneal) is checked over its whole range (the worst step:
 * the largest τp against the smallest τq); text that is neither a number nor a schedule cannot be checked.
 */
import { familyNamesWithAliases } from '../signatures/family-facts.js';
import type { KlDescription } from './rules.js';

/** Relaxed simplex families whose density is positive on the whole open simplex: every one but IGR_SB. */
const FULL_SIMPLEX = familyNamesWithAliases((d) => d.measure === 'relaxed_simplex' && d.name !== 'IGR_SB');

/** The interval a temperature takes over training: a number, or a ramp/anneal between two numbers. */
export function temperatureRange(key: string | undefined): readonly [number, number] | undefined {
  if (key === undefined) return undefined;
  const n = Number(key);
  if (key.trim() !== '' && Number.isFinite(n)) return [n, n];
  // Canonical schedule text (compiler/analysis/canonical.ts): 'ramp(value=1 -> 0.5, steps=20)' or with no name.
  const m = /^(?:ramp|anneal)\((?:[\p{L}_][\p{L}\p{N}_]*=)?\s*(-?[\d.eE+-]+)\s*->\s*(-?[\d.eE+-]+)\s*[,)]/u.exec(key);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = Number(m[2]);
  return Number.isFinite(a) && Number.isFinite(b) ? [Math.min(a, b), Math.max(a, b)] : undefined;
}

const SB_SUPPORT = 'IGR_SB has density only at softmax++ of sticks w with w > 0 and Σ w < 1 (IGR eq. 16-18), a part of the simplex';

/**
 * Why KL(q ‖ p) is infinite or cannot be shown finite because q's draws can leave p's support, or null when
 * p's support contains q's (or neither is IGR_SB). Names the fix in the text where one exists.
 */
export function klSupportMismatch(q: KlDescription, p: KlDescription): string | null {
  if (p.family !== 'IGR_SB') return null;
  if (FULL_SIMPLEX.includes(q.family)) {
    return `${q.family} puts density on the whole simplex, but ${SB_SUPPORT}: the guide's draws land outside with positive probability, where log p = -∞, so KL = +∞`;
  }
  if (q.family !== 'IGR_SB') return null;
  const tq = q.statics.tau;
  const tp = p.statics.tau;
  const dq = q.statics.delta ?? '1';
  const dp = p.statics.delta ?? '1';
  if (tq !== undefined && tq === tp && dq === dp) return null;
  const rq = temperatureRange(tq);
  const rp = temperatureRange(tp);
  const deltaQ = Number(dq);
  const deltaP = Number(dp);
  const unknown = `sgm cannot show that the guide's draws stay inside the prior's support (${SB_SUPPORT}; the guide's τ = ${tq ?? 'unset'}, δ = ${dq}; the prior's τ = ${tp ?? 'unset'}, δ = ${dp})`;
  if (!rq || !rp || !Number.isFinite(deltaQ) || !Number.isFinite(deltaP)) return unknown;
  if (deltaP < deltaQ) {
    return `the prior's δ = ${dp} is smaller than the guide's δ = ${dq}: the guide's small sticks map to negative ones of the prior (w' = (τp/τq) w + τp log(δp/δq) < 0), where IGR_SB has density 0: KL = +∞`;
  }
  const logRatio = Math.log(deltaP / deltaQ);
  const sticks = Number(q.statics.categories ?? p.statics.categories) - 1;
  if (logRatio > 0 && !(sticks >= 1)) return unknown;
  // Worst step: the largest τp against the smallest τq (both ranges hold over training).
  const worst = rp[1] / rq[0] + (logRatio > 0 ? sticks * rp[1] * logRatio : 0);
  // Float32 keys (0.1 is '0.10000000149011612' at run time) differ from the compile-time text by rounding only.
  if (worst <= 1 + 1e-6) return null;
  return `the guide's sticks map to the prior's as w' = (τp/τq) w + τp log(δp/δq), whose sum reaches ${worst.toPrecision(3)} > 1 (guide τ = ${tq}, δ = ${dq}; prior τ = ${tp}, δ = ${dp}), and IGR_SB has density 0 beyond Σ w' = 1: KL = +∞`;
}

/** The fix for a support mismatch against an IGR_SB prior (the compiler's help line). */
export function klSupportFix(latent: string, qFamily: string): string {
  return qFamily === 'IGR_SB'
    ? `give the prior of '${latent}' the guide's τ and δ (then the KL has a closed form), or a prior τ no larger than the guide's at every step with the same δ`
    : `give '${latent}' an IGR_SB guide with the prior's τ and δ (closed-form KL), or a prior of the guide's family (${qFamily}), whose support is the whole simplex`;
}
