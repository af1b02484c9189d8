/** The search box: nodes whose name, id, distribution or estimator contains the query, best match first. */
import type { PageNode } from '../../graph-page-data.js';

/** Most matches listed under the box. */
const MAX_LISTED = 12;

/** The nodes matching `query` (case-insensitive): exact names first, then prefixes, then substrings. */
export function findNodes(nodes: readonly PageNode[], query: string): PageNode[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [];
  const rank = (n: PageNode): number => {
    const name = n.name.toLowerCase();
    if (name === q || n.id.toLowerCase() === q) return 0;
    if (name.startsWith(q)) return 1;
    if (name.includes(q) || n.id.toLowerCase().includes(q)) return 2;
    if ((n.distribution ?? '').toLowerCase().includes(q) || (n.estimator ?? '').toLowerCase().includes(q)) return 3;
    return 4;
  };
  return nodes
    .map((n, i) => ({ n, r: rank(n), i }))
    .filter((m) => m.r < 4)
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((m) => m.n);
}

/** Wires the box: typing highlights the matches (`onMatches`), Enter or a click on a listed match selects it. */
export function attachSearch(
  input: HTMLInputElement,
  list: HTMLElement,
  nodes: readonly PageNode[],
  onMatches: (ids: readonly string[]) => void,
  onSelect: (id: string) => void,
): void {
  let matches: PageNode[] = [];
  const update = () => {
    matches = findNodes(nodes, input.value);
    onMatches(matches.map((m) => m.id));
    list.replaceChildren(
      ...matches.slice(0, MAX_LISTED).map((m) => {
        const li = document.createElement('li');
        li.dataset.node = m.id;
        li.textContent = m.distribution ? `${m.name} ~ ${m.distribution}` : m.name;
        li.addEventListener('click', () => onSelect(m.id));
        return li;
      }),
    );
    if (input.value.trim() !== '' && matches.length === 0) list.replaceChildren(Object.assign(document.createElement('li'), { className: 'none', textContent: 'no node matches' }));
    if (matches.length > MAX_LISTED) list.append(Object.assign(document.createElement('li'), { className: 'none', textContent: `… and ${matches.length - MAX_LISTED} more (highlighted)` }));
  };
  input.addEventListener('input', update);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && matches.length > 0) onSelect(matches[0].id);
    if (e.key === 'Escape') {
      input.value = '';
      update();
    }
  });
}
