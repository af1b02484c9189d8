/** The report's chart specs (Vega-Lite): curves over training steps, grouped bars and overlaid histograms. */
import type { TopLevelSpec } from 'vega-lite';
import type { CurvePoint } from './training-curves.js';

/** Size of one chart's plotting area, in pixels. */
const WIDTH = 470;
const HEIGHT = 190;

/**
 * Curves against the training step, one colour per series; series named in `asPoints` (held-out evaluations,
 * which are few) are drawn as dots on top of the lines.
 */
export function curveChart(title: string, yTitle: string, points: readonly CurvePoint[], asPoints: (series: string) => boolean = () => false): TopLevelSpec {
  const encoding = {
    x: { field: 'step', type: 'quantitative', title: 'step' },
    y: { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: false } },
    color: { field: 'series', type: 'nominal', title: null },
  } as const;
  return {
    title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: points.map((p) => ({ ...p, dots: asPoints(p.series) })) },
    layer: [
      { transform: [{ filter: '!datum.dots' }], mark: { type: 'line', strokeWidth: 1.6, interpolate: 'linear' }, encoding },
      { transform: [{ filter: 'datum.dots' }], mark: { type: 'point', filled: true, size: 46 }, encoding },
    ],
  };
}

/** One bar of a grouped bar chart. */
export interface GroupedBar {
  readonly group: string;
  readonly kind: string;
  readonly value: number;
}

/** Bars grouped by `group` (in the given order), one colour per `kind`, side by side. */
export function groupedBarChart(title: string, xTitle: string, yTitle: string, bars: readonly GroupedBar[]): TopLevelSpec {
  const groups = [...new Set(bars.map((b) => b.group))];
  return {
    title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: bars.map((b) => ({ ...b })) },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'group', type: 'ordinal', title: xTitle, sort: groups, axis: { labelAngle: 0 } },
      xOffset: { field: 'kind', type: 'nominal' },
      y: { field: 'value', type: 'quantitative', title: yTitle },
      color: { field: 'kind', type: 'nominal', title: null },
    },
  };
}

/** One value of a histogram, with the series it belongs to. */
export interface HistogramValue {
  readonly value: number;
  readonly kind: string;
}

/** Overlaid histograms (one translucent colour per kind) of the values, `maxbins` bins (or bins of width `step`). */
export function histogramChart(title: string, xTitle: string, values: readonly HistogramValue[], bins: { maxbins: number } | { step: number }): TopLevelSpec {
  return {
    title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: values.map((v) => ({ ...v })) },
    mark: { type: 'bar', opacity: 0.62, binSpacing: 0 },
    encoding: {
      x: { field: 'value', type: 'quantitative', bin: bins, title: xTitle },
      y: { aggregate: 'count', type: 'quantitative', title: 'draws', stack: null },
      color: { field: 'kind', type: 'nominal', title: null },
    },
  };
}
