/**
 * Benchmark sections besides the step table (issue 6 item 1): `sgm compile` time of every model and parse + check
 * throughput. Each is one function returning rows; they report `pending` until the compiler's entry points they
 * time exist (the lead wires them when the code generator lands: replace the body, keep the signature).
 */

/** One measured quantity of a section. */
export interface SectionRow {
  readonly name: string;
  readonly value: number | null;
  readonly unit: string;
  readonly note?: string;
}

/** A section's result. */
export interface SectionResult {
  readonly id: string;
  readonly title: string;
  readonly status: 'measured' | 'pending';
  readonly rows: readonly SectionRow[];
}

/** `sgm compile` wall time of every model in models/ (pending until codegen exists). */
export async function compileTimes(): Promise<SectionResult> {
  return { id: 'compile', title: '`sgm compile` time per model', status: 'pending', rows: [] };
}

/** Parse + check throughput over models/ in lines per second (pending until the check pipeline is wired here). */
export async function parseCheckThroughput(): Promise<SectionResult> {
  return { id: 'parse-check', title: 'parse + check throughput', status: 'pending', rows: [] };
}

/** Every section, in print order. */
export const SECTIONS: ReadonlyArray<() => Promise<SectionResult>> = [compileTimes, parseCheckThroughput];
