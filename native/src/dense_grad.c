/*
 * The backward pass of a dense layer in one call (kernels.h, sgm_dense_grad): Y = act(op(A) op(B) + bias) was
 * computed by sgm_gemm; given dY this computes G = dY ∘ act'(Y), the bias gradient (G's column sums), and the two
 * GEMMs dA = G op(B)^T and dB = op(A)^T G. tfjs would run these as Step, Multiply, Sum and two BatchMatMul kernels,
 * each with ~15-50 µs of engine overhead and its own pass over memory.
 *
 * Work is cut by shape only, never by the thread count, so results are bit-identical on 1, 2 or 64 threads:
 *  - the elementwise pass (G and the column sums) is cut into blocks of whole columns; each block walks the rows in
 *    order, so a column's sum is always the same sequential float32 sum over rows 0..m-1;
 *  - each GEMM is planned exactly as sgm_gemm plans it (same chunks, same OpenBLAS calls), so dA and dB have the
 *    bits of the BatchMatMul kernel on the same G. The two GEMMs' chunks share one pool job: two GEMMs too small to
 *    split (under 4 MFLOP) still run on two threads at once.
 * With the AVX-512 GEMM and untransposed operands (a dense layer's X·W), G is never stored: both GEMMs read dY
 * gated by act'(Y) as they pack it (sgm_gemm_set_gate, gemm512.h), the column sums run beside them, and the whole
 * backward pass is one pool job instead of two (no barrier after the elementwise pass, no scratch for G). The
 * gated values are the elementwise pass's, operation for operation, so every output keeps its bits (tested).
 */
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "pool.h"

/* The elementwise pass runs on one thread below this many values per chunk (~5-10 µs of work). */
#define DG_MIN_CHUNK 16384
/* Column blocks are a multiple of 16 floats wide (64 bytes): chunks never share a cache line of G or dbias. */
#define DG_ALIGN 16

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

/* ---- G = dY ∘ act'(Y) and its column sums ---- */

typedef struct {
  int64_t m, n, cols; /* cols: columns per chunk */
  const float *dy, *y;
  float *g;     /* NULL: G is not stored (linear, or only the bias gradient is wanted) */
  float *dbias; /* NULL: no column sums */
  int activation;
} act_job;

static int act_plan(act_job *j, int64_t m, int64_t n, const float *dy, const float *y, float *g, float *dbias,
                    int activation) {
  const int64_t parts = ceil_div(m * n, DG_MIN_CHUNK);
  int64_t cols = ceil_div(ceil_div(n, parts < 1 ? 1 : parts), DG_ALIGN) * DG_ALIGN;
  if (cols < 1) cols = 1;
  const act_job job = {m, n, cols, dy, y, g, dbias, activation};
  *j = job;
  return n == 0 ? 0 : (int)ceil_div(n, cols);
}

/* One row of G = dY ∘ act'(Y) (kernels.h sgm_gate) into g and the column sums acc, either of which may be NULL. */
static inline void gate_row(const float *dy, const float *y, float *g, float *acc, int64_t w, int act) {
  for (int64_t c = 0; c < w; c++) {
    const float v = sgm_gate(dy[c], y[c], act);
    if (g != NULL) g[c] = v;
    if (acc != NULL) acc[c] += v;
  }
}

static void act_chunk(void *ctx, int chunk) {
  const act_job *j = ctx;
  const int64_t c0 = chunk * j->cols;
  const int64_t w = (c0 + j->cols < j->n ? c0 + j->cols : j->n) - c0;
  float *acc = j->dbias == NULL ? NULL : j->dbias + c0;
  if (acc != NULL) memset(acc, 0, sizeof(float) * (size_t)w);
  for (int64_t i = 0; i < j->m; i++) {
    const float *dy = j->dy + i * j->n + c0;
    const float *y = j->y + i * j->n + c0;
    float *g = j->g == NULL ? NULL : j->g + i * j->n + c0;
    switch (j->activation) {
      /* A literal activation per call: gate_row is inlined with it, and its loop vectorises. */
      case 1:
        gate_row(dy, y, g, acc, w, 1);
        break;
      case 3:
        gate_row(dy, y, g, acc, w, 3);
        break;
      default: /* linear: G = dY */
        if (acc != NULL) {
          for (int64_t c = 0; c < w; c++) acc[c] += dy[c];
        }
        break;
    }
  }
}

/* ---- several chunked jobs as one pool job ---- */

typedef struct {
  sgm_chunk_fn fn;
  void *ctx;
  int chunks;
} part;

typedef struct {
  int count;
  part parts[3];
} multi_job;

static void add_part(multi_job *mj, sgm_chunk_fn fn, void *ctx, int chunks) {
  if (chunks <= 0) return;
  const part p = {fn, ctx, chunks};
  mj->parts[mj->count++] = p;
}

static void multi_chunk(void *ctx, int chunk) {
  const multi_job *mj = ctx;
  for (int i = 0; i < mj->count; i++) {
    if (chunk < mj->parts[i].chunks) {
      mj->parts[i].fn(mj->parts[i].ctx, chunk);
      return;
    }
    chunk -= mj->parts[i].chunks;
  }
}

static void run_parts(multi_job *mj) {
  int total = 0;
  for (int i = 0; i < mj->count; i++) total += mj->parts[i].chunks;
  if (total > 0) sgm_pool_run(multi_chunk, mj, total);
  mj->count = 0;
}

/* ---- the whole backward pass ---- */

int sgm_dense_grad(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float *a, const float *b, const float *dy,
                   const float *y, int activation, float *da, float *db, float *dbias) {
  const bool gemms = da != NULL || db != NULL;
  /* G gated inside the GEMMs' packing: the AVX-512 GEMM (the OpenBLAS path would copy G per chunk) on X·W. */
  const bool gate = activation != 0 && gemms && !ta && !tb && sgm_gemm_get_kind() == SGM_GEMM_AVX512;
  /* G needs its own array only when an activation changes it and a GEMM reads it ungated; linear uses dY itself. */
  float *scratch = NULL;
  if (activation != 0 && gemms && !gate && m * n > 0) {
    const size_t bytes = (size_t)ceil_div(m * n * (int64_t)sizeof(float), 64) * 64;
    scratch = aligned_alloc(64, bytes);
    if (scratch == NULL) return -1;
  }
  const float *g = scratch != NULL ? scratch : dy; /* gated: dY, read through the gate */

  multi_job mj = {0, {{0}}};
  act_job act;
  const int act_chunks = act_plan(&act, m, n, dy, y, scratch, dbias, activation);
  const bool act_needed = dbias != NULL || scratch != NULL;
  if (act_needed && activation != 0 && !gate) {
    /* The GEMMs read G: it must be complete first. */
    add_part(&mj, act_chunk, &act, act_chunks);
    run_parts(&mj);
  }

  /* The GEMMs with the operands and transposes of the stock BatchMatMul gradient (A: m×k or k×m when ta; B: k×n
   * or n×k when tb), so each equals the native BatchMatMul kernel's result on the same G bit for bit. */
  sgm_gemm_job jb, ja;
  if (db != NULL) {
    int c;
    if (!tb) {
      c = ta ? sgm_gemm_plan(&jb, false, false, 1, k, n, m, a, 0, g, 0, db, NULL, 0, 0.f)   /* A · G */
             : sgm_gemm_plan(&jb, true, false, 1, k, n, m, a, 0, g, 0, db, NULL, 0, 0.f);   /* A^T · G */
    } else {
      c = ta ? sgm_gemm_plan(&jb, true, true, 1, n, k, m, g, 0, a, 0, db, NULL, 0, 0.f)     /* G^T · A^T */
             : sgm_gemm_plan(&jb, true, false, 1, n, k, m, g, 0, a, 0, db, NULL, 0, 0.f);   /* G^T · A */
    }
    if (gate) sgm_gemm_set_gate(&jb, 'b', y, activation); /* A^T · G: G is B, untransposed */
    add_part(&mj, sgm_gemm_chunk, &jb, c);
  }
  if (da != NULL) {
    int c;
    if (!ta) {
      c = tb ? sgm_gemm_plan(&ja, false, false, 1, m, k, n, g, 0, b, 0, da, NULL, 0, 0.f)   /* G · B */
             : sgm_gemm_plan(&ja, false, true, 1, m, k, n, g, 0, b, 0, da, NULL, 0, 0.f);   /* G · B^T */
    } else {
      c = tb ? sgm_gemm_plan(&ja, true, true, 1, k, m, n, b, 0, g, 0, da, NULL, 0, 0.f)     /* B^T · G^T */
             : sgm_gemm_plan(&ja, false, true, 1, k, m, n, b, 0, g, 0, da, NULL, 0, 0.f);   /* B · G^T */
    }
    if (gate) sgm_gemm_set_gate(&ja, 'a', y, activation); /* G · B^T: G is A, untransposed */
    add_part(&mj, sgm_gemm_chunk, &ja, c);
  }
  /* Linear or gated: the column sums read only dY and Y and run beside the GEMMs (G is not stored). */
  if (dbias != NULL && (activation == 0 || gate)) add_part(&mj, act_chunk, &act, act_chunks);
  run_parts(&mj);
  free(scratch);
  return 0;
}
