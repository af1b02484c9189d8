/**
 * Builds the graphology graph of a checked model: one node per declaration, variable and objective, one per
 * non-trivial distribution argument (`x.logits`), edges labelled with the argument they feed, and a KL edge
 * from each latent's posterior to its prior. Node ids are variable names (a latent's prior is `z:prior`).
 */
import type { StageResult } from '../diagnostics/diagnostic.js';
import type { Span } from '../diagnostics/source.js';
import type * as A from '../syntax/ast.js';
import type { CheckedModel, ResolvedCall } from '../semantics/types.js';
import { namesRead } from '../syntax/names-read.js';
import { createModelGraph, OBJECTIVE_NODE, priorNodeId, type ModelGraph, type NodeAttributes } from './model-graph.js';

/** Builds the model graph (no diagnostics: the checker already validated the model). */
export function buildGraph(model: CheckedModel): StageResult<ModelGraph> {
  const g = createModelGraph({ model: model.name, source: model.file.path, hyperparameters: model.hyperparameters });
  const latents = new Set(model.latents);
  const observed = new Set(model.observed);
  const loc = (span: Span) => ({ start: span.start, end: span.end, ...model.file.position(span.start) });
  const shapeOf = (name: string) => model.variables.get(name)?.shape ?? null;
  /** The node that holds a name's value where it is read (a latent reads as its posterior sample). */
  const valueNode = (name: string): string | undefined => (g.hasNode(name) ? name : undefined);

  const addNode = (id: string, attrs: NodeAttributes) => {
    if (!g.hasNode(id)) g.addNode(id, attrs);
  };
  const addEdge = (from: string | undefined, to: string, label: string) => {
    if (from === undefined || from === to || !g.hasNode(from)) return;
    const exists = g.edges(from, to).some((e) => g.getEdgeAttribute(e, 'label') === label);
    if (!exists) g.addEdge(from, to, { kind: 'arg', label });
  };
  /** Edges from every name an expression reads into `to`. */
  const connectReads = (e: A.Expr, to: string, label: string) => {
    for (const name of namesRead(e)) addEdge(valueNode(name), to, label);
  };
  /** Edges for the arguments of a call: plain names feed directly; other expressions get an op node. */
  const connectCall = (call: ResolvedCall, to: string, prefix: string, block: NodeAttributes['block']) => {
    for (const [pname, arg] of call.args) {
      const label = prefix + pname;
      if (arg.type.kind === 'distribution') {
        connectCall(arg.type.call, to, `${label}.`, block);
        continue;
      }
      // Only expressions that read other nodes get a node of their own (uniform(K) is a constant).
      if (!namesRead(arg.expr).some((n) => g.hasNode(n))) continue;
      if (arg.expr.kind === 'ident') {
        addEdge(valueNode(arg.expr.name), to, label);
        continue;
      }
      const opId = `${to}.${label}`;
      addNode(opId, {
        kind: 'op',
        name: opId,
        block,
        shape: arg.type.kind === 'tensor' ? arg.type.shape : null,
        expr: model.file.slice(arg.expr.span),
        span: loc(arg.expr.span),
      });
      connectReads(arg.expr, opId, 'input');
      addEdge(opId, to, label);
    }
  };

  for (const { statement: st, block, role } of model.statements) {
    switch (st.kind) {
      case 'data':
        addNode(st.name.text, {
          kind: observed.has(st.name.text) ? 'observed' : 'data',
          name: st.name.text,
          block: 'model',
          shape: shapeOf(st.name.text),
          span: loc(st.span),
        });
        break;
      case 'param':
      case 'const':
        addNode(st.name.text, { kind: st.kind, name: st.name.text, block: 'model', shape: shapeOf(st.name.text), span: loc(st.span) });
        break;
      case 'assign': {
        const call = st.value.kind === 'call' ? model.calls.get(st.value) : undefined;
        for (const target of st.targets) {
          addNode(target.text, {
            kind: 'op',
            name: target.text,
            block,
            shape: shapeOf(target.text),
            expr: model.file.slice(st.value.span),
            span: loc(st.span),
          });
          if (call) {
            for (const [pname, arg] of call.args) connectReads(arg.expr, target.text, arg.expr.kind === 'ident' ? pname : 'input');
            for (const arg of call.rest) connectReads(arg.expr, target.text, 'input');
          } else {
            connectReads(st.value, target.text, 'input');
          }
        }
        break;
      }
      case 'sample': {
        const name = st.target.text;
        const call = model.calls.get(st.distribution);
        const id = role === 'prior' ? priorNodeId(name) : name;
        const distribution = call ? (call.name === 'fit_prior' ? `fit_prior(${familyOf(call)})` : call.name) : undefined;
        if (role === 'likelihood') {
          // The observed node is the data declaration's node; record its likelihood on it.
          g.mergeNodeAttributes(name, { ...(distribution ? { distribution } : {}), role: 'likelihood' } as Partial<NodeAttributes>);
        } else {
          addNode(id, {
            kind: 'stochastic',
            name,
            block,
            shape: shapeOf(name),
            ...(distribution ? { distribution } : {}),
            ...(role ? { role } : {}),
            span: loc(st.span),
          });
        }
        if (call) connectCall(call, role === 'likelihood' ? name : id, '', block);
        if (role === 'prior' && latents.has(name) && g.hasNode(name)) g.addEdge(name, id, { kind: 'kl', label: 'kl' });
        break;
      }
      case 'kl_override':
        break;
    }
  }
  // A latent whose prior came before its posterior in the source gets its KL edge now.
  for (const z of latents) {
    if (g.hasNode(z) && g.hasNode(priorNodeId(z)) && g.edges(z, priorNodeId(z)).length === 0) {
      g.addEdge(z, priorNodeId(z), { kind: 'kl', label: 'kl' });
    }
  }

  if (model.objective) {
    const o = model.objective;
    addNode(OBJECTIVE_NODE, {
      kind: 'objective',
      name: OBJECTIVE_NODE,
      block: 'model',
      shape: [],
      expr: model.file.slice(o.span),
      span: loc(o.span),
    });
    for (const [node, call] of model.calls) {
      if (node.span.start < o.span.start || node.span.end > o.span.end) continue;
      if (call.name === 'elbo' || call.name === 'iwae') {
        for (const x of model.observed) addEdge(x, OBJECTIVE_NODE, 'loglik');
        for (const z of model.latents) addEdge(z, OBJECTIVE_NODE, 'kl');
      }
      const v = call.args.get('variable');
      if (v?.expr.kind === 'ident') addEdge(valueNode(v.expr.name), OBJECTIVE_NODE, call.name);
    }
    const terms = new Set<string>();
    for (const [node, call] of model.calls) {
      if (call.name === 'loglik' || call.name === 'kl') {
        const v = call.args.get('variable');
        if (v?.expr.kind === 'ident' && node.span.start >= o.span.start) terms.add(v.expr.name);
      }
    }
    for (const name of namesRead(o.expr)) if (!terms.has(name)) addEdge(valueNode(name), OBJECTIVE_NODE, 'input');
  }
  return { value: g, diagnostics: [] };
}

function familyOf(call: ResolvedCall): string {
  const f = call.args.get('family')?.type;
  return f?.kind === 'family' ? f.name : '?';
}
