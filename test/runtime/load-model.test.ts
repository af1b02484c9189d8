// loadModel: compile + import in one call, from a path or from source text, with overrides, into any cache folder
// (the module imports the runtime by URL, so a folder outside the package works); one clear error per failure.
// The default sgmVersion of compileSource is the package.json version, read here independently.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/compile.js';
import { isUserError } from '../../runtime/errors.js';
import { loadModel, ModelCompileError } from '../../runtime/load-model.js';
import { packageRoot } from '../../runtime/package-root.js';

const scratch = mkdtempSync(join(tmpdir(), 'sgm-load-model-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const SOURCE = `model scale(K = 3) {
  data x: [B, K]
  param w: [K] = 0
  minimize mean(sum((x - w)^2, axis = 1))
}
`;

const version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;

describe('loadModel', () => {
  it('compiles source text into a cache folder outside the package and imports it', async () => {
    const cacheDir = join(scratch, 'cache-a');
    const { module, compiled } = await loadModel(SOURCE, { cacheDir });
    expect(compiled.ok).toBe(true);
    expect(module.metadata.name).toBe('scale');
    expect(module.metadata.sgmVersion).toBe(version);
    expect(module.metadata.data).toEqual([expect.objectContaining({ name: 'x', shape: ['B', 3] })]);
    const files = readdirSync(cacheDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^scale-[0-9a-f]{16}\.mjs$/);
    // The written module names this installation's runtime by URL, not the package name.
    const code = readFileSync(join(cacheDir, files[0]), 'utf8');
    expect(code).not.toContain("from 'sgm/runtime'");
    expect(code).toMatch(/from 'file:\/\/[^']*\/runtime\/index\.(ts|js)'/);
    const model = await module.create({ seed: 0 });
    expect([...model.variables.keys()]).toContain('w');
    model.dispose();
  });

  it('reuses the cached module for the same code, and writes another for other hyperparameters', async () => {
    const cacheDir = join(scratch, 'cache-b');
    const first = await loadModel({ source: SOURCE, path: 'scale.sgm' }, { cacheDir });
    const again = await loadModel({ source: SOURCE, path: 'scale.sgm' }, { cacheDir });
    expect(again.module).toBe(first.module);
    const other = await loadModel({ source: SOURCE, path: 'scale.sgm' }, { cacheDir, overrides: { K: 5 } });
    expect(other.module.metadata.hyperparameters).toEqual({ K: 5 });
    expect(other.module.metadata.data[0].shape).toEqual(['B', 5]);
    expect(readdirSync(cacheDir)).toHaveLength(2);
  });

  it('reads a path relative to cwd, and uses $SGM_CACHE_DIR/models by default', async () => {
    writeFileSync(join(scratch, 'scale.sgm'), SOURCE);
    const saved = process.env.SGM_CACHE_DIR;
    process.env.SGM_CACHE_DIR = join(scratch, 'env-cache');
    try {
      const { module } = await loadModel('scale.sgm', { cwd: scratch });
      expect(module.metadata.source).toBe('scale.sgm');
    } finally {
      if (saved === undefined) delete process.env.SGM_CACHE_DIR;
      else process.env.SGM_CACHE_DIR = saved;
    }
    expect(readdirSync(join(scratch, 'env-cache', 'models'))).toHaveLength(1);
  });

  it('throws a ModelCompileError with the diagnostics and their printed form for a model with errors', async () => {
    const bad = SOURCE.replace('(x - w)', '(x - v)');
    const error = await loadModel({ source: bad, path: 'bad.sgm' }, { cacheDir: join(scratch, 'cache-c') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelCompileError);
    expect(isUserError(error)).toBe(true);
    const e = error as ModelCompileError;
    expect(e.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    const code = e.diagnostics.find((d) => d.severity === 'error')!.code;
    expect(e.message).toMatch(new RegExp(`^bad\\.sgm does not compile: ${code} `));
    expect(e.message).not.toContain('\n');
    expect(e.formatted).toContain('bad.sgm:4');
    expect(e.formatted).toContain('^');
  });

  it('a missing file and an unwritable cache folder are one-line user errors', async () => {
    const missing = await loadModel('no-such-model.sgm', { cwd: scratch }).catch((e: unknown) => e);
    expect(isUserError(missing)).toBe(true);
    expect((missing as Error).message).toBe("cannot read 'no-such-model.sgm': no such file or directory");
    const notADir = join(scratch, 'a-file');
    writeFileSync(notADir, '');
    const unwritable = await loadModel(SOURCE, { cacheDir: join(notADir, 'models') }).catch((e: unknown) => e);
    expect(isUserError(unwritable)).toBe(true);
    expect((unwritable as Error).message).toContain(`cannot write sgm's model cache '${join(notADir, 'models')}'`);
  });
});

describe('compileSource', () => {
  it('writes the package.json version into the header when no sgmVersion is given', () => {
    const r = compileSource('scale.sgm', SOURCE);
    expect(r.code?.split('\n')[0]).toBe(`// GENERATED FILE: DO NOT EDIT. Generated by sgm ${version} from scale.sgm (model scale).`);
    expect(compileSource('scale.sgm', SOURCE, { sgmVersion: '9.9.9' }).code?.split('\n')[0]).toContain('sgm 9.9.9 ');
  });
});
