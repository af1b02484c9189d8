/**
 * The draws of tfjs' `randomNormal(shape, 0, 1, 'float32', seed)` and `randomUniform(shape, low, high, 'float32',
 * seed)`, bit for bit, without their per-value method calls: the same generator (seedrandom's Alea, seeded from
 * the seed's decimal string through its Mash hash), the same Marsaglia polar method in float64 for the normals
 * (pairs: the second value of a pair is the next draw), the same `low + (high - low) * u` for the uniforms, each
 * rounded once to float32 on store. tfjs' loops cost ~40 ns per normal (0.7 ms of the reference VAE step's
 * 18,000); these run at a third of that. RandomStream uses them, so seeds give the draws they always gave.
 *
 * One difference on purpose: tfjs seeds a normal draw with Math.random() when the seed is 0 (it tests `seed ?`),
 * which would make one in 2^32 per-call seeds of a RandomStream irreproducible; here 0 is the seed "0".
 */

/** seedrandom 3.0.5's Alea generator (lib/alea.js), as a closure over plain numbers: uniform on [0, 1). */
function alea(seed: string): () => number {
  let n = 0xefc8249d;
  const mash = (data: string): number => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000; // 2^32
    }
    return (n >>> 0) * 2.3283064365386963e-10; // 2^-32
  };
  let c = 1;
  let s0 = mash(' ');
  let s1 = mash(' ');
  let s2 = mash(' ');
  s0 -= mash(seed);
  if (s0 < 0) s0 += 1;
  s1 -= mash(seed);
  if (s1 < 0) s1 += 1;
  s2 -= mash(seed);
  if (s2 < 0) s2 += 1;
  return () => {
    const t = 2091639 * s0 + c * 2.3283064365386963e-10; // 2^-32
    s0 = s1;
    s1 = s2;
    c = t | 0;
    return (s2 = t - c);
  };
}

/** `count` standard normal draws of tfjs' randomNormal with this seed. */
export function normalValues(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  const random = alea(String(seed));
  for (let i = 0; i < count; i += 2) {
    let v1: number;
    let v2: number;
    let s: number;
    do {
      v1 = 2 * random() - 1;
      v2 = 2 * random() - 1;
      s = v1 * v1 + v2 * v2;
    } while (s >= 1 || s === 0);
    const mul = Math.sqrt((-2.0 * Math.log(s)) / s);
    // tfjs computes mean + stdDev * v * mul; with mean 0 and stdDev 1 that is 0 + 1 * v1 * mul, the same double.
    out[i] = 0 + 1 * v1 * mul;
    if (i + 1 < count) out[i + 1] = 0 + 1 * v2 * mul;
  }
  return out;
}

/** `count` uniform draws on [low, high) of tfjs' randomUniform with this seed. */
export function uniformValues(count: number, low: number, high: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  const random = alea(String(seed));
  const range = high - low;
  for (let i = 0; i < count; i++) out[i] = low + range * random();
  return out;
}
