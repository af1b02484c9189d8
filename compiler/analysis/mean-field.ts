/**
 * Whether the KL term of a latent may be computed apart from the guide's own draw of it. In
 * q(h1 | x) q(h2 | h1), p(h2) p(h1 | h2), the ELBO's term for h1 is E_q[log q(h1 | x) - log p(h1 | h2)] with h2
 * drawn from q(h2 | h1) at the same h1. A closed form KL(q(h1 | x) ‖ p(h1 | h2)) (or a Monte Carlo KL that draws
 * h1 afresh) sums h1 out while h2 was drawn given one particular h1, which is not that term. Analytic KL is valid
 * only when no parent of the prior depends on the latent under the guide: the guide is mean-field with respect to
 * it, which is why Pyro restricts analytic KL to mean-field guides (TraceMeanField_ELBO). Otherwise the plan
 * uses the sampled log-ratio log q(h1) - log p(h1 | h2) at the guide's draw.
 */
import type * as A from '../syntax/ast.js';
import { namesRead } from '../syntax/names-read.js';
import type { CheckedModel } from '../semantics/types.js';

/** name -> names its defining statement reads, for the statements of the given blocks. */
function definitions(model: CheckedModel, blocks: readonly string[], role?: 'posterior' | 'prior'): Map<string, string[]> {
  const defs = new Map<string, string[]>();
  for (const { statement: st, block, role: r } of model.statements) {
    if (!blocks.includes(block)) continue;
    if (st.kind === 'assign') for (const t of st.targets) defs.set(t.text, namesRead(st.value));
    if (st.kind === 'sample' && (role === undefined || r === role || r === 'sample')) defs.set(st.target.text, namesRead(st.distribution));
  }
  return defs;
}

/** The prior statement (generative side) of latent z. */
function priorOf(model: CheckedModel, z: string): A.Sample | undefined {
  const s = model.statements.find((x) => x.role === 'prior' && x.statement.kind === 'sample' && x.statement.target.text === z);
  return s?.statement as A.Sample | undefined;
}

/**
 * The latents the prior of z reads under the generative model (through its deterministic statements): in
 * training their values are the guide's draws.
 */
function priorParentLatents(model: CheckedModel, z: string): string[] {
  const prior = priorOf(model, z);
  if (!prior) return [];
  const latents = new Set(model.latents);
  const defs = definitions(model, ['generative', 'model'], 'prior');
  const found: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    if (latents.has(name)) {
      found.push(name);
      return;
    }
    for (const n of defs.get(name) ?? []) visit(n);
  };
  for (const n of namesRead(prior.distribution)) visit(n);
  return found;
}

/** Whether the guide's draw of `w` depends on the guide's draw of `z` (through guide statements). */
function guideDependsOn(model: CheckedModel, w: string, z: string): boolean {
  const defs = definitions(model, ['guide', 'model'], 'posterior');
  const seen = new Set<string>();
  const visit = (name: string): boolean => {
    if (name === z) return true;
    if (seen.has(name)) return false;
    seen.add(name);
    return (defs.get(name) ?? []).some(visit);
  };
  return (defs.get(w) ?? []).some(visit);
}

/** A parent latent of z's prior whose guide draw depends on z (then no analytic KL for z), or undefined. */
export function priorParentDependingOn(model: CheckedModel, z: string): string | undefined {
  return priorParentLatents(model, z).find((w) => w !== z && guideDependsOn(model, w, z));
}
