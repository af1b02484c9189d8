/**
 * The graph page: one self-contained HTML file (styles, data and the sigma.js script inlined; no network
 * when viewed) showing the model graph in a layered left-to-right layout, with a legend, a details panel
 * for the hovered or clicked node, a search box and the estimator plan. Imports nothing from Node (the
 * playground renders it in the page); graph-page-html.ts adds the bundled script for the CLI.
 */
import type { PlanRow } from '../compiler/analysis/explain.js';
import type { GraphPageData } from './graph-page-data.js';
import { BAND_STYLES, ESTIMATOR_STYLES, KIND_STYLES, KL_STYLES, ARG_EDGE_COLOR, type NodeShape } from './graph-style.js';
import { escapeHtml, inlineScript, jsonScript } from './html.js';
import { pageHead } from './page-parts.js';

/** The page for given page data and browser script. */
export function renderGraphPage(data: GraphPageData, script: string): string {
  const hyper = Object.entries(data.hyperparameters)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const sub = [data.sourcePath, hyper, `${data.nodes.length} nodes, ${data.edges.length} edges`].filter(Boolean).join(' · ');
  return `${pageHead({ title: `${data.model}: model graph (sgm)`, generator: 'sgm graph --format html', scripts: [script], css: GRAPH_CSS })}<header>
  <h1>${escapeHtml(data.model)}</h1>
  <span class="sub">${escapeHtml(sub)}</span>
  <div class="search">
    <input id="search" type="search" placeholder="Search nodes" autocomplete="off" spellcheck="false" aria-label="search nodes">
    <ul id="search-results"></ul>
  </div>
</header>
<main>
  <div id="graph" role="img" aria-label="model graph of ${escapeHtml(data.model)}"></div>
  <aside>
    <section><h2 class="section">Details</h2><div id="details"></div></section>
    <section id="legend"><h2 class="section">Legend</h2>${legendHtml(data)}</section>
    <section><details open><summary>Estimator plan</summary>${planListHtml(data.plan)}</details></section>
  </aside>
</main>
<noscript><p class="note">This page draws the graph with JavaScript; <code>sgm graph --format dot</code> gives a static drawing.</p></noscript>
${jsonScript('sgm-graph-data', data)}
${inlineScript(script)}
</body>
</html>
`;
}

/** The plan as a compact list for the side panel: node, distribution, estimator and KL, then the reason. */
function planListHtml(rows: readonly PlanRow[]): string {
  if (rows.length === 0) return '<p class="hint">No stochastic nodes.</p>';
  const items = rows.map(
    (r) =>
      `<li data-node="${escapeHtml(r.node)}"><b>${escapeHtml(r.node)}</b> ~ ${escapeHtml(r.distribution)} <span class="line">line ${r.line}</span><br>` +
      `${escapeHtml(r.estimator)}${r.kl === '-' ? '' : `, KL ${escapeHtml(r.kl)}`}<div class="reason">${escapeHtml(r.reason)}</div></li>`,
  );
  return `<ul class="plan">${items.join('')}</ul>`;
}

/** A legend swatch: a CSS shape in a node style's colours. */
function swatch(shape: NodeShape, fill: string, border: string): string {
  return `<span class="swatch ${shape}" style="--fill:${fill};--border:${border}"></span>`;
}

/** Legend entries for the node kinds, estimators and KL methods present in the graph, and the bands. */
function legendHtml(data: GraphPageData): string {
  const items: string[] = [];
  const kinds = new Set(data.nodes.map((n) => n.kind));
  for (const [kind, s] of Object.entries(KIND_STYLES)) {
    if (kinds.has(kind as keyof typeof KIND_STYLES)) items.push(`<li data-legend="kind:${kind}">${swatch(s.shape, s.fill, s.border)}${escapeHtml(s.label)}</li>`);
  }
  const estimators = new Set(data.nodes.map((n) => n.estimator).filter((e): e is string => e !== undefined));
  for (const [est, s] of Object.entries(ESTIMATOR_STYLES)) {
    if (estimators.has(est)) items.push(`<li data-legend="estimator:${est}">${swatch('circle', s.fill, s.border)}sampled, ${escapeHtml(s.label)}</li>`);
  }
  items.push(`<li data-legend="edge:arg"><span class="edge" style="--color:${ARG_EDGE_COLOR}"></span>data flow</li>`);
  const methods = new Set(data.edges.map((e) => e.method).filter((m): m is string => m !== undefined));
  for (const [method, s] of Object.entries(KL_STYLES)) {
    if (methods.has(method)) items.push(`<li data-legend="kl:${method}"><span class="edge thick" style="--color:${s.color}"></span>${escapeHtml(s.label)}</li>`);
  }
  const blocks = new Set(data.bands.map((b) => b.block));
  for (const [block, s] of Object.entries(BAND_STYLES)) {
    if (blocks.has(block as keyof typeof BAND_STYLES)) items.push(`<li data-legend="band:${block}"><span class="band" style="--fill:${s.fill}"></span>${escapeHtml(s.label)}</li>`);
  }
  return `<ul class="legend">${items.join('')}</ul>`;
}

const GRAPH_CSS = `
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; overflow: hidden; }
header { display: flex; align-items: baseline; gap: 14px; padding: 8px 14px; border-bottom: 1px solid #e2e6ea; }
header h1 { font-size: 18px; margin: 0; }
header .sub { color: #667; font-size: 13px; flex: 1; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.search { position: relative; width: 320px; }
.search input { width: 100%; box-sizing: border-box; padding: 6px 10px; border: 1px solid #c5ccd5; border-radius: 6px; font: inherit; }
#search-results { position: absolute; z-index: 10; left: 0; right: 0; margin: 2px 0 0; padding: 0; list-style: none; background: #fff; box-shadow: 0 4px 14px rgba(0,0,0,.12); border-radius: 6px; max-height: 50vh; overflow: auto; }
#search-results li { padding: 5px 10px; cursor: pointer; font-size: 13px; }
#search-results li:hover { background: #eef3f8; }
#search-results li.none { color: #889; cursor: default; }
main { flex: 1; display: flex; min-height: 0; }
#graph { flex: 1; position: relative; min-width: 0; background: #fff; }
aside { width: 340px; border-left: 1px solid #e2e6ea; overflow: auto; padding: 4px 14px 14px; font-size: 13px; }
#details .hint { color: #778; }
#details h2 { font-size: 16px; margin: 6px 0 0; font-family: ui-monospace, monospace; }
#details .kind-line { color: #667; margin: 2px 0 8px; }
#details dl { display: grid; grid-template-columns: 82px 1fr; gap: 4px 8px; margin: 0; }
#details dt { color: #667; }
#details dd { margin: 0; overflow-wrap: anywhere; }
#details pre.source { margin: 4px 0 0; padding: 4px 6px; background: #f5f7f9; border-radius: 4px; white-space: pre-wrap; font-size: 12px; }
ul.plan { list-style: none; padding: 0; margin: 0; }
ul.plan li { margin: 0 0 8px; }
ul.plan .line { color: #889; font-size: 11px; }
ul.plan .reason { color: #667; font-size: 12px; }
ul.legend { list-style: none; padding: 0; margin: 0; }
ul.legend li { display: flex; align-items: center; gap: 8px; margin: 4px 0; }
.swatch { display: inline-block; width: 14px; height: 14px; background: var(--fill); border: 2px solid var(--border); box-sizing: border-box; flex: none; }
.swatch.circle { border-radius: 50%; }
.swatch.diamond { transform: rotate(45deg) scale(.8); }
.swatch.hexagon { border: none; background: var(--border); clip-path: polygon(50% 0, 100% 25%, 100% 75%, 50% 100%, 0 75%, 0 25%); }
.edge { display: inline-block; width: 22px; height: 2px; background: var(--color); flex: none; }
.edge.thick { height: 4px; }
.band { display: inline-block; width: 22px; height: 12px; background: var(--fill); border: 1px dashed #8a94a3; flex: none; }
`;
