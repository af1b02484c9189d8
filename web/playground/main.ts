/**
 * The playground page (`sgm playground`, `npm run build:playground`): a .sgm editor with live diagnostics, the
 * estimator plan with reasons, the interactive graph (the graph page of `sgm graph --format html`, rendered in
 * the page into a sandboxed frame), and training in the page on the best backend the browser offers (WebGPU,
 * WebGL, WASM, CPU) with live charts and samples. Everything runs in the page; it makes no network request
 * beyond its own files. `window.sgmPlayground` exposes the state the browser tests read.
 */
import { planRows, type PlanRow } from '../../compiler/analysis/explain.js';
import { annotateGraph, buildGraph } from '../../compiler/graph/index.js';
import type { FrontEndResult } from '../../compiler/pipeline.js';
import * as runtime from '../../runtime/browser.js';
import * as stdlib from '../../stdlib/browser.js';
import { renderGraphPage } from '../graph-page.js';
import { graphPageData } from '../graph-page-data.js';
import { escapeHtml } from '../html.js';
import { DIGITS, GRAPH_SCRIPT, MODELS } from './assets.js';
import { DATA_CHOICES, defaultData, makeData, type DataChoice } from './data.js';
import { createEditor } from './editor.js';
import { compileInPage } from './load-module.js';
import { train, type TrainResult } from './train-panel.js';

/** What the tests read and call. */
export interface PlaygroundHooks {
  backendLine: string;
  /** The last check: its time, diagnostics (code, 1-based line and column) and plan rows. */
  lastCheck?: { readonly ms: number; readonly at: number; readonly diagnostics: ReadonlyArray<{ code: string; line: number; column: number; message: string }>; readonly plan: readonly PlanRow[] };
  /** How many times the graph frame was redrawn. */
  graphRenders: number;
  lastRun?: TrainResult;
  setModel(name: string): void;
  /** Compiles the editor's text and trains it with the form's settings. */
  train(): Promise<TrainResult | undefined>;
  ready: Promise<void>;
}

const byId = <T extends HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as T;
};

let modelName = MODELS.igr_vae ? 'igr_vae' : Object.keys(MODELS)[0];
let csv: { name: string; text: string } | undefined;
let lastGraphKey = '';
let controller: AbortController | undefined;

const hooks: PlaygroundHooks = {
  backendLine: '',
  graphRenders: 0,
  setModel: (name) => selectModel(name),
  train: () => startTraining(),
  ready: Promise.resolve(),
};
(globalThis as { sgmPlayground?: PlaygroundHooks }).sgmPlayground = hooks;

function showPlan(rows: readonly PlanRow[]): void {
  const body = rows.map((r) => `<tr><td>${r.line}</td><td><b>${escapeHtml(r.node)}</b></td><td>${escapeHtml(r.distribution)}</td><td>${escapeHtml(r.estimator)}</td><td>${escapeHtml(r.kl)}</td><td class="reason">${escapeHtml(r.reason)}</td></tr>`);
  byId('plan').innerHTML = rows.length === 0 ? '<p class="hint">No plan: fix the errors first, or the model has no stochastic node.</p>' : `<table><thead><tr><th>line</th><th>node</th><th>distribution</th><th>estimator</th><th>KL</th><th>reason</th></tr></thead><tbody>${body.join('')}</tbody></table>`;
}

function showGraph(result: FrontEndResult): void {
  if (!result.ok || result.models.length === 0) return;
  const graph = annotateGraph(buildGraph(result.models[0]).value, result.plans[0]);
  const data = graphPageData(graph, result.file.text, planRows(result.plans[0]));
  const key = JSON.stringify(data);
  if (key === lastGraphKey) return;
  lastGraphKey = key;
  byId<HTMLIFrameElement>('graph').srcdoc = renderGraphPage(data, GRAPH_SCRIPT);
  hooks.graphRenders++;
}

function onCheck(result: FrontEndResult, ms: number): void {
  const diagnostics = result.diagnostics.map((d) => ({ code: d.code, message: d.message, ...result.file.position(d.span.start) }));
  const plan = result.ok && result.plans.length > 0 ? planRows(result.plans[0]) : [];
  hooks.lastCheck = { ms, at: performance.now(), diagnostics, plan };
  byId('diagnostics').innerHTML =
    diagnostics.length === 0
      ? `<li class="ok">no problems (checked in ${ms.toFixed(1)} ms)</li>`
      : diagnostics.map((d) => `<li class="${d.code.startsWith('SGM') ? 'error' : ''}">${escapeHtml(d.code)} line ${d.line}:${d.column}: ${escapeHtml(d.message)}</li>`).join('');
  if (result.ok) {
    showPlan(plan);
    showGraph(result);
  }
}

const editor = createEditor({ parent: byId('editor'), text: MODELS[modelName] ?? '', path: () => `models/${modelName}.sgm`, onCheck });

function selectModel(name: string): void {
  modelName = name;
  byId<HTMLSelectElement>('model').value = name;
  editor.setText(MODELS[name] ?? '');
}

async function startTraining(): Promise<TrainResult | undefined> {
  controller?.abort();
  controller = new AbortController();
  const status = byId('status');
  const button = byId<HTMLButtonElement>('train');
  button.disabled = true;
  try {
    status.textContent = 'compiling…';
    const { module, diagnostics } = await compileInPage(`models/${modelName}.sgm`, editor.view.state.doc.toString());
    if (!module) {
      status.textContent = `not compiled: ${diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`;
      return undefined;
    }
    const select = byId<HTMLSelectElement>('data');
    const choice = (select.value === 'auto' ? defaultData(module.metadata) : select.value) as DataChoice;
    const num = (id: string): number => Number(byId<HTMLInputElement>(id).value);
    const result = await train(
      { module, dataset: makeData(choice, DIGITS, csv), steps: num('steps'), batchSize: num('batch'), learningRate: num('lr'), seed: num('seed'), signal: controller.signal },
      { status, loss: byId('loss-chart'), tau: byId('tau-chart'), samples: byId('samples'), sampleText: byId('sample-text') },
    );
    hooks.lastRun = result;
    return result;
  } catch (error) {
    status.textContent = `error: ${error instanceof Error ? error.message : String(error)}`;
    if (!runtime.isUserError(error)) throw error;
    return undefined;
  } finally {
    button.disabled = false;
  }
}

function setUp(): void {
  const models = byId<HTMLSelectElement>('model');
  models.innerHTML = Object.keys(MODELS).map((n) => `<option value="${escapeHtml(n)}">${escapeHtml(n)}</option>`).join('');
  models.value = modelName;
  models.addEventListener('change', () => selectModel(models.value));
  byId<HTMLSelectElement>('data').innerHTML = ['auto', ...DATA_CHOICES].map((c) => `<option value="${c}">${c === 'auto' ? 'data: the model’s default' : c === 'csv' ? 'uploaded CSV' : c}</option>`).join('');
  byId<HTMLInputElement>('csv').addEventListener('change', async (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    csv = { name: file.name, text: await file.text() };
    byId<HTMLSelectElement>('data').value = 'csv';
  });
  byId('train').addEventListener('click', () => void startTraining());
  byId('stop').addEventListener('click', () => controller?.abort());
  const requested = new URLSearchParams(location.search).get('backend') as runtime.BackendName | null;
  hooks.ready = (async () => {
    await stdlib.usePriorCacheInIndexedDb();
    const info = await runtime.initBrowserBackend(requested ?? undefined, { wasmPaths: new URL('./', location.href).href });
    hooks.backendLine = runtime.describeBrowserBackend(info);
    byId('backend-line').textContent = hooks.backendLine;
    byId('backend-line').title = hooks.backendLine;
  })();
}

setUp();
