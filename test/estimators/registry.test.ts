// The estimator registry (compiler/estimators/registry.ts): one module per `with` name of the signature table
// and back, each option of a module named in its `with` signature, the automatic rules tried in registration
// order (the plan of a model shows which module won), and the plan table's labels coming from the modules.
import { describe, expect, it } from 'vitest';
import { formatPlan } from '../../compiler/analysis/explain.js';
import { ESTIMATOR_KINDS, ESTIMATORS, estimatorModule, estimatorNamed } from '../../compiler/estimators/registry.js';
import { checkSource } from '../../compiler/pipeline.js';
import { FUNCTIONS } from '../../stdlib/signatures/index.js';

const withNames = FUNCTIONS.filter((f) => f.category === 'estimator');

describe('the estimator registry', () => {
  it('has one module per estimator of the signature table, and no other', () => {
    expect([...ESTIMATOR_KINDS].sort()).toEqual(withNames.map((f) => f.name).sort());
    expect(new Set(ESTIMATOR_KINDS).size).toBe(ESTIMATORS.length);
    for (const k of ESTIMATOR_KINDS) expect(estimatorModule(k).kind).toBe(k);
    expect(estimatorNamed('no_such_estimator')).toBeUndefined();
  });

  it("documents exactly the options of each module's `with` signature", () => {
    for (const f of withNames) {
      expect(estimatorModule(f.name as (typeof ESTIMATOR_KINDS)[number]).options.map((o) => o.name).sort()).toEqual(f.params.map((p) => p.name).sort());
    }
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
