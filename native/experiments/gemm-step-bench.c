/*
 * The GEMMs of the reference step (models/igr_vae.sgm, batch 100) as the addon runs them: per layer the forward
 * sgm_gemm with bias and activation (what `_FusedMatMul` calls) and sgm_dense_grad (what `SgmDenseGrad` calls:
 * dX when the layer's input needs it, dW, dbias), on the addon's pool with 1 or more threads. Also the bare GEMMs
 * of each backward shape (dx = dY·Wᵀ, dW = Xᵀ·dY with K = 100) through sgm_gemm. bench/NOTES.md change 18.
 *
 * Each call is timed alone; between two calls the calling thread can do `gap` µs of other work that walks a 4 MB
 * buffer (as the step's other kernels and tfjs' JavaScript do): the pool's worker, which spins 50 µs after a job,
 * is then asleep when the next GEMM starts, and the GEMM's operands are no longer in the caches. Prints per call
 * the best and median µs over `reps` sequences and GFLOP/s of the best, and the sums.
 *
 *   cc -O3 -march=x86-64 -fno-math-errno -fno-trapping-math -ffp-contract=off -std=c11 -I native/src \
 *      native/experiments/gemm-step-bench.c native/src/kernels.c native/src/dense_grad.c native/src/pool.c \
 *      native/src/vmath.c native/src/gemm512.c -lopenblas -lpthread -lm -o /tmp/gemm-step-bench
 *   /tmp/gemm-step-bench [threads=2] [reps=200] [gap_us=0] [kind=avx512|openblas]
 *
 * Paired A/B against another version of the sources (bench/NOTES.md change 18): build that version's objects with
 * every global symbol prefixed old_ and compile this file with -DSGM_AB; each repetition then runs the whole
 * sequence on both (old first in even repetitions, new first in odd ones), and the report adds per call the old
 * best and median and the median of the per-repetition ratios new/old, and says whether the outputs' bits agree:
 *   (cd OLD && for f in kernels dense_grad pool vmath gemm512; do cc -c <flags above> native/src/$f.c -o /tmp/o_$f.o; done)
 *   ld -r /tmp/o_*.o -o /tmp/old.o && nm -g --defined-only /tmp/old.o | awk '{print $3" old_"$3}' > /tmp/syms
 *   objcopy --redefine-syms=/tmp/syms /tmp/old.o
 *   cc <flags above> -DSGM_AB native/experiments/gemm-step-bench.c <sources above> /tmp/old.o ... -o /tmp/gemm-step-ab
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernels.h"
#include "pool.h"

void openblas_set_num_threads(int);

/* The entry points of one version: the sources compiled with this file, or (SGM_AB) the old_ prefixed copy. */
typedef struct {
  void (*gemm)(bool, bool, int64_t, int64_t, int64_t, int64_t, const float *, int64_t, const float *, int64_t, float *,
               const float *, int, float);
  int (*dense_grad)(bool, bool, int64_t, int64_t, int64_t, const float *, const float *, const float *, const float *,
                    int, float *, float *, float *);
  int (*configure)(int, int);
  bool (*set_kind)(sgm_gemm_kind);
} version;
#ifdef SGM_AB
void old_sgm_gemm(bool, bool, int64_t, int64_t, int64_t, int64_t, const float *, int64_t, const float *, int64_t, float *,
                  const float *, int, float);
int old_sgm_dense_grad(bool, bool, int64_t, int64_t, int64_t, const float *, const float *, const float *,
                       const float *, int, float *, float *, float *);
int old_sgm_pool_configure(int, int);
bool old_sgm_gemm_set_kind(sgm_gemm_kind);
#define VERSIONS 2
static const version versions[VERSIONS] = {{old_sgm_gemm, old_sgm_dense_grad, old_sgm_pool_configure, old_sgm_gemm_set_kind},
                                           {sgm_gemm, sgm_dense_grad, sgm_pool_configure, sgm_gemm_set_kind}};
#else
#define VERSIONS 1
static const version versions[VERSIONS] = {{sgm_gemm, sgm_dense_grad, sgm_pool_configure, sgm_gemm_set_kind}};
#endif

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int cmp(const void *x, const void *y) {
  const double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b;
}

static float *randoms(size_t n, unsigned seed) {
  float *p = aligned_alloc(64, sizeof(float) * ((n + 15) / 16 * 16));
  srand(seed);
  for (size_t i = 0; i < n; i++) p[i] = (float)rand() / (float)RAND_MAX - 0.5f;
  return p;
}

/* `us` microseconds of work that walks a 4 MB buffer (evicts the GEMM's operands from L1 and L2). */
static float *junk;
static void gap(double us) {
  if (us <= 0) return;
  const double until = now() + us * 1e-6;
  static size_t pos = 0;
  const size_t n = (4u << 20) / sizeof(float);
  while (now() < until) {
    for (int i = 0; i < 4096; i += 16) junk[(pos + (size_t)i) % n] += 1.f;
    pos = (pos + 4096) % n;
  }
}

#define BATCH 100
#define LAYERS 7
typedef struct {
  int in, out, act, need_dx;
  float *x, *w, *bias, *y, *dy, *dx, *dw, *dbias, *tmp; /* tmp: the bare GEMMs' output */
} layer;

/* FNV-1a of the bits of the outputs of the step's calls (forward Y, dX, dW, dbias). */
static unsigned long long hash_outputs(const layer *L, int layers, int batch) {
  unsigned long long h = 1469598103934665603ull;
  for (int l = 0; l < layers; l++) {
    const float *arrs[4] = {L[l].y, L[l].dw, L[l].dx, L[l].dbias};
    const size_t lens[4] = {(size_t)batch * L[l].out, (size_t)L[l].in * L[l].out, (size_t)batch * L[l].in, (size_t)L[l].out};
    for (int q = 0; q < 4; q++) {
      const unsigned char *bytes = (const unsigned char *)arrs[q];
      for (size_t i = 0; i < lens[q] * sizeof(float); i++) h = (h ^ bytes[i]) * 1099511628211ull;
    }
  }
  return h;
}

enum { CALLS = 4 * LAYERS };

int main(int argc, char **argv) {
  const int threads = argc > 1 ? atoi(argv[1]) : 2;
  const int reps = argc > 2 ? atoi(argv[2]) : 200;
  const double gap_us = argc > 3 ? atof(argv[3]) : 0;
  const char *kind = argc > 4 ? argv[4] : "avx512";
  openblas_set_num_threads(1);
  for (int v = 0; v < VERSIONS; v++) {
    versions[v].configure(threads, 50);
    versions[v].set_kind(strcmp(kind, "openblas") == 0 ? SGM_GEMM_OPENBLAS : SGM_GEMM_AVX512);
  }
  junk = calloc((4u << 20) / sizeof(float), sizeof(float));
  /* encoder 784-512-256, two 256-180 heads (mu, sigma), decoder 200-256-512-784; relu except heads and logits */
  const int dims[LAYERS][4] = {{784, 512, 1, 0}, {512, 256, 1, 1}, {256, 180, 0, 1}, {256, 180, 0, 1},
                               {200, 256, 1, 1}, {256, 512, 1, 1}, {512, 784, 0, 1}};
  layer L[LAYERS];
  for (int l = 0; l < LAYERS; l++) {
    layer *p = &L[l];
    p->in = dims[l][0], p->out = dims[l][1], p->act = dims[l][2], p->need_dx = dims[l][3];
    p->x = randoms((size_t)BATCH * p->in, 10 + l);
    p->w = randoms((size_t)p->in * p->out, 20 + l);
    p->bias = randoms((size_t)p->out, 30 + l);
    p->y = randoms((size_t)BATCH * p->out, 40 + l);
    p->dy = randoms((size_t)BATCH * p->out, 50 + l);
    p->dx = randoms((size_t)BATCH * p->in, 60 + l);
    p->dw = randoms((size_t)p->in * p->out, 70 + l);
    p->dbias = randoms((size_t)p->out, 80 + l);
    p->tmp = randoms((size_t)p->in * (p->out > BATCH ? p->out : BATCH), 90 + l);
  }
  /* calls: 0..6 forward, 7..13 dense_grad (reverse layer order, as the backward pass runs), then bare GEMMs
   * 14..20 dx, 21..27 dW */
  double *t[VERSIONS];
  for (int v = 0; v < VERSIONS; v++) t[v] = malloc(sizeof(double) * CALLS * (size_t)reps);
  double mflop[CALLS];
  char names[CALLS][48];
  unsigned long long hashes[VERSIONS] = {0};
  for (int r = 0; r < reps; r++) {
    for (int o = 0; o < VERSIONS; o++) {
      const int v = r % 2 == 0 ? o : VERSIONS - 1 - o;
      const version *V = &versions[v];
      for (int c = 0; c < CALLS; c++) {
        const int l = c < LAYERS ? c : c < 2 * LAYERS ? 2 * LAYERS - 1 - c : (c - 2 * LAYERS) % LAYERS;
        layer *p = &L[l];
        const double f = 2.0 * BATCH * p->in * p->out / 1e6;
        gap(gap_us);
        const double t0 = now();
        if (c < LAYERS) {
          V->gemm(false, false, 1, BATCH, p->out, p->in, p->x, 0, p->w, 0, p->y, p->bias, p->act, 0.f);
          mflop[c] = f;
          snprintf(names[c], 48, "fwd %dx%d.%dx%d %s", BATCH, p->in, p->in, p->out, p->act ? "+b relu" : "+b");
        } else if (c < 2 * LAYERS) {
          V->dense_grad(false, false, BATCH, p->out, p->in, p->x, p->w, p->dy, p->y, p->act, p->need_dx ? p->dx : NULL,
                        p->dw, p->dbias);
          mflop[c] = f * (p->need_dx ? 2 : 1);
          snprintf(names[c], 48, "grad %dx%d %s%s", p->in, p->out, p->need_dx ? "dx+dW" : "dW", p->act ? " relu" : "");
        } else if (c < 3 * LAYERS) {
          V->gemm(false, true, 1, BATCH, p->in, p->out, p->dy, 0, p->w, 0, p->tmp, NULL, 0, 0.f);
          mflop[c] = f;
          snprintf(names[c], 48, "dx %dx%d.(%dx%d)^T", BATCH, p->out, p->in, p->out);
        } else {
          V->gemm(true, false, 1, p->in, p->out, BATCH, p->x, 0, p->dy, 0, p->tmp, NULL, 0, 0.f);
          mflop[c] = f;
          snprintf(names[c], 48, "dW (%dx%d)^T.%dx%d", BATCH, p->in, BATCH, p->out);
        }
        t[v][(size_t)c * reps + r] = now() - t0;
      }
      if (r == reps - 1) hashes[v] = hash_outputs(L, LAYERS, BATCH);
    }
  }
  printf("threads %d, %d reps, gap %.0f us, %s%s\n", threads, reps, gap_us, kind, VERSIONS == 2 ? "; old | new, paired" : "");
  if (VERSIONS == 2) printf("%-30s %6s %15s %15s %7s %7s\n", "call", "MFLOP", "old best/med us", "new best/med us", "GF/s", "new/old");
  else printf("%-30s %6s %7s %7s %7s\n", "call", "MFLOP", "best us", "med us", "GF/s");
  const char *groups[4] = {"forward (_FusedMatMul)", "dense grad (SgmDenseGrad)", "bare dx GEMMs", "bare dW GEMMs"};
  double *ratio = malloc(sizeof(double) * (size_t)reps), *gsum[VERSIONS];
  for (int v = 0; v < VERSIONS; v++) gsum[v] = malloc(sizeof(double) * (size_t)reps);
  for (int g = 0; g < 4; g++) {
    double sb[VERSIONS] = {0}, sm[VERSIONS] = {0}, sf = 0;
    for (int v = 0; v < VERSIONS; v++) memset(gsum[v], 0, sizeof(double) * (size_t)reps);
    for (int c = g * LAYERS; c < (g + 1) * LAYERS; c++) {
      double best[VERSIONS], med[VERSIONS];
      for (int v = 0; v < VERSIONS; v++) {
        double *x = t[v] + (size_t)c * reps;
        for (int r = 0; r < reps; r++) gsum[v][r] += x[r];
        if (v == 1) {
          for (int r = 0; r < reps; r++) ratio[r] = x[r] / t[0][(size_t)c * reps + r];
          qsort(ratio, (size_t)reps, sizeof(double), cmp);
        }
        qsort(x, (size_t)reps, sizeof(double), cmp);
        best[v] = x[0] * 1e6, med[v] = x[reps / 2] * 1e6;
        sb[v] += best[v], sm[v] += med[v];
      }
      sf += mflop[c];
      if (VERSIONS == 2)
        printf("%-30s %6.1f %7.0f %7.0f %7.0f %7.0f %7.0f %7.3f\n", names[c], mflop[c], best[0], med[0], best[1], med[1],
               mflop[c] / best[1] * 1e3, ratio[reps / 2]);
      else printf("%-30s %6.1f %7.0f %7.0f %7.0f\n", names[c], mflop[c], best[0], med[0], mflop[c] / best[0] * 1e3);
    }
    if (VERSIONS == 2) {
      for (int r = 0; r < reps; r++) ratio[r] = gsum[1][r] / gsum[0][r];
      qsort(ratio, (size_t)reps, sizeof(double), cmp);
      printf("  sum %-25s %6.1f %7.0f %7.0f %7.0f %7.0f %7.0f %7.3f\n", groups[g], sf, sb[0], sm[0], sb[1], sm[1],
             sf / sb[1] * 1e3, ratio[reps / 2]);
    } else {
      printf("  sum %-25s %6.1f %7.0f %7.0f %7.0f\n", groups[g], sf, sb[0], sm[0], sf / sb[0] * 1e3);
    }
  }
  for (int v = 0; v < VERSIONS; v++) printf("%shash of the outputs %016llx\n", VERSIONS == 2 ? (v ? "new " : "old ") : "", hashes[v]);
  return 0;
}
