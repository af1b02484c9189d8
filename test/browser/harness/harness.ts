// In-page code of the browser runtime tests (test/browser/webgl-runtime.test.ts): bundled with esbuild for the
// browser platform together with compiled models (page-bundle.ts), it exposes `window.sgmHarness`, which the test
// drives through playwright. It imports sgm only through the browser entries (stdlib/browser.ts,
// runtime/browser.ts), as a page bundling `sgm/stdlib` and `sgm/runtime` does.
import * as stdlib from '../../../stdlib/browser.js';
import * as runtime from '../../../runtime/browser.js';

const { tf } = stdlib;
type Module = runtime.CompiledModelModule;

/** What the page offers the test. */
export interface Harness {
  /** Backend selection as a page does it (no argument: WebGPU, WebGL, WASM, CPU); the one-line report. */
  backend(name?: runtime.BackendName): Promise<string>;
  /** Trains `model` for `steps` steps on the current backend; the losses and the median step time in ms. */
  train(model: string, options: TrainRequest): Promise<{ losses: number[]; medianMs: number; status: string; backend: string }>;
  /** Values of the numerically delicate kernels on the current backend (see kernelValues). */
  kernels(): Record<string, number[]>;
}

/** A training request from the test. */
export interface TrainRequest {
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  /** Row-major binarized MNIST rows of 784 values (igr_vae), else synthetic Poisson(20) draws are used. */
  readonly mnist?: number[];
}

function dataFor(module: Module, request: TrainRequest): runtime.BoundData {
  const dataset = request.mnist
    ? runtime.makeDataset('mnist-binarized (subset)', { x: { values: Float32Array.from(request.mnist), rowShape: [784] } })
    : runtime.syntheticPoisson({ rate: 20, count: 1000, seed: 0 });
  return runtime.bindModelData(module.metadata, dataset);
}

/**
 * The kernels whose float32 values are delicate: log-space densities far in the tails, softplus of large
 * arguments, log-sum-exp of logits divided by τ = 0.01 (ExpConcrete / Gumbel-Softmax at low temperature), the
 * IGR-I density, lgamma-based Poisson log-pmfs, Bernoulli log-likelihood from logits.
 */
function kernelValues(): Record<string, number[]> {
  return tf.tidy(() => {
    const read = (t: stdlib.tf.Tensor): number[] => Array.from(t.dataSync());
    const x = tf.tensor1d([-90, -30, -12, -3, -1e-3, 0, 1e-3, 0.5, 3, 12, 30, 90]);
    const logits = tf.tensor2d([[0.3, -1.2, 2.5, 0.01, -0.7], [5, 4.99, -3, 0, 1]]);
    const tau = 0.01;
    const out: Record<string, number[]> = {
      softplus: read(tf.softplus(x)),
      logSigmoid: read(stdlib.logSigmoid(x)),
      normalLogPdf: read(new stdlib.Normal({ mu: 0.5, sigma: 0.3 }).logProb(x)),
      logSumExpOverTau: read(tf.logSumExp(tf.div(logits, tau), -1)),
      logSoftmaxOverTau: read(tf.logSoftmax(tf.div(logits, tau))),
      bernoulliLogProb: read(new stdlib.Bernoulli({ logits: x }).logProb(tf.tensor1d([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]))),
      poissonLogProb: read(new stdlib.Poisson({ rate: tf.tensor1d([0.5, 3, 20, 60, 200]) }).logProb(tf.tensor1d([0, 2, 25, 40, 230]))),
    };
    // ExpConcrete log-density at τ = 0.01 on a fixed point of the log-simplex (log-sum-exp of logits - τ y).
    const y = tf.logSoftmax(tf.tensor2d([[0.2, -0.4, 1.1, 0.05, -2]]).div(tau));
    out.expConcreteLogProbTau001 = read(new stdlib.ExpConcrete({ logits: logits.slice([0, 0], [1, 5]), tau }).logProb(y));
    // IGR-I at τ = 0.01: log-density of a relaxed draw (softmax++ with δ = 1), from fixed Gaussian noise.
    const igr = new stdlib.IGR_I({ mu: tf.tensor2d([[0.4, -0.3, 1.2]]), sigma: tf.tensor2d([[0.7, 0.2, 1.5]]), tau });
    const draw = igr.rsample(new stdlib.RandomStream(3));
    out.igrLogProbTau001 = read(igr.logProb(draw));
    return out;
  });
}

export function install(models: Record<string, Module>): void {
  const harness: Harness = {
    async backend(name) {
      const info = await runtime.initBrowserBackend(name);
      return runtime.describeBrowserBackend(info);
    },
    async train(name, request) {
      const module = models[name];
      const model = await module.create({ seed: request.seed });
      const data = dataFor(module, request);
      const times: number[] = [];
      try {
        const summary = await runtime.trainLoop(model, data, {
          steps: request.steps,
          batchSize: request.batchSize,
          learningRate: request.learningRate,
          seed: request.seed,
          onStep: (s) => {
            times.push(s.ms);
          },
        });
        const sorted = [...times].sort((a, b) => a - b);
        return { losses: [...summary.losses], medianMs: sorted[Math.floor(sorted.length / 2)] ?? NaN, status: summary.status, backend: tf.getBackend() };
      } finally {
        model.dispose();
      }
    },
    kernels: kernelValues,
  };
  (globalThis as { sgmHarness?: Harness }).sgmHarness = harness;
}
