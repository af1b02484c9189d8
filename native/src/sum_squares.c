/* Σ x² over many float32 arrays on the addon's pool, in double (the trainer's gradient norm, every step). */
#include <stdint.h>
#include <stdlib.h>
#include "kernels.h"
#include "pool.h"

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

/* Values per chunk of the sum of squares: fixed (not derived from the thread count), so the partial sums and their
 * order, hence the result, are the same on any number of threads. */
#define SUMSQ_CHUNK 32768
#define SUMSQ_MAX_CHUNKS 65536

typedef struct {
  int count;
  const int64_t *n;
  int64_t total;
  const float *const *x;
  double *partial;
} sumsq_job;

/* Σ x² of values lo..hi of the arrays laid end to end, in double: exact squares of float32 values (24-bit
 * mantissas square into 48 bits), summed with a 53-bit mantissa, so the float32 result is rounded once. */
/* Built for AVX-512 and for the baseline x86-64 (SSE2) the addon is compiled for, picked at load time by the CPU
 * (GCC's target_clones): SSE2 converts and squares two doubles at a time, slower than OpenBLAS' float dot. */
__attribute__((target_clones("avx512f", "avx2", "default"))) static void sumsq_chunk(void *ctx, int chunk) {
  const sumsq_job *j = ctx;
  const int64_t lo = (int64_t)chunk * SUMSQ_CHUNK;
  const int64_t hi = lo + SUMSQ_CHUNK < j->total ? lo + SUMSQ_CHUNK : j->total;
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t start = 0;
  for (int k = 0; k < j->count && start < hi; k++) {
    const int64_t end = start + j->n[k];
    if (end > lo) {
      const float *x = j->x[k];
      const int64_t a = (lo > start ? lo : start) - start, b = (hi < end ? hi : end) - start;
      int64_t i = a;
      /* Eight independent running sums (one vector of doubles), so the loop vectorises without reassociation. */
      for (; i + 8 <= b; i += 8)
        for (int l = 0; l < 8; l++) acc[l] += (double)x[i + l] * (double)x[i + l];
      for (; i < b; i++) acc[0] += (double)x[i] * (double)x[i];
    }
    start = end;
  }
  j->partial[chunk] = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

double sgm_sum_squares_many(int count, const int64_t *n, const float *const *x) {
  int64_t total = 0;
  for (int k = 0; k < count; k++) total += n[k];
  if (total == 0) return 0;
  const int64_t chunks = ceil_div(total, SUMSQ_CHUNK);
  if (chunks > SUMSQ_MAX_CHUNKS) return -1; /* the caller uses its own loop (2^31 values and more) */
  double stack[256];
  double *partial = chunks <= 256 ? stack : malloc((size_t)chunks * sizeof(double));
  if (partial == NULL) return -1;
  sumsq_job j = {count, n, total, x, partial};
  sgm_pool_run(sumsq_chunk, &j, (int)chunks);
  double sum = 0;
  for (int64_t c = 0; c < chunks; c++) sum += partial[c];
  if (partial != stack) free(partial);
  return sum;
}
