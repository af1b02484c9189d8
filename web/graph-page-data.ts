/**
 * What the graph page shows, as plain JSON embedded in the page: every node with its annotations, position
 * and style, every edge, the bands, the source lines and the estimator plan. Built in Node from the model
 * graph; read by the browser script (which imports only the types).
 */
import type { PlanRow } from '../compiler/analysis/explain.js';
import { layoutGraph, type BandBox, type GraphLayout } from '../compiler/graph/layout.js';
import type { EstimatorKind } from '../compiler/estimators/registry.js';
import type { ModelGraph, NodeKind } from '../compiler/graph/model-graph.js';
import { formatShape } from '../compiler/semantics/shape.js';
import { ARG_EDGE_COLOR, KL_STYLES, NODE_SHAPES, nodeStyle } from './graph-style.js';

/** One node of the page. */
export interface PageNode {
  readonly id: string;
  readonly name: string;
  readonly kind: NodeKind;
  readonly block: 'model' | 'guide' | 'generative';
  readonly role?: string;
  readonly distribution?: string;
  readonly shape: string;
  readonly estimator?: EstimatorKind;
  readonly kl?: string;
  readonly reason?: string;
  readonly expr?: string;
  readonly line: number;
  readonly column: number;
  /** Line of the node's sampling or likelihood statement, where it differs from `line` (an observed `data`). */
  readonly statementLine?: number;
  /** Layout position (y down) and drawing style. */
  readonly x: number;
  readonly y: number;
  readonly size: number;
  readonly fill: string;
  readonly border: string;
  /** Index into NODE_SHAPES. */
  readonly shapeCode: number;
  readonly label: string;
}

/** One edge of the page. */
export interface PageEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly kind: 'arg' | 'kl';
  readonly label: string;
  readonly method?: string;
  readonly color: string;
  readonly size: number;
}

/** Everything the page draws. */
export interface GraphPageData {
  readonly format: 'sgm-graph-page/1';
  readonly model: string;
  readonly sourcePath: string;
  readonly sourceLines: readonly string[];
  readonly hyperparameters: Readonly<Record<string, number>>;
  readonly nodes: readonly PageNode[];
  readonly edges: readonly PageEdge[];
  readonly bands: readonly BandBox[];
  readonly plan: readonly PlanRow[];
}

/** The label drawn beside a node: its name, with the distribution for sampled nodes. */
function nodeLabel(name: string, distribution: string | undefined, role: string | undefined): string {
  const shown = role === 'prior' ? `${name} (prior)` : name;
  return distribution ? `${shown} ~ ${distribution}` : shown;
}

/** The page data of an annotated graph (`layout` defaults to layoutGraph(g)). */
export function graphPageData(g: ModelGraph, source: string, plan: readonly PlanRow[], layout: GraphLayout = layoutGraph(g)): GraphPageData {
  const nodes = g.mapNodes((id, a): PageNode => {
    const p = layout.positions.get(id)!;
    const style = nodeStyle(a.kind, a.estimator);
    const name = a.kind === 'objective' ? (a.expr ?? a.name) : a.name;
    // The plan's row for a sampled or observed node: its statement's line, and the reason with the KL's reason.
    const row = a.distribution === undefined ? undefined : plan.find((r) => r.node === a.name && r.distribution === a.distribution);
    const reason = row?.reason ?? a.reason;
    return {
      id,
      name,
      kind: a.kind,
      block: a.block,
      ...(a.role ? { role: a.role } : {}),
      ...(a.distribution ? { distribution: a.distribution } : {}),
      shape: formatShape(a.shape),
      ...(a.estimator ? { estimator: a.estimator } : {}),
      ...(a.kl ? { kl: a.kl } : {}),
      ...(reason ? { reason } : {}),
      ...(a.expr ? { expr: a.expr } : {}),
      line: a.span.line,
      column: a.span.column,
      ...(row && row.line !== a.span.line ? { statementLine: row.line } : {}),
      x: p.x,
      y: p.y,
      size: style.size,
      fill: style.fill,
      border: style.border,
      shapeCode: NODE_SHAPES.indexOf(style.shape),
      label: nodeLabel(name, a.distribution, a.role),
    };
  });
  let edgeCount = 0;
  const edges = g.mapEdges((_id, a, source, target): PageEdge => {
    const kl = a.kind === 'kl' ? KL_STYLES[a.method ?? 'mc'] : undefined;
    return {
      // graphology's own edge keys hold a random instance id; the page must be the same on every run.
      id: `e${edgeCount++}`,
      source,
      target,
      kind: a.kind,
      label: kl ? kl.label : a.label,
      ...(a.method ? { method: a.method } : {}),
      color: kl ? kl.color : ARG_EDGE_COLOR,
      size: kl ? 3 : 1.5,
    };
  });
  return {
    format: 'sgm-graph-page/1',
    model: g.getAttribute('model'),
    sourcePath: g.getAttribute('source'),
    sourceLines: source.split(/\r?\n/),
    hyperparameters: g.getAttribute('hyperparameters'),
    nodes,
    edges,
    bands: layout.bands,
    plan,
  };
}

/** What the page exposes as `window.sgmGraphPage`, for tests and for scripting the page from the console. */
export interface GraphPageHooks {
  /** True once the graph has been drawn; `readyAt` is then the time since navigation start (ms). */
  ready: boolean;
  readyAt: number;
  /** Set when the page failed to start. */
  error?: string;
  /** Node ids whose display data is drawn (not hidden) inside the canvas. */
  drawnNodes(): string[];
  /** Where a node's centre is, in CSS pixels of the page (null for an unknown node). */
  nodeScreenPosition(id: string): { x: number; y: number } | null;
  /** Nodes highlighted by the search. */
  highlighted(): string[];
  /** Nodes whose label was drawn in the last frame (labels that would overlap others are left out). */
  labelledNodes(): string[];
}
