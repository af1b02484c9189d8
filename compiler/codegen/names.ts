/**
 * Names in generated code: source names are kept (λ, σ_y and z_q are valid TypeScript identifiers) except where
 * they would clash with a reserved word or with a name the generator introduces; every generated name is
 * allocated here so that no two collide.
 */

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await async of undefined NaN Infinity ' +
    'arguments eval tf batch ctx options fixed dims mode init variables constants metadata create'
  ).split(' '),
);

/** A set of identifiers in use, handing out fresh ones. */
export class NameTable {
  private readonly used = new Set<string>(RESERVED);
  private readonly sourceNames = new Map<string, string>();

  /** Reserves the identifiers of every source name first, so generated names never take them. */
  reserveSource(names: Iterable<string>): void {
    for (const n of names) {
      const id = this.fresh(n);
      this.sourceNames.set(n, id);
    }
  }

  /** The identifier of a source name. */
  source(name: string): string {
    const id = this.sourceNames.get(name);
    if (id === undefined) throw new Error(`internal: source name '${name}' was not reserved`);
    return id;
  }

  /** A fresh identifier based on `base` (made a valid identifier), suffixed _2, _3, ... when taken. */
  fresh(base: string): string {
    let id = base.replace(/[^\p{L}\p{N}_$]/gu, '_');
    if (/^\p{N}/u.test(id) || id === '') id = `_${id}`;
    if (RESERVED.has(id) && !this.sourceNames.has(id)) id = `${id}_`;
    let candidate = id;
    for (let i = 2; this.used.has(candidate); i++) candidate = `${id}_${i}`;
    this.used.add(candidate);
    return candidate;
  }
}
