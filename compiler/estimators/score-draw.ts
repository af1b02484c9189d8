/**
 * The draw of a score-function node (reinforce, nvil, vimco): the guide's own sample (or the caller's fixed value),
 * and log q of it per data point for the score-function term. A relaxed draw's density is taken from its
 * log-space representation (exact at any τ; stdlib/distributions/log-space.ts).
 */
import type { EstimatorDecision } from './decision.js';
import type { DrawContext } from './estimator.js';

export function scoreFunctionDraw(d: EstimatorDecision, cx: DrawContext, purpose: string): 'drawn' {
  cx.bindValue(`${cx.fixed} ?? ${cx.q}.sample(${cx.sampleArgs})`, `${d.estimator}: ${d.reason}`);
  if (cx.relaxed) cx.importStdlib('logProbOfSample');
  const logq = cx.relaxed ? `logProbOfSample(${cx.q}, ${cx.value})` : `${cx.q}.logProb(${cx.value})`;
  cx.bind('logq', cx.perExample(logq), `log q of the draw, for the ${purpose}`);
  return 'drawn';
}
