import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

// Tests run the TypeScript sources directly. Generated model modules import `sgm/runtime` and
// `sgm/stdlib`; these aliases point them at the sources so tests never depend on a stale dist/.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^sgm\/stdlib\/signatures$/, replacement: here('./stdlib/signatures/index.ts') },
      { find: /^sgm\/stdlib$/, replacement: here('./stdlib/index.ts') },
      { find: /^sgm\/runtime$/, replacement: here('./runtime/index.ts') },
      { find: /^sgm\/compiler$/, replacement: here('./compiler/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['test/setup.ts'],
  },
});
