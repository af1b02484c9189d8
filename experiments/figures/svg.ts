/**
 * A small SVG plotting helper for the experiment figures (results/*.svg): panels with axes, ticks, a title, a
 * legend, polylines and bars, laid out in a grid. Self-contained text output, no dependencies.
 */
import { linearScale, logScale, type Scale } from './scale.js';

/** One polyline (optionally with point markers) or one bar series. */
export interface Series {
  readonly name: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
  readonly color: string;
  readonly kind?: 'line' | 'bars' | 'steps';
  readonly dashed?: boolean;
  /** Bar width in data units (bars): default 1. */
  readonly barWidth?: number;
  readonly opacity?: number;
}

/** A panel: one chart in the figure grid. */
export interface Panel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly xLog?: boolean;
  readonly yLog?: boolean;
  /** Fixed axis ranges (default: the data's). */
  readonly xRange?: readonly [number, number];
  readonly yRange?: readonly [number, number];
}

/** Colours that stay distinct in print and for common colour-vision deficiencies (Okabe & Ito 2008). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'] as const;

const PANEL_W = 360;
const PANEL_H = 250;
const MARGIN = { left: 62, right: 12, top: 28, bottom: 44 };
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

/** Escapes text for SVG. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const num = (v: number): string => (Math.round(v * 10) / 10).toString();

/** The extent of the panel's data along one coordinate (bars include their width and zero). */
function extent(panel: Panel, axis: 0 | 1): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  const log = axis === 0 ? panel.xLog : panel.yLog;
  for (const s of panel.series) {
    for (const p of s.points) {
      const v = p[axis];
      if (!Number.isFinite(v) || (log && v <= 0)) continue;
      const pad = axis === 0 && s.kind === 'bars' ? (s.barWidth ?? 1) / 2 : 0;
      lo = Math.min(lo, v - pad);
      hi = Math.max(hi, v + pad);
    }
    if (axis === 1 && s.kind === 'bars' && !log) lo = Math.min(lo, 0);
  }
  if (!Number.isFinite(lo)) return [0, 1];
  return [lo, hi];
}

/** One panel as an SVG group at (x, y). */
function renderPanel(panel: Panel, x: number, y: number): string {
  const [x0, x1] = panel.xRange ?? extent(panel, 0);
  const [y0, y1] = panel.yRange ?? extent(panel, 1);
  const left = MARGIN.left;
  const right = PANEL_W - MARGIN.right;
  const top = MARGIN.top;
  const bottom = PANEL_H - MARGIN.bottom;
  const sx: Scale = panel.xLog ? logScale(x0, x1, left, right) : linearScale(x0, x1, left, right);
  const sy: Scale = panel.yLog ? logScale(y0, y1, bottom, top) : linearScale(y0, y1, bottom, top);
  const out: string[] = [`<g transform="translate(${x},${y})">`];
  out.push(`<text x="${(left + right) / 2}" y="16" text-anchor="middle" font-size="13" ${FONT}>${escapeXml(panel.title)}</text>`);
  for (const t of sy.ticks) {
    const py = num(sy.at(t));
    out.push(`<line x1="${left}" x2="${right}" y1="${py}" y2="${py}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 5}" y="${py}" dy="0.32em" text-anchor="end" font-size="10" ${FONT}>${escapeXml(sy.format(t))}</text>`);
  }
  for (const t of sx.ticks) {
    const px = num(sx.at(t));
    out.push(`<line x1="${px}" x2="${px}" y1="${bottom}" y2="${bottom + 4}" stroke="#333"/>`);
    out.push(`<text x="${px}" y="${bottom + 15}" text-anchor="middle" font-size="10" ${FONT}>${escapeXml(sx.format(t))}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${(left + right) / 2}" y="${PANEL_H - 8}" text-anchor="middle" font-size="11" ${FONT}>${escapeXml(panel.xLabel)}</text>`);
  out.push(
    `<text transform="translate(14,${(top + bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="11" ${FONT}>${escapeXml(panel.yLabel)}</text>`,
  );
  out.push(`<clipPath id="clip-${x}-${y}"><rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}"/></clipPath>`);
  out.push(`<g clip-path="url(#clip-${x}-${y})">`);
  for (const s of panel.series) out.push(renderSeries(s, sx, sy, panel.yLog === true));
  out.push('</g>');
  // The legend sits in the top-right corner on a white box, so curves under it do not cross its text.
  const longest = Math.max(0, ...panel.series.map((s) => s.name.length));
  const boxWidth = Math.min(right - left, 24 + longest * 5.6);
  if (panel.series.length > 0) {
    out.push(`<rect x="${right - 122}" y="${top + 2}" width="${num(boxWidth)}" height="${panel.series.length * 13 + 6}" fill="white" fill-opacity="0.85" stroke="#ccc"/>`);
  }
  panel.series.forEach((s, i) => {
    const ly = top + 8 + i * 13;
    const mark =
      s.kind === 'bars'
        ? `<rect x="${right - 118}" y="${ly - 4}" width="12" height="8" fill="${s.color}" fill-opacity="${s.opacity ?? 0.6}"/>`
        : `<line x1="${right - 118}" x2="${right - 106}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="4 3"' : ''}/>`;
    out.push(mark, `<text x="${right - 102}" y="${ly}" dy="0.32em" font-size="10" ${FONT}>${escapeXml(s.name)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

function renderSeries(s: Series, sx: Scale, sy: Scale, yLog: boolean): string {
  const finite = s.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b) && (!yLog || b > 0));
  if (s.kind === 'bars') {
    const w = s.barWidth ?? 1;
    const base = yLog ? sy.at(sy.ticks[0]) : sy.at(0);
    return finite
      .map(([a, b]) => {
        const px0 = sx.at(a - w / 2);
        const px1 = sx.at(a + w / 2);
        const py = sy.at(b);
        return `<rect x="${num(px0)}" y="${num(Math.min(py, base))}" width="${num(Math.max(0.5, px1 - px0))}" height="${num(Math.abs(base - py))}" fill="${s.color}" fill-opacity="${s.opacity ?? 0.6}"/>`;
      })
      .join('\n');
  }
  const pts: Array<readonly [number, number]> = [];
  for (let i = 0; i < finite.length; i++) {
    const [a, b] = finite[i];
    if (s.kind === 'steps' && i > 0) pts.push([a, finite[i - 1][1]]);
    pts.push([a, b]);
  }
  const d = pts.map(([a, b]) => `${num(sx.at(a))},${num(sy.at(b))}`).join(' ');
  return `<polyline points="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="4 3"' : ''}/>`;
}

/** A figure: panels in a grid of `columns`, with an optional caption line; returns the SVG document. */
export function figure(panels: readonly Panel[], columns: number, caption?: string): string {
  const cols = Math.max(1, Math.min(columns, panels.length));
  const rows = Math.ceil(panels.length / cols);
  const captionH = caption ? 22 : 0;
  const width = cols * PANEL_W;
  const height = rows * PANEL_H + captionH;
  const body = panels.map((p, i) => renderPanel(p, (i % cols) * PANEL_W, Math.floor(i / cols) * PANEL_H));
  const text = caption ? `<text x="8" y="${height - 7}" font-size="11" fill="#444" ${FONT}>${escapeXml(caption)}</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\n<rect width="100%" height="100%" fill="white"/>\n${body.join('\n')}\n${text}\n</svg>\n`;
}
