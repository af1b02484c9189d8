/**
 * What the expression emitter (emit-expr.ts) shares with the model's emitters: the imports the module needs, the
 * weights of every dense/mlp call site, the constant tensors hoisted into `create`, and the scope of one
 * generated function.
 */
import type * as A from '../syntax/ast.js';
import type { CheckedModel, TensorType } from '../semantics/types.js';
import { FusedPrograms } from './emit-fusion.js';
import type { NameTable } from './names.js';

/** A layer's weights in `create`, allocated per call site. */
export interface LayerSite {
  readonly id: string;
  readonly kind: 'dense' | 'mlp';
  /** Name under which its variables are saved, e.g. 'mu' or 'x.logits'. */
  readonly name: string;
  readonly sizes: readonly number[];
  readonly bias: boolean;
}

/** A constant tensor created once in `create`. */
export interface HoistedConstant {
  readonly id: string;
  readonly code: string;
  /** What the model disposes: one tensor, or an array of tensors. */
  readonly holds: 'tensor' | 'tensors';
}

/** Imports the emitted code needs, by package. */
export class Imports {
  /** Values imported from sgm/stdlib and sgm/runtime. */
  readonly stdlib = new Set<string>();
  readonly runtime = new Set<string>();
  /** Types imported from sgm/stdlib (the runtime's types are a fixed list, generate.ts). */
  readonly stdlibTypes = new Set<string>();
}

/** Where names of the source resolve inside one generated function. */
export interface Scope {
  /** Identifier (or expression) of each source name visible here. */
  readonly values: Map<string, string>;
  /** Statements to put at the top of the function (data bindings, schedules), in order. */
  readonly prelude: string[];
  /** Keys of prelude entries already emitted (schedule canonical text, data names). */
  readonly hoisted: Map<string, string>;
  /** Resolves a source name the scope does not hold yet (data from the batch); undefined if impossible. */
  readonly resolve: (name: string) => string | undefined;
}

/** Shared state of the emitters of one model. */
export class EmitContext {
  readonly imports = new Imports();
  readonly layers = new Map<A.Call, LayerSite>();
  readonly constants: HoistedConstant[] = [];
  private readonly constantKeys = new Map<string, string>();
  /** The module-level build functions of fused elementwise chains; undefined when fusion is off (emit-fusion.ts). */
  readonly fused: FusedPrograms | undefined;
  /** Set when the emitted code evaluates a schedule at ctx.step (emit-expr.ts scheduleCall). */
  readsStep = false;

  constructor(
    readonly model: CheckedModel,
    readonly names: NameTable,
    fuse = true,
  ) {
    this.fused = fuse ? new FusedPrograms(names) : undefined;
  }

  /**
   * A constant tensor created once in `create` (deduplicated by its code), named after the source name it holds
   * (`W$value` for `const W = ...`) or after `base` (a generator name without `$`).
   */
  constant(base: string | { readonly source: string }, code: string, holds: HoistedConstant['holds'] = 'tensor'): string {
    const existing = this.constantKeys.get(code);
    if (existing) return existing;
    const id = typeof base === 'string' ? this.names.fresh(base) : this.names.derived(base.source, 'value');
    this.constants.push({ id, code, holds });
    this.constantKeys.set(code, id);
    return id;
  }

  /** The static type of an expression. */
  tensorType(e: A.Expr): TensorType | undefined {
    const t = this.model.types.get(e);
    return t?.kind === 'tensor' ? t : undefined;
  }
}
