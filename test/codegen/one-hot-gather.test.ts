// Issue 16 item 2: gather by a one-hot latent. The Gaussian mixture of models/gmm.sgm written with a
// OneHotCategorical assignment and `means[c]` must be the same model as with a Categorical one: with the same seed
// (same parameters) both ELBOs, summed exactly over the K assignments, agree on a batch. The selection itself is
// checked against plain-JS indexing and finite differences in select.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend/index.js';
import { packageRoot } from '../../runtime/package-root.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { loadGenerated } from './load-generated.js';

const GMM = readFileSync(join(packageRoot(), 'models/gmm.sgm'), 'utf8');
const ONE_HOT = GMM.replace('model gmm(', 'model gmm_one_hot(').replaceAll('c ~ Categorical(', 'c ~ OneHotCategorical(');

beforeAll(async () => {
  await initBackend('cpu');
});

type Objective = (b: Record<string, tf.Tensor>, c: { step: number; rng: RandomStream }) => { value: tf.Scalar };

describe('one-hot gather: means[c] with c ~ OneHotCategorical', () => {
  it('is the mixture of models/gmm.sgm: the same exact ELBO at the same parameters', async () => {
    expect(ONE_HOT).toContain('c ~ OneHotCategorical(logits = mix_logits)');
    const x = tf.tensor2d([[-2, 0.5], [1.5, 2], [0.3, -1.7], [4, 4]]);
    const elbo = async (text: string, name: string) => {
      const module = await loadGenerated(text, name);
      expect(module.metadata.nodes.find((n) => n.name === 'c')?.estimator).toBe('enumerate');
      const model = await module.create({ seed: 5 });
      const value = tf.tidy(() => (model.objective as Objective)({ x }, { step: 0, rng: new RandomStream(3) }).value.dataSync()[0]);
      const params = Object.fromEntries([...model.variables].map(([k, v]) => [k, Array.from(v.dataSync())]));
      model.dispose();
      return { value, params };
    };
    const a = await elbo(GMM, 'gmm');
    const b = await elbo(ONE_HOT, 'gmm_one_hot');
    expect(b.params).toEqual(a.params);
    expect(Number.isFinite(a.value)).toBe(true);
    expect(Math.abs(b.value - a.value)).toBeLessThan(1e-4 * Math.max(1, Math.abs(a.value)));
  });
});
