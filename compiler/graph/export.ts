/** Exports of the model graph: stable JSON, Graphviz DOT and Mermaid. */
import type { ModelGraph, NodeAttributes } from './model-graph.js';

/** Keys of an object in sorted order, recursively: the same graph always serialises to the same bytes. */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** The graph as plain data: nodes and edges in insertion (source) order, keys sorted. */
export function graphToJson(g: ModelGraph): unknown {
  return sortKeys({
    format: 'sgm-graph/1',
    attributes: g.getAttributes(),
    nodes: g.mapNodes((id, a) => ({ id, ...a })),
    edges: g.mapEdges((_e, a, source, target) => ({ source, target, ...a })),
  });
}

/** Stable JSON text of the graph (2-space indent, trailing newline). */
export function graphToJsonText(g: ModelGraph): string {
  return JSON.stringify(graphToJson(g), null, 2) + '\n';
}

const shapeText = (a: NodeAttributes): string => (a.shape === null ? '[...]' : `[${a.shape.join(', ')}]`);

/** A short multi-line label: name, distribution, shape, estimator. */
function nodeLabel(a: NodeAttributes, sep: string): string {
  const parts = [a.kind === 'objective' ? (a.expr ?? 'objective') : a.name];
  if (a.distribution) parts.push(a.distribution);
  if (a.kind !== 'objective') parts.push(shapeText(a));
  if (a.estimator) parts.push(`∇ ${a.estimator}`);
  return parts.join(sep);
}

const DOT_SHAPE: Record<NodeAttributes['kind'], string> = {
  data: 'box',
  observed: 'box',
  param: 'box',
  const: 'plaintext',
  op: 'ellipse',
  stochastic: 'ellipse',
  objective: 'doubleoctagon',
};

const dotString = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/** Graphviz DOT: guide and generative as clusters; stochastic nodes double-bordered, observed filled. */
export function graphToDot(g: ModelGraph): string {
  const lines = [`digraph ${dotString(g.getAttribute('model'))} {`, '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=10];'];
  const nodeLine = (id: string, a: NodeAttributes, indent: string) => {
    const style: string[] = [`shape=${DOT_SHAPE[a.kind]}`, `label=${dotString(nodeLabel(a, '\n'))}`];
    if (a.kind === 'stochastic') style.push('peripheries=2');
    if (a.kind === 'observed') style.push('style=filled', 'fillcolor="#dddddd"');
    if (a.kind === 'param') style.push('style=rounded');
    return `${indent}${dotString(id)} [${style.join(', ')}];`;
  };
  for (const block of ['guide', 'generative'] as const) {
    const ids = g.filterNodes((_id, a) => a.block === block);
    if (ids.length === 0) continue;
    lines.push(`  subgraph ${dotString(`cluster_${block}`)} {`, `    label=${dotString(block)};`, '    style=dashed;');
    for (const id of ids) lines.push(nodeLine(id, g.getNodeAttributes(id), '    '));
    lines.push('  }');
  }
  g.forEachNode((id, a) => {
    if (a.block !== 'guide' && a.block !== 'generative') lines.push(nodeLine(id, a, '  '));
  });
  g.forEachEdge((_e, a, s, t) => {
    const label = a.kind === 'kl' ? `KL${a.method ? ` (${a.method})` : ''}` : a.label === 'input' ? '' : a.label;
    const style = a.kind === 'kl' ? ', style=dashed, color="#aa3333"' : '';
    lines.push(`  ${dotString(s)} -> ${dotString(t)}${label ? ` [label=${dotString(label)}${style}]` : style ? ` [${style.slice(2)}]` : ''};`);
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Mermaid flowchart (left to right), guide and generative as subgraphs. */
export function graphToMermaid(g: ModelGraph): string {
  const ids = new Map<string, string>();
  g.forEachNode((id) => ids.set(id, `n${ids.size}`));
  const esc = (s: string) => s.replace(/"/g, '#quot;');
  const node = (id: string, a: NodeAttributes) => {
    const label = `"${esc(nodeLabel(a, '<br/>'))}"`;
    const m = ids.get(id)!;
    switch (a.kind) {
      case 'stochastic':
        return `${m}((${label}))`;
      case 'observed':
      case 'data':
        return `${m}[/${label}/]`;
      case 'param':
      case 'const':
        return `${m}[${label}]`;
      case 'objective':
        return `${m}{{${label}}}`;
      case 'op':
        return `${m}(${label})`;
    }
  };
  const lines = ['flowchart LR'];
  for (const block of ['guide', 'generative'] as const) {
    const members = g.filterNodes((_id, a) => a.block === block);
    if (members.length === 0) continue;
    lines.push(`  subgraph ${block}`);
    for (const id of members) lines.push(`    ${node(id, g.getNodeAttributes(id))}`);
    lines.push('  end');
  }
  g.forEachNode((id, a) => {
    if (a.block !== 'guide' && a.block !== 'generative') lines.push(`  ${node(id, a)}`);
  });
  g.forEachEdge((_e, a, s, t) => {
    const label = a.kind === 'kl' ? `KL${a.method ? ` ${a.method}` : ''}` : a.label === 'input' ? '' : a.label;
    const arrow = a.kind === 'kl' ? '-.->' : '-->';
    lines.push(`  ${ids.get(s)} ${arrow}${label ? `|${esc(label)}|` : ''} ${ids.get(t)}`);
  });
  return lines.join('\n') + '\n';
}
