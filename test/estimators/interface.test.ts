// The estimator interface's plumbing that no shipped estimator uses yet (compiler/estimators/estimator.ts): a
// probe module stands in for `reinforce` (the registry is mocked) and uses its own learned parameter (create,
// rng, variables, afterStep), an extra evaluation at fixed values (evaluateAt, blocks and flat models), and the
// 'iwae' form under `maximize iwae(samples = 3)`. The generated modules must compile, load and give a finite
// loss whose gradient reaches the probe's parameter; each hook must appear in the generated code.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { EstimatorModule } from '../../compiler/estimators/estimator.js';
import { compileSource } from '../../compiler/compile.js';
import { SGM_VERSION } from '../../cli/version.js';
import { initBackend } from '../../runtime/backend/index.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { loadGenerated } from '../codegen/load-generated.js';

vi.mock('../../compiler/estimators/registry.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../compiler/estimators/registry.js')>();
  const { reinforce } = await import('../../compiler/estimators/reinforce.js');
  const probe: EstimatorModule<'reinforce'> = {
    ...reinforce,
    objectiveProblem: () => undefined,
    create(d, cx) {
      reinforce.create?.(d, cx);
      const id = cx.id('probe');
      cx.setup(`const ${id} = tf.variable(tf.mul(${cx.rng()}.normal([1]), 0.1), true);`);
      cx.variables(`[${cx.str(`probe/${d.node}`)}, ${id}]`);
      cx.afterStep(`${id}.assign(tf.clipByValue(${id}, -1, 1));`);
    },
    draw(d, cx) {
      reinforce.draw(d, cx);
      cx.bind('copy', cx.value, 'probe: the draw, read back by the surrogate');
      return 'drawn';
    },
    surrogate(d, cx) {
      const probe = cx.id('probe');
      if (cx.form === 'iwae') return [`loss = tf.add(loss, tf.mul(tf.sum(${probe}), tf.mean(${cx.logq}))) as tf.Scalar; // probe: iwae form`];
      const lines = reinforce.surrogate!(d, cx);
      if (cx.form !== 'single' || !cx.evaluateAt) return lines;
      const at = cx.evaluateAt({ [d.node]: `tf.zerosLike(${cx.value('copy')})` });
      return [...lines, ...at.lines, `loss = tf.add(loss, tf.mul(tf.sum(${probe}), tf.mean(${at.signal}))) as tf.Scalar; // probe: evaluateAt`];
    },
  };
  return { ...original, estimatorModule: (k: string) => (k === 'reinforce' ? probe : original.estimatorModule(k as never)), estimatorNamed: (n: string) => (n === 'reinforce' ? probe : original.estimatorNamed(n)) };
});

const vae = (objective: string) => `model probe_vae(H = 3) {
  data x: [B, 4]
  guide {
    z ~ Bernoulli(logits = dense(x, [H])) with reinforce
  }
  generative {
    z ~ Bernoulli(logits = zeros([H]))
    x ~ Bernoulli(logits = dense(z, [4]))
  }
  ${objective}
}`;

const flat = `model probe_flat() {
  data x: [B, 4]
  z ~ Bernoulli(logits = dense(x, [3])) with reinforce
  x ~ Bernoulli(logits = dense(z, [4]))
  maximize mean(loglik(x))
}`;

beforeAll(async () => {
  await initBackend('cpu');
});

async function lossAndProbeGradient(text: string, name: string): Promise<{ loss: number; grad: number }> {
  const module = await loadGenerated(text, name);
  const model = await module.create({ seed: 1 });
  const batch = { x: tf.tensor2d([1, 0, 1, 0, 0, 1, 1, 0], [2, 4]) };
  const probe = model.variables.get('probe/z')!;
  const { value, grads } = tf.variableGrads(() => model.objective(batch, { step: 0, rng: new RandomStream(3) }).loss, [probe]);
  const g = Object.values(grads)[0]; // keyed by the variable's engine name
  const out = { loss: value.dataSync()[0], grad: g ? g.dataSync()[0] : NaN };
  model.afterStep?.();
  model.dispose();
  return out;
}

describe('the estimator interface', () => {
  it.each([
    { label: 'a blocks model (elbo)', text: vae('maximize elbo'), hook: 'evaluateAt' },
    { label: 'a flat model', text: flat, hook: 'evaluateAt' },
    { label: 'a blocks model under iwae', text: vae('maximize iwae(samples = 3)'), hook: 'iwae form' },
  ])('$label: own parameter, after-step statement and the $hook hook generate, load and train', async ({ text, hook }) => {
    const r = compileSource('probe.sgm', text, { sgmVersion: SGM_VERSION });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.code).toContain(`// probe: ${hook}`);
    expect(r.code).toMatch(/const init = new RandomStream\(options\.seed\)/);
    expect(r.code).toMatch(/afterStep\(\): void \{[^}]*clipByValue/);
    if (hook === 'evaluateAt') expect(r.code).toMatch(/_at1|r_at1/);
    const { loss, grad } = await lossAndProbeGradient(text, `probe_${hook.replace(/\W/g, '_')}`);
    expect(Number.isFinite(loss)).toBe(true);
    expect(Number.isFinite(grad)).toBe(true);
    expect(grad).not.toBe(0);
  });
});
