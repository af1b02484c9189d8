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

/* The GEMM under sgm_gemm's chunks: OpenBLAS's sgemm or the AVX-512 kernel of gemm512.c (default where supported;
 * environment variable SGM_GEMM=openblas|avx512). set returns false (and changes nothing) for avx512 on a CPU
 * without it. Not to be changed while a GEMM runs. */
typedef enum { SGM_GEMM_OPENBLAS = 0, SGM_GEMM_AVX512 = 1 } sgm_gemm_kind;
sgm_gemm_kind sgm_gemm_get_kind(void);
bool sgm_gemm_set_kind(sgm_gemm_kind kind);

/* sgm_gemm's work cut into chunks by shape (kernels.c), for kernels that run several GEMMs in one pool job
 * (dense_grad.c): sgm_gemm_plan fills the job and returns its chunk count; sgm_gemm_chunk(job, i) computes chunk i.
 * sgm_gemm is exactly plan + run, so a GEMM run this way gives the same bits as sgm_gemm. */
typedef enum { SGM_SPLIT_BATCH, SGM_SPLIT_ROWS, SGM_SPLIT_COLS } sgm_split_axis;
typedef struct {
  bool ta, tb;
  int64_t batch, m, n, k, sa, sb;
  const float *a, *b;
  float *c;
  const float *bias;
  int activation;
  float alpha;
  sgm_split_axis axis;
  int64_t per;           /* SGM_SPLIT_BATCH: batch entries per chunk */
  int64_t blocks, parts; /* SGM_SPLIT_ROWS/COLS: the side's GEMM_ALIGN blocks, shared out over `parts` chunks */
  char gate_operand;     /* 0, or 'a' / 'b': that operand is used as X ∘ act'(Y) (sgm_gemm_set_gate) */
  int gate_act;
  const float *gate_y;
  uint64_t id; /* unique per planned job: the AVX-512 GEMM's chunks of one job share packed operands (gemm512.h) */
} sgm_gemm_job;
int sgm_gemm_plan(sgm_gemm_job *job, bool transA, bool transB, int64_t batch, int64_t m, int64_t n, int64_t k,
                  const float *a, int64_t strideA, const float *b, int64_t strideB, float *c, const float *bias,
                  int activation, float alpha);
void sgm_gemm_chunk(void *job, int chunk);
/* dy · act'(y) for a dense layer's activation, from its output y, in tfjs' operation order: relu (1) dy · step(y),
 * step being 1 for y > 0, NaN for NaN, else 0 (a product, so -dy · 0 gives -0 as tfjs does); sigmoid (3)
 * dy · (y (1 - y)). The one scalar definition of the gate: dense_grad.c's elementwise pass and the OpenBLAS
 * fallback of a gated GEMM use it (gemm512.c's packing computes the same in AVX-512 lanes). */
static inline float sgm_gate(float dy, float y, int act) {
  if (act == 1) return dy * (y > 0.f ? 1.f : (y != y ? y : 0.f));
  return dy * (y * (1.f - y));
}

/* Makes a planned job use operand `operand` ('a' or 'b', which must not be transposed) as G = X ∘ act'(Y), Y (y)
 * in the operand's layout and strides, act 1 relu or 3 sigmoid (dense_grad.c's formulas): the AVX-512 GEMM applies
 * it while packing (gemm512.h), OpenBLAS on a gated copy of the block. The product equals the product of the stored
 * G bit for bit with either GEMM. */
void sgm_gemm_set_gate(sgm_gemm_job *job, char operand, const float *y, int act);

/* The backward pass of a dense layer Y = act(op(A) op(B) + bias), op(A) m×k, op(B) k×n, single row-major matrices
 * (dense_grad.c): G = dY ∘ act'(Y) for activation 0 linear, 1 relu (Y > 0), 3 sigmoid (Y (1 - Y)); dbias = the
 * column sums of G; dA = G op(B)^T and dB = op(A)^T G, each in its operand's layout. An output given as NULL is
 * not computed. Returns 0, or -1 when the scratch for G cannot be allocated. */
int sgm_dense_grad(bool transA, bool transB, int64_t m, int64_t n, int64_t k, const float *a, const float *b,
                   const float *dy, const float *y, int activation, float *da, float *db, float *dbias);

/* One Adam update with tfjs' formulas and float32 operation order (see sgm_native.c). */
void sgm_adam(int64_t n, const float *w, const float *g, const float *m, const float *v, float *wOut, float *mOut,
              float *vOut, double lr, double beta1, double beta2, double epsilon, double c1, double c2);

/* One Adam update of several variables in place: w[i], m[i], v[i] are overwritten, g[i] read; variable i has n[i]
 * values. The work is split evenly over the pool across variables (one job for the whole optimizer step). */
/* Σ x² over `count` arrays of n[k] floats, in double, on the pool (sum_squares.c); the same value on any number of threads.
 * Returns -1 when it cannot (more than 2^31 values, or no memory for the partial sums). */
double sgm_sum_squares_many(int count, const int64_t *n, const float *const *x);

void sgm_adam_many(int count, const int64_t *n, float *const *w, const float *const *g, float *const *m, float *const *v,
                   double lr, double beta1, double beta2, double epsilon, double c1, double c2);

/* Elementwise functions of one input (sgm_unary_op), out[i] = f(x[i]). */
typedef enum { SGM_SOFTPLUS = 0, SGM_EXP = 1, SGM_LOG = 2, SGM_SIGMOID = 3, SGM_UNARY_OPS = 4 } sgm_unary_op;
void sgm_unary(sgm_unary_op op, int64_t n, const float *x, float *out);

#endif
