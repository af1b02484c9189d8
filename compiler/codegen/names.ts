/**
 * Names and user text in generated code. A model file must never be able to inject code into its module, and no
 * name a user picks may collide with a name the generator uses. The rules, applied by every emitter:
 *
 * - Identifiers: sgm identifiers cannot contain `$` (compiler/syntax/tokens.ts), so every identifier derived
 *   from a source name contains `$` and every identifier the generator fixes (imports, `hyper`, `metadata`,
 *   `create`, `s`, `g`, `m`, `dims`, `batch`, `loss`, ...) contains none. `sourceId('z')` is `z$` (the value of
 *   the source name z), `derivedId('z', 'q')` is `z$q` (the guide's distribution of z), `derivedId('x.logits',
 *   'layers')` is `x$logits_layers`. A `NameTable` hands them out and dedupes (suffix `_2`, ...).
 * - Property keys and reads of records keyed by user names (`hyper`, metrics, the latents a member returns):
 *   `propKey` / `member`, which quote non-identifiers and write `__proto__` as the computed key `["__proto__"]`
 *   (a plain `__proto__:` key would set the object's prototype instead of creating a property).
 * - Strings: only as `str(...)` (JSON.stringify, with U+2028 and U+2029 escaped too).
 * - Comments: only through `commentText(...)`, which removes line breaks (U+000A, U+000D, U+2028, U+2029) and
 *   comment terminators (`*∕`), so the text can neither end a `//` comment nor a `/* ... *∕` one.
 * - Numbers: only through `literal` of emit-expr.ts (NaN, ±Infinity and -0 print as valid expressions).
 */

/** Identifiers the generator uses itself (none contains `$`): fresh generated names never take them. */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await async of undefined NaN Infinity ' +
    'arguments eval tf hyper metadata create options init variables constants dimsOf shared guide generative forward ' +
    'batch ctx dims s fixed latents g m r n e i k v row value loss elbo runs logWeights terms bound m_out ' +
    'Dims Fixed Latents Shared Batch CreateOptions ModelInstance ModelMetadata ObjectiveResult StepContext Distribution'
  ).split(' '),
);

/** Characters JavaScript allows inside an identifier (besides `$`, which only the generator uses). */
const ID_CONTINUE = /[\p{ID_Continue}\u200c\u200d]/u;
const ID_START = /[\p{ID_Start}_]/u;

/** Source text made identifier-safe: characters JS does not allow in identifiers (e.g. `²`) become `_u00b2_`. */
function identifierPart(text: string): string {
  const out = [...text]
    .map((c) => (c === '$' || !ID_CONTINUE.test(c) ? `_u${c.codePointAt(0)!.toString(16).padStart(4, '0')}_` : c))
    .join('');
  return out === '' || !ID_START.test([...out][0]) ? `_${out}` : out;
}

/** The identifier of a source name: `z` -> `z$` (before deduplication). */
export function sourceId(name: string): string {
  return `${identifierPart(name)}$`;
}

/**
 * The identifier of something derived from a source name or path: ('z', 'q') -> `z$q`, ('x.logits', 'layers') ->
 * `x$logits_layers`, ('z:prior.mu', 'layer') -> `z$prior_mu_layer` (before deduplication).
 */
export function derivedId(name: string, role: string): string {
  const [head, ...rest] = name.split(/[.:]/);
  const tail = [...rest, role].filter((p) => p !== '').map(identifierPart).join('_');
  return `${identifierPart(head)}$${tail}`;
}

/**
 * A single-quoted JavaScript string literal of any text: JSON.stringify's escapes (valid in single quotes too),
 * with `\"` unescaped, `'` escaped, and U+2028/U+2029 escaped as well.
 */
export function str(text: string): string {
  const body = JSON.stringify(text)
    .slice(1, -1)
    .replace(/\\"|'|\u2028|\u2029/g, (m) => (m === "'" ? "\\'" : m === '\u2028' ? '\\u2028' : m === '\u2029' ? '\\u2029' : '"'));
  return `'${body}'`;
}

const IDENTIFIER_NAME = /^[\p{ID_Start}_$][\p{ID_Continue}$\u200c\u200d]*$/u;

/** An object-literal key for any name: bare, quoted, or computed for `__proto__`. */
export function propKey(key: string): string {
  if (key === '__proto__') return '["__proto__"]';
  return IDENTIFIER_NAME.test(key) ? key : str(key);
}

/** Reading a property named by any text: `obj.key` or `obj["key"]`. */
export function member(obj: string, key: string): string {
  return IDENTIFIER_NAME.test(key) && key !== '__proto__' ? `${obj}.${key}` : `${obj}[${str(key)}]`;
}

/** Text safe inside a `//` or `/* ... *∕` comment: line breaks become spaces, comment terminators are broken. */
export function commentText(text: string): string {
  let out = text.replace(/[\n\r\u2028\u2029]+/g, ' ');
  while (out.includes('*/')) out = out.replace(/\*\//g, '* /');
  return out;
}

/** A set of identifiers in use, handing out fresh ones. */
export class NameTable {
  private readonly used = new Set<string>(RESERVED);
  private readonly sourceNames = new Map<string, string>();

  /** Allocates the identifier (`sourceId`) of every source name. */
  reserveSource(names: Iterable<string>): void {
    for (const n of names) if (!this.sourceNames.has(n)) this.sourceNames.set(n, this.take(sourceId(n)));
  }

  /** The identifier of a source name. */
  source(name: string): string {
    const id = this.sourceNames.get(name);
    if (id === undefined) throw new Error(`internal: source name '${name}' was not reserved`);
    return id;
  }

  /** A fresh identifier derived from a source name or path (`derivedId`). */
  derived(name: string, role: string): string {
    return this.take(derivedId(name, role));
  }

  /** A fresh identifier for a value the generator introduces (`base` contains no `$`): schedule, constant, ... */
  fresh(base: string): string {
    if (base.includes('$')) throw new Error(`internal: generated base name '${base}' contains '$'`);
    return this.take(identifierPart(base));
  }

  /** `id`, or `id_2`, `id_3`, ... when taken. */
  private take(id: string): string {
    let candidate = id;
    for (let i = 2; this.used.has(candidate); i++) candidate = `${id}_${i}`;
    this.used.add(candidate);
    return candidate;
  }
}
