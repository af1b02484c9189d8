/**
 * Binds the arguments of a call to the parameters of its signature (positional first, then by name or
 * alias) and reports SGM2101-SGM2105 and SGM2111. Argument kinds and constraints are checked by the caller
 * (expressions.ts), which knows how to type each kind.
 */
import type { ParamSig } from '../../stdlib/signatures/index.js';
import { closestName } from '../diagnostics/suggest.js';
import type * as A from '../syntax/ast.js';
import type { CheckContext } from './context.js';

/** An argument matched to a parameter, before typing. */
export interface MatchedArgument {
  readonly param: ParamSig;
  readonly arg: A.Argument;
}

/** The result of matching: arguments by parameter, extra positional arguments (variadic), and success. */
export interface Matching {
  readonly matched: Map<string, MatchedArgument>;
  readonly rest: A.Argument[];
  readonly ok: boolean;
}

/** Parameter names and aliases, in the order users read them in messages. */
function paramNames(params: readonly ParamSig[]): string[] {
  return params.flatMap((p) => [p.name, ...(p.aliases ?? [])]);
}

/** The parameters of a signature's exactly-one-of groups, built once per signature (calls are checked by the thousand). */
const GROUPED = new WeakMap<readonly (readonly string[])[], ReadonlySet<string>>();
function groupedNames(exactlyOneOf: readonly (readonly string[])[]): ReadonlySet<string> {
  let set = GROUPED.get(exactlyOneOf);
  if (set === undefined) GROUPED.set(exactlyOneOf, (set = new Set(exactlyOneOf.flat())));
  return set;
}

/**
 * Matches `args` to `params` of the function or distribution `what`. Variadic functions send positional
 * arguments to `rest` (their named parameters still match by name).
 */
export function matchArguments(
  ctx: CheckContext,
  what: string,
  params: readonly ParamSig[],
  exactlyOneOf: readonly (readonly string[])[] | undefined,
  call: A.Call,
  variadic: boolean,
): Matching {
  const matched = new Map<string, MatchedArgument>();
  const rest: A.Argument[] = [];
  let ok = true;
  let sawNamed = false;
  // Positional arguments fill parameters in order, skipping alternatives of an exactly-one-of group that
  // was already filled positionally (so Bernoulli(0.3) means probs, and GumbelSoftmax(l, τ) means logits, tau).
  let next = 0;
  const groupOf = (name: string) => exactlyOneOf?.find((g) => g.includes(name));

  for (const arg of call.args) {
    if (arg.name) {
      sawNamed = true;
      const name = arg.name.text;
      const param = params.find((p) => p.name === name || (p.aliases ?? []).includes(name));
      if (!param) {
        ok = false;
        const near = closestName(name, paramNames(params));
        ctx.report('SGM2102', arg.name.span, `${what} has no parameter '${name}'`, {
          label: 'unknown argument name',
          notes: [`parameters of ${what}: ${params.map((p) => p.name).join(', ') || '(none)'}`],
          ...(near ? { help: `did you mean '${near}'?` } : {}),
        });
        // Recovery: bind a near miss to the parameter it most likely means, so it is not also "missing".
        const meant = near === undefined ? undefined : params.find((p) => p.name === near || (p.aliases ?? []).includes(near));
        if (meant && !matched.has(meant.name)) matched.set(meant.name, { param: meant, arg });
        continue;
      }
      const prior = matched.get(param.name);
      if (prior) {
        ok = false;
        ctx.report('SGM2104', arg.span, `argument '${param.name}' of ${what} is given twice`, {
          label: 'given again here',
          related: [{ span: prior.arg.span, message: 'first given here' }],
        });
        continue;
      }
      matched.set(param.name, { param, arg });
      continue;
    }
    if (sawNamed) {
      ok = false;
      ctx.report('SGM2111', arg.span, `positional argument after named arguments in ${what}`, {
        label: 'positional argument',
        help: 'put positional arguments first, or name this one',
      });
      // Recovery: still bind it to the next free parameter, so it is not also reported "missing".
    }
    if (variadic) {
      rest.push(arg);
      continue;
    }
    while (next < params.length) {
      const p = params[next];
      const g = groupOf(p.name);
      if (matched.has(p.name) || (g && g.some((n) => matched.has(n)))) next++;
      else break;
    }
    const param = params[next];
    if (!param) {
      ok = false;
      ctx.report('SGM2101', arg.span, `too many arguments to ${what}`, {
        label: `${what} takes at most ${params.length} positional argument${params.length === 1 ? '' : 's'}`,
        notes: [`parameters of ${what}: ${params.map((p) => p.name).join(', ') || '(none)'}`],
      });
      continue;
    }
    matched.set(param.name, { param, arg });
    next++;
  }

  for (const group of exactlyOneOf ?? []) {
    const given = group.filter((n) => matched.has(n));
    if (given.length !== 1) {
      ok = false;
      const span = given.length > 1 ? matched.get(given[1])!.arg.span : call.callee.span;
      ctx.report('SGM2105', span, `${what} takes exactly one of ${group.map((n) => `'${n}'`).join(' or ')}`, {
        label: given.length > 1 ? `both ${given.join(' and ')} are given` : `none of ${group.join(', ')} is given`,
      });
    }
  }
  const grouped = exactlyOneOf === undefined ? undefined : groupedNames(exactlyOneOf);
  for (const p of params) {
    if (!p.optional && !grouped?.has(p.name) && !matched.has(p.name)) {
      ok = false;
      ctx.report('SGM2103', call.span, `missing argument '${p.name}' of ${what}`, {
        label: `'${p.name}' is required`,
        notes: [`${p.name}: ${p.doc}`],
      });
    }
  }
  return { matched, rest, ok };
}
