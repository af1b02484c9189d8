// Issue 19 item 1, fusion by the compiler: three small models whose user-written expressions hold chains of
// elementwise operations (test/codegen/fusion-models/), compiled with and without `fuse`. Same seed, same batch,
// same random stream: the objective's value and the gradient of every variable agree within float32 rounding,
// on the fused kernel (SgmFused: the CPU backend's JS evaluator; on WASM where the addon's evaluator is installed)
// and bit for bit on fuse's tfjs-op path (SGM_FUSION=0's setFusionEnabled(false); WASM without the addon's
// evaluator); the Gaussian log density also against float64 code written here; RELAX's higher-order gradients go
// through fused kernels; and the fused step runs fewer kernels.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend/index.js';
import type { ModelInstance } from '../../runtime/model-api.js';
import { packageRoot } from '../../runtime/package-root.js';
import { fusedKernelActive, setFusionEnabled } from '../../stdlib/fusion/index.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { mulberry32 } from '../mulberry32.js';
import { loadGenerated } from './load-generated.js';

afterAll(() => setFusionEnabled(true));

const dir = join(packageRoot(), 'test/codegen/fusion-models');
const source = (name: string) => readFileSync(join(dir, `${name}.sgm`), 'utf8');

/** A [B, D] batch of uniforms (binary: 0/1 draws), from a seeded generator independent of the model's stream. */
function data(B: number, D: number, seed: number, binary: boolean, scale = 1): number[][] {
  const u = mulberry32(seed);
  return Array.from({ length: B }, () => Array.from({ length: D }, () => (binary ? (u() < 0.4 ? 1 : 0) : (u() * 2 - 1) * scale)));
}

interface Step {
  readonly value: number;
  readonly loss: number;
  /** Gradient of the loss per variable name, flattened. */
  readonly grads: Record<string, number[]>;
  /** Kernels run by one objective evaluation with its gradient, and how many of them were SgmFused. */
  readonly kernels: number;
  readonly fusedKernels: number;
}

/** One objective evaluation and its gradient in every trainable variable, at step `step` with stream seed 7. */
async function step(model: ModelInstance, batch: Record<string, tf.Tensor>, stepNo = 3): Promise<Step> {
  const named = [...model.variables].filter(([, v]) => v.trainable);
  const vars = named.map(([, v]) => v);
  let out: Omit<Step, 'kernels' | 'fusedKernels'> | undefined;
  const profile = await tf.profile(() => {
    const r = tf.tidy(() => {
      let value = 0;
      const { value: loss, grads } = tf.variableGrads(() => {
        const o = model.objective(batch, { step: stepNo, rng: new RandomStream(7) });
        value = o.value.dataSync()[0];
        return o.loss;
      }, vars);
      // Keyed by the model's variable names (tf's own names differ between two instances).
      return { value, loss: loss.dataSync()[0], grads: Object.fromEntries(named.map(([k, v]) => [k, Array.from(grads[v.name].dataSync())])) };
    });
    out = r;
  });
  return { ...out!, kernels: profile.kernels.length, fusedKernels: profile.kernels.filter((k) => k.name === 'SgmFused').length };
}

/** Largest |a - b| / (1 + |b|) over the value, the loss and every gradient entry. */
function maxRelDiff(a: Step, b: Step): number {
  let worst = Math.abs(a.value - b.value) / (1 + Math.abs(b.value));
  worst = Math.max(worst, Math.abs(a.loss - b.loss) / (1 + Math.abs(b.loss)));
  for (const [k, g] of Object.entries(b.grads)) {
    const h = a.grads[k];
    expect(h, `gradient of ${k}`).toBeDefined();
    g.forEach((v, i) => {
      expect(Number.isFinite(h[i])).toBe(true);
      worst = Math.max(worst, Math.abs(h[i] - v) / (1 + Math.abs(v)));
    });
  }
  return worst;
}

/** The model compiled with and without fusion, created from the same seed (the same initial weights). */
async function pair(name: string): Promise<{ fused: ModelInstance; plain: ModelInstance; code: string }> {
  const fusedModule = await loadGenerated(source(name), `${name}_fused`, {}, { fuse: true });
  const plainModule = await loadGenerated(source(name), `${name}_plain`, {}, { fuse: false });
  const fused = await fusedModule.create({ seed: 3 });
  const plain = await plainModule.create({ seed: 3 });
  for (const [k, v] of plain.variables) expect(Array.from(fused.variables.get(k)!.dataSync()), k).toEqual(Array.from(v.dataSync()));
  const { compileSource } = await import('../../compiler/compile.js');
  return { fused, plain, code: compileSource(`${name}.sgm`, source(name), { fuse: true }).code! };
}

/**
 * The fused module against the unfused one, with the SgmFused kernel (the stdlib's own fused calls run in both) and
 * with every fuse() on tfjs ops (setFusionEnabled(false) for both): worst relative difference of each.
 */
async function compare(name: string, batch: Record<string, tf.Tensor>): Promise<{ kernel: number; ops: number; fused: Step; plain: Step; code: string }> {
  const { fused, plain, code } = await pair(name);
  const reference = await step(plain, batch);
  const kernelStep = await step(fused, batch);
  // A fused step leaves no tensor behind (fuse's scalars of schedules, its broadcasts and gradients included).
  const live = tf.memory().numTensors;
  await step(fused, batch);
  expect(tf.memory().numTensors).toBe(live);
  setFusionEnabled(false);
  const opsReference = await step(plain, batch);
  const opsStep = await step(fused, batch);
  setFusionEnabled(true);
  fused.dispose();
  plain.dispose();
  return { kernel: maxRelDiff(kernelStep, reference), ops: maxRelDiff(opsStep, opsReference), fused: kernelStep, plain: reference, code };
}

/** The fused module's step against the unfused one: fewer kernels where SgmFused runs, else the very same ops. */
function expectFused(fused: Step, plain: Step, worst: number): void {
  if (fusedKernelActive()) {
    expect(worst).toBeLessThan(1e-6);
    expect(fused.fusedKernels).toBeGreaterThan(plain.fusedKernels);
    expect(fused.kernels).toBeLessThan(plain.kernels);
  } else {
    expect(worst).toBe(0);
    expect(fused.fusedKernels).toBe(0);
  }
}

describe.each(['cpu', 'wasm'] as const)('fusion in the generated code (%s)', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('gaussian_nll: a hand-written log density agrees with the unfused module and with float64 code', async () => {
    const xs = data(16, 3, 11, false, 2);
    const x = tf.tensor2d(xs);
    const { fused, plain, code } = await pair('gaussian_nll');
    expect(code.match(/fuse\(\[/g)).toHaveLength(2);
    const mu = [0.3, -0.7, 1.6];
    const logSigma = [-0.4, 0.2, 0.9];
    for (const m of [fused, plain]) {
      (m.variables.get('mu') as tf.Variable).assign(tf.tensor1d(mu));
      (m.variables.get('log_sigma') as tf.Variable).assign(tf.tensor1d(logSigma));
    }
    const reference = await step(plain, { x });
    const kernelStep = await step(fused, { x });
    // float64: L = mean_b Σ_d [½ ((x - μ)/σ)² + log σ + c] + Σ_d 0.01 softplus(μ_d - 1).
    const c = 0.9189385332;
    const B = xs.length;
    let L = 0;
    const dMu = [0, 0, 0];
    const dLs = [0, 0, 0];
    for (let d = 0; d < 3; d++) {
      const s = Math.exp(logSigma[d]);
      for (const row of xs) {
        const zd = (row[d] - mu[d]) / s;
        L += (0.5 * zd * zd + logSigma[d] + c) / B;
        dMu[d] += -zd / s / B;
        dLs[d] += (1 - zd * zd) / B;
      }
      const t = mu[d] - 1;
      L += 0.01 * (Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t))));
      dMu[d] += 0.01 / (1 + Math.exp(-t));
    }
    for (const s of [kernelStep, reference]) {
      expect(Math.abs(s.value - L) / L).toBeLessThan(2e-6);
      s.grads.mu.forEach((g, d) => expect(Math.abs(g - dMu[d])).toBeLessThan(2e-6 * (1 + Math.abs(dMu[d]))));
      s.grads.log_sigma.forEach((g, d) => expect(Math.abs(g - dLs[d])).toBeLessThan(2e-6 * (1 + Math.abs(dLs[d]))));
    }
    // Measured on the kernel: 31 kernels (4 SgmFused: two chains forward, two gradient programs) against 75.
    expectFused(kernelStep, reference, maxRelDiff(kernelStep, reference));
    if (fusedKernelActive()) expect(kernelStep.fusedKernels).toBe(4);
    fused.dispose();
    plain.dispose();
    x.dispose();
  });

  it('capacity_vae: guide, likelihood and a capacity objective with a schedule agree within float32 rounding', async () => {
    const x = tf.tensor2d(data(8, 6, 5, true));
    const r = await compare('capacity_vae', { x });
    expect(r.code.match(/^const fused\d+ =/gm)).toHaveLength(5);
    // loglik(x) and kl(z), each read twice by the objective, are one input each; the inner chain is its own call.
    expect(r.code).toContain('const value = fuse([tf.mean(x$loglik), tf.mean(z$kl), s.C$, tf.mean(fuse([g.h$], fused4))], fused5) as tf.Scalar;');
    // Measured: 4.6e-8 on the kernel; fuse's tfjs-op path runs the very ops of the unfused module (0).
    expectFused(r.fused, r.plain, r.kernel);
    expect(r.ops).toBe(0);
    x.dispose();
  });

  it('relax_chain: RELAX differentiates through a fused chain (higher-order gradients) and agrees', async () => {
    const x = tf.tensor2d(data(8, 6, 9, true));
    const r = await compare('relax_chain', { x });
    expect(r.code).toContain('fuse([tf.sub(tf.mul(b$, 2), 1)], fused1)');
    expectFused(r.fused, r.plain, r.kernel);
    expect(r.ops).toBe(0);
    x.dispose();
  });
});
