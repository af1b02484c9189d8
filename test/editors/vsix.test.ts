// The VS Code extension package (scripts/build-vsix.ts, `npm run vsix`): the .vsix is a valid zip (every entry's
// CRC checked after inflating it here) with the layout VS Code installs, its files are the ones of
// editors/vscode, and the bundled extension loads against a stand-in `vscode` module and exports activate.
import { mkdtempSync, readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../runtime/package-root.js';
import { buildVsix } from '../../scripts/build-vsix.js';

/** The entries of a zip, read from its central directory, each inflated and its CRC-32 checked. */
function unzip(buf: Buffer): Map<string, Buffer> {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(at)).toBe(0x02014b50);
    const method = buf.readUInt16LE(at + 10);
    const crc = buf.readUInt32LE(at + 16);
    const size = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    expect(buf.readUInt32LE(local)).toBe(0x04034b50);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const body = buf.subarray(start, start + size);
    const data = method === 8 ? inflateRawSync(body) : Buffer.from(body);
    expect(crc32(data), name).toBe(crc);
    out.set(name, data);
    at += 46 + nameLength + extra;
  }
  return out;
}

/** CRC-32 written again here (bitwise, no table), independent of the builder's. */
function crc32(data: Uint8Array): number {
  let c = ~0;
  for (const b of data) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('the VS Code extension package', () => {
  it('builds a .vsix with the layout VS Code installs', async () => {
    const root = packageRoot();
    const out = join(mkdtempSync(join(tmpdir(), 'sgm-vsix-')), 'sgm.vsix');
    const r = await buildVsix(out);
    console.log(`sgm .vsix: ${r.bytes} bytes (${(r.bytes / 1024).toFixed(1)} KiB)`);
    expect(r.bytes).toBeLessThan(1024 * 1024);
    const entries = unzip(readFileSync(out));
    expect([...entries.keys()].sort()).toEqual(
      ['[Content_Types].xml', 'extension.vsixmanifest', 'extension/LICENSE.txt', 'extension/README.md', 'extension/dist/extension.js', 'extension/language-configuration.json', 'extension/package.json', 'extension/syntaxes/sgm.tmLanguage.json'].sort(),
    );
    const pkg = JSON.parse(entries.get('extension/package.json')!.toString()) as { version: string; main: string; contributes: { grammars: { path: string }[] } };
    expect(entries.get('extension/package.json')!.equals(readFileSync(join(root, 'editors/vscode/package.json')))).toBe(true);
    expect(entries.get('extension/syntaxes/sgm.tmLanguage.json')!.equals(readFileSync(join(root, 'editors/vscode/syntaxes/sgm.tmLanguage.json')))).toBe(true);
    expect(pkg.main).toBe('./dist/extension.js');
    expect(entries.has(`extension/${pkg.contributes.grammars[0].path.replace(/^\.\//, '')}`)).toBe(true);
    const manifest = entries.get('extension.vsixmanifest')!.toString();
    expect(manifest).toContain(`Version="${pkg.version}"`);
    expect(manifest).toContain('Path="extension/package.json"');
    expect(entries.get('[Content_Types].xml')!.toString()).toContain('Extension=".vsixmanifest"');

    // The bundle is CommonJS that needs only `vscode` from outside: load it with a stand-in and find activate.
    const bundlePath = join(mkdtempSync(join(tmpdir(), 'sgm-ext-')), 'extension.cjs');
    (await import('node:fs')).writeFileSync(bundlePath, entries.get('extension/dist/extension.js')!);
    const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const original = loader._load;
    // Every property of the stand-in is the stand-in again, callable and constructible (the client extends vscode classes).
    const stub: object = new Proxy(function () {}, { get: () => stub, apply: () => stub, construct: () => stub });
    const asked: string[] = [];
    loader._load = (request: string, ...rest: unknown[]) => {
      if (request === 'vscode') {
        asked.push(request);
        return stub;
      }
      return original(request, ...rest);
    };
    try {
      const ext = createRequire(import.meta.url)(bundlePath) as { activate?: unknown; deactivate?: unknown };
      expect(typeof ext.activate).toBe('function');
      expect(typeof ext.deactivate).toBe('function');
      expect(asked.length).toBeGreaterThan(0);
    } finally {
      loader._load = original;
    }
  });
});
