// The plain-JS SHA-256 of runtime/data/sha256.ts (data fingerprints in a page) against node:crypto's, on
// lengths around the 55/56/64-byte padding boundaries, incremental updates, text and bytes.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256 } from '../../runtime/data/sha256.js';
import { mulberry32 } from '../mulberry32.js';

describe('Sha256', () => {
  it('matches node:crypto on the empty input, "abc" and the FIPS two-block message', () => {
    for (const text of ['', 'abc', 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', 'ünïcödé λ']) {
      expect(new Sha256().update(text).digest()).toBe(createHash('sha256').update(text).digest('hex'));
    }
    expect(new Sha256().update('abc').digest()).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('matches node:crypto on random bytes of every length up to 200, fed in random pieces', () => {
    const rand = mulberry32(7);
    for (let n = 0; n <= 200; n++) {
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
      const mine = new Sha256();
      let i = 0;
      while (i < n) {
        const take = 1 + Math.floor(rand() * 70);
        mine.update(bytes.subarray(i, i + take));
        i += take;
      }
      mine.update(`:${n};`);
      expect(mine.digest(), `length ${n}`).toBe(createHash('sha256').update(bytes).update(`:${n};`).digest('hex'));
    }
  });
});
