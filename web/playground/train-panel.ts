/**
 * Training in the page: binds the chosen data to the compiled model, trains with the runtime's trainLoop on the
 * page's backend, and draws the loss and objective (ELBO) after every few steps, the temperature schedules the
 * model reports (its metrics named `<node>.tau`), and, at the end, samples from the generative model (as 28×28
 * digits when a sampled variable has 784 columns, else the sample means). Reconstructions are not drawn: the
 * model contract (runtime/model-api.ts) does not expose the decoder's output.
 */
import * as runtime from '../../runtime/browser.js';
import * as stdlib from '../../stdlib/browser.js';
import { drawDigits, drawLines } from './chart.js';

/** The elements the panel draws into. */
export interface TrainElements {
  readonly status: HTMLElement;
  readonly loss: HTMLCanvasElement;
  readonly tau: HTMLCanvasElement;
  readonly samples: HTMLCanvasElement;
  readonly sampleText: HTMLElement;
}

/** A run's request. */
export interface TrainRun {
  readonly module: runtime.CompiledModelModule;
  readonly dataset: runtime.Dataset;
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly signal: AbortSignal;
}

/** What a run did (also kept on window.sgmPlayground.lastRun for tests). */
export interface TrainResult {
  readonly status: string;
  readonly losses: number[];
  readonly values: number[];
  readonly medianMs: number;
  readonly backend: string;
  /** The temperature schedules the model reported, per step. */
  readonly schedules: Readonly<Record<string, number[]>>;
  readonly failure?: string;
}

const COLORS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed'];

/** Trains and draws (see the module comment). */
export async function train(run: TrainRun, el: TrainElements): Promise<TrainResult> {
  const data = runtime.bindModelData(run.module.metadata, run.dataset);
  const batchSize = Math.min(run.batchSize, data.size);
  el.status.textContent = `creating ${run.module.metadata.name} (fitting priors when it has fit_prior)…`;
  await new Promise((r) => setTimeout(r, 0));
  const model = await run.module.create({ seed: run.seed, log: (m) => (el.status.textContent = m) });
  const losses: number[] = [];
  const values: number[] = [];
  const taus = new Map<string, number[]>();
  const times: number[] = [];
  const redraw = (): void => {
    drawLines(el.loss, [{ label: 'loss', color: COLORS[0], values: losses }, { label: 'objective (ELBO)', color: COLORS[1], values: values }], '');
    drawLines(el.tau, [...taus].map(([label, v], i) => ({ label, color: COLORS[(i + 2) % COLORS.length], values: v })), taus.size === 0 ? 'no temperature schedule' : '');
  };
  try {
    const summary = await runtime.trainLoop(model, data, {
      steps: run.steps,
      batchSize: fixedBatch(data) ?? batchSize,
      learningRate: run.learningRate,
      seed: run.seed,
      signal: run.signal,
      onStep: (s) => {
        losses.push(s.loss);
        values.push(s.value);
        times.push(s.ms);
        // Schedules report themselves as metrics named after their node, e.g. 'n.tau' for `tau = anneal(...)`.
        for (const [k, v] of Object.entries(s.metrics)) if (/(^|\.)tau$|temperature/i.test(k)) (taus.get(k) ?? taus.set(k, []).get(k)!).push(v);
        if (s.step % 5 === 0 || s.step === run.steps) {
          redraw();
          el.status.textContent = `step ${s.step}/${run.steps} on ${stdlib.tf.getBackend()}: loss ${s.loss.toPrecision(5)}, objective ${s.value.toPrecision(5)}, ${s.ms.toFixed(0)} ms/step`;
        }
      },
    });
    redraw();
    drawSamples(model, run.seed, el);
    const sorted = [...times].sort((a, b) => a - b);
    const medianMs = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
    el.status.textContent = `${summary.status} after ${summary.step} steps on ${stdlib.tf.getBackend()} (median ${medianMs.toFixed(1)} ms/step)${summary.failure ? `: ${summary.failure}` : ''}`;
    return { status: summary.status, losses, values, medianMs, backend: stdlib.tf.getBackend(), schedules: Object.fromEntries(taus), ...(summary.failure ? { failure: summary.failure } : {}) };
  } finally {
    model.dispose();
  }
}

function fixedBatch(data: runtime.BoundData): number | undefined {
  return data.fixedBatchSize;
}

/** 16 samples of the generative model: digits for a 784-column variable, else each variable's sample mean. */
function drawSamples(model: runtime.ModelInstance, seed: number, el: TrainElements): void {
  const lines: string[] = [];
  stdlib.tf.tidy(() => {
    const samples = model.sample(16, { step: 0, rng: new stdlib.RandomStream(seed + 1) });
    let drawn = false;
    for (const [name, t] of Object.entries(samples)) {
      if (!drawn && t.shape[t.shape.length - 1] === 784 && t.size === 16 * 784) {
        drawDigits(el.samples, t.dataSync() as Float32Array, 16, `samples of ${name}`);
        drawn = true;
      } else {
        const v = t.dataSync();
        let mean = 0;
        for (let i = 0; i < v.length; i++) mean += v[i] / v.length;
        lines.push(`${name} [${t.shape.join(', ')}]: mean ${mean.toPrecision(4)}`);
      }
    }
  });
  el.sampleText.textContent = lines.join('\n');
}
