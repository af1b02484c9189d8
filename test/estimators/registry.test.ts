// The estimator registry (compiler/estimators/registry.ts): one module per `with` name of the signature table
// and back, each option of a module named in its `with` signature, the automatic rules tried in registration
// order (the plan of a model shows which module won), and the plan table's labels coming from the modules.
import { describe, expect, it } from 'vitest';
import { formatPlan } from '../../compiler/analysis/explain.js';
import { ESTIMATOR_DISPLAY, ESTIMATOR_KINDS, ESTIMATOR_SIGNATURES, ESTIMATORS, estimatorModule, estimatorNamed } from '../../compiler/estimators/registry.js';
import { checkSource } from '../../compiler/pipeline.js';
import { FUNCTIONS, findFunction } from '../../stdlib/signatures/index.js';
import { ESTIMATOR_STYLES } from '../../web/graph-style.js';

const withNames = ESTIMATOR_SIGNATURES;

describe('the estimator registry', () => {
  it('has one module per estimator of the signature table, and no other', () => {
    expect([...ESTIMATOR_KINDS].sort()).toEqual(withNames.map((f) => f.name).sort());
    expect(new Set(ESTIMATOR_KINDS).size).toBe(ESTIMATORS.length);
    for (const k of ESTIMATOR_KINDS) expect(estimatorModule(k).kind).toBe(k);
    expect(estimatorNamed('no_such_estimator')).toBeUndefined();
  });

  it('declares each `with` signature and display in the module, and nowhere else', () => {
    // The stdlib's table holds no estimator, and no estimator name shadows a stdlib function.
    expect(FUNCTIONS.filter((f) => f.category === 'estimator')).toEqual([]);
    for (const f of withNames) {
      const kind = f.name as (typeof ESTIMATOR_KINDS)[number];
      const m = estimatorModule(kind);
      expect(findFunction(f.name)).toBeUndefined();
      expect(f.params).toBe(m.syntax.params);
      for (const p of f.params) expect(p.doc.length).toBeGreaterThan(0);
      expect(ESTIMATOR_STYLES[kind]).toBe(m.display);
      expect(ESTIMATOR_DISPLAY[kind].fill).toMatch(/^#[0-9a-f]{6}$/);
    }
  });

  it('checks `with` clauses against the modules\' signatures (the pipeline passes them to the checker)', () => {
    const src = (clause: string) => `model m() {
  data x: [B, 4]
  guide {
    z ~ Bernoulli(logits = dense(x, [3])) with ${clause}
  }
  generative {
    z ~ Bernoulli(probs = 0.5 * ones(3))
    x ~ Bernoulli(logits = dense(z, [4]))
  }
  maximize elbo
}`;
    expect(checkSource('m.sgm', src('nvil(hidden = 8)')).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(checkSource('m.sgm', src('score_function')).plans[0].estimators[0].estimator).toBe('reinforce');
    expect(checkSource('m.sgm', src('nvil(hiden = 8)')).diagnostics.map((d) => d.code)).toContain('SGM2102');
    const unknown = checkSource('m.sgm', src('nvl')).diagnostics.find((d) => d.code === 'SGM2301');
    expect(unknown?.help).toMatch(/nvil/);
  });

  it('tries the automatic rules in registration order', () => {
    const model = `model m(K = 3) {
  data x: [B, 4]
  guide {
    a ~ GumbelSoftmax(logits = dense(x, [K]), tau = 0.5, hard = true)
    b ~ GumbelSoftmax(logits = dense(x, [K]), tau = 0.5)
    c ~ Categorical(logits = dense(x, [K]))
    d ~ Poisson(rate = softplus(dense(x, [1])))
  }
  generative {
    a ~ GumbelSoftmax(logits = zeros(K), tau = 0.5)
    b ~ GumbelSoftmax(logits = zeros(K), tau = 0.5)
    c ~ Categorical(uniform(K))
    d ~ Poisson(rate = 3)
    x ~ Bernoulli(logits = dense(concat(a, b, one_hot(c, K), d), [4]))
  }
  maximize elbo
}`;
    const r = checkSource('m.sgm', model);
    const codes = r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);
    expect(codes).toEqual([]);
    const byNode = Object.fromEntries((r.plans?.[0]?.estimators ?? []).map((e) => [e.node, e.estimator]));
    expect(byNode).toEqual({ a: 'straight_through', b: 'pathwise', c: 'enumerate', d: 'reinforce' });
    const table = formatPlan(r.plans![0]);
    expect(table).toMatch(/enumerate \(3 per data point\)/);
    expect(table).toMatch(/reinforce \(ema 0\.9\)/);
  });
});
