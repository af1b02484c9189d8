/** Puts the analysis plan on the graph: estimators on sampled nodes, KL methods on latents and KL edges. */
import type { Plan } from '../analysis/plan.js';
import { priorNodeId, type ModelGraph } from './model-graph.js';

/** Annotates the graph in place and returns it. */
export function annotateGraph(g: ModelGraph, plan: Plan): ModelGraph {
  for (const e of plan.estimators) {
    if (g.hasNode(e.node)) g.mergeNodeAttributes(e.node, { estimator: e.estimator, reason: e.reason });
  }
  for (const n of plan.evaluated) {
    const id = n.role === 'prior' ? priorNodeId(n.node) : n.node;
    if (g.hasNode(id)) g.mergeNodeAttributes(id, { reason: n.reason });
  }
  for (const k of plan.kl) {
    if (g.hasNode(k.latent)) g.mergeNodeAttributes(k.latent, { kl: k.method });
    for (const edge of g.edges(k.latent, priorNodeId(k.latent))) {
      if (g.getEdgeAttribute(edge, 'kind') === 'kl') g.mergeEdgeAttributes(edge, { method: k.method });
    }
  }
  return g;
}
