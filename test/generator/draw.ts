/**
 * Imperative drawing on top of fast-check's `fc.gen()`: the generator is written as ordinary code that asks for
 * random choices, and fast-check records (and can shrink) every choice.
 */
import fc from 'fast-check';

/** The value `fc.gen()` hands to a property. */
export type GenValue = Parameters<Parameters<ReturnType<typeof fc.gen>['map']>[0]>[0];

/** Random choices for the generator. */
export class Draw {
  constructor(private readonly g: GenValue) {}

  private draws = 0;

  int(min: number, max: number): number {
    if (++this.draws > 20000) throw new Error('generator made more than 20000 random choices for one model');
    return this.g(fc.integer, { min, max });
  }

  bool(pTrue = 0.5): boolean {
    // Integer draws shrink toward min: `false` is the simpler choice.
    return this.int(0, 999) >= Math.round((1 - pTrue) * 1000);
  }

  /**
   * True with probability about `p` (small): fast-check biases integer draws toward the ends of their range, so
   * bool(0.02) comes out true far more often than 2 %; a window in the middle of the range is not biased up.
   */
  rare(p: number): boolean {
    const v = this.int(0, 999);
    return v >= 400 && v < 400 + Math.round(p * 1000);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Draw.pick from an empty list');
    return items[this.int(0, items.length - 1)];
  }

  /** Picks by weight; entries with weight 0 are never chosen. */
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    const live = entries.filter(([, w]) => w > 0);
    const total = live.reduce((s, [, w]) => s + w, 0);
    let r = this.int(0, Math.max(0, Math.round(total * 1000) - 1)) / 1000;
    for (const [v, w] of live) {
      if (r < w) return v;
      r -= w;
    }
    return live[live.length - 1][0];
  }
}
