/* Kernels of kernels.h: OpenBLAS sgemm on sub-blocks, and plain C loops, each cut into chunks for pool.h. */
#include "kernels.h"

#include <cblas.h>
#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "gemm512.h"

#include "pool.h"
#include "vmath.h"

/* Below this many flops a GEMM runs on one thread: waking a worker (~5-50 µs) would cost more than it saves.
 * 4 MFLOP is ~50 µs on one core at the ~84 GFLOP/s OpenBLAS reaches here. */
#define GEMM_MIN_PARALLEL_FLOPS 4.0e6
/* A GEMM is cut into chunks by its shape alone, never by the thread count: each value of C is then computed by the
 * same single-threaded OpenBLAS call on 1, 2 or 64 threads, so results are bit-identical across machines and
 * SGM_THREADS (a checkpoint resumed elsewhere continues exactly). The longer side of C is cut into an even number
 * of parts (two threads share them evenly) of about GEMM_CHUNK_WIDTH values; cutting a 100×784×512 GEMM into 8
 * costs ~3 % on one thread with OpenBLAS (repacking the shared operand per chunk), measured; the AVX-512 GEMM packs
 * the shared operand once per thread and job (gemm512.h), and 64-wide chunks measured no better than 128 with it
 * (bench/NOTES.md change 18). */
#define GEMM_CHUNK_WIDTH 128
/* Rows or columns of a GEMM chunk are a multiple of this (OpenBLAS's register blocks are 16 floats wide). */
#define GEMM_ALIGN 16
/* Elementwise loops: chunks of at least this many elements (~10-20 µs of work for Adam). */
#define LOOP_MIN_CHUNK 32768

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

/* ---- GEMM ---- */

static void epilogue(float *c, int64_t rows, int64_t cols, int64_t ldc, const float *bias, int activation, float alpha) {
  for (int64_t i = 0; i < rows; i++) {
    float *row = c + i * ldc;
    if (bias != NULL) {
      for (int64_t j = 0; j < cols; j++) row[j] += bias[j];
    }
    switch (activation) {
      case 1:
        for (int64_t j = 0; j < cols; j++) row[j] = row[j] > 0.f ? row[j] : 0.f;
        break;
      case 2:
        for (int64_t j = 0; j < cols; j++) row[j] = row[j] < 0.f ? 0.f : (row[j] > 6.f ? 6.f : row[j]);
        break;
      case 3:
        sgm_vsigmoid(cols, row, row);
        break;
      case 4:
        for (int64_t j = 0; j < cols; j++) row[j] = row[j] > 0.f ? row[j] : expm1f(row[j]);
        break;
      case 5:
        for (int64_t j = 0; j < cols; j++) row[j] = row[j] > 0.f ? row[j] : alpha * row[j];
        break;
      default:
        break;
    }
  }
}

/* The job type and split axes are in kernels.h (dense_grad.c plans GEMMs too). */
typedef sgm_gemm_job gemm_job;
#define SPLIT_BATCH SGM_SPLIT_BATCH
#define SPLIT_ROWS SGM_SPLIT_ROWS
#define SPLIT_COLS SGM_SPLIT_COLS

/* Which GEMM computes the blocks of C (bench/NOTES.md change 16): -1 not chosen yet, else an sgm_gemm_kind. The
 * default is the AVX-512 kernel (gemm512.c) where the CPU has it, else OpenBLAS; SGM_GEMM=openblas|avx512 picks
 * one (avx512 on a CPU without it falls back to OpenBLAS). Chosen on the calling thread before any chunk runs. */
static int gemm_kind = -1;

static void choose_gemm_kind(void) {
  if (gemm_kind >= 0) return;
  const char *env = getenv("SGM_GEMM");
  gemm_kind = sgm_gemm512_supported() && !(env != NULL && strcmp(env, "openblas") == 0) ? SGM_GEMM_AVX512 : SGM_GEMM_OPENBLAS;
}

sgm_gemm_kind sgm_gemm_get_kind(void) {
  choose_gemm_kind();
  return (sgm_gemm_kind)gemm_kind;
}

bool sgm_gemm_set_kind(sgm_gemm_kind kind) {
  if (kind == SGM_GEMM_AVX512 && !sgm_gemm512_supported()) return false;
  gemm_kind = kind;
  return true;
}

void sgm_gemm_set_gate(gemm_job *job, char operand, const float *y, int act) {
  job->gate_operand = operand;
  job->gate_y = y;
  job->gate_act = act;
}

/* OpenBLAS on a block whose operand is gated: the gated values are written to a copy first (a fallback: the AVX-512
 * GEMM gates while packing). Returns -1 when the copy cannot be allocated. */
static int blas_gated(const gemm_job *j, int64_t rows, int64_t cols, const float *asub, int64_t lda, const float *bsub,
                      int64_t ldb, const float *gy, float *c) {
  const bool is_a = j->gate_operand == 'a';
  const int64_t r = is_a ? rows : j->k, w = is_a ? j->k : cols, ld = is_a ? lda : ldb;
  const float *x = is_a ? asub : bsub;
  float *copy = malloc(sizeof(float) * (size_t)(r * w));
  if (copy == NULL) return -1;
  for (int64_t p = 0; p < r; p++) {
    for (int64_t q = 0; q < w; q++) copy[p * w + q] = sgm_gate(x[p * ld + q], gy[p * ld + q], j->gate_act);
  }
  cblas_sgemm(CblasRowMajor, j->ta ? CblasTrans : CblasNoTrans, j->tb ? CblasTrans : CblasNoTrans, (int)rows, (int)cols,
              (int)j->k, 1.0f, is_a ? copy : asub, (int)(is_a ? w : lda), is_a ? bsub : copy, (int)(is_a ? ldb : w), 0.0f,
              c, (int)j->n);
  free(copy);
  return 0;
}

/* C[r0:r1, c0:c1] of batch entry i. */
static void gemm_block(const gemm_job *j, int64_t i, int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
  const float *a = j->a + i * j->sa;
  const float *b = j->b + i * j->sb;
  float *c = j->c + i * j->m * j->n + r0 * j->n + c0;
  const int64_t rows = r1 - r0, cols = c1 - c0;
  if (rows <= 0 || cols <= 0) return;
  if (j->k == 0) {
    for (int64_t r = 0; r < rows; r++) memset(c + r * j->n, 0, sizeof(float) * (size_t)cols);
  } else {
    /* op(A) rows r0..r1: A is m×k (no transpose: row offset) or k×m (transpose: column offset). op(B) columns
     * c0..c1: B is k×n (column offset) or n×k (row offset). Leading dimensions stay those of the whole matrices. */
    const float *asub = j->ta ? a + r0 : a + r0 * j->k;
    const float *bsub = j->tb ? b + c0 * j->k : b + c0;
    const int64_t lda = j->ta ? j->m : j->k, ldb = j->tb ? j->k : j->n;
    /* sgm_gemm512 fails only when its packing buffers cannot be allocated: OpenBLAS then computes the block. A
     * matrix-vector product (m or n below 8, e.g. the gradient norm's [1 x n]·[1 x n]^T) stays with OpenBLAS: the
     * AVX-512 kernel would pack a 32-column panel and fill one row of a 14 x 32 tile (1.2 M squares took 3.2 ms
     * instead of 0.3). Decided by the whole GEMM's shape, so every chunk and thread count takes the same kernel. */
    const bool vector_like = j->m < 8 || j->n < 8;
    /* A gated operand's Y has the operand's layout: the same offset from its start. */
    const float *gy = j->gate_operand == 'a' ? j->gate_y + i * j->sa + (asub - a)
                      : j->gate_operand == 'b' ? j->gate_y + i * j->sb + (bsub - b) : NULL;
    /* The AVX-512 GEMM adds the bias and applies relu as it stores C (same bits as epilogue()); other activations
     * stay a separate pass. */
    const bool fused_epilogue = j->activation == 0 || j->activation == 1;
    const sgm_gemm512_extra extra = {fused_epilogue && j->bias != NULL ? j->bias + c0 : NULL, fused_epilogue ? j->activation : 0,
                                     j->gate_operand, j->gate_act, gy, j->id};
    if (gemm_kind == SGM_GEMM_AVX512 && !vector_like && sgm_gemm512(j->ta, j->tb, rows, cols, j->k, asub, lda, bsub, ldb, c, j->n, &extra) == 0) {
      if (fused_epilogue) return;
    } else if (j->gate_operand != 0) {
      /* Out of memory for the gated copy (a few hundred KB): NaN rather than a silently wrong product. */
      if (blas_gated(j, rows, cols, asub, lda, bsub, ldb, gy, c) != 0) {
        for (int64_t r = 0; r < rows; r++) {
          for (int64_t q = 0; q < cols; q++) c[r * j->n + q] = NAN;
        }
      }
    } else {
      cblas_sgemm(CblasRowMajor, j->ta ? CblasTrans : CblasNoTrans, j->tb ? CblasTrans : CblasNoTrans, (int)rows, (int)cols,
                  (int)j->k, 1.0f, asub, (int)lda, bsub, (int)ldb, 0.0f, c, (int)j->n);
    }
  }
  epilogue(c, rows, cols, j->n, j->bias == NULL ? NULL : j->bias + c0, j->activation, j->alpha);
}

void sgm_gemm_chunk(void *ctx, int chunk) {
  const gemm_job *j = ctx;
  if (j->axis == SPLIT_BATCH) {
    const int64_t lo = chunk * j->per;
    const int64_t hi = lo + j->per < j->batch ? lo + j->per : j->batch;
    for (int64_t i = lo; i < hi; i++) gemm_block(j, i, 0, j->m, 0, j->n);
    return;
  }
  /* Chunk c gets blocks [c·B/P, (c+1)·B/P): sizes differ by at most one block. */
  const int64_t dim = j->axis == SPLIT_ROWS ? j->m : j->n;
  const int64_t lo = chunk * j->blocks / j->parts * GEMM_ALIGN;
  int64_t hi = (chunk + 1) * j->blocks / j->parts * GEMM_ALIGN;
  if (hi > dim) hi = dim;
  for (int64_t i = 0; i < j->batch; i++) {
    if (j->axis == SPLIT_ROWS) gemm_block(j, i, lo, hi, 0, j->n);
    else gemm_block(j, i, 0, j->m, lo, hi);
  }
}

int sgm_gemm_plan(gemm_job *job, bool transA, bool transB, int64_t batch, int64_t m, int64_t n, int64_t k,
                  const float *a, int64_t strideA, const float *b, int64_t strideB, float *c, const float *bias,
                  int activation, float alpha) {
  choose_gemm_kind();
  static _Atomic uint64_t last_id = 0;
  gemm_job j = {transA, transB, batch, m, n, k, strideA, strideB, a, b, c, bias, activation, alpha, SPLIT_BATCH, batch, 1, 1, 0, 0, NULL,
                atomic_fetch_add(&last_id, 1) + 1};
  const double flops = 2.0 * (double)batch * (double)m * (double)n * (double)k;
  int chunks = 1;
  if (flops >= GEMM_MIN_PARALLEL_FLOPS) {
    if (batch > 1) {
      /* Batch entries are independent GEMMs: any grouping gives the same values. */
      j.axis = SPLIT_BATCH;
      j.per = ceil_div(batch, 16);
      chunks = (int)ceil_div(batch, j.per);
    } else {
      const int64_t dim = m >= n ? m : n;
      j.axis = m >= n ? SPLIT_ROWS : SPLIT_COLS;
      j.blocks = ceil_div(dim, GEMM_ALIGN);
      int64_t parts = 2 * ceil_div(dim, 2 * GEMM_CHUNK_WIDTH);
      if (parts > j.blocks) parts = j.blocks;
      j.parts = parts;
      chunks = (int)parts;
    }
  }
  *job = j;
  return chunks;
}

void sgm_gemm(bool transA, bool transB, int64_t batch, int64_t m, int64_t n, int64_t k, const float *a, int64_t strideA,
              const float *b, int64_t strideB, float *c, const float *bias, int activation, float alpha) {
  gemm_job j;
  const int chunks = sgm_gemm_plan(&j, transA, transB, batch, m, n, k, a, strideA, b, strideB, c, bias, activation, alpha);
  sgm_pool_run(sgm_gemm_chunk, &j, chunks);
}

/* ---- Adam ---- */

typedef struct {
  float lr, b1, b2, eps, c1, c2, omb1, omb2;
} adam_params;

static adam_params adam_params_of(double lr, double beta1, double beta2, double epsilon, double c1, double c2) {
  /* 1 - β in double, then rounded, as tfjs does (`mul(gradient, 1 - this.beta1)` with JS numbers): 1.f - 0.999f
   * would differ from float(0.001) by 1.3e-5 relative, enough to shift every update by 6e-6. */
  const adam_params p = {(float)lr, (float)beta1, (float)beta2, (float)epsilon, (float)c1, (float)c2,
                         (float)(1.0 - beta1), (float)(1.0 - beta2)};
  return p;
}

/* Values lo..hi of one variable; the outputs may alias the inputs (each value is read before it is written). */
static void adam_range(const adam_params *p, int64_t lo, int64_t hi, const float *w, const float *g, const float *m,
                       const float *v, float *wOut, float *mOut, float *vOut) {
  const float lr = p->lr, b1 = p->b1, b2 = p->b2, eps = p->eps, c1 = p->c1, c2 = p->c2, omb1 = p->omb1, omb2 = p->omb2;
  /* ivdep: the outputs alias the inputs only at the same index (in place), so iterations are independent. Without
   * it GCC cannot prove that for seven pointers, gives up its runtime alias checks and runs the loop scalar:
   * 1.2 M values took 3.9 ms on one thread, 0.9-1.0 ms vectorised (same bits; bench/NOTES.md change 15). */
#pragma GCC ivdep
  for (int64_t i = lo; i < hi; i++) {
    const float gi = g[i];
    const float m1 = m[i] * b1 + gi * omb1;
    const float v1 = v[i] * b2 + (gi * gi) * omb2;
    /* Moments below the smallest normal float32 are stored as 0 (NaN compares false and stays): a weight whose
     * gradient is 0 (an MNIST pixel that is always 0) has m decay by β1 every step into subnormals after ~800
     * steps, and x86 computes on subnormals ~20x slower (this loop: 0.3 -> 7 ms per 401,408 values). XLA flushes
     * them on CPU too. Such a moment moves w by < lr·1.2e-38/ε ≈ 1e-34, nothing for any |w| above ~1e-27. */
    const float mi = fabsf(m1) < FLT_MIN ? 0.0f : m1;
    const float vi = v1 < FLT_MIN ? 0.0f : v1;
    const float wi = w[i];
    mOut[i] = mi;
    vOut[i] = vi;
    wOut[i] = ((mi / c1) / (sqrtf(vi / c2) + eps)) * -lr + wi;
  }
}

/* Chunk length for an elementwise loop over n values: about two chunks per thread, none below LOOP_MIN_CHUNK,
 * a multiple of 16 floats so chunks start on 64-byte boundaries of 64-byte aligned arrays. */
static int64_t loop_chunk(int64_t n) {
  const int64_t threads = sgm_pool_threads();
  int64_t per = ceil_div(n, threads * 2);
  if (per < LOOP_MIN_CHUNK) per = LOOP_MIN_CHUNK;
  return ceil_div(per, 16) * 16;
}

typedef struct {
  int count;
  const int64_t *n;
  int64_t total, per;
  const float *const *w, *const *g, *const *m, *const *v;
  float *const *wOut, *const *mOut, *const *vOut;
  adam_params p;
} adam_many_job;

/* Chunk c is the values [c·per, (c+1)·per) of all variables laid end to end. */
static void adam_many_chunk(void *ctx, int chunk) {
  const adam_many_job *j = ctx;
  const int64_t lo = chunk * j->per;
  const int64_t hi = lo + j->per < j->total ? lo + j->per : j->total;
  int64_t start = 0;
  for (int k = 0; k < j->count && start < hi; k++) {
    const int64_t end = start + j->n[k];
    if (end > lo) {
      const int64_t a = (lo > start ? lo : start) - start, b = (hi < end ? hi : end) - start;
      adam_range(&j->p, a, b, j->w[k], j->g[k], j->m[k], j->v[k], j->wOut[k], j->mOut[k], j->vOut[k]);
    }
    start = end;
  }
}

static void adam_many(int count, const int64_t *n, const float *const *w, const float *const *g, const float *const *m,
                      const float *const *v, float *const *wOut, float *const *mOut, float *const *vOut, double lr,
                      double beta1, double beta2, double epsilon, double c1, double c2) {
  int64_t total = 0;
  for (int k = 0; k < count; k++) total += n[k];
  adam_many_job j = {count, n, total, loop_chunk(total), w, g, m, v, wOut, mOut, vOut,
                     adam_params_of(lr, beta1, beta2, epsilon, c1, c2)};
  sgm_pool_run(adam_many_chunk, &j, (int)ceil_div(total, j.per));
}

void sgm_adam(int64_t n, const float *w, const float *g, const float *m, const float *v, float *wOut, float *mOut,
              float *vOut, double lr, double beta1, double beta2, double epsilon, double c1, double c2) {
  adam_many(1, &n, &w, &g, &m, &v, &wOut, &mOut, &vOut, lr, beta1, beta2, epsilon, c1, c2);
}

void sgm_adam_many(int count, const int64_t *n, float *const *w, const float *const *g, float *const *m, float *const *v,
                   double lr, double beta1, double beta2, double epsilon, double c1, double c2) {
  adam_many(count, n, (const float *const *)w, g, (const float *const *)m, (const float *const *)v, w, m, v, lr, beta1,
            beta2, epsilon, c1, c2);
}

/* ---- elementwise ---- */

typedef struct {
  sgm_unary_op op;
  int64_t n, per;
  const float *x;
  float *out;
} unary_job;

static void unary_chunk(void *ctx, int chunk) {
  const unary_job *j = ctx;
  const int64_t lo = chunk * j->per;
  const int64_t n = (lo + j->per < j->n ? lo + j->per : j->n) - lo;
  const float *x = j->x + lo;
  float *out = j->out + lo;
  switch (j->op) {
    case SGM_SOFTPLUS:
      sgm_vsoftplus(n, x, out);
      break;
    case SGM_EXP:
      sgm_vexp(n, x, out);
      break;
    case SGM_LOG:
      sgm_vlog(n, x, out);
      break;
    case SGM_SIGMOID:
      sgm_vsigmoid(n, x, out);
      break;
    default:
      break;
  }
}

void sgm_unary(sgm_unary_op op, int64_t n, const float *x, float *out) {
  unary_job j = {op, n, loop_chunk(n), x, out};
  sgm_pool_run(unary_chunk, &j, (int)ceil_div(n, j.per));
}
