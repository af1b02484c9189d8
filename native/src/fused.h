/*
 * Fused elementwise programs (the format of the `SgmFused` kernel, shared with the JS evaluator in stdlib/fusion/):
 * a list of instructions [op, dst, a, b] over registers, evaluated over n elements in blocks, each instruction one
 * vectorised loop over the block, temporaries in scratch on the stack that stays in L1. One pass over memory.
 *
 * Registers r0..r(inputs-1) are the inputs, read by mode: FULL (element i), SCALAR (element 0), ROW (i % p),
 * COL (i / p). The others are temporaries. Each output k receives register out_regs[k].
 *
 * Every element is computed by the same sequence of float32 operations whatever the block, chunk or thread that
 * computes it (no reductions, no FMA contraction), so results are bit-identical on any thread count and CPU.
 */
#ifndef SGM_FUSED_H
#define SGM_FUSED_H

#include <stddef.h>
#include <stdint.h>

/* Opcodes: the numbers are fixed (the JS side emits them). */
enum {
  SGM_F_CONST = 0,
  SGM_F_ADD = 1,
  SGM_F_SUB = 2,
  SGM_F_MUL = 3,
  SGM_F_DIV = 4,
  SGM_F_NEG = 5,
  SGM_F_EXP = 6,
  SGM_F_LOG = 7,
  SGM_F_LOG1P = 8,
  SGM_F_EXPM1 = 9,
  SGM_F_SOFTPLUS = 10,
  SGM_F_SIGMOID = 11,
  SGM_F_RELU = 12,
  SGM_F_STEP = 13,
  SGM_F_SQUARE = 14,
  SGM_F_SQRT = 15,
  SGM_F_MAX = 16,
  SGM_F_MIN = 17,
  SGM_F_TANH = 18,
  SGM_F_ABS = 19,
  SGM_F_GREATER = 20,
  SGM_F_RECIP = 21,
  SGM_F_OPS = 22
};

/* Input modes. */
enum { SGM_F_FULL = 0, SGM_F_SCALAR = 1, SGM_F_ROW = 2, SGM_F_COL = 3 };

/* Limits a program is checked against (sgm_fused_prepare). */
#define SGM_FUSED_MAX_REGS 65536
#define SGM_FUSED_MAX_INSTRUCTIONS 65536
#define SGM_FUSED_MAX_IO 256

typedef struct {
  const int32_t *code; /* 4 ints per instruction */
  int instructions;
  const float *consts;
  size_t const_count;
  int regs;
  int inputs;
  const float *const *in;
  const int32_t *modes; /* [mode, p] per input */
  int outputs;
  float *const *out;
  const int32_t *out_regs;
} sgm_fused_program;

typedef struct sgm_fused_plan sgm_fused_plan;

/* Checks the program (opcodes, registers read only after they are written, constants, modes; not the arrays'
 * lengths: the caller checks those against n) and plans its scratch. Returns NULL and sets *error to a static
 * message when the program is invalid or memory runs out. */
sgm_fused_plan *sgm_fused_prepare(const sgm_fused_program *program, const char **error);

/* Runs the plan over n elements: inline for small n, else on the pool (pool.h). */
void sgm_fused_run(const sgm_fused_plan *plan, int64_t n);

/* Runs on the calling thread only, whatever n (for measurements of the threshold). */
void sgm_fused_run_inline(const sgm_fused_plan *plan, int64_t n);

void sgm_fused_free(sgm_fused_plan *plan);

#endif
