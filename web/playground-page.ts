/**
 * The playground's HTML shell and its Content-Security-Policy (the script is web/playground/main.ts, bundled by
 * scripts/build-playground.ts). Offline by policy: scripts only from the page's own folder ('self') and from
 * blob: URLs (the page loads the models it compiles that way, web/playground/load-module.ts), WebAssembly
 * compilation for the WASM backend, the graph frame's one inline script by its hash, no connection anywhere
 * but the page's own folder (the WASM backend fetches its .wasm files from there).
 */
import { escapeHtml, scriptHashSource } from './html.js';
import { PAGE_BASE_CSS } from './page-parts.js';

/** The playground's policy; `graphScript` is the graph page's inline script (allowed in the graph frame). */
export function playgroundCsp(graphScript: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' blob: 'wasm-unsafe-eval' ${scriptHashSource(graphScript)}`,
    "style-src 'self' 'unsafe-inline'",
    'img-src data: blob:',
    "connect-src 'self'",
    "frame-src 'self'",
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const CSS = `
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; }
header { display: flex; gap: 8px; align-items: center; padding: 5px 12px; border-bottom: 1px solid #e2e6ea; white-space: nowrap; }
header h1 { font-size: 17px; margin: 0 8px 0 0; }
header label { font-size: 12px; color: #556; }
header input[type=number] { width: 58px; }
header input[type=file] { width: 190px; }
#backend-line { font-size: 12px; color: #556; padding: 2px 12px; border-bottom: 1px solid #e2e6ea; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
main { flex: 1; display: grid; grid-template-columns: minmax(380px, 42%) 1fr; min-height: 0; }
#left { display: flex; flex-direction: column; min-height: 0; border-right: 1px solid #e2e6ea; }
#editor { flex: 1; min-height: 0; overflow: auto; font-size: 13px; }
#editor .cm-editor { height: 100%; }
#diagnostics { margin: 0; padding: 6px 12px; list-style: none; max-height: 22%; overflow: auto; border-top: 1px solid #e2e6ea; font: 12px ui-monospace, monospace; }
#diagnostics li.error { color: #b91c1c; }
#diagnostics li.ok { color: #15803d; }
#right { overflow: auto; padding: 0 12px 12px; }
#right h2.section { margin: 8px 0 4px; }
#plan table { border-collapse: collapse; font-size: 12px; width: 100%; }
#plan th, #plan td { border-bottom: 1px solid #eef0f2; padding: 3px 6px; text-align: left; vertical-align: top; }
#plan td.reason { color: #556; }
#graph { width: 100%; height: 300px; border: 1px solid #e2e6ea; border-radius: 4px; }
#train-row { display: flex; gap: 10px; flex-wrap: wrap; }
canvas { border: 1px solid #eef0f2; border-radius: 4px; }
#status { font-size: 12px; color: #334; margin: 6px 0; }
#sample-text { font-size: 12px; margin: 4px 0; }
`;

/** The page; `script` is the bundle's file name, `graphScript` the graph frame's script (for the policy). */
export function playgroundHtml(options: { readonly script: string; readonly graphScript: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="sgm playground">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(playgroundCsp(options.graphScript))}">
<title>sgm playground</title>
<style>${PAGE_BASE_CSS}${CSS}</style>
</head>
<body>
<header>
  <h1>sgm playground</h1>
  <select id="model" aria-label="example model"></select>
  <select id="data" aria-label="data"></select>
  <input id="csv" type="file" accept=".csv,text/csv" aria-label="upload a CSV file">
  <label>steps <input id="steps" type="number" value="100" min="1"></label>
  <label>batch <input id="batch" type="number" value="100" min="1"></label>
  <label>lr <input id="lr" type="number" value="0.001" step="0.0001"></label>
  <label>seed <input id="seed" type="number" value="1"></label>
  <button id="train">Train</button> <button id="stop">Stop</button>
</header>
<div id="backend-line">starting a backend…</div>
<main>
  <section id="left"><div id="editor"></div><ul id="diagnostics"></ul></section>
  <section id="right">
    <h2 class="section">Estimator plan</h2><div id="plan"></div>
    <h2 class="section">Graph</h2><iframe id="graph" title="model graph" sandbox="allow-scripts"></iframe>
    <h2 class="section">Training</h2>
    <div id="status">Press Train to compile the model and train it in this page.</div>
    <div id="train-row">
      <canvas id="loss-chart" width="320" height="150"></canvas>
      <canvas id="tau-chart" width="180" height="150"></canvas>
      <canvas id="samples" width="240" height="150"></canvas>
    </div>
    <pre id="sample-text"></pre>
  </section>
</main>
<script src="${escapeHtml(options.script)}"></script>
</body>
</html>
`;
}
