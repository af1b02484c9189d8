/** What sgm's pages (graph page, training report) share: the document head with its policy, and base styles. */
import { escapeHtml, scriptHashSource } from './html.js';

/**
 * A page's Content-Security-Policy: inline styles, data: images, exactly the inline scripts whose code is
 * given (each allowed by its SHA-256 hash, so no other script, injected or not, can run), and no connection of
 * any kind, so the page can never reach the network, even where the browser is online.
 */
export function offlineCsp(scripts: readonly string[]): string {
  const scriptSrc = scripts.length === 0 ? "'none'" : scripts.map(scriptHashSource).join(' ');
  return `default-src 'none'; script-src ${scriptSrc}; style-src 'unsafe-inline'; img-src data:`;
}

/** Base typography and the note style. */
export const PAGE_BASE_CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933; background: #fff; }
h2.section { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: #667; margin: 14px 0 6px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
summary { cursor: pointer; font-weight: 600; margin: 12px 0 6px; }
.note { color: #6b5a1e; background: #fff8e1; border-left: 3px solid #e0b23a; padding: 6px 10px; }
`;

/**
 * The start of a page up to `<body>`: charset, viewport, generator, the offline policy, title and styles.
 * `scripts` is the code of every script the page inlines (with `inlineScript`), which the policy allows by hash.
 */
export function pageHead(options: { readonly title: string; readonly generator: string; readonly scripts: readonly string[]; readonly css: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(options.generator)}">
<meta http-equiv="Content-Security-Policy" content="${offlineCsp(options.scripts)}">
<title>${escapeHtml(options.title)}</title>
<style>${PAGE_BASE_CSS}${options.css}</style>
</head>
<body>
`;
}
