/**
 * `sgm compare`: for each sampled latent, every applicable gradient estimator's gradient at fixed parameters
 * (initial, or a checkpoint's), measured over independent draws against a reference (docs/cli.md "sgm compare").
 *
 * Decisions (documented in docs/cli.md):
 * - The gradient is taken with respect to the trainable parameters that feed the node on deterministic paths
 *   (compiler/graph/feeding-parameters.ts): the ones its estimator acts on. Every other node keeps its own
 *   automatic estimator; the node under test gets each estimator in turn through the compiler's
 *   `estimatorOverrides` option (as if its statement had that `with` clause).
 * - Variance is the trace of the covariance (the sum of the coordinates' variances); bias is per coordinate, and
 *   summarised by its norm beside the norm noise alone gives, and by the largest |bias| / standard error.
 * - Reference: enumeration when the analysis accepts it for the node (exact when the node is the model's only
 *   source of noise: its draws are then identical), else a high-draw unbiased estimator of the same objective
 *   (score function with leave-one-out baseline over 8 samples for discrete nodes and GenGS, whose relaxation is
 *   compared on the discrete objective; pathwise for continuous and relaxed one-hot nodes, whose objective is the
 *   relaxed one), with its standard error carried into the bias's.
 */
import type { CompileResult } from '../../compiler/compile.js';
import type { EstimatorDecision } from '../../compiler/analysis/plan.js';
import type { EstimatorOverride } from '../../compiler/analysis/estimator-overrides.js';
import type { CheckedModel } from '../../compiler/semantics/types.js';
import { tf } from '../../stdlib/tf.js';
import { loadModelWeights } from '../checkpoint/model-state.js';
import { bindModelData } from '../data/bind.js';
import { loadDataset } from '../data/registry.js';
import { UserError } from '../errors.js';
import { importCompiledModel } from '../load-model.js';
import type { Batch, ModelInstance } from '../model-api.js';
import { summarize } from './gradient-stats.js';
import { fromDraws, gradientDraws } from './measure.js';
import { nodeInfo, parseEstimatorList, type EstimatorSpec, type NodeFamily } from './specs.js';
import type { CompareReport, EstimatorRow, NodeComparison, Reference } from './report.js';

/** Options of `compareEstimators`. */
export interface CompareOptions {
  /** The model's source text and the path its diagnostics name. */
  readonly source: string;
  readonly path: string;
  /** Hyperparameter overrides (`--set`). */
  readonly hyper?: Readonly<Record<string, number>>;
  /** Dataset spec (`--data`), needed when the model declares data; default with a checkpoint: the run's dataset. */
  readonly data?: string;
  /** Run directory or checkpoint whose parameters are used (default: the initial parameters of `seed`). */
  readonly checkpoint?: string;
  /** `auto,reinforce,...` (default: auto and every applicable estimator). */
  readonly estimators?: string;
  /** Only these nodes (default: every sampled latent). */
  readonly nodes?: readonly string[];
  readonly draws: number;
  /** Draws of a stochastic reference (default: draws). */
  readonly referenceDraws?: number;
  readonly batchSize: number;
  readonly seed: number;
  /** Objective evaluations warming up EMA baselines before measuring (default 20). */
  readonly warmup?: number;
  /** An exact gradient known otherwise (closed form), replacing the measured reference. */
  readonly exactGradient?: (node: string, variables: readonly tf.Variable[], batch: Batch) => number[];
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** Measures every estimator of every node; throws UserError for the user's mistakes. */
export async function compareEstimators(o: CompareOptions): Promise<CompareReport> {
  const { compileSource } = await import('../../compiler/compile.js');
  const { buildGraph, feedingNodes, variableOfNodes } = await import('../../compiler/graph/index.js');
  const { applicableEstimators, decisionWith } = await import('../../compiler/analysis/applicable.js');
  const compile = (overrides?: ReadonlyMap<string, EstimatorOverride>): CompileResult =>
    compileSource(o.path, o.source, { overrides: { ...(o.hyper ?? {}) }, ...(overrides ? { estimatorOverrides: overrides } : {}) });
  const base = compile();
  if (!base.ok || base.code === undefined) {
    const e = base.diagnostics.find((d) => d.severity === 'error');
    throw new UserError(`${o.path} does not compile${e ? `: ${e.code} ${e.message}` : ''} (run sgm check ${o.path})`);
  }
  const model: CheckedModel = base.models[0];
  const plan = base.plans[0];
  const graph = buildGraph(model).value;
  const all = plan.estimators.map((e) => e.node);
  for (const n of o.nodes ?? []) if (!all.includes(n)) throw new UserError(`--node ${n}: not a sampled latent of ${model.name} (${all.join(', ') || 'none'})`);
  const nodes = plan.estimators.filter((e) => o.nodes === undefined || o.nodes.includes(e.node));

  const autoModule = await importCompiledModel(base);
  const autoInstance = await autoModule.create({ seed: o.seed });
  const instances: ModelInstance[] = [autoInstance];
  let batch: Batch = {};
  try {
    let step = 0;
    let dataSpec = o.data;
    if (o.checkpoint !== undefined) {
      const manifest = loadModelWeights(autoInstance, o.checkpoint);
      step = manifest.step;
      dataSpec ??= manifest.data?.datasetName; // default: the dataset the run was trained on, as sgm eval
    }
    if (autoModule.metadata.data.length > 0) {
      if (dataSpec === undefined) throw new UserError(`--data is required: ${model.name} reads ${autoModule.metadata.data.map((d) => d.name).join(', ')}`);
      const bound = bindModelData(autoModule.metadata, loadDataset(dataSpec));
      const b = Math.min(o.batchSize, bound.size);
      batch = bound.batch(Int32Array.from({ length: b }, (_, i) => i));
    }
    const warmup = o.warmup ?? 20;
    const out: NodeComparison[] = [];
    for (const auto of nodes) {
      const info = nodeInfo(model, auto.node);
      const feeding = feedingNodes(graph, auto.node);
      const names = [...autoInstance.variables].filter(([n, v]) => v.trainable && variableOfNodes(n, feeding)).map(([n]) => n);
      if (names.length === 0) {
        o.log?.(`${auto.node}: no trainable parameter feeds it; skipped`);
        continue;
      }
      const applicable = applicableEstimators(model, auto.node);
      const specs = parseEstimatorList(o.estimators, auto, applicable, info, (ov) => decisionWith(model, auto.node, ov));
      // Runs one estimator of this node: compile with the override, copy the parameters, draw.
      const measure = async (override: EstimatorOverride | undefined, draws: number, purpose: string) => {
        let instance = autoInstance;
        if (override) {
          const r = compile(new Map([[auto.node, override]]));
          if (!r.ok || r.code === undefined) return `${r.diagnostics.find((d) => d.severity === 'error')?.message ?? 'does not compile'}`;
          instance = await (await importCompiledModel(r)).create({ seed: o.seed });
          instances.push(instance);
          copyTrainable(autoInstance, instance);
        }
        const vars = names.map((n) => instance.variables.get(n)!);
        return gradientDraws(instance, batch, vars, { draws, seed: o.seed, purpose, step, warmup });
      };

      const autoVars = names.map((n) => autoInstance.variables.get(n)!);
      const reference = await measureReference(o, auto, info, decisionWith, model, measure, autoVars, batch);
      const rows: EstimatorRow[] = [];
      const skipped: Array<{ estimator: string; reason: string }> = [];
      for (const spec of specs) {
        if (typeof spec.decision === 'string') {
          skipped.push({ estimator: spec.label, reason: spec.decision });
          continue;
        }
        o.log?.(`${auto.node}: ${spec.label} (${o.draws} draws)`);
        const m = await measure(spec.override, o.draws, `${auto.node}/${spec.label}`);
        if (typeof m === 'string') {
          skipped.push({ estimator: spec.label, reason: m });
          continue;
        }
        rows.push(row(spec, m.draws, m.msPerGradient, reference));
      }
      out.push({
        node: auto.node,
        distribution: auto.distribution,
        relaxation: info.relaxation,
        automatic: auto.estimator,
        parameters: names,
        coordinates: reference.gradient.length,
        objective: reference.objective,
        reference,
        rows,
        skipped,
      });
    }
    return {
      format: 'sgm-compare/1',
      model: model.name,
      source: o.path,
      hyperparameters: { ...autoModule.metadata.hyperparameters },
      data: autoModule.metadata.data.length > 0 ? (dataSpec ?? null) : null,
      checkpoint: o.checkpoint ?? null,
      step,
      batchSize: Object.values(batch)[0]?.shape[0] ?? null,
      draws: o.draws,
      seed: o.seed,
      warmup,
      nodes: out,
    };
  } finally {
    tf.dispose(Object.values(batch));
    for (const m of instances) m.dispose();
  }
}

type Measure = (override: EstimatorOverride | undefined, draws: number, purpose: string) => Promise<{ draws: Float32Array[]; msPerGradient: number } | string>;

/** The node's reference gradient: exact (closed form or noiseless enumeration) or a high-draw unbiased estimate. */
async function measureReference(
  o: CompareOptions,
  auto: EstimatorDecision,
  info: NodeFamily,
  decisionWith: (m: CheckedModel, n: string, ov: EstimatorOverride | undefined) => EstimatorDecision | string,
  model: CheckedModel,
  measure: Measure,
  variables: readonly tf.Variable[],
  batch: Batch,
): Promise<Reference> {
  const discreteObjective = info.relaxation === 'none' ? info.discrete : info.relaxation === 'relaxed_count';
  const objective = discreteObjective ? 'discrete' : 'model';
  if (o.exactGradient) {
    const gradient = o.exactGradient(auto.node, variables, batch);
    return { estimator: 'closed form', draws: 0, exact: true, objective, gradient, stderr: gradient.map(() => 0) };
  }
  const candidates: EstimatorOverride[] = discreteObjective
    ? [{ kind: 'enumerate' }, { kind: 'reinforce', options: { baseline: 'loo', samples: 8 } }, { kind: 'reinforce' }]
    : [{ kind: 'pathwise' }];
  const chosen = candidates.find((c) => typeof decisionWith(model, auto.node, c) !== 'string');
  if (!chosen) throw new UserError(`'${auto.node}': no unbiased reference estimator applies (tried ${candidates.map((c) => c.kind).join(', ')})`);
  const draws = Math.max(2, o.referenceDraws ?? o.draws);
  o.log?.(`${auto.node}: reference ${overrideLabel(chosen)} (${draws} draws)`);
  const m = await measure(chosen, draws, `${auto.node}/reference`);
  if (typeof m === 'string') throw new UserError(`'${auto.node}': the reference ${chosen.kind} does not compile: ${m}`);
  const s = summarize(m.draws);
  const exact = s.trace.value === 0;
  return { estimator: overrideLabel(chosen), draws, exact, objective, gradient: s.mean, stderr: exact ? s.stderr.map(() => 0) : s.stderr };
}

function row(spec: EstimatorSpec, draws: Float32Array[], msPerGradient: number, reference: Reference): EstimatorRow {
  const { summary: s, accuracy: a } = fromDraws(draws, msPerGradient, reference);
  const d = spec.decision as EstimatorDecision;
  return {
    estimator: spec.label,
    kind: d.estimator,
    automatic: spec.automatic,
    relaxed: spec.relaxed,
    reason: d.reason,
    draws: s.draws,
    mean: s.mean,
    meanStderr: s.stderr,
    variance: s.trace,
    bias: { values: a.bias, stderr: a.biasStderr, norm: a.biasNorm, noise: a.biasNoise, maxZ: a.maxZ, rmsZ: a.rmsZ },
    mse: a.mse,
    msPerGradient,
  };
}

/** `reinforce(baseline = loo, samples = 8)`, as a `with` clause would read. */
export function overrideLabel(o: EstimatorOverride): string {
  const args = Object.entries(o.options ?? {});
  return args.length === 0 ? o.kind : `${o.kind}(${args.map(([k, v]) => `${k}=${v}`).join(',')})`;
}

/** Copies every trainable variable of `from` into the same-named variable of `to` (baselines are not copied). */
function copyTrainable(from: ModelInstance, to: ModelInstance): void {
  for (const [name, v] of from.variables) {
    const w = to.variables.get(name);
    if (v.trainable && w && tf.util.arraysEqual(v.shape, w.shape)) w.assign(v);
  }
}
