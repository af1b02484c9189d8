/**
 * NVIL (Mnih & Gregor 2014, arXiv:1402.0030, section 3 and Algorithm 1): the score function centred by a learned
 * input-dependent baseline b_ψ(x) and a moving-average baseline c, divided by max(1, √v) with v the moving average
 * of the centred signal's variance; ψ is trained with the model by minimising the squared centred signal
 * (runtime/estimators/nvil.ts holds the network, the moving averages and the surrogate; docs/math.md section 11).
 * Never chosen automatically: it adds a network of its own, which a user asks for.
 */
import { makeDiagnostic } from '../diagnostics/make.js';
import { isNamedDim } from '../semantics/shape.js';
import type { CheckedModel } from '../semantics/types.js';
import { namesRead } from '../syntax/names-read.js';
import type * as A from '../syntax/ast.js';
import { constantOption, type EstimatorModule, type NodeFacts } from './estimator.js';
import { scoreFunctionDraw } from './score-draw.js';

/** Defaults (docs/reference.md): one hidden layer of 100 tanh units, as in the paper's experiments. */
// normalize defaults to false: the division reaches only the score-function part of the guide's gradient, not the
// part the objective differentiates directly (an analytic KL term), so the step direction is then biased
// (docs/math.md section 11; the 200-200 SBN reached ELBO −162.8 with it and −149.5 without, at 2,000 steps).
export const NVIL_DEFAULTS = { hidden: 100, decay: 0.9, normalize: false } as const;

/** The names an expression or statement reads. */
function statementReads(st: A.Statement): string[] {
  if (st.kind === 'assign') return namesRead(st.value);
  if (st.kind === 'sample') return namesRead(st.distribution);
  return [];
}

/**
 * The data the baseline reads: those the guide reads (a flat model: those the node's distribution reads), through
 * model-level and guide assignments, with their per-data-point sizes; or the reason there are none.
 */
export function baselineInputs(model: CheckedModel, f: NodeFacts): Array<{ name: string; size: number }> | string {
  const isData = (n: string) => (model.definitions.get(n) ?? []).some((d) => d.kind === 'data');
  const assigned = new Map<string, string[]>();
  for (const { statement } of model.statements) if (statement.kind === 'assign') for (const t of statement.targets ?? []) assigned.set(t.text, statementReads(statement));
  const roots =
    model.structure === 'blocks'
      ? model.statements.filter((s) => s.block === 'guide').flatMap((s) => statementReads(s.statement))
      : namesRead(f.statement.distribution);
  const seen = new Set<string>();
  const data: string[] = [];
  const visit = (n: string): void => {
    if (seen.has(n)) return;
    seen.add(n);
    if (isData(n)) data.push(n);
    for (const r of assigned.get(n) ?? []) visit(r);
  };
  roots.forEach(visit);
  if (data.length === 0) return model.structure === 'blocks' ? 'the guide reads no data' : `'${f.node}' depends on no data`;
  const out: Array<{ name: string; size: number }> = [];
  for (const name of data) {
    const shape = model.variables.get(name)?.shape;
    if (!shape || shape.length === 0 || !isNamedDim(shape[0]) || shape.slice(1).some((d) => typeof d !== 'number')) {
      return `data '${name}' has no batch axis followed by fixed sizes`;
    }
    out.push({ name, size: shape.slice(1).reduce((a: number, d) => a * (d as number), 1) });
  }
  return out;
}

function booleanOption(clause: { args: ReadonlyMap<string, { type: { kind: string; constant?: unknown } }> }, name: string): boolean | undefined {
  const t = clause.args.get(name)?.type;
  return t?.kind === 'tensor' && typeof t.constant === 'boolean' ? t.constant : undefined;
}

export const nvil: EstimatorModule<'nvil'> = {
  kind: 'nvil',
  statefulStep: true,
  summary: 'score function with an input-dependent learned baseline and variance normalisation (NVIL)',
  syntax: {
    doc: 'score function with an input-dependent learned baseline b(x), a moving-average baseline and optional variance normalisation (NVIL: Mnih, Gregor 2014, arXiv:1402.0030)',
    params: [
      { name: 'hidden', kind: 'constant', constraint: 'positive_integer', optional: true, default: 100, doc: 'tanh units of the baseline network on the guide’s data' },
      { name: 'decay', kind: 'constant', constraint: 'unit_interval', optional: true, default: 0.9, doc: 'decay of the moving averages of the centred signal and of its variance' },
      { name: 'normalize', kind: 'constant', constraint: 'boolean', optional: true, default: false, doc: 'divide the centred signal by max(1, its running standard deviation) (the paper’s form; biased in direction when the objective also differentiates the guide directly, e.g. an analytic KL)' },
    ],
  },
  display: { fill: '#e07a5f', border: '#8a3b26', label: 'score function + learned baseline (NVIL)' },

  fromClause(f, clause) {
    const inputs = baselineInputs(f.model, f);
    if (typeof inputs === 'string') {
      f.diagnostics.push(
        makeDiagnostic('SGM5001', f.clauseSpan, `nvil's baseline network b(x) needs data to read, but ${inputs}`, {
          label: 'no input for the baseline',
          help: "use 'with reinforce' (a moving-average baseline needs no input)",
        }),
      );
      return undefined;
    }
    const hidden = constantOption(clause, 'hidden') ?? NVIL_DEFAULTS.hidden;
    const decay = constantOption(clause, 'decay') ?? NVIL_DEFAULTS.decay;
    const normalize = booleanOption(clause, 'normalize') ?? NVIL_DEFAULTS.normalize;
    const size = inputs.reduce((a, i) => a + i.size, 0);
    return {
      node: f.node,
      distribution: f.distribution,
      samples: 1,
      estimator: 'nvil',
      options: { hidden, decay, normalize, inputs: inputs.map((i) => i.name).join(','), inputSize: size },
      reason: `requested with nvil: score function, learned baseline b(${inputs.map((i) => i.name).join(', ')}) (${hidden} tanh units) + moving average (decay ${decay})${normalize ? ', normalised by max(1, running std)' : ''} (Mnih & Gregor 2014)`,
      overridden: true,
    };
  },

  objectiveProblem(objective) {
    return objective.form === 'iwae' ? 'under iwae a discrete latent needs vimco' : undefined;
  },

  label(d) {
    return `nvil (${d.options?.hidden} tanh${d.options?.normalize ? ', normalised' : ''})`;
  },

  create(d, cx) {
    const id = cx.id('nvil');
    const o = d.options ?? {};
    cx.importRuntime('NvilBaseline');
    // Weights from the model's initialisation stream, after the model's own layers (which stay as they were).
    cx.setup(
      `const ${id} = new NvilBaseline(${cx.rng()}, ${cx.str(`nvil/${d.node}`)}, ${cx.literal(Number(o.inputSize))}, { hidden: ${cx.literal(Number(o.hidden))}, decay: ${cx.literal(Number(o.decay))}, normalize: ${o.normalize ? 'true' : 'false'} }); // line ${d.line}: ${cx.comment(d.reason)}`,
    );
    cx.variables(`...${id}.variables()`);
    cx.afterStep(`${id}.update();`);
  },

  draw(d, cx) {
    return scoreFunctionDraw(d, cx, 'score-function term');
  },

  surrogate(d, cx) {
    const inputs = `[${String(d.options?.inputs ?? '').split(',').map((n) => cx.data(n)).join(', ')}]`;
    const id = cx.id('nvil');
    if (cx.form === 'samples') {
      // Several passes (another node's reinforce(samples = k)): the mean of the per-pass surrogates, as a joint
      // enumeration with equal weights 1/k.
      const k = cx.samples;
      return [`loss = tf.add(loss, ${id}.enumerated(${cx.logq}, ${cx.signal}, Array.from({ length: ${k} }, () => tf.scalar(${cx.literal(1 / k)})), ${inputs})) as tf.Scalar; // ${cx.comment(`${d.node}: ${d.reason}`)}, over ${k} passes`];
    }
    if (cx.form === 'enumerated') {
      return [`loss = tf.add(loss, ${id}.enumerated(${cx.logq}, ${cx.signal}, ${cx.probs}, ${inputs})) as tf.Scalar; // ${cx.comment(`${d.node}: ${d.reason}`)}, per enumerated configuration`];
    }
    return [`loss = tf.add(loss, ${id}.surrogate(${cx.logq}, ${cx.signal}, ${inputs})) as tf.Scalar; // ${cx.comment(`${d.node}: ${d.reason}`)}`];
  },
};
