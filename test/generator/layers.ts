/**
 * Deterministic parts of generated models: features of a sample or a data tensor as a [B, F] matrix, and random
 * stacks of layers and elementwise ops (read from the function table) between stochastic statements.
 */
import type { FunctionSig } from '../../stdlib/signatures/index.js';
import type { Dim, SampleInfo } from './dist-builder.js';
import type { Draw } from './draw.js';
import { activations, binaryOps, constantValues, constrain, FUNCTION_DOMAINS, opsWithConstants, unaryOps } from './table.js';

/** A [B, F] feature expression. */
export interface Features {
  readonly expr: string;
  readonly width: number;
}

/** Where generated statements go. */
export interface StatementSink {
  readonly draw: Draw;
  fresh(prefix: string): string;
  /** Appends `name = expr` to the current block. */
  assign(name: string, expr: string): void;
  dim(n: number): string;
}

const product = (shape: readonly Dim[]): number => shape.reduce<number>((p, d) => (d === 'B' ? p : p * d), 1);

/** A [B, F] view of a value of `info`'s support and shape (one-hot for indices, log1p for counts). */
export function featuresOf(sink: StatementSink, name: string, info: Pick<SampleInfo, 'support' | 'shape' | 'K'>): Features {
  let expr = name;
  let shape: Dim[] = [...info.shape];
  if (info.support === 'categorical_index') {
    expr = `one_hot(${name}, ${sink.dim(info.K ?? 2)})`;
    shape = [...shape, info.K ?? 2];
  } else if (['positive', 'nonnegative_integer', 'counts', 'integer_interval', 'relaxed_integer'].includes(info.support)) {
    // Unbounded values go through log1p: a raw count fed to logits saturates float32 (a fault of the model).
    expr = `log1p(${name})`;
  }
  if (shape.length === 1) expr = `reshape(${expr}, [1])`;
  else if (shape.length > 2) expr = `flatten(${expr})`;
  return { expr, width: Math.max(1, product(shape)) };
}

/** 0..maxOps layers/ops on `input`, each its own statement; returns the last features. */
export function layerStack(sink: StatementSink, input: Features, maxWidth: number, maxOps = 2): Features {
  const d = sink.draw;
  let h = input;
  const n = d.int(0, maxOps);
  for (let i = 0; i < n; i++) h = oneLayer(sink, h, maxWidth);
  // A bare input is kept as is (dense layers follow in the distribution arguments).
  return h;
}

function oneLayer(sink: StatementSink, h: Features, maxWidth: number): Features {
  const d = sink.draw;
  const name = sink.fresh('h');
  const kind = d.weighted<'dense' | 'mlp' | 'unary' | 'const_op' | 'binary' | 'arith' | 'concat'>([
    ['dense', 3],
    ['mlp', 2],
    ['unary', 2],
    ['const_op', 1],
    ['binary', 1],
    ['arith', 1],
    ['concat', 0.5],
  ]);
  switch (kind) {
    case 'dense': {
      const w = d.int(1, maxWidth);
      const act = d.bool(0.6) ? `, act = ${d.pick(activations('dense', 'act'))}` : '';
      const bias = d.bool(0.1) ? ', bias = false' : '';
      sink.assign(name, `dense(${h.expr}, [${sink.dim(w)}]${act}${bias})`);
      return { expr: name, width: w };
    }
    case 'mlp': {
      const sizes = Array.from({ length: d.int(1, 3) }, () => d.int(1, maxWidth));
      const act = d.bool(0.5) ? `, act = ${d.pick(activations('mlp', 'act'))}` : '';
      const out = d.bool(0.3) ? `, out_act = ${d.pick(activations('mlp', 'out_act'))}` : '';
      sink.assign(name, `mlp(${h.expr}, [${sizes.map((s) => sink.dim(s)).join(', ')}]${act}${out})`);
      return { expr: name, width: sizes[sizes.length - 1] };
    }
    case 'unary': {
      const f = d.pick(unaryOps());
      sink.assign(name, `${f.name}(${guardDomain(f, h.expr, d.int(0, 5))})`);
      return { expr: name, width: h.width };
    }
    case 'const_op': {
      const f = d.pick(opsWithConstants());
      sink.assign(name, `${f.name}(${h.expr}, ${constantArgs(d, f)})`);
      return { expr: name, width: h.width };
    }
    case 'binary': {
      const f = d.pick(binaryOps());
      sink.assign(name, `${f.name}(${h.expr}, ${d.pick(['0', '0.5 * ' + h.expr, '1'])})`);
      return { expr: name, width: h.width };
    }
    case 'arith': {
      const e = d.pick([`${h.expr} * 0.5 + 1`, `(${h.expr} - 1) / 2`, `-${h.expr}`, `${h.expr} + ${h.expr} * ${h.expr} * 0.1`, `tanh(${h.expr})^2`]);
      sink.assign(name, e);
      return { expr: name, width: h.width };
    }
    case 'concat': {
      sink.assign(name, d.bool(0.5) ? `concat(${h.expr}, ${h.expr})` : `concat(${h.expr}, ${h.expr}, axis = -1)`);
      return { expr: name, width: 2 * h.width };
    }
  }
}

/** The input of `f` mapped into its domain (FUNCTION_DOMAINS) when narrower than the reals. */
function guardDomain(f: FunctionSig, expr: string, variant: number): string {
  const domain = FUNCTION_DOMAINS[f.name];
  if (!domain) return expr;
  return domain === 'open_unit_interval' ? `0.05 + 0.9 * sigmoid(${expr})` : constrain(expr, domain, variant + 1);
}

/** Constant arguments after x: axis -1 for axis parameters, an ordered pair for low/high bounds. */
function constantArgs(d: Draw, f: FunctionSig): string {
  const rest = f.params.slice(1);
  const names = rest.map((p) => p.name);
  if (names.includes('low') && names.includes('high')) {
    const low = d.pick(['-3', '-1', '0']);
    return `${low}, ${Number(low) + d.int(1, 4)}`;
  }
  return rest.map((p) => `${p.name} = ${p.name === 'axis' ? '-1' : d.pick(constantValues(p.constraint, p))}`).join(', ');
}
