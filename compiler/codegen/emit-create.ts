/**
 * The statements of the generated `create(options)` before the model's functions: the weights of every dense/mlp
 * call site (drawn from options.seed in statement order), params, learned planar flows, fitted priors, and each
 * estimator's own state and parameters (its module's `create`, compiler/estimators/estimator.ts).
 */
import type * as A from '../syntax/ast.js';
import { flattenConst } from '../semantics/constant.js';
import type { DistributionType, ResolvedCall, TensorType } from '../semantics/types.js';
import { estimatorModule } from '../estimators/registry.js';
import { literal } from './emit-expr.js';
import type { ModelState } from './model-state.js';
import { str } from './names.js';

/** Weights of every dense/mlp call site, named after the statement (and argument) it appears in. */
export function allocateLayers(em: ModelState): void {
  const taken = new Set<string>();
  for (const { statement: st } of em.model.statements) {
    const roots: Array<[string, A.Expr]> =
      st.kind === 'assign'
        ? [[st.targets[0].text, st.value]]
        : st.kind === 'sample'
          ? distributionArgs(em, st).map(([p, e]) => [`${st.target.text}${em.model.latents.includes(st.target.text) && isPrior(em, st) ? ':prior' : ''}.${p}`, e])
          : [];
    for (const [base, root] of roots) {
      const visit = (e: A.Expr): void => {
        if (e.kind === 'call') {
          const call = em.model.calls.get(e);
          if (call && (call.name === 'dense' || call.name === 'mlp')) addLayer(em, e, call, base, taken);
          e.args.forEach((a) => visit(a.value));
        } else if (e.kind === 'binary') {
          visit(e.left);
          visit(e.right);
        } else if (e.kind === 'unary') visit(e.operand);
        else if (e.kind === 'paren') visit(e.inner);
        else if (e.kind === 'index') visit(e.target);
        else if (e.kind === 'tensor') e.elements.forEach(visit);
      };
      visit(root);
    }
  }
  if (em.cx.layers.size > 0) em.setup.unshift('const init = new RandomStream(options.seed); // weights are drawn in this order');
  else if (needsInitRng(em)) em.setup.unshift('const init = new RandomStream(options.seed);');
  em.initRng = em.cx.layers.size > 0 || needsInitRng(em);
}

export function needsInitRng(em: ModelState): boolean {
  return em.model.statements.some(
    ({ statement: st }) =>
      (st.kind === 'param' && st.init?.kind === 'call' && em.model.calls.get(st.init)?.name === 'randn') ||
      (st.kind === 'sample' && em.distType(st)?.sig.ownParams === 'planar_flow'),
  );
}

export function isPrior(em: ModelState, st: A.Sample): boolean {
  return em.model.statements.some((s) => s.statement === st && s.role === 'prior');
}

/** The top-level arguments of a distribution statement, by parameter name (nested bases flattened). */
export function distributionArgs(em: ModelState, st: A.Sample): Array<[string, A.Expr]> {
  const call = em.model.calls.get(st.distribution);
  if (!call) return [];
  const out: Array<[string, A.Expr]> = [];
  const walk = (c: ResolvedCall, prefix: string) => {
    for (const [name, a] of c.args) {
      if (a.type.kind === 'distribution') walk(a.type.call, `${prefix}${name}.`);
      else out.push([`${prefix}${name}`, a.expr]);
    }
  };
  walk(call, '');
  return out;
}

export function addLayer(em: ModelState, e: A.Call, call: ResolvedCall, base: string, taken: Set<string>): void {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  const x = em.model.types.get(call.args.get('x')!.expr) as TensorType;
  const fanIn = x.shape![x.shape!.length - 1] as number;
  const sizes = flattenConst((call.args.get(call.name === 'mlp' ? 'sizes' : 'units')!.type as TensorType).constant!);
  const bias = call.name === 'dense' ? call.args.get('bias')?.type : undefined;
  const hasBias = !(bias?.kind === 'tensor' && bias.constant === false);
  const id = em.names.derived(name, call.name === 'mlp' ? 'layers' : 'layer');
  em.cx.layers.set(e, { id, kind: call.name as 'dense' | 'mlp', name, sizes, bias: hasBias });
  const line = em.line(e.span);
  if (call.name === 'mlp') {
    em.cx.imports.runtime.add('initMlp');
    em.setup.push(`const ${id} = initMlp(init, ${str(name)}, [${[fanIn, ...sizes].map(literal).join(', ')}]); // line ${line}: ${em.src(e.span)}`);
  } else {
    em.cx.imports.runtime.add('initDense');
    const out = sizes.reduce((a, b) => a * b, 1);
    em.setup.push(`const ${id} = initDense(init, ${str(name)}, ${literal(fanIn)}, ${literal(out)}${hasBias ? '' : ', { bias: false }'}); // line ${line}: ${em.src(e.span)}`);
  }
  em.cx.imports.runtime.add('variablesOf');
  em.variableEntries.push(`...variablesOf(${id})`);
}

export function emitParams(em: ModelState): void {
  for (const { statement: st } of em.model.statements) {
    if (st.kind !== 'param') continue;
    const name = st.name.text;
    const id = em.names.source(name);
    const shape = (em.model.variables.get(name)?.shape ?? []) as number[];
    const dims = shape.map(literal).join(', ');
    let init = `tf.zeros([${dims}])`;
    if (st.init) {
      const call = st.init.kind === 'call' ? em.model.calls.get(st.init) : undefined;
      if (call?.name === 'randn') {
        const std = call.args.get('std');
        const s = std?.type.kind === 'tensor' && typeof std.type.constant === 'number' ? std.type.constant : 0.01;
        init = `tf.mul(init.normal([${dims}]), ${literal(s)})`;
      } else {
        const t = em.model.types.get(st.init) as TensorType;
        const v = t.constant!;
        init = typeof v === 'number' ? `tf.fill([${dims}], ${literal(v)})` : `tf.broadcastTo(tf.tensor(${literal(v)}), [${dims}])`;
      }
    }
    em.cx.imports.runtime.add('ownedVariable');
    em.setup.push(`const ${id} = ownedVariable(tf.tidy(() => ${init})); // line ${em.line(st.span)}: ${em.src(st.span)}`);
    em.variableEntries.push(`[${str(name)}, ${id}]`);
  }
  // The learned planar flow of each IGR_Planar statement. A latent's guide and prior statements each own one,
  // so a prior's or likelihood's flow is keyed (and its variables named) apart: `<z>.p/flow/...`.
  for (const { statement: st, role } of em.model.statements) {
    if (st.kind !== 'sample') continue;
    const d = em.distType(st);
    if (d?.sig.ownParams !== 'planar_flow' || d.call.name === 'fit_prior') continue;
    const mu = em.model.types.get(d.call.args.get('mu')!.expr) as TensorType;
    const dim = mu.shape![mu.shape!.length - 1] as number;
    const layersArg = d.call.args.get('layers');
    const layers = layersArg?.type.kind === 'tensor' && typeof layersArg.type.constant === 'number' ? layersArg.type.constant : 2;
    const generative = role === 'prior' || role === 'likelihood';
    const owner = generative ? `${st.target.text}.p` : st.target.text;
    const id = em.id(`${owner}.flow`, st.target.text, generative ? 'p_flow' : 'flow');
    em.cx.imports.runtime.add('planarFlowVariables');
    em.setup.push(`const ${id} = planarFlowVariables(init, ${str(owner)}, ${literal(dim)}, ${literal(layers)}); // line ${em.line(st.span)}: learned planar flow`);
    em.variableEntries.push(`...${id}.variables`);
  }
}

/** fit_prior statements: the moment-matched Gaussian parameters, fitted once and cached on disk. */
export function emitPriors(em: ModelState): void {
  for (const { statement: st } of em.model.statements) {
    if (st.kind !== 'sample') continue;
    const d = em.distType(st);
    if (!d || d.call.name !== 'fit_prior') continue;
    const call = d.call;
    const family = (call.args.get('family')!.type as { name: string }).name;
    const target = call.args.get('target')!.type as DistributionType;
    const probs = target.call.args.get('probs') ?? target.call.args.get('logits')!;
    let p = flattenConst((probs.type as TensorType).constant!);
    if (!target.call.args.has('probs')) {
      const m = Math.max(...p);
      const e = p.map((l) => Math.exp(l - m));
      const z = e.reduce((a, b) => a + b, 0);
      p = e.map((x) => x / z);
    }
    const tau = (call.args.get('tau')!.type as TensorType).constant as number;
    const delta = call.args.get('delta');
    const deltaValue = delta?.type.kind === 'tensor' && typeof delta.type.constant === 'number' ? delta.type.constant : 1;
    const fitTau = call.args.get('fit_tau');
    const fitTauOption = fitTau?.type.kind === 'tensor' && typeof fitTau.type.constant === 'number' ? `, fitTau: ${literal(fitTau.type.constant)}` : '';
    const fit = em.id(`${st.target.text}.fit`, st.target.text, 'fit');
    if ((call.args.get('tau')!.type as TensorType).schedule) {
      // A scheduled τ: the prior is moment-matched at each step's τ (grid of fits, stdlib/fit-prior-schedule.ts).
      em.cx.imports.stdlib.add('fitPriorSchedule');
      em.setup.push(
        `// line ${em.line(st.span)}: ${em.src(st.distribution.span)}: moment-matched at the current tau (fits on a grid of tau, cached on disk)`,
        `const ${fit} = fitPriorSchedule(${str(family)}, [${p.map(literal).join(', ')}], { delta: ${literal(deltaValue)}${fitTauOption}, ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}), ...(options.log ? { log: options.log } : {}) });`,
      );
      continue;
    }
    const [mu, sigma] = [em.id(`${st.target.text}.prior.mu`, st.target.text, 'prior_mu'), em.id(`${st.target.text}.prior.sigma`, st.target.text, 'prior_sigma')];
    em.disposables.push(mu, sigma);
    em.cx.imports.stdlib.add('fitPrior');
    em.setup.push(
      `// line ${em.line(st.span)}: ${em.src(st.distribution.span)}: moment-matched once to the target, cached on disk`,
      `const ${fit} = fitPrior(${str(family)}, [${p.map(literal).join(', ')}], ${literal(tau)}, { delta: ${literal(deltaValue)}${fitTauOption}, ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}), ...(options.log ? { log: options.log } : {}) });`,
      `const ${mu} = tf.tensor1d(${fit}.mu);`,
      `const ${sigma} = tf.tensor1d(${fit}.sigma);`,
    );
  }
}

/** Each estimator's own state and parameters in `create` (an EMA baseline, a learned network). */
export function emitEstimatorState(em: ModelState): void {
  for (const e of em.plan.estimators) {
    estimatorModule(e.estimator).create?.(e, {
      ...em.codeText(),
      id: em.nodeId(e.node),
      setup: (...lines) => void em.setup.push(...lines),
      variables: (entry) => void em.variableEntries.push(entry),
      afterStep: (line) => void em.afterStep.push(line),
      rng: () => {
        if (!em.initRng) em.setup.unshift('const init = new RandomStream(options.seed);');
        em.initRng = true;
        return 'init';
      },
    });
  }
}
