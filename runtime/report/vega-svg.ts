/**
 * Charts as SVG text, made in Node with Vega-Lite and Vega (headless: no canvas, no browser; text widths are
 * estimated). Every chart of the report goes through here with one shared look.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** The report's chart style (Vega-Lite config). */
const CHART_CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  background: '#ffffff',
  view: { stroke: '#d9dee4' },
  axis: { labelColor: '#445', titleColor: '#334', gridColor: '#eceff3', domainColor: '#9aa5b1', tickColor: '#9aa5b1', titleFontWeight: 500 },
  legend: { orient: 'bottom', labelColor: '#334', titleColor: '#334', labelLimit: 320 },
  title: { anchor: 'start', fontSize: 13, fontWeight: 600, color: '#1f2933' },
  range: { category: ['#2f7fc1', '#d1495b', '#3a9d5d', '#8e6bbf', '#ee9b00', '#0a9396', '#6b7280', '#b5838d'] },
} as const;

/** Renders a Vega-Lite spec (the config above is merged in) to SVG text. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const full = { ...spec, config: { ...CHART_CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(full).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
