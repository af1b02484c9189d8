// Module resolution hook for `npm run fuzz:models`: generated model modules import `sgm/stdlib` and
// `sgm/runtime`; resolve them to the TypeScript sources (as vitest.config.ts does for tests), so the modules and
// the runner share one copy of sgm and never depend on a stale dist/.
const SOURCES = {
  'sgm/stdlib': new URL('../../stdlib/index.ts', import.meta.url).href,
  'sgm/runtime': new URL('../../runtime/index.ts', import.meta.url).href,
};

export async function resolve(specifier, context, next) {
  const target = SOURCES[specifier];
  return target ? next(target, context) : next(specifier, context);
}
