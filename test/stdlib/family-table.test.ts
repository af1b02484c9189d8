// The signature table is the one place that says what a distribution family is (issue 15 item 2): every table
// entry has a registered implementation and every implementation a table entry, the family facts the compiler
// asks (count base, GenGS base, infinite support, straight-through form, fit_prior, log pmf) agree with what the
// classes do, and the compiler keeps no family-name list of its own.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../runtime/package-root.js';
import { DISTRIBUTION_CLASSES } from '../../stdlib/distributions/register-all.js';
import * as stdlib from '../../stdlib/index.js';
import { GenGS } from '../../stdlib/distributions/gen-gs.js';
import { RandomStream } from '../../stdlib/random.js';
import {
  DISTRIBUTIONS,
  FUNCTIONS,
  findDistribution,
  fitPriorFamilies,
  hasInfiniteSupport,
  isCountBase,
  isGenGsBase,
  sampleSign,
  straightThroughByHardFlag,
  type DistributionSig,
  type ValueConstraint,
} from '../../stdlib/signatures/index.js';
import { tf } from '../../stdlib/tf.js';
import { isCountDistribution } from '../../stdlib/truncation.js';
import { FIXTURES } from './fixtures.js';

const root = packageRoot();

/** A valid value of each constraint, so a family's parameters can be built from its table entry alone. */
const VALUE_OF: Partial<Record<ValueConstraint, number | number[]>> = {
  real: 0.4,
  positive: 2.5,
  unit_interval: 0.3,
  open_unit_interval: 0.3,
  nonnegative_integer: 6,
  positive_integer: 3,
  simplex: [0.5, 0.3, 0.2],
};

/** Parameters of a family from its table entry: one value per parameter, the first of each exactly-one-of group. */
function paramsOf(d: DistributionSig): Record<string, number | number[]> {
  const skip = new Set((d.exactlyOneOf ?? []).flatMap((g) => g.slice(1)));
  const out: Record<string, number | number[]> = {};
  for (const p of d.params) {
    const v = p.constraint ? VALUE_OF[p.constraint] : undefined;
    if (skip.has(p.name) || v === undefined || p.kind === 'constant' && p.optional) continue;
    out[p.name] = v;
  }
  return out;
}

describe('the table and the registered implementations', () => {
  it('every table entry has a registered class and every registered class a table entry', () => {
    expect(Object.keys(DISTRIBUTION_CLASSES).sort()).toEqual(DISTRIBUTIONS.map((d) => d.name).sort());
  });

  it('sgm/stdlib exports every registered class by its language name (generated modules import it so)', () => {
    const exported = stdlib as unknown as Record<string, unknown>;
    for (const d of DISTRIBUTIONS) expect(exported[d.name], d.name).toBe(DISTRIBUTION_CLASSES[d.name]);
  });

  it("every implementation's signature is its table entry", () => {
    const seen = new Set<string>();
    for (const f of FIXTURES) {
      tf.tidy(() => {
        const d = f.make();
        expect(d.signature, f.id).toBe(findDistribution(d.name));
        seen.add(d.name);
      });
    }
    expect([...seen].sort()).toEqual(DISTRIBUTIONS.map((d) => d.name).sort());
  });

  it('families without a hard parameter have rsampleStraightThrough when the table offers straight-through', () => {
    for (const d of DISTRIBUTIONS.filter((x) => x.straightThrough && !straightThroughByHardFlag(x))) {
      expect(typeof (DISTRIBUTION_CLASSES[d.name].prototype as { rsampleStraightThrough?: unknown }).rsampleStraightThrough, d.name).toBe('function');
    }
  });

  it('a relaxation family is given exactly for the relaxed families', () => {
    for (const d of DISTRIBUTIONS) expect(d.relaxationFamily !== undefined, d.name).toBe(d.relaxation !== 'none');
  });

  it("fit_prior's families are the table's, and each fits an IGR_I or IGR_SB prior (the moment-matching families)", () => {
    const fitPrior = FUNCTIONS.find((f) => f.name === 'fit_prior')!;
    expect(fitPrior.params.find((p) => p.kind === 'family')!.choices).toEqual(fitPriorFamilies());
    expect(fitPriorFamilies().length).toBeGreaterThan(0);
    for (const name of fitPriorFamilies()) expect(['IGR_I', 'IGR_SB']).toContain(findDistribution(name)!.fitPriorAs);
  });
});

describe('count facts against the classes', () => {
  const counts = DISTRIBUTIONS.filter(isCountBase);

  it('there are count families, and each is a GenGS base', () => {
    expect(counts.length).toBeGreaterThan(0);
    for (const d of counts) expect(isGenGsBase(d), d.name).toBe(true);
  });

  it.each(counts.map((d) => [d.name, d] as const))("%s: the table's float64 log pmf equals the class's logProb", (_name, d) => {
    const params = paramsOf(d);
    const logPmf = d.count!.logPmf64(params as Record<string, number>)!;
    expect(logPmf).toBeDefined();
    const ks = Array.from({ length: 13 }, (_, k) => k);
    const got = tf.tidy(() => {
      const dist = new DISTRIBUTION_CLASSES[d.name](params);
      expect(isCountDistribution(dist)).toBe(true); // pmf(dist, n) and the truncation accept it at run time
      return Array.from(dist.logProb(tf.tensor(ks)).dataSync());
    });
    ks.forEach((k) => {
      const want = logPmf(k);
      if (want === -Infinity) expect(got[k]).toBeLessThan(-30);
      else expect(Math.abs(got[k] - want), `k = ${k}`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(want)));
    });
  });

  it.each(DISTRIBUTIONS.filter(isGenGsBase).map((d) => [d.name, d] as const))('GenGS relaxes %s, and its draws have the sign of its support', (_name, d) => {
    const values = tf.tidy(() => {
      const base = new DISTRIBUTION_CLASSES[d.name](paramsOf(d));
      const g = new GenGS({ base, tau: 0.5, ...(hasInfiniteSupport(d) ? { trunc: 12 } : {}) });
      return Array.from(g.rsample(new RandomStream(3), [50]).dataSync());
    });
    expect(values.every(Number.isFinite)).toBe(true);
    expect(sampleSign(findDistribution('GenGS')!)).toBe('nonnegative');
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
  });
});

/** The TypeScript files under a folder. */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(join(root, rel)).isDirectory()) return sourceFiles(rel);
    return name.endsWith('.ts') ? [rel] : [];
  });
}

describe('the compiler asks the table', () => {
  it('no compiler file holds a family name as a string literal (a list or an === test of its own)', () => {
    const names = DISTRIBUTIONS.flatMap((d) => [d.name, ...(d.aliases ?? [])]);
    const literal = new RegExp(`(['"\`])(${names.join('|')})\\1`, 'g');
    const hits = sourceFiles('compiler').flatMap((f) => {
      const code = readFileSync(join(root, f), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''); // comments may name families
      return [...code.matchAll(literal)].map((m) => `${f}: ${m[0]}`);
    });
    expect(hits).toEqual([]);
  });

  it('the scan finds a literal where there is one', () => {
    const names = DISTRIBUTIONS.map((d) => d.name);
    const literal = new RegExp(`(['"\`])(${names.join('|')})\\1`, 'g');
    expect([..."if (d.name === 'Poisson') x = ['IGR_I'];".matchAll(literal)].map((m) => m[2])).toEqual(['Poisson', 'IGR_I']);
  });
});
