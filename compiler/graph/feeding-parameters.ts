/**
 * The parameters that feed a stochastic node: the `param` nodes and the layers of the op nodes (dense, mlp, ...)
 * on deterministic paths into its distribution's arguments. The walk stops at other stochastic nodes and at
 * data, so a parameter reached only through another latent's draw is not counted. `sgm compare` measures the
 * gradient with respect to these parameters (the ones the node's estimator acts on).
 */
import type { ModelGraph } from './model-graph.js';

/** Ids of the param and op nodes upstream of `node` along `arg` edges, not crossing stochastic nodes. */
export function feedingNodes(graph: ModelGraph, node: string): string[] {
  const seen = new Set<string>();
  const stack = [node];
  while (stack.length > 0) {
    const id = stack.pop()!;
    graph.forEachInEdge(id, (_edge, attrs, source) => {
      if (attrs.kind !== 'arg' || seen.has(source)) return;
      const kind = graph.getNodeAttribute(source, 'kind');
      if (kind !== 'param' && kind !== 'op' && kind !== 'const') return;
      seen.add(source);
      stack.push(source);
    });
  }
  return [...seen].filter((id) => ['param', 'op'].includes(graph.getNodeAttribute(id, 'kind')));
}

/** Whether a model variable (named `<node id>` or `<node id>/<weight>`) belongs to one of `nodes`. */
export function variableOfNodes(variable: string, nodes: readonly string[]): boolean {
  return nodes.some((n) => variable === n || variable.startsWith(`${n}/`));
}
