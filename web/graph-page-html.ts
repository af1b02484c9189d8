/** The graph page of `sgm graph --format html`: graph-page.ts's page with the bundled graph script (Node). */
import type { PlanRow } from '../compiler/analysis/explain.js';
import type { ModelGraph } from '../compiler/graph/model-graph.js';
import { browserScript } from './browser-bundle.js';
import { renderGraphPage } from './graph-page.js';
import { graphPageData } from './graph-page-data.js';

/** The page of an annotated model graph, with the model's source text (for source lines) and its plan rows. */
export async function graphPageHtml(g: ModelGraph, source: string, plan: readonly PlanRow[]): Promise<string> {
  const data = graphPageData(g, source, plan);
  return renderGraphPage(data, await browserScript('graph'));
}
