/*
 * The addon's compute kernels, on plain float arrays (the N-API glue in sgm_native.c checks every size first).
 * Each splits its work into chunks for the thread pool (pool.h) when it is large enough to gain from it.
 */
#ifndef SGM_KERNELS_H
#define SGM_KERNELS_H

#include <stdbool.h>
#include <stdint.h>

/* C_i = act(op(A_i) op(B_i) + bias) for i < batch, row-major; strideA/B = 0 reuses one matrix for every i.
 * activation: 0 linear, 1 relu, 2 relu6, 3 sigmoid, 4 elu, 5 leakyrelu (slope alpha). */
void sgm_gemm(bool transA, bool transB, int64_t batch, int64_t m, int64_t n, int64_t k, const float *a, int64_t strideA,
              const float *b, int64_t strideB, float *c, const float *bias, int activation, float alpha);

/* One Adam update with tfjs' formulas and float32 operation order (see sgm_native.c). */
void sgm_adam(int64_t n, const float *w, const float *g, const float *m, const float *v, float *wOut, float *mOut,
              float *vOut, double lr, double beta1, double beta2, double epsilon, double c1, double c2);

/* One Adam update of several variables in place: w[i], m[i], v[i] are overwritten, g[i] read; variable i has n[i]
 * values. The work is split evenly over the pool across variables (one job for the whole optimizer step). */
void sgm_adam_many(int count, const int64_t *n, float *const *w, const float *const *g, float *const *m, float *const *v,
                   double lr, double beta1, double beta2, double epsilon, double c1, double c2);

/* Elementwise functions of one input (sgm_unary_op), out[i] = f(x[i]). */
typedef enum { SGM_SOFTPLUS = 0, SGM_EXP = 1, SGM_LOG = 2, SGM_SIGMOID = 3, SGM_UNARY_OPS = 4 } sgm_unary_op;
void sgm_unary(sgm_unary_op op, int64_t n, const float *x, float *out);

#endif
