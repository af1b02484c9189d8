/**
 * A layered left-to-right layout of the model graph (Sugiyama et al. 1981, "Methods for visual understanding
 * of hierarchical system structures"): cycles broken by reversing the DFS back edges, layers by longest path,
 * order within a layer by barycenter sweeps. Nodes sit in horizontal bands by block (guide above, model in
 * the middle, generative below), so the variational posterior and the generative model read as two groups.
 * A graph much wider than tall is wrapped into rows, like text, so a 200-node model stays readable.
 * Deterministic: the same graph always gets the same positions (ties fall back to source order).
 *
 * Coordinates are abstract units with y pointing DOWN: one unit between adjacent nodes of a layer, and
 * `layerSpacing` units (default 1.8) between adjacent layers, since labels run horizontally.
 */
import type { ModelGraph, NodeAttributes } from './model-graph.js';

/** A block of the model, in band order from top to bottom. */
export const BAND_ORDER = ['guide', 'model', 'generative'] as const;
/** A band's block. */
export type Band = (typeof BAND_ORDER)[number];

/** Where one node goes. */
export interface NodePosition {
  readonly x: number;
  readonly y: number;
  /** Layer (0 = leftmost), before wrapping. */
  readonly layer: number;
  /** Row of the wrapped layout (0 = top). */
  readonly row: number;
}

/** The box of one band in one row (node centres lie inside, half a unit from the edges). */
export interface BandBox {
  readonly block: Band;
  readonly row: number;
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
}

/** The layout of a graph. */
export interface GraphLayout {
  readonly positions: ReadonlyMap<string, NodePosition>;
  readonly bands: readonly BandBox[];
  /** Number of layers and of rows they are wrapped into. */
  readonly layers: number;
  readonly rows: number;
  /** Edges drawn against the flow (cycle breaking), as `source->target`. */
  readonly reversed: readonly string[];
  readonly width: number;
  readonly height: number;
}

/** Layout settings. */
export interface LayoutOptions {
  /** Width / height the wrapped layout aims at (default 1.3: the graph area of a browser window beside the side panel). */
  readonly aspect?: number;
  /** Empty space between bands and between rows, in units (default 0.8). */
  readonly gap?: number;
  /** Distance between adjacent layers (default 1.8; nodes of one layer are 1 apart). */
  readonly layerSpacing?: number;
  /** Barycenter sweeps (default 8; each sweep is one pass left-to-right or right-to-left). */
  readonly sweeps?: number;
}

const bandOf = (a: NodeAttributes): Band => a.block;

/** Lays out the graph (pure: the graph is not changed). */
export function layoutGraph(g: ModelGraph, options: LayoutOptions = {}): GraphLayout {
  const aspect = options.aspect ?? 1.3;
  const gap = options.gap ?? 0.8;
  const spacing = options.layerSpacing ?? 1.8;
  const ids = g.nodes();
  const index = new Map(ids.map((id, i) => [id, i]));
  const { preds, succs, reversed } = acyclicAdjacency(g, ids, index);
  const layer = assignLayers(ids, preds, succs);
  const layers = ids.length === 0 ? 0 : Math.max(...ids.map((id) => layer.get(id)!)) + 1;
  const band = new Map(ids.map((id) => [id, BAND_ORDER.indexOf(bandOf(g.getNodeAttributes(id)))]));

  // Rows: R rows of W layers, R chosen so that the whole comes closest to the target aspect ratio.
  const perRow = chooseRowLength(ids, layer, band, layers, aspect / spacing, gap);
  const rowOf = (id: string) => Math.floor(layer.get(id)! / perRow);

  // Cells: the nodes of one layer and one band, in source order to start with.
  const cells = new Map<string, string[]>();
  const cellKey = (l: number, b: number) => `${l}:${b}`;
  for (const id of ids) {
    const key = cellKey(layer.get(id)!, band.get(id)!);
    (cells.get(key) ?? cells.set(key, []).get(key)!).push(id);
  }

  // Vertical placement of the bands, per row.
  const rowCount = Math.ceil(layers / perRow);
  const bandTop: number[][] = [];
  const bandHeight: number[][] = [];
  let top = 0;
  for (let r = 0; r < rowCount; r++) {
    const heights = bandHeights(ids, layer, band, r * perRow, Math.min(layers, (r + 1) * perRow));
    const tops: number[] = [];
    for (const h of heights) {
      tops.push(top);
      if (h > 0) top += h + gap; // the gap after the last band separates rows
    }
    bandTop.push(tops);
    bandHeight.push(heights);
  }

  const yOf = (id: string): number => {
    const l = layer.get(id)!;
    const b = band.get(id)!;
    const r = Math.floor(l / perRow);
    const cell = cells.get(cellKey(l, b))!;
    return bandTop[r][b] + (bandHeight[r][b] - cell.length) / 2 + cell.indexOf(id);
  };

  // Barycenter sweeps: each node moves to the mean height of its neighbours on the side swept from.
  const sweeps = options.sweeps ?? 8;
  for (let s = 0; s < sweeps; s++) {
    const forward = s % 2 === 0;
    for (let k = 0; k < layers; k++) {
      const l = forward ? k : layers - 1 - k;
      for (let b = 0; b < BAND_ORDER.length; b++) {
        const cell = cells.get(cellKey(l, b));
        if (!cell || cell.length < 2) continue;
        const key = new Map<string, number>();
        for (const id of cell) {
          const nbrs = (forward ? preds : succs).get(id)!.filter((n) => rowOf(n) === rowOf(id));
          key.set(id, nbrs.length > 0 ? nbrs.reduce((acc, n) => acc + yOf(n), 0) / nbrs.length : yOf(id));
        }
        cell.sort((a, c) => key.get(a)! - key.get(c)! || index.get(a)! - index.get(c)!);
      }
    }
  }

  const positions = new Map<string, NodePosition>();
  for (const id of ids) {
    const l = layer.get(id)!;
    const row = Math.floor(l / perRow);
    positions.set(id, { x: (l - row * perRow) * spacing, y: yOf(id), layer: l, row });
  }
  const bands: BandBox[] = [];
  for (let r = 0; r < rowCount; r++) {
    const inRow = Math.min(layers, (r + 1) * perRow) - r * perRow;
    BAND_ORDER.forEach((block, b) => {
      if (bandHeight[r][b] === 0) return;
      bands.push({ block, row: r, x0: -0.5, x1: (inRow - 1) * spacing + 0.5, y0: bandTop[r][b] - 0.5, y1: bandTop[r][b] + bandHeight[r][b] - 0.5 });
    });
  }
  return {
    positions,
    bands,
    layers,
    rows: rowCount,
    reversed,
    width: Math.max(0, (Math.min(layers, perRow) - 1) * spacing),
    height: Math.max(0, top - gap),
  };
}

/**
 * The number of layers per row: every row count from 1 up is tried, and the one whose wrapped layout's
 * width / height is closest to `aspect` (on a log scale) wins; fewer rows win ties.
 */
function chooseRowLength(ids: readonly string[], layer: ReadonlyMap<string, number>, band: ReadonlyMap<string, number>, layers: number, aspect: number, gap: number): number {
  let best = { perRow: Math.max(1, layers), score: Infinity };
  for (let rows = 1; rows <= Math.max(1, layers); rows++) {
    const perRow = Math.ceil(layers / rows);
    if (rows > 1 && Math.ceil(layers / (rows - 1)) === perRow) continue; // same wrapping as fewer rows
    let height = -gap;
    for (let r = 0; r * perRow < layers; r++) {
      for (const h of bandHeights(ids, layer, band, r * perRow, Math.min(layers, (r + 1) * perRow))) if (h > 0) height += h + gap;
    }
    const score = Math.abs(Math.log(perRow / Math.max(1, height) / aspect));
    if (score < best.score - 1e-9) best = { perRow, score };
    if (perRow / Math.max(1, height) < aspect / 4) break; // already far taller than wide
  }
  return best.perRow;
}

/** For each band, the most nodes any layer in [from, to) has in it. */
function bandHeights(ids: readonly string[], layer: ReadonlyMap<string, number>, band: ReadonlyMap<string, number>, from: number, to: number): number[] {
  const counts = new Map<string, number>();
  const heights = BAND_ORDER.map(() => 0);
  for (const id of ids) {
    const l = layer.get(id)!;
    if (l < from || l >= to) continue;
    const b = band.get(id)!;
    const key = `${l}:${b}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    heights[b] = Math.max(heights[b], n);
  }
  return heights;
}

/**
 * Predecessors and successors of every node with the edges of a depth-first search's back edges reversed
 * (the graph of a VAE has a cycle: the data x feeds the guide, and the likelihood's parameters feed x).
 * Parallel edges and self-loops are dropped. The search starts from nodes in source order, so the data
 * declared first stays on the left.
 */
function acyclicAdjacency(g: ModelGraph, ids: readonly string[], index: ReadonlyMap<string, number>) {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  g.forEachEdge((_e, _a, s, t) => {
    if (s !== t && !out.get(s)!.includes(t)) out.get(s)!.push(t);
  });
  for (const list of out.values()) list.sort((a, b) => index.get(a)! - index.get(b)!);
  const state = new Map<string, 1 | 2>(); // 1: on the stack, 2: done
  const back = new Set<string>();
  for (const root of ids) {
    if (state.has(root)) continue;
    const stack: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const targets = out.get(top.id)!;
      if (top.next === targets.length) {
        state.set(top.id, 2);
        stack.pop();
        continue;
      }
      const t = targets[top.next++];
      if (state.get(t) === 1) back.add(`${top.id}->${t}`);
      else if (!state.has(t)) {
        state.set(t, 1);
        stack.push({ id: t, next: 0 });
      }
    }
  }
  const preds = new Map<string, string[]>(ids.map((id) => [id, []]));
  const succs = new Map<string, string[]>(ids.map((id) => [id, []]));
  const add = (s: string, t: string) => {
    if (succs.get(s)!.includes(t)) return;
    succs.get(s)!.push(t);
    preds.get(t)!.push(s);
  };
  for (const [s, targets] of out) for (const t of targets) back.has(`${s}->${t}`) ? add(t, s) : add(s, t);
  return { preds, succs, reversed: [...back] };
}

/**
 * Longest-path layers (a node sits one layer right of its furthest predecessor); then a source node (a
 * parameter, a constant, a data input) moves right to just before its first consumer, so it is drawn next to
 * where it is used rather than at the far left.
 */
function assignLayers(ids: readonly string[], preds: ReadonlyMap<string, string[]>, succs: ReadonlyMap<string, string[]>): Map<string, number> {
  const layer = new Map<string, number>();
  const visit = (root: string): void => {
    // Iterative post-order over predecessors (the graph is acyclic here), so deep chains need no deep recursion.
    const stack: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const ps = preds.get(top.id)!;
      if (top.next < ps.length) {
        const p = ps[top.next++];
        if (!layer.has(p)) stack.push({ id: p, next: 0 });
        continue;
      }
      layer.set(top.id, ps.length === 0 ? 0 : Math.max(...ps.map((p) => layer.get(p)!)) + 1);
      stack.pop();
    }
  };
  for (const id of ids) if (!layer.has(id)) visit(id);
  for (const id of ids) {
    const ss = succs.get(id)!;
    if (preds.get(id)!.length === 0 && ss.length > 0) layer.set(id, Math.max(0, Math.min(...ss.map((s) => layer.get(s)!)) - 1));
  }
  return layer;
}
