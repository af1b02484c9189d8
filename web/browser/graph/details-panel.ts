/**
 * The details panel: what a hovered or clicked node is (kind, block, role), its distribution, shape,
 * estimator and KL method with the analysis pass's reason, its source line, and its inputs and outputs.
 */
import type { GraphPageData, PageNode } from '../../graph-page-data.js';
import { ESTIMATOR_STYLES, KL_STYLES } from '../../graph-style.js';

/** Renders node details into `panel` (or the hint when `node` is undefined). */
export function showDetails(panel: HTMLElement, data: GraphPageData, node: PageNode | undefined): void {
  panel.replaceChildren();
  if (!node) {
    panel.append(el('p', 'hint', 'Hover over a node to see its details; click to keep them. Search with the box above.'));
    panel.dataset.node = '';
    return;
  }
  panel.dataset.node = node.id;
  const title = el('h2', '', node.name);
  title.dataset.field = 'name';
  panel.append(title, el('p', 'kind-line', [node.kind, node.block, node.role].filter(Boolean).join(' · ')));
  const dl = document.createElement('dl');
  const row = (label: string, field: string, value: string | HTMLElement) => {
    const dd = document.createElement('dd');
    dd.dataset.field = field;
    if (typeof value === 'string') dd.textContent = value;
    else dd.append(value);
    dl.append(el('dt', '', label), dd);
  };
  row('distribution', 'distribution', node.distribution ?? '—');
  row('shape', 'shape', node.shape);
  row('estimator', 'estimator', node.estimator ? ESTIMATOR_STYLES[node.estimator].label : node.kind === 'stochastic' || node.kind === 'observed' ? 'none (evaluated, not sampled in training)' : '—');
  if (node.kl) row('KL', 'kl', KL_STYLES[node.kl]?.label ?? node.kl);
  row('reason', 'reason', node.reason ?? '—');
  if (node.expr) row('expression', 'expr', node.expr);
  const src = document.createElement('div');
  src.append(`line ${node.line}, column ${node.column}${node.statementLine ? `; sampled at line ${node.statementLine}` : ''}`);
  for (const line of node.statementLine ? [node.line, node.statementLine] : [node.line]) {
    const text = data.sourceLines[line - 1];
    if (text !== undefined) src.append(el('pre', 'source', `${String(line).padStart(4)} | ${text}`));
  }
  row('source', 'source', src);
  const inputs = data.edges.filter((e) => e.target === node.id).map((e) => (e.kind === 'kl' ? `${e.source} (${e.label})` : e.label === 'input' ? e.source : `${e.source} → ${e.label}`));
  const outputs = data.edges.filter((e) => e.source === node.id).map((e) => (e.kind === 'kl' ? `${e.target} (${e.label})` : e.target));
  row('inputs', 'inputs', inputs.join(', ') || '—');
  row('used by', 'outputs', outputs.join(', ') || '—');
  panel.append(dl);
}

/** A new element with a class and text. */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  e.textContent = text;
  return e;
}
