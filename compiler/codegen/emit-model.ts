/**
 * Emits the body of a generated model module (docs/language.md, "Generated code"): weights and parameters created
 * once in `create` (emit-create.ts), one function per part of the model (emit-functions.ts: `shared` model-level
 * values, `guide` q(latents | data), `generative` p(latents) p(data | latents), or `forward` for a flat graph), and
 * the objective that applies the analysis plan's estimators (emit-blocks.ts, emit-flat.ts, emit-objective.ts;
 * each node's code comes from its estimator module, compiler/estimators/). Each emitted statement carries a comment
 * with its source line.
 */
import type { CheckedModel } from '../semantics/types.js';
import type { Plan } from '../analysis/plan.js';
import { blocksMembers } from './emit-blocks.js';
import { allocateLayers, emitEstimatorState, emitParams, emitPriors } from './emit-create.js';
import { flatMembers } from './emit-flat.js';
import { emitDims, emitForward, emitGenerative, emitGuide, emitShared } from './emit-functions.js';
import { emitDispose } from './emit-objective.js';
import { ModelState } from './model-state.js';

/** The pieces of the module, assembled by generate.ts. */
export interface ModelCode {
  readonly hyper: ReadonlyArray<[string, number]>;
  /** Statements of `create` before the functions (weights, params, priors, estimators' state). */
  readonly setup: readonly string[];
  /** Entries of the variables map: expressions yielding [name, tf.Variable] pairs, spread into the Map. */
  readonly variableEntries: readonly string[];
  /** The constant tensors `create` makes, disposed with the model: identifiers, `...id` for an array of them. */
  readonly constants: readonly string[];
  /** Local function declarations inside `create`. */
  readonly functions: readonly string[];
  /** Module-level build functions of the fused elementwise chains (emit-fusion.ts): `const id = code;`. */
  readonly fused: ReadonlyArray<{ readonly id: string; readonly code: string; readonly doc: string }>;
  /** The returned ModelInstance object literal's members. */
  readonly members: readonly string[];
  /** Named imports: values of sgm/stdlib and sgm/runtime, types of sgm/stdlib. */
  readonly imports: { stdlib: string[]; stdlibTypes: string[]; runtime: string[] };
  /** Statements of `afterStep()`, run after each optimizer step (estimators' state: EMA baselines). */
  readonly afterStep: readonly string[];
  /** Whether the code evaluates a schedule at ctx.step (what a step computes then depends on the step number). */
  readonly readsStep: boolean;
}

/** Emits the model. */
export class ModelEmitter {
  private readonly em: ModelState;

  constructor(model: CheckedModel, plan: Plan, options: { readonly fuse?: boolean } = {}) {
    this.em = new ModelState(model, plan, options.fuse ?? true);
  }

  /** Emits everything. */
  emitModel(): ModelCode {
    const em = this.em;
    allocateLayers(em);
    emitParams(em);
    emitPriors(em);
    emitEstimatorState(em);
    emitDims(em);
    if (em.model.structure === 'blocks') {
      if (em.sharedStatements().length > 0) emitShared(em);
      emitGuide(em);
      emitGenerative(em);
    } else {
      emitForward(em);
    }
    const members = em.model.structure === 'blocks' ? blocksMembers(em) : flatMembers(em);
    const hoisted = em.cx.constants;
    return {
      hyper: Object.entries(em.model.hyperparameters),
      setup: [...hoisted.map((c) => `const ${c.id} = ${c.code};`), ...em.setup],
      variableEntries: em.variableEntries,
      // Single tensors first (hoisted constants, then fitted priors), then the arrays of configurations.
      constants: [...hoisted.filter((c) => c.holds === 'tensor').map((c) => c.id), ...em.disposables, ...hoisted.filter((c) => c.holds === 'tensors').map((c) => `...${c.id}`)],
      functions: em.functions,
      fused: em.cx.fused?.declarations() ?? [],
      members: [...members, emitDispose()],
      imports: { stdlib: [...em.cx.imports.stdlib].sort(), stdlibTypes: [...em.cx.imports.stdlibTypes].sort(), runtime: [...em.cx.imports.runtime].sort() },
      afterStep: em.afterStep,
      readsStep: em.cx.readsStep,
    };
  }
}
