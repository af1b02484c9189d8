/**
 * Language server latency on the generated 5,000-line model (bench/large-model.ts), as an editor sees it: the time
 * from sending a keystroke (`textDocument/didChange`, one character typed into a statement in the middle of the
 * file) to receiving the diagnostics of that version, over stdio, debounce included; the same keystrokes in-process
 * (lsp/document.ts's analyzeDocument, no debounce, no protocol); and the time of opening the file. The server is
 * the built dist/ when present (what `sgm lsp` runs), else the sources through tsx.
 * `node --import tsx bench/lsp-latency.ts` prints the rows; `npm run bench` includes them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../runtime/package-root.js';
import { analyzeDocument } from '../lsp/document.js';
import { LspClient, positionOf } from '../test/lsp/client.js';
import { largeModel } from './large-model.js';
import type { SectionResult } from './sections.js';

/** Keystrokes timed (after two untimed ones that warm the server up). */
const KEYSTROKES = 50;

/** The median and 90th percentile of a sample. */
function quantiles(xs: number[]): { median: number; p90: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[s.length >> 1], p90: s[Math.min(s.length - 1, Math.floor(s.length * 0.9))] };
}

/** The same keystrokes in-process: analyzeDocument re-using the previous state, as the server does. */
function inProcess(text: string, at: number): number[] {
  let state = analyzeDocument('file:///large-5000.sgm', 1, text);
  let cur = text;
  const times: number[] = [];
  for (let k = 0; k < KEYSTROKES + 2; k++) {
    cur = cur.slice(0, at + k) + '1' + cur.slice(at + k);
    const t0 = performance.now();
    state = analyzeDocument('file:///large-5000.sgm', k + 2, cur, state);
    if (k >= 2) times.push(performance.now() - t0);
  }
  return times;
}

export async function lspLatency(): Promise<SectionResult> {
  const dist = join(packageRoot(), 'dist/cli/sgm.js');
  const built = existsSync(dist);
  const client = new LspClient(built ? [dist, 'lsp', '--stdio'] : undefined);
  try {
    await client.initialize();
    const text = largeModel(5000);
    const uri = LspClient.uri(join(packageRoot(), 'large-5000.sgm'));
    let t0 = performance.now();
    client.open(uri, text);
    const opened = await client.diagnostics(uri, 1, 120_000);
    if (opened.some((d) => d.severity === 1)) throw new Error(`the 5,000-line model has errors: ${opened[0].message}`);
    const openMs = performance.now() - t0;
    // Type digits after the `0.5` of a statement in the middle: each keystroke is a valid edit of one statement.
    const at = text.indexOf('* 0.5', text.length >> 1) + '* 0.5'.length;
    const times: number[] = [];
    for (let k = 0; k < KEYSTROKES + 2; k++) {
      const pos = positionOf(text, at);
      const where = { line: pos.line, character: pos.character + k };
      t0 = performance.now();
      client.change(uri, k + 2, { start: where, end: where }, '1');
      const d = await client.diagnostics(uri, k + 2, 120_000);
      if (d.some((x) => x.severity === 1)) throw new Error(`keystroke ${k} made an error: ${d[0].message}`);
      if (k >= 2) times.push(performance.now() - t0);
    }
    const stdio = quantiles(times);
    const local = quantiles(inProcess(text, at));
    const note = `${built ? 'dist/' : 'sources via tsx (no dist/)'}; ${text.split('\n').length} lines`;
    return {
      id: 'lsp-latency',
      title: 'language server on the 5,000-line model: keystroke to diagnostics over stdio (debounce included)',
      status: 'measured',
      rows: [
        { name: 'didOpen to diagnostics', value: Math.round(openMs), unit: 'ms', note },
        { name: `keystroke to diagnostics, median of ${KEYSTROKES}`, value: Math.round(stdio.median), unit: 'ms', note },
        { name: `keystroke to diagnostics, p90 of ${KEYSTROKES}`, value: Math.round(stdio.p90), unit: 'ms', note },
        { name: `keystroke to diagnostics, worst of ${KEYSTROKES}`, value: Math.round(Math.max(...times)), unit: 'ms', note },
        { name: `keystroke in-process (analyzeDocument), median of ${KEYSTROKES}`, value: Math.round(local.median), unit: 'ms', note: 'sources of this process; no debounce, no protocol' },
        { name: `keystroke in-process (analyzeDocument), p90 of ${KEYSTROKES}`, value: Math.round(local.p90), unit: 'ms', note: 'sources of this process; no debounce, no protocol' },
      ],
    };
  } finally {
    await client.shutdown();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await lspLatency();
  for (const row of r.rows) console.log(`${row.name}: ${row.value} ${row.unit} (${row.note})`);
}
