/**
 * The contract between generated model modules (compiler/codegen) and the runtime (trainer, evaluator,
 * sampler, CLI). A generated module exports `metadata` and `create(options)`; everything the runtime does to
 * a model goes through `ModelInstance`.
 */
import type { EstimatorKind } from '../compiler/estimators/registry.js';
import type { Distribution } from '../stdlib/distributions/distribution.js';
import type { RandomStream } from '../stdlib/random.js';
import type { tf } from '../stdlib/tf.js';

/** A dimension: a number, or a name bound at run time (e.g. 'B', the batch size). */
export type Dim = number | string;

/** A `data` declaration of the model. */
export interface DataSpec {
  readonly name: string;
  readonly shape: readonly Dim[];
  /** Source line of the declaration (1-based). */
  readonly line: number;
}

/** One node of the model as the runtime and reports see it. */
export interface NodeInfo {
  readonly name: string;
  readonly kind: 'data' | 'param' | 'const' | 'op' | 'stochastic' | 'observed' | 'objective';
  readonly block: 'guide' | 'generative' | 'model';
  readonly shape: readonly Dim[];
  readonly distribution?: string;
  /** The gradient estimator of a sampled node (the compiler's plan: compiler/estimators/registry.ts). */
  readonly estimator?: EstimatorKind;
  /** closed_form | mc (latents). */
  readonly kl?: string;
  readonly reason?: string;
  readonly line: number;
}

/** Metadata every generated module exports. */
export interface ModelMetadata {
  readonly name: string;
  /** Path of the .sgm source, as given to the compiler. */
  readonly source: string;
  readonly sgmVersion: string;
  readonly hyperparameters: Readonly<Record<string, number>>;
  readonly data: readonly DataSpec[];
  readonly nodes: readonly NodeInfo[];
  readonly latents: readonly string[];
  readonly observed: readonly string[];
  readonly objective: { readonly sense: 'maximize' | 'minimize'; readonly text: string };
  /** Names of the model's `report` metrics (docs/language.md "Reports"), when it has some. */
  readonly reports?: readonly string[];
}

/** A minibatch: one tensor per `data` declaration, keyed by its name; the first axis is the batch. */
export type Batch = Readonly<Record<string, tf.Tensor>>;

/** What a step needs besides the batch. */
export interface StepContext {
  /** Global training step (0-based); schedules are evaluated at it. */
  readonly step: number;
  /** Random stream for every sampler in the step. */
  readonly rng: RandomStream;
}

/** The result of evaluating the objective on a batch. All tensors are scalars owned by the caller. */
export interface ObjectiveResult {
  /**
   * The surrogate to MINIMISE: its gradient is the estimator's gradient of the objective (pathwise, score
   * function with baseline, enumeration, straight-through). Its value need not equal the objective.
   */
  readonly loss: tf.Scalar;
  /** The objective's value in the user's sense (e.g. the ELBO when `maximize elbo`), for reporting. */
  readonly value: tf.Scalar;
  /** Named scalars for logs: elbo, loglik_x, kl_z, schedules (tau), ... */
  readonly metrics: Readonly<Record<string, tf.Scalar>>;
}

/** Options of `create`. */
export interface CreateOptions {
  /** Seed of parameter initialisation. */
  readonly seed: number;
  /** Directory for caches (fitted priors); default: the runtime's cache directory. */
  readonly cacheDir?: string;
  /** Progress messages from slow set-up work (prior fitting). */
  readonly log?: (message: string) => void;
}

/** A live model: its variables and the functions the runtime calls. */
export interface ModelInstance {
  readonly metadata: ModelMetadata;
  /** Every variable by a stable name: trainable weights and non-trainable state (e.g. baselines). */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /** The objective and its surrogate on a batch. Call inside tf.tidy or dispose the result. */
  objective(batch: Batch, ctx: StepContext): ObjectiveResult;
  /**
   * Updates non-gradient state after an optimizer step (e.g. EMA baselines), from the last objective call.
   * Called by the trainer once per step.
   */
  afterStep?(): void;
  /**
   * True when a training step's kernels depend only on the batch, the variables, the model's constants and draws
   * of ctx.rng (no schedule of ctx.step, no estimator state): the trainer may then record the step and replay
   * its kernels (runtime/train/replay). The compiler sets it; leave it unset in hand-written models.
   */
  readonly replayableStep?: boolean;
  /** Every node's value on a batch in topological order, for diagnosing NaN/Inf (names the first bad node). */
  trace(batch: Batch, ctx: StepContext): Array<[string, tf.Tensor]>;
  /** Samples of every latent from the guide for a batch. */
  guide(batch: Batch, ctx: StepContext): Record<string, tf.Tensor>;
  /** n ancestral samples from the generative model (latents and observed variables). */
  sample(n: number, ctx: StepContext): Record<string, tf.Tensor>;
  /**
   * For evaluation (models with guide and generative blocks): the guide's distribution q(z | x) of every
   * latent on a batch, as stdlib distribution objects (e.g. an IGR_I with its mu and sigma).
   */
  posterior?(batch: Batch, ctx: StepContext): Record<string, Distribution>;
  /** For evaluation: the prior p(z) of every latent (broadcastable to the latent's shape). */
  prior?(batch: Batch, ctx: StepContext): Record<string, Distribution>;
  /**
   * For evaluation: log p(observed | latents) per data point [B], summed over the observed variables, with the
   * latents fixed to the given values (e.g. one-hot vertices for the discretized model's likelihood).
   */
  logLikelihood?(batch: Batch, ctx: StepContext, latents: Record<string, tf.Tensor>): tf.Tensor;
  /** Releases every tensor the instance owns. */
  dispose(): void;
}

/** What a generated module exports. */
export interface CompiledModelModule {
  readonly metadata: ModelMetadata;
  create(options: CreateOptions): Promise<ModelInstance>;
}
