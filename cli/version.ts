/** The sgm version (shown by --version and in generated file headers); the compiler reads it from package.json. */
export { SGM_VERSION } from '../compiler/version.js';
