/**
 * Fused elementwise programs (FUSION-SPEC.md; issue 19 item 1): `F` builds an expression over a call's inputs,
 * `fuse(inputs, build)` runs it as one `SgmFused` kernel (one pass over memory) where the backend has one
 * (runtime/backend/fused-kernel.ts), else as ordinary tfjs ops. Importing this module registers the kernel's
 * gradient (gradient.ts).
 */
import { registerFusedGradient } from './gradient.js';

export { F, FExpr, Op, OP_NAMES, type FArg } from './expr.js';
export { compileProgram, type Program } from './program.js';
export { differentiate } from './differentiate.js';
export { BLOCK, Mode, evaluateProgram, type ProgramCode } from './evaluate.js';
export { runWithTfjsOps } from './tfjs-ops.js';
export { compileJs, setCodegenAllowed, type JsKernel } from './jit.js';
export {
  FUSED_KERNEL,
  fuse,
  fusedKernelActive,
  fusionEnabled,
  inputMode,
  runProgram,
  setFusionEnabled,
  type FusedAttrs,
} from './fuse.js';
export { gradientProgram, reduceToShape } from './gradient.js';

registerFusedGradient();
