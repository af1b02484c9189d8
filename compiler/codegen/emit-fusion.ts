/**
 * Emits a fused elementwise chain (fusion-plan.ts) as one `fuse(inputs, build)` call of sgm's stdlib: the build
 * function is a module-level constant (`fused1`, `fused2`, ... in order of emission; generated names without `$`
 * from the name table, so no source name can take them), declared once per distinct program with the source
 * expression in its comment. fuse compiles a program once per (build function, input shapes) and caches it on the
 * function, so a module-level constant hits the cache every step. `generate.ts` places the constants between the
 * type aliases and `metadata`.
 */
import type * as A from '../syntax/ast.js';
import type { CheckedModel } from '../semantics/types.js';
import { builderCode, fusedChain } from './fusion-plan.js';
import type { Imports } from './emit-context.js';
import { commentText, member, type NameTable } from './names.js';

/** One module-level build function. */
export interface FusedProgram {
  readonly id: string;
  /** `(x0: FExpr, x1: FExpr): FExpr => F.add(...)` */
  readonly code: string;
  /** Where it comes from: `line 12: softplus(dense(h, [D])) + 0.1` (not yet comment-safe). */
  readonly source: string;
}

/** The build functions of one module, deduplicated by their code. */
export class FusedPrograms {
  readonly programs: FusedProgram[] = [];
  private readonly byCode = new Map<string, string>();

  constructor(private readonly names: NameTable) {}

  /** The identifier of the build function with this code, declared on first use. */
  program(code: string, source: string): string {
    const known = this.byCode.get(code);
    if (known) return known;
    const id = this.names.fresh(`fused${this.programs.length + 1}`);
    this.programs.push({ id, code, source });
    this.byCode.set(code, id);
    return id;
  }

  /** The module-level declarations: one documented `const` per program (its doc comment-safe). */
  declarations(): Array<{ id: string; code: string; doc: string }> {
    return this.programs.map((p) => ({ id: p.id, code: p.code, doc: `One fused kernel for ${commentText(p.source)}` }));
  }
}

/**
 * `fuse([inputs], fusedN)` for an expression that roots a fused chain, or undefined (emit it as tfjs ops).
 * `input` emits an input expression as ordinary code (the expression emitter's `expr`).
 */
export function emitFused(model: CheckedModel, programs: FusedPrograms, imports: Imports, e: A.Expr, input: (x: A.Expr) => string, literal: (v: number) => string): string | undefined {
  const chain = fusedChain(model, e);
  if (!chain) return undefined;
  // Inputs whose code is the same are the same value (expressions have no side effects: draws happen in
  // statements), e.g. `loglik(x)` read twice by an objective: one input. A layer call is never repeated code
  // (each call site has its own weights).
  const codes: string[] = [];
  const slot = chain.inputs.map((x) => {
    const text = input(x);
    const known = codes.indexOf(text);
    if (known >= 0) return known;
    codes.push(text);
    return codes.length - 1;
  });
  const params = codes.map((_, i) => `x${i}: FExpr`).join(', ');
  const body = builderCode(chain.tree, (c) => (c.hyper !== undefined ? member('hyper', c.hyper) : literal(c.value)), (i) => `x${slot[i]}`);
  const code = `(${params}): FExpr => ${body}`;
  const source = `line ${model.file.position(chain.root.span.start).line}: ${model.file.slice(chain.root.span).replace(/\s+/g, ' ')}`;
  const id = programs.program(code, source);
  imports.stdlib.add('fuse');
  imports.stdlib.add('F');
  imports.stdlibTypes.add('FExpr');
  return `fuse([${codes.join(', ')}], ${id})`;
}
