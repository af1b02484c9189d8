/** Safe pieces of HTML: escaped text, inline scripts and JSON data blocks that cannot end their element early. */
// Plain-JS SHA-256 rather than node:crypto: the playground renders these pages inside the browser too.
import { Sha256 } from '../runtime/data/sha256.js';

/** Text or an attribute value with &, <, >, " and ' escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A `<script>` element with `code` inlined (`</script` inside the code is written `<\/script`, same meaning in JS). */
export function inlineScript(code: string): string {
  return `<script>${scriptText(code)}</script>`;
}

/**
 * The Content-Security-Policy source that allows exactly the script `inlineScript(code)` writes:
 * `'sha256-<base64>'` of the element's text as it stands in the page (CSP Level 2, "hash-source").
 */
export function scriptHashSource(code: string): string {
  const digest = new Sha256().update(scriptText(code)).bytes();
  return `'sha256-${btoa(String.fromCharCode(...digest))}'`;
}

/**
 * The text of the script element for `code`. Carriage returns become line feeds, as the HTML parser would make
 * them before the browser hashes the element (a raw CR can only stand in JS comments and template literals,
 * where a LF means the same), so the hash in the policy is the hash the browser computes.
 */
function scriptText(code: string): string {
  return code.replace(/\r\n?/g, '\n').replace(/<\/(script)/gi, '<\\/$1');
}

/** A JSON data block (`<script type="application/json">`): `<` is written \u003c, so no text can close it. */
export function jsonScript(id: string, value: unknown): string {
  return `<script type="application/json" id="${escapeHtml(id)}">${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`;
}
