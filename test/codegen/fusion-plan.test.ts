// Which sub-expressions the code generator fuses into one kernel (compiler/codegen/fusion-plan.ts), on the typed
// AST alone, and how the generated module spells them (emit-fusion.ts).
import { describe, expect, it } from 'vitest';
import type * as A from '../../compiler/syntax/ast.js';
import { checkSource } from '../../compiler/pipeline.js';
import { compileSource } from '../../compiler/compile.js';
import { builderCode, fusedChain } from '../../compiler/codegen/fusion-plan.js';
import { verifyModule } from '../../compiler/codegen/verify.js';
import type { CheckedModel } from '../../compiler/semantics/types.js';
import { sgm } from '../cli/run-cli.js';

/** A flat model with data x, y: [B, 4], the statement `v = <expr>` and an objective using v. */
function model(expr: string, extra = ''): { m: CheckedModel; value: A.Expr } {
  const text = `model t(H = 3) {\n  data x: [B, 4]\n  data y: [B, 4]\n${extra}  v = ${expr}\n  maximize mean(v)\n}\n`;
  const r = checkSource('t.sgm', text);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  const m = r.models[0];
  const st = m.statements.find((s) => s.statement.kind === 'assign' && s.statement.targets[0].text === 'v')!.statement as A.Assign;
  return { m, value: st.value };
}

/** The chain rooted at `v`'s expression as [builder code, input texts, ops], or undefined. */
function plan(expr: string, extra = ''): { build: string; inputs: string[]; ops: number } | undefined {
  const { m, value } = model(expr, extra);
  const c = fusedChain(m, value);
  if (!c) return undefined;
  return { build: builderCode(c.tree, (k) => (k.hyper ?? String(k.value))), inputs: c.inputs.map((i) => m.file.slice(i.span)), ops: c.ops };
}

describe('fusedChain', () => {
  it('fuses a chain of elementwise operations; the layer under it is an input, numbers are constants', () => {
    expect(plan('softplus(dense(x, [4])) * 2 + 0.1')).toEqual({ build: 'F.add(F.mul(F.softplus(x0), 2), 0.1)', inputs: ['dense(x, [4])'], ops: 3 });
  });

  it('leaves a single operation to tfjs (one op is one kernel already)', () => {
    expect(plan('softplus(dense(x, [4]))')).toBeUndefined();
    expect(plan('x + y')).toBeUndefined();
    expect(plan('-(x)')).toBeUndefined();
  });

  it('passes one source name once, however often the chain reads it', () => {
    expect(plan('x * x + x - y')).toEqual({ build: 'F.sub(F.add(F.mul(x0, x0), x0), x1)', inputs: ['x', 'y'], ops: 3 });
  });

  it('covers the unary built-ins, unary minus, x^2, minimum/maximum and the comparisons > and <', () => {
    expect(plan('log1p(expm1(sqrt(abs(tanh(sigmoid(relu(log(exp(square(x))))))))))')?.build).toBe(
      'F.log1p(F.expm1(F.sqrt(F.abs(F.tanh(F.sigmoid(F.relu(F.log(F.exp(F.square(x0))))))))))',
    );
    expect(plan('-(x - y)^2')?.build).toBe('F.neg(F.square(F.sub(x0, x1)))');
    expect(plan('maximum(x, y) - minimum(x, ln(y))')?.build).toBe('F.sub(F.max(x0, x1), F.min(x0, F.log(x1)))');
    expect(plan('(x > 0) * x + (y < x)')?.build).toBe('F.add(F.mul(F.greater(x0, 0), x0), F.greater(x0, x1))');
    expect(plan('+(x) / (y)')?.build).toBeUndefined();
    // log_sigmoid and logit are the stdlib's fixed chains (-softplus(-x), log(u) - log1p(-u)), written out.
    expect(plan('log_sigmoid(x)')).toEqual({ build: 'F.neg(F.softplus(F.neg(x0)))', inputs: ['x'], ops: 3 });
    expect(plan('logit(sigmoid(x)) * y')).toEqual({ build: 'F.mul(F.sub(F.log(F.sigmoid(x0)), F.log1p(F.neg(F.sigmoid(x0)))), x1)', inputs: ['x', 'y'], ops: 6 });
  });

  it('makes inputs of what F does not have: other powers, %, ==, reductions, lgamma, indexing', () => {
    expect(plan('x^3 - y')).toBeUndefined();
    expect(plan('x^3 * y + 1')).toEqual({ build: 'F.add(F.mul(x0, x1), 1)', inputs: ['x^3', 'y'], ops: 2 });
    expect(plan('exp(sum(x, axis = -1)) + lgamma(y[:, 0])')).toEqual({ build: 'F.add(F.exp(x0), x1)', inputs: ['sum(x, axis = -1)', 'lgamma(y[:, 0])'], ops: 2 });
    expect(plan('elu(x) * 2 + leaky_relu(y)')).toEqual({ build: 'F.add(F.mul(x0, 2), x1)', inputs: ['elu(x)', 'leaky_relu(y)'], ops: 2 });
    expect(plan('(x % 2) * y - (x == y)')).toEqual({ build: 'F.sub(F.mul(x0, x1), x2)', inputs: ['x % 2', 'y', 'x == y'], ops: 2 });
  });

  it('fuses a chain under a non-elementwise operation separately (the emitter asks at every node)', () => {
    const { m, value } = model('sum(exp(x) * y, axis = -1)');
    expect(fusedChain(m, value)).toBeUndefined();
    const inner = (value as A.Call).args[0].value;
    expect(fusedChain(m, inner)?.ops).toBe(2);
  });

  it('spells a hyperparameter as itself and folds compile-time constants', () => {
    expect(plan('H * exp(x) + (H - 1) / 2')?.build).toBe('F.add(F.mul(H, F.exp(x0)), 1)');
  });

  it('never fuses integer-valued operations (a Categorical draw plus one): they stay tfjs ops, inputs of the chain', () => {
    const extra = '  c ~ Categorical(logits = dense(x, [3]))\n';
    expect(plan('(c + 1) * 2', extra)).toBeUndefined();
    expect(plan('(c + 1) * sum(x, axis = -1)', extra)).toBeUndefined();
    expect(plan('exp((c + 1) * sum(x, axis = -1)) - 1', extra)).toEqual({ build: 'F.sub(F.exp(F.mul(x0, x1)), 1)', inputs: ['c + 1', 'sum(x, axis = -1)'], ops: 3 });
  });

  it('makes a schedule (a JS number per step) an input like a tensor', () => {
    const extra = '  w = ramp(0 -> 1, steps = 10)\n';
    expect(plan('exp(x) * w + 1', extra)).toEqual({ build: 'F.add(F.mul(F.exp(x0), x1), 1)', inputs: ['x', 'w'], ops: 3 });
    expect(plan('exp(x) * anneal(1.0 -> 0.1, steps = 10) - y', '')).toEqual({ build: 'F.sub(F.mul(F.exp(x0), x1), x2)', inputs: ['x', 'anneal(1.0 -> 0.1, steps = 10)', 'y'], ops: 3 });
  });
});

describe('generated fuse calls', () => {
  const source = [
    'model g(D = 4) {',
    '  data x: [B, 4]',
    '  fused1 = exp(x) * 2 - 1  // a user name that looks like a generated one',
    '  F = softplus(x) + 0.5',
    '  z ~ Normal(dense(x, [D]), softplus(dense(x, [D])) + 0.5)',
    '  maximize mean(fused1) + mean(F) - mean(z)',
    '}',
  ].join('\n');

  it('declares each distinct program once at module level, with its source line, and calls fuse with the inputs', () => {
    const r = compileSource('g.sgm', source, { fuse: true });
    expect(r.code).toBeDefined();
    const code = r.code!;
    expect(verifyModule(code, 'g.ts')).toEqual([]);
    expect(code).toContain("/** One fused kernel for line 3: exp(x) * 2 - 1 */\nconst fused1 = (x0: FExpr): FExpr => F.sub(F.mul(F.exp(x0), 2), 1);");
    // softplus(x) + 0.5 at line 4 and softplus(dense(...)) + 0.5 at line 5 share one program.
    expect(code).toContain('const fused2 = (x0: FExpr): FExpr => F.add(F.softplus(x0), 0.5);');
    expect(code).toContain('const fused3 = (x0: FExpr, x1: FExpr, x2: FExpr): FExpr => F.sub(F.add(x0, x1), x2);');
    expect(code.match(/^const fused\d+ =/gm)).toHaveLength(3);
    expect(code).toContain('const fused1$ = fuse([x$], fused1);');
    expect(code).toContain('const F$ = fuse([x$], fused2);');
    expect(code).toContain("sigma: fuse([dense(x$, z$sigma_layer.W, z$sigma_layer.b, 'identity')], fused2)");
    expect(code).toMatch(/import \{ F, .*fuse, .*type FExpr \} from 'sgm\/stdlib';/);
  });

  it('verify accepts the build functions only between the type aliases and metadata', () => {
    const code = compileSource('g.sgm', source, { fuse: true }).code!;
    const moved = code.replace("\nimport * as tf", "\nconst fused9 = 1;\nimport * as tf");
    expect(moved).not.toBe(code);
    expect(verifyModule(moved, 'g.ts')).toEqual([expect.stringContaining('top-level statements are [const fused9; import * as tf')]);
    const other = code.replace('\nconst fused1 =', '\nconst helper = 1;\nconst fused1 =');
    expect(verifyModule(other, 'g.ts')).toEqual([expect.stringContaining('type Shared; const helper; export const metadata')]);
  });

  it('emits one tfjs op per operation with fuse: false, as before', () => {
    const code = compileSource('g.sgm', source, { fuse: false }).code!;
    expect(code).not.toMatch(/fuse\(|FExpr|^const fused/m);
    expect(code).toContain('const fused1$ = tf.sub(tf.mul(tf.exp(x$), 2), 1);');
  });

  it('sgm compile fuses by default and writes one tfjs op per operation with --no-fuse', async () => {
    const fused = await sgm(['compile', 'models/m2.sgm']);
    const plain = await sgm(['compile', 'models/m2.sgm', '--no-fuse']);
    expect([fused.code, plain.code]).toEqual([0, 0]);
    expect(fused.stdout).toContain("sigma: fuse([dense(h$, z$sigma_layer.W, z$sigma_layer.b, 'identity')], fused1)");
    expect(plain.stdout).toContain("sigma: tf.add(tf.softplus(dense(h$, z$sigma_layer.W, z$sigma_layer.b, 'identity')), 0.001)");
    expect(plain.stdout).not.toMatch(/fuse\(|FExpr/);
  });
});
