/** The plan as a table for `sgm check --explain`: one row per stochastic node. */
import { estimatorModule } from '../estimators/registry.js';
import type { Plan } from './plan.js';

/** One row of the table. */
export interface PlanRow {
  readonly line: number;
  readonly node: string;
  readonly distribution: string;
  /** The estimator as the plan table shows it (its module's label, e.g. `reinforce (ema 0.9)`). */
  readonly estimator: string;
  readonly kl: string;
  readonly reason: string;
  /**
   * Present where the compiler itself chose the score function (high variance): a pointer to `sgm compare`,
   * which measures every estimator applicable to the node.
   */
  readonly compare?: string;
}

/** The pointer to `sgm compare` for a node whose automatic estimator is the score function. */
export function compareHint(node: string, file = 'FILE'): string {
  return `the compiler chose the score function for '${node}': \`sgm compare ${file} --node ${node}\` measures the variance and bias of every estimator that applies to it`;
}

/** The rows of a plan, in source order; `file` names the model in the pointers to `sgm compare`. */
export function planRows(plan: Plan, file = 'FILE'): PlanRow[] {
  const rows: PlanRow[] = [];
  for (const e of plan.estimators) {
    const kl = plan.kl.find((k) => k.latent === e.node);
    const est = estimatorModule(e.estimator).label?.(e) ?? e.estimator;
    rows.push({
      line: e.line,
      node: e.node,
      distribution: e.distribution,
      estimator: est,
      kl: kl ? klText(kl.method, kl.samples) : '-',
      reason: kl ? `${e.reason}. KL: ${kl.reason}` : e.reason,
      ...(e.estimator === 'reinforce' && !e.overridden ? { compare: compareHint(e.node, file) } : {}),
    });
  }
  for (const n of plan.evaluated) {
    rows.push({ line: n.line, node: n.node, distribution: n.distribution, estimator: n.role === 'prior' ? '(prior)' : '(observed)', kl: '-', reason: n.reason });
  }
  return rows.sort((a, b) => a.line - b.line);
}

function klText(method: 'closed_form' | 'mc', samples: number): string {
  return method === 'closed_form' ? 'closed form' : `MC x${samples}`;
}

/** The table as aligned text; `file` names the model in the pointer to `sgm compare`. */
export function formatPlan(plan: Plan, file = 'FILE'): string {
  const header: PlanRow = { line: 0, node: 'node', distribution: 'distribution', estimator: 'estimator', kl: 'KL', reason: 'reason' };
  const rows = [header, ...planRows(plan, file)];
  const cols = ['node', 'distribution', 'estimator', 'kl'] as const;
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(...rows.map((r) => [...r[c]].length))])) as Record<(typeof cols)[number], number>;
  const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - [...s].length));
  const lines = rows.map((r) => `${cols.map((c) => pad(r[c], width[c])).join('  ')}  ${r.reason}`);
  if (rows.length === 1) lines.push('(no stochastic nodes)');
  const scored = rows.filter((r) => r.compare !== undefined).map((r) => r.node);
  if (scored.length > 0) {
    lines.push(`note: the compiler chose the score function for ${scored.join(', ')}: \`sgm compare ${file}\` measures the variance and bias of every estimator that applies`);
  }
  return lines.join('\n') + '\n';
}
