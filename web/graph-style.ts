/**
 * How the graph page draws a model: node shape and fill by kind, fill by estimator for sampled nodes, KL edge
 * colour by method, band colour by block. Pure data, shared by the page template (legend) and the browser
 * script (WebGL programs), so the legend always matches the drawing.
 */
import type { Band } from '../compiler/graph/layout.js';
import type { EstimatorDisplay } from '../compiler/estimators/estimator.js';
import { ESTIMATOR_DISPLAY, type EstimatorKind } from '../compiler/estimators/registry.js';
import type { NodeKind } from '../compiler/graph/model-graph.js';

/** Shapes the node program draws (its index is the shader's shape code). */
export const NODE_SHAPES = ['circle', 'square', 'diamond', 'hexagon'] as const;
/** A node shape. */
export type NodeShape = (typeof NODE_SHAPES)[number];

/** Shape, fill, border and size (radius in pixels) of one node kind. */
export interface KindStyle {
  readonly shape: NodeShape;
  readonly fill: string;
  readonly border: string;
  readonly size: number;
  readonly label: string;
}

/** Node styles by kind: boxes for values that come from outside, circles for computed and sampled values. */
export const KIND_STYLES: Readonly<Record<NodeKind, KindStyle>> = {
  data: { shape: 'square', fill: '#c9d3df', border: '#5c6b7e', size: 9, label: 'data' },
  observed: { shape: 'square', fill: '#4a5d7a', border: '#1f2a3a', size: 11, label: 'observed (data with a likelihood)' },
  param: { shape: 'diamond', fill: '#f2c879', border: '#9c6b12', size: 8, label: 'parameter' },
  const: { shape: 'diamond', fill: '#dcdcdc', border: '#8a8a8a', size: 6, label: 'constant' },
  op: { shape: 'circle', fill: '#d7dde6', border: '#7d8897', size: 6, label: 'deterministic op' },
  stochastic: { shape: 'circle', fill: '#eef0f3', border: '#2b2d42', size: 12, label: 'stochastic (prior: light fill)' },
  objective: { shape: 'hexagon', fill: '#264653', border: '#101e24', size: 13, label: 'objective' },
};

/**
 * Fill of a sampled node by its gradient estimator (the analysis pass's plan): each estimator module declares its
 * own colours and label (`display`, compiler/estimators/*.ts), collected by the registry.
 */
export const ESTIMATOR_STYLES: Readonly<Record<EstimatorKind, EstimatorDisplay>> = ESTIMATOR_DISPLAY;

/** KL edges by how the KL term is computed. */
export const KL_STYLES: Readonly<Record<string, { readonly color: string; readonly label: string }>> = {
  closed_form: { color: '#0a9396', label: 'KL in closed form' },
  mc: { color: '#ee9b00', label: 'KL by Monte Carlo' },
};

/** Data-flow (argument) edges. */
export const ARG_EDGE_COLOR = '#aab3c0';

/** Background and title of a band. */
export const BAND_STYLES: Readonly<Record<Band, { readonly fill: string; readonly label: string }>> = {
  guide: { fill: 'rgba(58, 157, 93, 0.07)', label: 'guide q(z | x)' },
  model: { fill: 'rgba(120, 130, 145, 0.05)', label: 'model' },
  generative: { fill: 'rgba(47, 127, 193, 0.07)', label: 'generative p(x, z)' },
};

/** The style a node is drawn with: its kind's, with the estimator's colours on a sampled node. */
export function nodeStyle(kind: NodeKind, estimator: EstimatorKind | undefined): KindStyle {
  const base = KIND_STYLES[kind];
  const est = estimator === undefined ? undefined : ESTIMATOR_STYLES[estimator];
  return est ? { ...base, fill: est.fill, border: est.border } : base;
}
