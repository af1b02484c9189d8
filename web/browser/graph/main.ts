/**
 * The graph page's script (bundled with sigma.js and graphology and inlined into the page): reads the page
 * data from the `sgm-graph-data` JSON block, draws the graph with sigma (WebGL), the bands behind it, and wires
 * hover/click details and the search box. Exposes `window.sgmGraphPage` (GraphPageHooks).
 */
import { MultiDirectedGraph } from 'graphology';
import Sigma from 'sigma';
import type { NodeDisplayData, EdgeDisplayData } from 'sigma/types';
import type { GraphPageData, GraphPageHooks } from '../../graph-page-data.js';
import { attachBandsLayer } from './bands-layer.js';
import { showDetails } from './details-panel.js';
import { NodeShapeProgram } from './node-shape-program.js';
import { installLabelDrawer } from './labels.js';
import { attachSearch } from './search.js';

declare global {
  interface Window {
    sgmGraphPage: GraphPageHooks;
  }
}

/** Colours of nodes and edges that a search leaves out. */
const DIMMED_NODE = '#e9ecf0';
const DIMMED_BORDER = '#d3d8de';
const DIMMED_EDGE = '#eef0f3';
/** Edges of the hovered or selected node. */
const FOCUS_EDGE = '#4a5568';
/** Most pixels between adjacent layers when the whole graph is shown (a small graph is not spread out further). */
const MAX_UNIT = 150;

/** The box around every band (sigma y up), with room for the band titles; undefined without bands. */
function bandsExtent(data: GraphPageData): { x: [number, number]; y: [number, number] } | undefined {
  if (data.bands.length === 0) return undefined;
  const x0 = Math.min(...data.bands.map((b) => b.x0)) - 0.3;
  const x1 = Math.max(...data.bands.map((b) => b.x1)) + 0.8; // labels extend to the right of the last layer
  const y0 = Math.min(...data.bands.map((b) => b.y0)) - 0.3;
  const y1 = Math.max(...data.bands.map((b) => b.y1)) + 0.3;
  return { x: [x0, x1], y: [-y1, -y0] };
}

const byId = <T extends HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as T;
};

function start(hooks: GraphPageHooks): void {
  performance.mark('sgm:start');
  const data = JSON.parse(byId('sgm-graph-data').textContent ?? '') as GraphPageData;
  const nodesById = new Map(data.nodes.map((n) => [n.id, n]));
  const graph = new MultiDirectedGraph();
  for (const n of data.nodes) {
    const salient = n.kind === 'stochastic' || n.kind === 'observed' || n.kind === 'objective';
    graph.addNode(n.id, {
      x: n.x,
      y: -n.y, // sigma's y points up
      size: n.size,
      color: n.fill,
      borderColor: n.border,
      shapeCode: n.shapeCode,
      label: n.label,
      forceLabel: salient,
      zIndex: salient ? 2 : 1,
    });
  }
  for (const e of data.edges) {
    graph.addDirectedEdgeWithKey(e.id, e.source, e.target, {
      size: e.size,
      color: e.color,
      type: 'arrow',
      zIndex: e.kind === 'kl' ? 2 : 1,
      ...(e.kind === 'kl' ? { label: e.label, forceLabel: true } : {}),
    });
  }

  let hovered: string | undefined;
  let selected: string | undefined;
  let matches = new Set<string>();
  const focus = () => hovered ?? selected;

  const container = byId('graph');
  const renderer = new Sigma(graph, container, {
    nodeProgramClasses: { shape: NodeShapeProgram },
    defaultNodeType: 'shape',
    defaultEdgeType: 'arrow',
    renderEdgeLabels: true,
    labelRenderedSizeThreshold: 0,
    // Many candidates from sigma's label grid; the label drawer (labels.ts) then drops the overlapping ones.
    labelDensity: 4,
    labelGridCellSize: 40,
    labelFont: 'system-ui, -apple-system, "Segoe UI", sans-serif',
    labelSize: 12,
    edgeLabelSize: 11,
    edgeLabelColor: { color: '#555' },
    zIndex: true,
    stagePadding: 48,
    minCameraRatio: 0.03,
    maxCameraRatio: 3,
    nodeReducer: (node, attrs) => {
      const out: Partial<NodeDisplayData> & Record<string, unknown> = { ...attrs };
      if (matches.size > 0 && !matches.has(node)) {
        Object.assign(out, { color: DIMMED_NODE, borderColor: DIMMED_BORDER, label: '', forceLabel: false, zIndex: 0 });
      }
      if (matches.has(node) || node === focus()) Object.assign(out, { highlighted: true, forceLabel: true, zIndex: 3 });
      return out;
    },
    edgeReducer: (edge, attrs) => {
      const out: Partial<EdgeDisplayData> & Record<string, unknown> = { ...attrs };
      const [s, t] = graph.extremities(edge);
      const f = focus();
      if (f !== undefined && (s === f || t === f)) Object.assign(out, { color: attrs.label ? attrs.color : FOCUS_EDGE, zIndex: 3 });
      else if (matches.size > 0 && !matches.has(s) && !matches.has(t)) Object.assign(out, { color: DIMMED_EDGE, label: '', zIndex: 0 });
      return out;
    },
  });
  const labelled = installLabelDrawer(renderer);
  // Frame the bands, not only the nodes, and do not blow a small graph up beyond MAX_UNIT pixels per layer.
  const extent = bandsExtent(data);
  if (extent) renderer.setCustomBBox(extent).refresh(); // the bounding box is read when sigma re-indexes the graph
  const unit = Math.abs(renderer.graphToViewport({ x: 1, y: 0 }).x - renderer.graphToViewport({ x: 0, y: 0 }).x);
  if (unit > MAX_UNIT) renderer.getCamera().setState({ ratio: unit / MAX_UNIT });
  attachBandsLayer(renderer, data.bands)();

  const panel = byId('details');
  const show = (id: string | undefined) => showDetails(panel, data, id === undefined ? undefined : nodesById.get(id));
  show(undefined);
  renderer.on('enterNode', ({ node }) => {
    hovered = node;
    show(node);
    renderer.refresh({ skipIndexation: true });
  });
  renderer.on('leaveNode', () => {
    hovered = undefined;
    show(selected);
    renderer.refresh({ skipIndexation: true });
  });
  const select = (id: string | undefined) => {
    selected = id;
    show(focus());
    renderer.refresh({ skipIndexation: true });
  };
  renderer.on('clickNode', ({ node }) => select(node));
  renderer.on('clickStage', () => select(undefined));

  const goTo = (id: string) => {
    select(id);
    const d = renderer.getNodeDisplayData(id);
    const camera = renderer.getCamera();
    if (d) void camera.animate({ x: d.x, y: d.y, ratio: Math.min(camera.ratio, 0.6) }, { duration: 350 });
  };
  attachSearch(
    byId<HTMLInputElement>('search'),
    byId('search-results'),
    data.nodes,
    (ids) => {
      matches = new Set(ids);
      renderer.refresh({ skipIndexation: true });
    },
    goTo,
  );

  hooks.drawnNodes = () => {
    const { width, height } = renderer.getDimensions();
    return graph.filterNodes((id) => {
      const d = renderer.getNodeDisplayData(id);
      if (!d || d.hidden || d.size <= 0) return false;
      const p = renderer.framedGraphToViewport(d);
      return p.x >= 0 && p.y >= 0 && p.x <= width && p.y <= height;
    });
  };
  hooks.nodeScreenPosition = (id) => {
    const d = renderer.getNodeDisplayData(id);
    if (!d) return null;
    const p = renderer.framedGraphToViewport(d);
    const box = container.getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  };
  hooks.highlighted = () => [...matches];
  hooks.labelledNodes = labelled;
  performance.mark('sgm:drawn');
  // Ready once a frame has been produced with sigma's render in it: the second animation frame from now.
  requestAnimationFrame(() => {
    requestAnimationFrame(() => {
      hooks.readyAt = performance.now();
      hooks.ready = true;
      document.body.dataset.ready = 'true';
    });
  });
}

/** The hooks before the graph is drawn (all empty). */
const hooks: GraphPageHooks = {
  ready: false,
  readyAt: NaN,
  drawnNodes: () => [],
  nodeScreenPosition: () => null,
  highlighted: () => [],
  labelledNodes: () => [],
};
window.sgmGraphPage = hooks;
try {
  start(hooks);
} catch (e) {
  hooks.error = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
  const box = document.getElementById('graph');
  if (box) box.textContent = `The graph could not be drawn: ${hooks.error}`;
}
