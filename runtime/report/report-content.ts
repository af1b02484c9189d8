/**
 * What a training report shows, as data: the runtime assembles it (build-report.ts) and the web layer renders
 * it as a page (web/report-page.ts), so the runtime never imports the web layer.
 */
import type { PlanRow } from '../../compiler/analysis/explain.js';

/** One figure: an SVG chart or a PNG image. */
export type ReportFigure = {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
} & ({ readonly svg: string } | { readonly png: { readonly uri: string; readonly width: number; readonly height: number } });

/** A section of figures, with notes on what it could not show. */
export interface ReportSection {
  readonly id: string;
  readonly title: string;
  readonly figures: readonly ReportFigure[];
  readonly notes: readonly string[];
}

/** Everything on the page. */
export interface ReportContent {
  readonly model: string;
  readonly runDir: string;
  /** Label/value pairs of the summary table (dataset, steps, status, final values, ...). */
  readonly summary: ReadonlyArray<readonly [string, string]>;
  readonly sections: readonly ReportSection[];
  readonly plan: readonly PlanRow[];
  readonly source?: string;
  readonly generatedBy: string;
}
