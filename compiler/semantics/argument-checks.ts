/**
 * The checks of a tensor-valued argument once typed: constness (SGM2108, SGM2109), kind (integer lists, scalars),
 * constant values against the parameter's constraint (SGM2106) and a value's range against it (SGM4004).
 */
import type { ParamSig } from '../../stdlib/signatures/index.js';
import type { Expr } from '../syntax/ast.js';
import { flattenConst } from './constant.js';
import type { CheckContext } from './context.js';
import { constantViolation, constraintHelp, rangeSatisfies } from './ranges.js';
import { formatShape } from './shape.js';
import type { ConstValue, ExprType, TensorType } from './types.js';

const ERROR: ExprType = { kind: 'error' };

/** Kind, constness and constraint checks of a tensor-valued argument. */
export function checkTensorArgument(ctx: CheckContext, what: () => string, param: ParamSig, v: Expr, t: TensorType): ExprType {
  const needsConstant = param.kind === 'constant' || param.kind === 'int_list';
  // A schedule is a constant of each step: accepted where the signature says so (fit_prior's tau).
  if (needsConstant && t.schedule && param.schedule) return checkScheduleArgument(ctx, what, param, v, t);
  if (needsConstant && t.schedule) {
    ctx.report('SGM2108', v.span, `${what()} must be a constant, not a schedule`, {
      label: 'changes during training',
      help: 'schedules (anneal, ramp) are allowed for temperatures and other scalar parameters, not here',
    });
    return ERROR;
  }
  if (needsConstant && t.constant === undefined) {
    ctx.report('SGM2109', v.span, `${what()} must be known at compile time`, {
      label: 'depends on data, params or samples',
      help: 'use a literal, a hyperparameter or a const',
    });
    return ERROR;
  }
  if (param.kind === 'int_list') {
    const values = flattenConst(t.constant!);
    if (t.shape === null || t.shape.length > 1 || values.some((x) => !Number.isInteger(x))) {
      ctx.report('SGM2107', v.span, `${what()} expects an integer or a list of integers`, { label: `got ${ctx.text(v.span)}` });
      return ERROR;
    }
  }
  if ((param.kind === 'scalar' || param.kind === 'constant') && t.shape !== null && t.shape.some((d) => d !== 1)) {
    ctx.report('SGM3002', v.span, `${what()} must be a scalar`, { label: `has shape ${formatShape(t.shape)}` });
    return ERROR;
  }
  if (param.constraint && t.constant !== undefined) {
    const rows = param.constraint === 'simplex' ? lastAxisRows(t.constant) : [flattenConst(t.constant)];
    for (const row of rows) {
      const violation = constantViolation(row, param.constraint);
      if (violation) {
        ctx.report('SGM2106', v.span, `${what()} must be ${param.constraint.replace(/_/g, ' ')}`, { label: violation });
        return ERROR;
      }
    }
  } else if (param.constraint && !rangeSatisfies(t.range, param.constraint)) {
    const help = constraintHelp(param.constraint);
    ctx.report('SGM4004', v.span, `${what()} must be ${param.constraint.replace(/_/g, ' ')}, but this value is not constrained to it`, {
      label: `${t.range === 'real' ? 'any real number' : t.range.replace(/_/g, ' ')}`,
      ...(help ? { help } : {}),
    });
  }
  return t;
}

/** A schedule where the signature admits one: a scalar whose range satisfies the constraint. */
function checkScheduleArgument(ctx: CheckContext, what: () => string, param: ParamSig, v: Expr, t: TensorType): ExprType {
  if (t.shape !== null && t.shape.some((d) => d !== 1)) {
    ctx.report('SGM3002', v.span, `${what()} must be a scalar`, { label: `has shape ${formatShape(t.shape)}` });
    return ERROR;
  }
  if (param.constraint && !rangeSatisfies(t.range, param.constraint)) {
    ctx.report('SGM4004', v.span, `${what()} must be ${param.constraint.replace(/_/g, ' ')}, but this schedule is not constrained to it`, {
      label: `${t.range === 'real' ? 'any real number' : t.range.replace(/_/g, ' ')}`,
    });
  }
  return t;
}

/** The last-axis rows of a constant (for simplex checks). */
function lastAxisRows(v: ConstValue): number[][] {
  if (!Array.isArray(v)) return [flattenConst(v)];
  if (v.every((x) => !Array.isArray(x))) return [flattenConst(v)];
  return v.flatMap((x) => lastAxisRows(x));
}
