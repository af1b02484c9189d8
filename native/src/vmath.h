/*
 * Elementwise exp, log, log1p, expm1, tanh, log1p-of-exp (softplus) and sigmoid in float32, written so that GCC vectorises the loops
 * (no branches, no libm calls): glibc's scalar expf/log1pf made Softplus of a 100×784 batch cost ~0.5 ms on
 * two threads, the same order as tfjs' WASM kernels; these run at a few tenths of a ns per value.
 *
 * Accuracy (checked against float64 in test/backend/native-kernels.test.ts and native-fused-ops.test.ts): within
 * 2 ulp (sigmoid 3; log1p, expm1 and tanh 1 over the values of native-fused-ops.test.ts) over the normal range;
 * exp underflows to denormals and 0 and overflows to +inf like expf; log(0) = -inf, log(x < 0) = NaN; NaN in,
 * NaN out. No FMA contraction (-ffp-contract=off in binding.gyp; GCC's -std=c11 implies it, clang's does not), so
 * every CPU gives the same bits.
 */
#ifndef SGM_VMATH_H
#define SGM_VMATH_H

#include <stdint.h>
#include <string.h>

/* A float32 from its bits and back (memcpy: no aliasing rules broken); the vector math and the fused programs
 * build their results bit by bit. */
static inline float as_float(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}
static inline uint32_t as_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

void sgm_vexp(int64_t n, const float *x, float *out);
void sgm_vlog(int64_t n, const float *x, float *out);
void sgm_vlog1p(int64_t n, const float *x, float *out);
void sgm_vexpm1(int64_t n, const float *x, float *out);
void sgm_vtanh(int64_t n, const float *x, float *out);
void sgm_vsoftplus(int64_t n, const float *x, float *out);
void sgm_vsigmoid(int64_t n, const float *x, float *out);

#endif
