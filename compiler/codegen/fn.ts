/** A generated function (guide, generative, forward, shared) under construction: its statements and return object. */
import type { ResolvedCall } from '../semantics/types.js';
import { type EmitContext, ExprEmitter, type Scope } from './emit-expr.js';
import { commentText } from './names.js';


/** A generated function under construction. */
export class Fn {
  readonly lines: string[] = [];
  readonly returns = new Map<string, string>();
  readonly scope: Scope;
  readonly emit: ExprEmitter;

  constructor(
    cx: EmitContext,
    resolve: (name: string, fn: Fn) => string | undefined,
    objectiveTerm?: (call: ResolvedCall) => string,
  ) {
    const prelude: string[] = [];
    this.scope = { values: new Map(), prelude, hoisted: new Map(), resolve: (n) => resolve(n, this) };
    this.emit = new ExprEmitter(cx, this.scope, objectiveTerm);
  }

  /** Adds `const id = code;` with a trailing comment (made comment-safe), and records the value for the return object. */
  bind(id: string, code: string, comment?: string, returned = true): void {
    this.lines.push(`const ${id} = ${code};${comment ? ` // ${commentText(comment)}` : ''}`);
    if (returned) this.returns.set(id, id);
  }

  /** The function body: prelude (data, schedules), statements, return. */
  body(extraReturn: string[] = []): string {
    const ret = [...[...this.returns.keys()].map((k) => (this.returns.get(k) === k ? k : `${k}: ${this.returns.get(k)}`)), ...extraReturn];
    return [...this.scope.prelude, ...this.lines, `return { ${ret.join(', ')} };`].join('\n');
  }
}
