/* Fused elementwise programs (fused.h), execution: one vectorised loop per opcode over a block, blocks in chunks
 * on the pool (pool.h). The plan comes from fused.c. */
#include <math.h>
#include <string.h>

#include "fused-plan.h"
#include "pool.h"
#include "vmath.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define VECTOR_CLONES
#endif

/* Parallel chunks are about this many elements (an even number of them, so two threads share them evenly). */
#define CHUNK_TARGET 8192
/* Below this much work (elements × step_weight units of ~0.07 ns: about 18 µs) the call runs on the caller's
 * thread. Posting a job costs the caller ~0.2 µs when the workers spin and ~1.5 µs (the futex wake) when they
 * sleep, and a woken worker arrives after 50-80 µs; below ~18 µs a second thread saved nothing measurable even
 * when spinning (bench/NOTES.md change 11b). */
#ifndef SGM_FUSED_INLINE_WORK
#define SGM_FUSED_INLINE_WORK 262144
#endif

#define UNARY(name, expr)                                                               \
  static VECTOR_CLONES void name(int64_t n, float *restrict o, const float *restrict x) { \
    for (int64_t i = 0; i < n; i++) {                                                   \
      const float a = x[i];                                                             \
      o[i] = (expr);                                                                    \
    }                                                                                   \
  }
#define BINARY(name, expr)                                                                                        \
  static VECTOR_CLONES void name(int64_t n, float *restrict o, const float *restrict x, const float *restrict y) { \
    for (int64_t i = 0; i < n; i++) {                                                                            \
      const float a = x[i], b = y[i];                                                                            \
      o[i] = (expr);                                                                                             \
    }                                                                                                            \
  }

BINARY(f_add, a + b)
BINARY(f_sub, a - b)
BINARY(f_mul, a * b)
BINARY(f_div, a / b)
/* tf.greater: false (0) when either side is NaN. */
BINARY(f_greater, a > b ? 1.0f : 0.0f)
/* Math.max / Math.min as tfjs' CPU kernels use them: NaN when either side is NaN, max(-0, +0) = +0 and
 * min(-0, +0) = -0 (equal values: AND / OR of the bits picks the zero's sign and is the identity otherwise). */
BINARY(f_max, ((a != a) | (b != b)) ? a + b : (a == b ? as_float(as_bits(a) & as_bits(b)) : (a > b ? a : b)))
BINARY(f_min, ((a != a) | (b != b)) ? a + b : (a == b ? as_float(as_bits(a) | as_bits(b)) : (a < b ? a : b)))
UNARY(f_neg, -a)
/* tf.relu = Math.max(0, x): NaN stays NaN, -0 gives +0. */
UNARY(f_relu, a != a ? a : (a > 0.0f ? a : 0.0f))
/* tf.step (alpha 0): NaN stays NaN. */
UNARY(f_step, a != a ? a : (a > 0.0f ? 1.0f : 0.0f))
UNARY(f_square, a * a)
UNARY(f_sqrt, sqrtf(a)) /* one instruction with -fno-math-errno; sqrt(x < 0) = NaN */
UNARY(f_abs, fabsf(a))
UNARY(f_recip, 1.0f / a)

static VECTOR_CLONES void f_fill(int64_t n, float *restrict o, float c) {
  for (int64_t i = 0; i < n; i++) o[i] = c;
}

/* Expands input k's elements [start, start + len) into o. */
static void expand(const sgm_fused_plan *p, int k, int64_t start, int64_t len, float *restrict o) {
  const float *x = p->in[k];
  const int64_t q = p->param[k];
  if (p->mode[k] == SGM_F_SCALAR || (p->mode[k] == SGM_F_ROW && q == 1)) {
    f_fill(len, o, x[0]);
  } else if (p->mode[k] == SGM_F_ROW) {
    /* Runs of the row: element i is x[i % q]. */
    int64_t j = start % q;
    for (int64_t i = 0; i < len;) {
      const int64_t run = q - j < len - i ? q - j : len - i;
      memcpy(o + i, x + j, sizeof(float) * (size_t)run);
      i += run;
      j = 0;
    }
  } else {
    /* COL: runs of q equal values, element i is x[i / q]. */
    int64_t row = start / q, j = start % q;
    for (int64_t i = 0; i < len;) {
      const int64_t run = q - j < len - i ? q - j : len - i;
      f_fill(run, o + i, x[row]);
      i += run;
      j = 0;
      row++;
    }
  }
}

/* Elements [lo, hi) in blocks, with `scratch` (plan->block floats per slot). */
static void run_range(const sgm_fused_plan *p, int64_t lo, int64_t hi, float *scratch) {
  const int64_t bs = p->block;
  for (int64_t start = lo; start < hi; start += bs) {
    const int64_t len = hi - start < bs ? hi - start : bs;
#define AT(w) ((w) >= 0 ? scratch + (w) * bs : IS_IN(w) ? p->in[-(w) - 1] + start : p->out[-(w) - 1 - SGM_FUSED_MAX_IO] + start)
    for (int k = 0; k < p->inputs; k++) {
      if (p->in_slot[k] >= 0) expand(p, k, start, len, scratch + p->in_slot[k] * bs);
    }
    for (int i = 0; i < p->steps; i++) {
      const step *st = &p->step[i];
      float *o = (float *)AT(st->dst);
      const float *a = st->op == SGM_F_CONST ? NULL : AT(st->a);
      const float *b = arity(st->op) == 2 ? AT(st->b) : NULL;
      switch (st->op) {
        case SGM_F_CONST: f_fill(len, o, st->c); break;
        case SGM_F_ADD: f_add(len, o, a, b); break;
        case SGM_F_SUB: f_sub(len, o, a, b); break;
        case SGM_F_MUL: f_mul(len, o, a, b); break;
        case SGM_F_DIV: f_div(len, o, a, b); break;
        case SGM_F_NEG: f_neg(len, o, a); break;
        case SGM_F_EXP: sgm_vexp(len, a, o); break;
        case SGM_F_LOG: sgm_vlog(len, a, o); break;
        case SGM_F_LOG1P: sgm_vlog1p(len, a, o); break;
        case SGM_F_EXPM1: sgm_vexpm1(len, a, o); break;
        case SGM_F_SOFTPLUS: sgm_vsoftplus(len, a, o); break;
        case SGM_F_SIGMOID: sgm_vsigmoid(len, a, o); break;
        case SGM_F_RELU: f_relu(len, o, a); break;
        case SGM_F_STEP: f_step(len, o, a); break;
        case SGM_F_SQUARE: f_square(len, o, a); break;
        case SGM_F_SQRT: f_sqrt(len, o, a); break;
        case SGM_F_MAX: f_max(len, o, a, b); break;
        case SGM_F_MIN: f_min(len, o, a, b); break;
        case SGM_F_TANH: sgm_vtanh(len, a, o); break;
        case SGM_F_ABS: f_abs(len, o, a); break;
        case SGM_F_GREATER: f_greater(len, o, a, b); break;
        case SGM_F_RECIP: f_recip(len, o, a); break;
        default: break;
      }
    }
    /* memmove: an output may be the very array of a FULL input it copies (checked by the binding: same start). */
    for (int k = 0; k < p->outputs; k++) {
      if (p->out_src[k] != OUT(k)) memmove(p->out[k] + start, AT(p->out_src[k]), sizeof(float) * (size_t)len);
    }
#undef AT
  }
}

typedef struct {
  const sgm_fused_plan *plan;
  int64_t n, units, parts;
} fused_job;

/* Chunk c is 16-element units [c·U/P, (c+1)·U/P): the cut depends on n only. */
static void fused_chunk(void *ctx, int chunk) {
  const fused_job *j = ctx;
  float scratch[SCRATCH_FLOATS] __attribute__((aligned(64)));
  const int64_t lo = chunk * j->units / j->parts * 16;
  int64_t hi = (chunk + 1) * j->units / j->parts * 16;
  if (hi > j->n) hi = j->n;
  run_range(j->plan, lo, hi, scratch);
}

void sgm_fused_run_inline(const sgm_fused_plan *p, int64_t n) {
  if (n <= 0 || p->zero_period) return;
  float scratch[SCRATCH_FLOATS] __attribute__((aligned(64)));
  run_range(p, 0, n, scratch);
}

void sgm_fused_run(const sgm_fused_plan *p, int64_t n) {
  if (n <= 0 || p->zero_period) return;
  if (n * p->weight < SGM_FUSED_INLINE_WORK || sgm_pool_threads() == 1) {
    sgm_fused_run_inline(p, n);
    return;
  }
  const int64_t units = (n + 15) / 16;
  int64_t parts = 2 * ((n + 2 * CHUNK_TARGET - 1) / (2 * CHUNK_TARGET));
  if (parts > units) parts = units;
  if (parts > 1 << 20) parts = 1 << 20;
  fused_job j = {p, n, units, parts};
  sgm_pool_run(fused_chunk, &j, (int)parts);
}
