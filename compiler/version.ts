/**
 * The sgm version, from sgm's own package.json (through the package's import map, `#package.json`, so the same
 * import works from the TypeScript sources, from dist/ and in a browser bundle). Generated file headers and
 * `sgm --version` show it.
 */
import pkg from '#package.json' with { type: 'json' };

/** The version of this sgm installation (package.json `version`). */
export const SGM_VERSION: string = pkg.version;
