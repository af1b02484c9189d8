/** The attribute types of sgm's model graph (a graphology MultiDirectedGraph). */
import { MultiDirectedGraph } from 'graphology';
import type { EstimatorKind } from '../estimators/registry.js';
import type { Dim } from '../semantics/shape.js';

/** Node kinds (issue 2): data, param, const, op, stochastic, observed, objective. */
export type NodeKind = 'data' | 'param' | 'const' | 'op' | 'stochastic' | 'observed' | 'objective';

/** A resolved source location. */
export interface NodeLocation {
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
}

export interface NodeAttributes {
  readonly kind: NodeKind;
  /** Variable name (for an anonymous argument expression: `<node>.<param>`). */
  readonly name: string;
  readonly block: 'model' | 'guide' | 'generative';
  /** Static shape (null when unknown). */
  readonly shape: readonly Dim[] | null;
  /** Distribution of a stochastic/observed node (fit_prior shows as e.g. `fit_prior(IGR_I)`). */
  readonly distribution?: string;
  /** posterior | prior | likelihood | sample, for stochastic and observed nodes. */
  readonly role?: 'posterior' | 'prior' | 'likelihood' | 'sample';
  /** Source text of the defining expression (ops), or the objective. */
  readonly expr?: string;
  readonly span: NodeLocation;
  /** Filled by the analysis pass (compiler/analysis): the node's estimator (compiler/estimators/registry.ts). */
  estimator?: EstimatorKind;
  /** Filled by the analysis pass for latents: closed_form | mc. */
  kl?: string;
  reason?: string;
}

/** Edge kinds: data flow into an argument, or the KL term between a latent's posterior and prior. */
export interface EdgeAttributes {
  readonly kind: 'arg' | 'kl';
  /** The parameter the value flows into (e.g. 'sigma', 'logits', 'base.rate'), or 'input'. */
  readonly label: string;
  /** For KL edges, filled by the analysis pass: closed_form | mc. */
  method?: string;
}

export interface GraphAttributes {
  readonly model: string;
  readonly source: string;
  readonly hyperparameters: Readonly<Record<string, number>>;
}

/** The model graph. */
export type ModelGraph = MultiDirectedGraph<NodeAttributes, EdgeAttributes, GraphAttributes>;

/** graphology 0.26's per-node record: neighbour indices in plain objects keyed by neighbour keys. */
interface NodeIndices {
  in: Record<string, unknown>;
  out: Record<string, unknown>;
}

/**
 * A new, empty model graph. Node keys are user names, and graphology keeps each node's neighbours in plain
 * objects keyed by neighbour keys (`out[target]`), so a node named `constructor` or `toString` would read the
 * inherited Object.prototype member as an existing edge and crash. Every node's indices are replaced by
 * prototype-free objects as soon as the node is added (before it has edges); test/codegen/hostile-input.test.ts
 * compiles models with such names, so a graphology that stores its indices differently fails there.
 */
export function createModelGraph(attributes: GraphAttributes): ModelGraph {
  const g: ModelGraph = new MultiDirectedGraph<NodeAttributes, EdgeAttributes, GraphAttributes>();
  const nodes = (g as unknown as { _nodes: Map<string, NodeIndices> })._nodes;
  g.on('nodeAdded', ({ key }: { key: string }) => {
    const data = nodes.get(key);
    if (!data || typeof data.out !== 'object' || typeof data.in !== 'object') throw new Error('internal: graphology node indices are not where sgm expects them');
    data.in = Object.create(null) as Record<string, unknown>;
    data.out = Object.create(null) as Record<string, unknown>;
  });
  g.replaceAttributes(attributes);
  return g;
}

/** Id of the prior node of a latent (its posterior node is the bare name). */
export const priorNodeId = (latent: string): string => `${latent}:prior`;
/** Id of the objective node. */
export const OBJECTIVE_NODE = 'objective';
