/** Styles shared by sgm's pages (graph page, training report). */

/**
 * A page's Content-Security-Policy: inline styles, data: images and (when `scripts`) inline scripts only, and
 * no connection of any kind, so the page can never reach the network, even where the browser is online.
 */
export function offlineCsp(scripts: boolean): string {
  return `default-src 'none'; script-src ${scripts ? "'unsafe-inline'" : "'none'"}; style-src 'unsafe-inline'; img-src data:`;
}

/** Base typography and the note style. */
export const PAGE_BASE_CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933; background: #fff; }
h2.section { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: #667; margin: 14px 0 6px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
summary { cursor: pointer; font-weight: 600; margin: 12px 0 6px; }
.note { color: #6b5a1e; background: #fff8e1; border-left: 3px solid #e0b23a; padding: 6px 10px; }
`;
