/**
 * The training report page: one self-contained HTML file (no script, no network: charts are inline SVG and
 * image grids are PNG data: URIs) with a summary of the run, its figures in sections, notes on what was
 * skipped and why, the estimator plan and the model source.
 */
import type { PlanRow } from '../compiler/analysis/explain.js';
import type { ReportContent, ReportFigure, ReportSection } from '../runtime/report/report-content.js';
import { escapeHtml } from './html.js';
import { pageHead } from './page-parts.js';

export type { ReportContent, ReportFigure, ReportSection };

/** The report as HTML. */
export function renderReportPage(c: ReportContent): string {
  const toc = c.sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`).join(' · ');
  return `${pageHead({ title: `${c.model}: training report (sgm)`, generator: c.generatedBy, scripts: [], css: REPORT_CSS })}<header>
  <h1>${escapeHtml(c.model)} <span class="sub">training report</span></h1>
  <p class="run"><code>${escapeHtml(c.runDir)}</code></p>
  <table class="summary">${c.summary.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
  <nav>${toc} · <a href="#plan">Estimator plan</a>${c.source ? ' · <a href="#source">Model source</a>' : ''}</nav>
</header>
<main>
${c.sections.map(sectionHtml).join('\n')}
<section id="plan"><h2>Estimator plan</h2>${planTableHtml(c.plan)}</section>
${c.source ? `<section id="source"><h2>Model source</h2><pre class="source">${escapeHtml(c.source)}</pre></section>` : ''}
</main>
</body>
</html>
`;
}

function sectionHtml(s: ReportSection): string {
  const notes = s.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('');
  return `<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>${notes}<div class="figures">${s.figures.map(figureHtml).join('')}</div></section>`;
}

function figureHtml(f: ReportFigure): string {
  const body =
    'svg' in f
      ? `<div class="chart">${f.svg}</div>`
      : `<img src="${f.png.uri}" width="${f.png.width}" height="${f.png.height}" alt="${escapeHtml(f.title)}">`;
  return `<figure data-figure="${escapeHtml(f.id)}" class="${'svg' in f ? 'svg' : 'png'}">${'svg' in f ? '' : `<h3>${escapeHtml(f.title)}</h3>`}${body}<figcaption>${escapeHtml(f.caption)}</figcaption></figure>`;
}

/** The plan as an HTML table (one row per sampled or evaluated node, as `sgm check --explain`). */
function planTableHtml(rows: readonly PlanRow[]): string {
  if (rows.length === 0) return '<p class="note">No plan: the run directory has no model.json, or the model has no stochastic nodes.</p>';
  const cells = rows.map(
    (r) =>
      `<tr data-node="${escapeHtml(r.node)}"><td>${r.line}</td><td><code>${escapeHtml(r.node)}</code></td><td>${escapeHtml(r.distribution)}</td><td>${escapeHtml(r.estimator)}</td><td>${escapeHtml(r.kl)}</td><td>${escapeHtml(r.reason)}${r.compare === undefined ? '' : `<br><i>${escapeHtml(r.compare)}</i>`}</td></tr>`,
  );
  return `<table class="plan"><thead><tr><th>line</th><th>node</th><th>distribution</th><th>estimator</th><th>KL</th><th>reason</th></tr></thead><tbody>${cells.join('')}</tbody></table>`;
}

const REPORT_CSS = `
body { margin: 0; }
header { padding: 18px 28px 10px; border-bottom: 1px solid #e2e6ea; }
header h1 { margin: 0; font-size: 22px; }
header h1 .sub { font-weight: 400; color: #667; font-size: 16px; }
header .run { margin: 2px 0 10px; color: #556; }
table.summary { border-collapse: collapse; font-size: 13px; }
table.summary th { text-align: left; color: #667; font-weight: 500; padding: 1px 14px 1px 0; }
nav { margin-top: 10px; font-size: 13px; }
nav a { color: #2f6fa8; text-decoration: none; }
main { padding: 0 28px 40px; }
section h2 { font-size: 17px; margin: 26px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #eef0f3; }
.figures { display: flex; flex-wrap: wrap; gap: 18px 26px; }
figure { margin: 0; }
figure h3 { font-size: 13px; margin: 0 0 6px; }
figure img { image-rendering: pixelated; display: block; border-radius: 3px; }
figcaption { font-size: 12px; color: #667; max-width: 560px; margin-top: 4px; }
table.plan { border-collapse: collapse; width: 100%; font-size: 13px; }
table.plan th, table.plan td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #e6e9ed; }
table.plan th { color: #556; font-weight: 600; }
pre.source { background: #f6f8fa; padding: 10px 14px; border-radius: 6px; overflow: auto; font-size: 12.5px; }
`;
