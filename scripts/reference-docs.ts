/**
 * Generates the reference pages from the data they describe, so they cannot drift: docs/reference.md (every
 * distribution and built-in function, from the signature table) and docs/diagnostics.md (every diagnostic code,
 * from the catalog). `npm run goldens` rewrites them; a test checks they are current.
 */
import { CATALOG, DIAGNOSTIC_CODES } from '../compiler/diagnostics/catalog.js';
import { ESTIMATOR_SIGNATURES } from '../compiler/estimators/registry.js';
import { DISTRIBUTIONS, FUNCTIONS, type ParamSig } from '../stdlib/signatures/index.js';

const esc = (s: string) => s.replace(/\|/g, '\\|');

function paramText(p: ParamSig): string {
  const dflt = p.default === undefined ? '' : ` = ${String(p.default)}`;
  const opt = p.optional && p.default === undefined ? '?' : '';
  const aliases = p.aliases?.length ? ` (also ${p.aliases.join(', ')})` : '';
  const kind = p.kind === 'choice' || p.kind === 'activation' ? (p.choices ?? []).join(' \\| ') : p.schedule ? `${p.kind} or schedule` : p.kind;
  return `\`${p.name}${opt}${dflt}\`: ${kind}${p.constraint ? `, ${p.constraint.replace(/_/g, ' ')}` : ''}${aliases}. ${esc(p.doc)}`;
}

/** docs/reference.md */
export function referenceMarkdown(): string {
  const lines = [
    '# Language reference: distributions and built-in functions',
    '',
    'Generated from the signature table (`stdlib/signatures/`) by `npm run goldens`; do not edit by hand.',
    'Positional arguments fill parameters in the order listed; every parameter can also be passed by name.',
    '',
    '## Distributions',
    '',
    '| distribution | support | gradient | enumerable | reference |',
    '|---|---|---|---|---|',
    ...DISTRIBUTIONS.map(
      (d) =>
        `| [${d.name}](#${d.name.toLowerCase()}) | ${d.support.replace(/_/g, ' ')} | ${d.hasRsample ? 'pathwise' : d.hasEnumerateSupport ? 'score function / enumeration' : 'score function'}${d.straightThrough ? ', straight-through' : ''} | ${d.hasEnumerateSupport ? 'yes' : 'no'} | ${esc(d.cite)} |`,
    ),
    '',
  ];
  for (const d of DISTRIBUTIONS) {
    lines.push(`### ${d.name}`, '', `${esc(d.doc)}.${d.aliases?.length ? ` Also written ${d.aliases.join(', ')}.` : ''}`, '');
    lines.push(...d.params.map((p) => `- ${paramText(p)}`));
    if (d.exactlyOneOf?.length) lines.push(`- exactly one of: ${d.exactlyOneOf.map((g) => g.join(' or ')).join('; ')}`);
    if (d.suggestRelaxation) lines.push(`- relaxation for low-variance gradients: \`${d.suggestRelaxation}\``);
    if (d.example) lines.push(`- example: \`${d.example}\` (from a tested model in [language.md](language.md#${d.event.kind === 'mixture' ? 'mixtures' : 'continuous-distributions'}))`);
    lines.push('');
  }
  lines.push('## Built-in functions', '');
  // The stdlib's table, with the estimators' `with` signatures (declared by their modules) before the baselines.
  const functions = [...FUNCTIONS, ...ESTIMATOR_SIGNATURES];
  const categories = [...new Set(FUNCTIONS.map((f) => f.category))];
  categories.splice(categories.indexOf('baseline'), 0, 'estimator');
  for (const c of categories) {
    lines.push(`### ${c.replace(/_/g, ' ')}`, '');
    for (const f of functions.filter((g) => g.category === c)) {
      const sig = `${f.name}(${f.params.map((p) => p.name).join(', ')}${f.variadic ? ', ...' : ''})`;
      lines.push(`- \`${sig}\`${f.aliases?.length ? ` (also ${f.aliases.join(', ')})` : ''}: ${esc(f.doc)}.${f.bareAllowed ? ' May be written without parentheses.' : ''}`);
      for (const p of f.params) lines.push(`  - ${paramText(p)}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** docs/diagnostics.md */
export function diagnosticsMarkdown(): string {
  return [
    '# Diagnostics',
    '',
    'Every code sgm reports, generated from `compiler/diagnostics/catalog.ts` by `npm run goldens`. Each has at least',
    'one example in `test/cases/bad/` with the exact text `sgm check` prints (`<code>_*.errors.txt`).',
    '',
    '| code | severity | title | explanation |',
    '|---|---|---|---|',
    ...DIAGNOSTIC_CODES.map((c) => `| ${c} | ${CATALOG[c].severity} | ${esc(CATALOG[c].title)} | ${esc(CATALOG[c].explanation)} |`),
    '',
  ].join('\n');
}
