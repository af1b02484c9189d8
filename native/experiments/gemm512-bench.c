/*
 * Change 16 (bench/NOTES.md): the step's GEMM shapes, AVX-512 kernel (gemm512.c) against OpenBLAS, one thread,
 * in one process, alternating call by call. Two measurements per shape:
 *   whole:   one call on the whole matrices (cblas_sgemm vs sgm_gemm512)
 *   chunked: sgm_gemm as the addon runs it (its shape-only chunks run one after another on one thread)
 * Prints the best and the median time of each (the machine is shared: minima are the cleaner number).
 *
 *   cc -O3 -march=x86-64 -I native/src native/experiments/gemm512-bench.c native/src/kernels.c native/src/pool.c \
 *      native/src/vmath.c native/src/gemm512.c -lopenblas -lpthread -lm -o /tmp/gemm512-bench && /tmp/gemm512-bench [reps]
 */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gemm512.h"
#include "kernels.h"
#include "pool.h"

void openblas_set_num_threads(int);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int cmp(const void *x, const void *y) {
  const double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b;
}

typedef struct {
  const char *name;
  int ta, tb;
  int m, n, k;
} shape;

int main(int argc, char **argv) {
  const int reps = argc > 1 ? atoi(argv[1]) : 200;
  openblas_set_num_threads(1);
  sgm_pool_configure(1, 0);
  if (!sgm_gemm512_supported()) {
    printf("no AVX-512 on this CPU\n");
    return 0;
  }
  /* Layers (in, out) of the reference VAE with batch 100: forward x W (NN), dx = dY W^T (NT), dW = X^T dY (TN). */
  const int layers[6][2] = {{784, 512}, {512, 256}, {256, 180}, {200, 256}, {256, 512}, {512, 784}};
  shape shapes[18];
  int ns = 0;
  static char names[18][48];
  for (int l = 0; l < 6; l++) {
    const int in = layers[l][0], out = layers[l][1];
    snprintf(names[ns], 48, "fwd %dx%d.%dx%d", 100, in, in, out);
    shapes[ns] = (shape){names[ns], 0, 0, 100, out, in}, ns++;
    snprintf(names[ns], 48, "dx  %dx%d.(%dx%d)^T", 100, out, in, out);
    shapes[ns] = (shape){names[ns], 0, 1, 100, in, out}, ns++;
    snprintf(names[ns], 48, "dW  (%dx%d)^T.%dx%d", 100, in, 100, out);
    shapes[ns] = (shape){names[ns], 1, 0, in, out, 100}, ns++;
  }
  printf("%-24s %7s | %-29s | %-29s\n", "shape (m n k)", "MFLOP", "whole: blas / avx512 us (best, med)", "chunked: blas / avx512 us (best, med)");
  double tot[4] = {0, 0, 0, 0}, totf = 0;
  const int only = argc > 2 ? atoi(argv[2]) : 0; /* first `only` shapes (0: all) */
  for (int s = 0; s < (only > 0 && only < ns ? only : ns); s++) {
    const shape *sh = &shapes[s];
    const int m = sh->m, n = sh->n, k = sh->k;
    float *a = aligned_alloc(64, sizeof(float) * (size_t)(m * k + 16));
    float *b = aligned_alloc(64, sizeof(float) * (size_t)(k * n + 16));
    float *c0 = aligned_alloc(64, sizeof(float) * (size_t)(m * n + 16));
    float *c1 = aligned_alloc(64, sizeof(float) * (size_t)(m * n + 16));
    srand(1 + s);
    for (int i = 0; i < m * k; i++) a[i] = (float)rand() / RAND_MAX - 0.5f;
    for (int i = 0; i < k * n; i++) b[i] = (float)rand() / RAND_MAX - 0.5f;
    const int lda = sh->ta ? m : k, ldb = sh->tb ? k : n;
    double *t[4];
    for (int v = 0; v < 4; v++) t[v] = malloc(sizeof(double) * (size_t)reps);
    for (int r = 0; r < reps; r++) {
      for (int v0 = 0; v0 < 4; v0++) {
        const int v = (r & 1) ? 3 - v0 : v0; /* ABBA order */
        const double t0 = now();
        switch (v) {
          case 0:
            cblas_sgemm(CblasRowMajor, sh->ta ? CblasTrans : CblasNoTrans, sh->tb ? CblasTrans : CblasNoTrans, m, n, k, 1.f,
                        a, lda, b, ldb, 0.f, c0, n);
            break;
          case 1:
            sgm_gemm512(sh->ta, sh->tb, m, n, k, a, lda, b, ldb, c1, n, NULL);
            break;
          case 2:
            sgm_gemm_set_kind(SGM_GEMM_OPENBLAS);
            sgm_gemm(sh->ta, sh->tb, 1, m, n, k, a, 0, b, 0, c0, NULL, 0, 0.f);
            break;
          default:
            sgm_gemm_set_kind(SGM_GEMM_AVX512);
            sgm_gemm(sh->ta, sh->tb, 1, m, n, k, a, 0, b, 0, c1, NULL, 0, 0.f);
            break;
        }
        t[v][r] = now() - t0;
      }
    }
    double maxd = 0, maxv = 0;
    for (int i = 0; i < m * n; i++) {
      maxd = fmax(maxd, fabs((double)c0[i] - c1[i]));
      maxv = fmax(maxv, fabs((double)c0[i]));
    }
    double best[4], med[4];
    for (int v = 0; v < 4; v++) {
      qsort(t[v], (size_t)reps, sizeof(double), cmp);
      best[v] = t[v][0] * 1e6, med[v] = t[v][reps / 2] * 1e6;
      tot[v] += best[v];
      free(t[v]);
    }
    const double mf = 2.0 * m * n * k / 1e6;
    totf += mf;
    printf("%-24s %7.1f | %5.0f %5.0f / %5.0f %5.0f x%.2f | %5.0f %5.0f / %5.0f %5.0f x%.2f | %4.0f GF/s  maxdiff %.1e of %.1e\n",
           sh->name, mf, best[0], med[0], best[1], med[1], best[0] / best[1], best[2], med[2], best[3], med[3],
           best[2] / best[3], mf / best[3] * 1e3, maxd, maxv);
    free(a), free(b), free(c0), free(c1);
  }
  printf("sum of best times (us): whole blas %.0f avx512 %.0f (x%.2f); chunked blas %.0f avx512 %.0f (x%.2f); %.0f MFLOP\n",
         tot[0], tot[1], tot[0] / tot[1], tot[2], tot[3], tot[2] / tot[3], totf);
  return 0;
}
