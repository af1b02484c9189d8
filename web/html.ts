/** Safe pieces of HTML: escaped text, inline scripts and JSON data blocks that cannot end their element early. */

/** Text or an attribute value with &, <, >, " and ' escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A `<script>` element with `code` inlined (`</script` inside the code is written `<\/script`, same meaning in JS). */
export function inlineScript(code: string): string {
  return `<script>${code.replace(/<\/(script)/gi, '<\\/$1')}</script>`;
}

/** A JSON data block (`<script type="application/json">`): `<` is written \u003c, so no text can close it. */
export function jsonScript(id: string, value: unknown): string {
  return `<script type="application/json" id="${escapeHtml(id)}">${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`;
}
