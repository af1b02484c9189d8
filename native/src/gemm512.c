/*
 * AVX-512 SGEMM (gemm512.h): C = op(A) op(B), row-major, in the usual three-level blocking (Goto / BLIS):
 *
 *   for each block of NC_MAX columns of C
 *     for each block of at most KC_MAX values of k (k cut into equal blocks: 784 -> 4 × 196)
 *       pack op(B)[k block, column block] into panels of 32 columns (16 for a last part of at most 16 columns),
 *         stored k-major (the 32 values of one k are contiguous, zero-padded past the last column)
 *       for each block of MC_MAX rows of C
 *         pack op(A)[row block, k block] into micro-panels of at most MR_MAX = 14 rows
 *         for each panel of B, for each micro-panel of A: the micro-kernel adds its k block to a tile of C
 *
 * Micro-kernel: 14 rows × 32 columns (two zmm vectors per row), 28 accumulators in registers. Per k it loads two
 * vectors of B and broadcasts 14 values of A (folded into the FMA as a memory broadcast), for 28 FMAs: 14 cycles
 * at two 512-bit FMAs per cycle against 16 loads (8 cycles at two loads per cycle), so it is FMA-bound, with 28
 * independent chains hiding the 4-cycle FMA latency. 28 accumulators + 2 B vectors use 30 of the 32 registers.
 * Against 6×64 or 8×48 (24 accumulators): more FMAs per load, and the step's C blocks fit it: a chunk of sgm_gemm
 * is a multiple of 16 columns wide (128 typically: 4 panels), and the 100-row batch is cut into balanced tiles
 * (8 tiles of 12-13 rows; rows per tile are a compile-time constant 1..14, each has its own kernel), where 6×64
 * leaves a 4-row tile and 8×48 a 32-column one. The B micro-panel (KC_MAX × 32 floats = 32 KB) stays in the
 * 48 KB L1 while the micro-panels of A (≤ 14 KB each) stream from L2.
 *
 * Summation order: each value of C is the sequential float32 FMA chain over p = 0..k-1 started from 0. Between k
 * blocks the partial sums are stored to C and loaded back (exact in float32), so the blocking, the tile a value
 * falls in and the caller's chunking never change a bit (kernels.c's chunks stay thread-count invariant).
 *
 * Packing is plain contiguous copies except for op(B) when B is transposed (B stored n×k: dx = dY W^T), which is
 * transposed 16×16 at a time in registers. A is packed row by row (each row of the micro-panel contiguous in k,
 * rows ASTRIDE floats apart) when A is not transposed, and k-major (the tile's rows for one k contiguous) when it
 * is (dW = X^T dY): both are copies of contiguous runs, and the kernel has a variant for each layout.
 *
 * Besides the product (sgm_gemm512_extra, bench/NOTES.md change 18): the forward epilogue (bias, relu) is applied
 * to the accumulators as the last k block is stored, instead of a second pass over C; the dense backward's
 * G = dY ∘ act'(Y) is formed while dY is packed (as A for dX = G W^T, as B for dW = X^T G), so G is never stored;
 * and a thread keeps what it packed for the operand the chunks of one sgm_gemm share (A for a column split, B for
 * a row split), tagged with the job's id, so that operand is packed once per thread and job instead of once per
 * chunk. None of these changes an operation on a value of C: the bits stay those of the plain product.
 *
 * Compiled for AVX-512 through target attributes only (the rest of the addon stays baseline x86-64); the caller
 * checks sgm_gemm512_supported() at run time.
 */
#include "gemm512.h"

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))

#include <immintrin.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
#define INLINE static inline __attribute__((always_inline)) TARGET

#define MR_MAX 14
#define NR 32
#define KC_MAX 256
/* Rows of a packed, non-transposed micro-panel of A are this many floats apart: KC_MAX + 16, so the 14 rows fall
 * into different sets of the L1 cache (a 1 KB stride would put them all into 4 of its 64 sets). */
#define ASTRIDE (KC_MAX + 16)
#define MC_MAX 112
#define NC_MAX 512
#define APACK_FLOATS ((MC_MAX / MR_MAX + 1) * MR_MAX * ASTRIDE)
#define BPACK_FLOATS ((NC_MAX / NR) * KC_MAX * NR)
/* A thread keeps the packed A of up to this many blocks (row blocks × k blocks: 100 rows with k ≤ 2048, or up to 896
 * rows with k ≤ 256) for its next call of the same job. */
#define APACK_BLOCKS 8

bool sgm_gemm512_supported(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
}

/* ---- packing buffers: one set per thread, allocated on first use, freed when the thread ends ---- */

/* What a thread's buffers hold: the packed A (all its k blocks) and B (one block) of a call of job `*_job`
 * (sgm_gemm512_extra.job; 0: nothing reusable), with the operand's address, sizes and leading dimension. */
typedef struct {
  uint64_t a_job, b_job;
  const float *a_src, *b_src;
  int64_t a_m, a_k, a_ld, b_n, b_k, b_ld;
} pack_tags;
#define HEADER_FLOATS 32 /* 128 bytes before the buffers hold the tags */
_Static_assert(sizeof(pack_tags) <= sizeof(float) * HEADER_FLOATS, "tags fit the header");

static pthread_key_t buffers_key;
static pthread_once_t buffers_once = PTHREAD_ONCE_INIT;

static void make_key(void) { (void)pthread_key_create(&buffers_key, free); }

static float *thread_buffers(void) {
  (void)pthread_once(&buffers_once, make_key);
  float *buf = pthread_getspecific(buffers_key);
  if (buf == NULL) {
    buf = aligned_alloc(64, sizeof(float) * (HEADER_FLOATS + APACK_BLOCKS * APACK_FLOATS + BPACK_FLOATS));
    if (buf == NULL || pthread_setspecific(buffers_key, buf) != 0) {
      free(buf);
      return NULL;
    }
    memset(buf, 0, sizeof(pack_tags));
  }
  return buf;
}

/* ---- micro-kernel ---- */

/* C[0:MR, 0:16·NV] (+)= A_tile · B_panel over kc values of k. AROW: A packed row by row (ap[r·ASTRIDE + p]), else
 * k-major (ap[p·MR + r]). first: start from 0 instead of loading C. The last vector of each row is masked by
 * mlast (columns past the block's edge are computed on B's zero padding and never stored). On the last k block the
 * epilogue is applied as the tile is stored: bias (the tile's first column's value, NULL for none) is added, then
 * relu when asked (sgm_gemm512_extra says why these are kernels.c's bits). */
INLINE void kernel(const int MR, const int NV, const int AROW, int64_t kc, const float *ap, const float *bp, float *c,
                   int64_t ldc, int first, __mmask16 mlast, const float *bias, int relu) {
  __m512 acc[MR_MAX][2];
#pragma GCC unroll 14
  for (int r = 0; r < MR; r++) {
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) {
      const __mmask16 mk = v == NV - 1 ? mlast : (__mmask16)0xffff;
      acc[r][v] = first ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(mk, c + r * ldc + 16 * v);
    }
  }
#pragma GCC unroll 2
  for (int64_t p = 0; p < kc; p++) {
    __m512 b[2];
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) b[v] = _mm512_load_ps(bp + p * 16 * NV + 16 * v);
#pragma GCC unroll 14
    for (int r = 0; r < MR; r++) {
      const __m512 a = _mm512_set1_ps(AROW ? ap[r * ASTRIDE + p] : ap[p * MR + r]);
#pragma GCC unroll 2
      for (int v = 0; v < NV; v++) acc[r][v] = _mm512_fmadd_ps(a, b[v], acc[r][v]);
    }
  }
  if (bias != NULL || relu) {
    __m512 bv[2];
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) {
      bv[v] = bias == NULL ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(v == NV - 1 ? mlast : (__mmask16)0xffff, bias + 16 * v);
    }
#pragma GCC unroll 14
    for (int r = 0; r < MR; r++) {
#pragma GCC unroll 2
      for (int v = 0; v < NV; v++) {
        /* x + bias[j] (one float32 addition, as row[j] += bias[j]); relu as x > 0 ? x : +0 (NaN and -0 give +0). */
        if (bias != NULL) acc[r][v] = _mm512_add_ps(acc[r][v], bv[v]);
        if (relu) acc[r][v] = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(acc[r][v], _mm512_setzero_ps(), _CMP_GT_OQ), acc[r][v]);
      }
    }
  }
#pragma GCC unroll 14
  for (int r = 0; r < MR; r++) {
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) {
      if (v == NV - 1) _mm512_mask_storeu_ps(c + r * ldc + 16 * v, mlast, acc[r][v]);
      else _mm512_storeu_ps(c + r * ldc + 16 * v, acc[r][v]);
    }
  }
}

typedef void (*kernel_fn)(int64_t kc, const float *ap, const float *bp, float *c, int64_t ldc, int first,
                          __mmask16 mlast, const float *bias, int relu);

#define KERNEL(MR, NV, AROW)                                                                                      \
  static TARGET void kernel_##MR##_##NV##_##AROW(int64_t kc, const float *ap, const float *bp, float *c,         \
                                                 int64_t ldc, int first, __mmask16 mlast, const float *bias,     \
                                                 int relu) {                                                     \
    kernel(MR, NV, AROW, kc, ap, bp, c, ldc, first, mlast, bias, relu);                                           \
  }
#define KERNELS_MR(MR) KERNEL(MR, 1, 0) KERNEL(MR, 2, 0) KERNEL(MR, 1, 1) KERNEL(MR, 2, 1)
KERNELS_MR(1) KERNELS_MR(2) KERNELS_MR(3) KERNELS_MR(4) KERNELS_MR(5) KERNELS_MR(6) KERNELS_MR(7)
KERNELS_MR(8) KERNELS_MR(9) KERNELS_MR(10) KERNELS_MR(11) KERNELS_MR(12) KERNELS_MR(13) KERNELS_MR(14)
#define ROW(AROW)                                                                                                 \
  {{NULL, kernel_1_1_##AROW, kernel_2_1_##AROW, kernel_3_1_##AROW, kernel_4_1_##AROW, kernel_5_1_##AROW,          \
    kernel_6_1_##AROW, kernel_7_1_##AROW, kernel_8_1_##AROW, kernel_9_1_##AROW, kernel_10_1_##AROW,               \
    kernel_11_1_##AROW, kernel_12_1_##AROW, kernel_13_1_##AROW, kernel_14_1_##AROW},                              \
   {NULL, kernel_1_2_##AROW, kernel_2_2_##AROW, kernel_3_2_##AROW, kernel_4_2_##AROW, kernel_5_2_##AROW,          \
    kernel_6_2_##AROW, kernel_7_2_##AROW, kernel_8_2_##AROW, kernel_9_2_##AROW, kernel_10_2_##AROW,               \
    kernel_11_2_##AROW, kernel_12_2_##AROW, kernel_13_2_##AROW, kernel_14_2_##AROW}}
/* kernels[AROW][NV - 1][MR] */
static const kernel_fn kernels[2][2][MR_MAX + 1] = {ROW(0), ROW(1)};

/* ---- packing ---- */

static inline __mmask16 mask_of(int64_t count) {
  return count >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << count) - 1u);
}

/* G = dY ∘ act'(Y) for 16 values (sgm_gemm512_extra): relu G = dY · s with s = 1 for Y > 0, Y for NaN, else 0 (tfjs'
 * Step; a product, so a negative dY gives -0); sigmoid G = dY · (Y · (1 - Y)). The scalar operations of
 * dense_grad.c's elementwise pass, one by one. */
INLINE __m512 gate(__m512 dy, __m512 y, int act) {
  if (act == 1) {
    const __mmask16 gt = _mm512_cmp_ps_mask(y, _mm512_setzero_ps(), _CMP_GT_OQ);
    const __mmask16 nan = _mm512_cmp_ps_mask(y, y, _CMP_UNORD_Q);
    return _mm512_mul_ps(dy, _mm512_mask_mov_ps(_mm512_maskz_mov_ps(gt, _mm512_set1_ps(1.f)), nan, y));
  }
  return _mm512_mul_ps(dy, _mm512_mul_ps(y, _mm512_sub_ps(_mm512_set1_ps(1.f), y)));
}

/* 16 values of an operand (masked: zeros past the mask), gated by Y at the same offset when gy is not NULL. */
INLINE __m512 load_op(__mmask16 mask, const float *src, const float *gy, int gact) {
  const __m512 x = _mm512_maskz_loadu_ps(mask, src);
  return gy == NULL ? x : gate(x, _mm512_maskz_loadu_ps(mask, gy), gact);
}

/* Transposes 16 rows of 16 floats in registers: r[i][j] becomes r[j][i]. */
INLINE void transpose16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 8; i++) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  /* r[4i + e], 128-bit lane L: rows 4i..4i+3 of column 4L + e. */
  for (int i = 0; i < 4; i++) {
    const __m512d t0 = _mm512_castps_pd(t[4 * i]), t1 = _mm512_castps_pd(t[4 * i + 1]);
    const __m512d t2 = _mm512_castps_pd(t[4 * i + 2]), t3 = _mm512_castps_pd(t[4 * i + 3]);
    r[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(t0, t2));
    r[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(t0, t2));
    r[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(t1, t3));
    r[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(t1, t3));
  }
  for (int e = 0; e < 4; e++) {
    t[e] = _mm512_shuffle_f32x4(r[e], r[4 + e], 0x88);
    t[4 + e] = _mm512_shuffle_f32x4(r[e], r[4 + e], 0xdd);
    t[8 + e] = _mm512_shuffle_f32x4(r[8 + e], r[12 + e], 0x88);
    t[12 + e] = _mm512_shuffle_f32x4(r[8 + e], r[12 + e], 0xdd);
  }
  for (int e = 0; e < 4; e++) {
    r[e] = _mm512_shuffle_f32x4(t[e], t[8 + e], 0x88);
    r[8 + e] = _mm512_shuffle_f32x4(t[e], t[8 + e], 0xdd);
    r[4 + e] = _mm512_shuffle_f32x4(t[4 + e], t[12 + e], 0x88);
    r[12 + e] = _mm512_shuffle_f32x4(t[4 + e], t[12 + e], 0xdd);
  }
}

/* Packs op(B)[p0:p0+kc, j0:j0+nc] into panels of 32 columns (a last one of 16 when at most 16 columns remain):
 * panel t holds kc rows of its width w_t (16 or 32) and starts at bp + t·kc·32. gy: B's gate (not tb only). */
static TARGET void pack_b(bool tb, const float *b, int64_t ldb, int64_t p0, int64_t kc, int64_t j0, int64_t nc,
                          float *bp, const float *gy, int gact) {
  if (!tb) {
    /* op(B)[p][j] = b[p·ldb + j]: row p of the block is one contiguous run of B, read in order (the hardware
     * prefetcher follows it) and dealt out to the panels. */
    for (int64_t p = 0; p < kc; p++) {
      const int64_t off = (p0 + p) * ldb + j0;
      const float *src = b + off, *gsrc = gy == NULL ? NULL : gy + off;
      for (int64_t jp = 0; jp < nc; jp += NR) {
        const int64_t cols = nc - jp < NR ? nc - jp : NR;
        const int64_t width = cols > 16 ? 32 : 16;
        float *dst = bp + (jp / NR) * kc * NR + p * width;
        _mm512_store_ps(dst, load_op(mask_of(cols), src + jp, gsrc == NULL ? NULL : gsrc + jp, gact));
        if (width == 32) {
          _mm512_store_ps(dst + 16, load_op(mask_of(cols - 16), src + jp + 16, gsrc == NULL ? NULL : gsrc + jp + 16, gact));
        }
      }
    }
    return;
  }
  /* op(B)[p][j] = b[j·ldb + p]: 16 columns × 16 values of k at a time, transposed in registers. */
  for (int64_t jp = 0; jp < nc; jp += NR) {
    const int64_t cols = nc - jp < NR ? nc - jp : NR;
    const int64_t width = cols > 16 ? 32 : 16;
    float *panel = bp + (jp / NR) * kc * NR;
    for (int64_t half = 0; half < width; half += 16) {
      const int64_t jc = cols - half; /* valid columns in this half (may exceed 16) */
      for (int64_t pb = 0; pb < kc; pb += 16) {
        const int64_t np = kc - pb < 16 ? kc - pb : 16;
        const __mmask16 mp = mask_of(np);
        __m512 r[16];
        for (int i = 0; i < 16; i++) {
          r[i] = i < jc ? _mm512_maskz_loadu_ps(mp, b + (j0 + jp + half + i) * ldb + p0 + pb) : _mm512_setzero_ps();
        }
        transpose16(r);
        for (int64_t i = 0; i < np; i++) _mm512_store_ps(panel + (pb + i) * width + half, r[i]);
      }
    }
  }
}

/* Rows [i·mc/t, (i+1)·mc/t) of a block of mc rows form tile i of t = ceil(mc / MR_MAX): tiles of equal height ±1. */
static int64_t tiles_of(int64_t mc) { return (mc + MR_MAX - 1) / MR_MAX; }
static int64_t tile_start(int64_t i, int64_t mc, int64_t t) { return i * mc / t; }

/* Packs op(A)[i0:i0+mc, p0:p0+kc]: tile i at ap + i·MR_MAX·ASTRIDE, row by row (not ta) or k-major (ta). gy: A's
 * gate (not ta only). */
static TARGET void pack_a(bool ta, const float *a, int64_t lda, int64_t i0, int64_t mc, int64_t p0, int64_t kc,
                          float *ap, const float *gy, int gact) {
  const int64_t t = tiles_of(mc);
  for (int64_t i = 0; i < t; i++) {
    const int64_t r0 = tile_start(i, mc, t), mr = tile_start(i + 1, mc, t) - r0;
    float *tile = ap + i * MR_MAX * ASTRIDE;
    if (!ta && gy == NULL) {
      for (int64_t r = 0; r < mr; r++) memcpy(tile + r * ASTRIDE, a + (i0 + r0 + r) * lda + p0, sizeof(float) * (size_t)kc);
    } else if (!ta) {
      for (int64_t r = 0; r < mr; r++) {
        const int64_t off = (i0 + r0 + r) * lda + p0;
        for (int64_t p = 0; p < kc; p += 16) {
          const __mmask16 mp = mask_of(kc - p);
          _mm512_mask_storeu_ps(tile + r * ASTRIDE + p, mp, load_op(mp, a + off + p, gy + off + p, gact));
        }
      }
    } else {
      /* op(A)[r][p] = a[p·lda + r]: the tile's mr values for one p are contiguous in A. */
      const __mmask16 mr_mask = mask_of(mr);
      for (int64_t p = 0; p < kc; p++) {
        _mm512_mask_storeu_ps(tile + p * mr, mr_mask, _mm512_maskz_loadu_ps(mr_mask, a + (p0 + p) * lda + i0 + r0));
      }
    }
  }
}

/* ---- the GEMM ---- */

TARGET int sgm_gemm512(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
                       const float *b, int64_t ldb, float *c, int64_t ldc, const sgm_gemm512_extra *extra) {
  const sgm_gemm512_extra none = {NULL, 0, 0, 0, NULL, 0};
  const sgm_gemm512_extra *x = extra == NULL ? &none : extra;
  const bool gate_ok = x->gate_operand == 0 || ((x->gate_act == 1 || x->gate_act == 3) && x->gate_y != NULL &&
                                                ((x->gate_operand == 'a' && !ta) || (x->gate_operand == 'b' && !tb)));
  if ((x->activation != 0 && x->activation != 1) || !gate_ok) return -1;
  const float *const gya = x->gate_operand == 'a' ? x->gate_y : NULL, *const gyb = x->gate_operand == 'b' ? x->gate_y : NULL;
  if (m <= 0 || n <= 0) return 0;
  if (k <= 0) {
    for (int64_t i = 0; i < m; i++) {
      for (int64_t j = 0; j < n; j++) {
        const float v = x->bias == NULL ? 0.f : 0.f + x->bias[j];
        c[i * ldc + j] = x->activation == 1 && !(v > 0.f) ? 0.f : v;
      }
    }
    return 0;
  }
  float *const buf = thread_buffers();
  if (buf == NULL) return -1;
  pack_tags *const tags = (pack_tags *)buf;
  float *const bpack = buf + HEADER_FLOATS, *const apack = bpack + BPACK_FLOATS;
  const int64_t kblocks = (k + KC_MAX - 1) / KC_MAX;
  /* The chunks of one job (kernels.c) share an operand: a thread that computes several of them packs it once. A is
   * kept when all its blocks fit (the batch of 100 rows with k ≤ 2048, or k ≤ 256 with up to 896 rows); B when it
   * is one block. */
  const int64_t mblocks = (m + MC_MAX - 1) / MC_MAX;
  const bool keep_a = x->job != 0 && mblocks * kblocks <= APACK_BLOCKS;
  const bool keep_b = x->job != 0 && n <= NC_MAX && kblocks == 1;
  const bool have_a = keep_a && tags->a_job == x->job && tags->a_src == a && tags->a_m == m && tags->a_k == k && tags->a_ld == lda;
  const bool have_b = keep_b && tags->b_job == x->job && tags->b_src == b && tags->b_n == n && tags->b_k == k && tags->b_ld == ldb;
  if (!have_a) tags->a_job = 0; /* overwritten below */
  if (!have_b) tags->b_job = 0;
  for (int64_t j0 = 0; j0 < n; j0 += NC_MAX) {
    const int64_t nc = n - j0 < NC_MAX ? n - j0 : NC_MAX;
    for (int64_t q = 0; q < kblocks; q++) {
      const int64_t p0 = q * k / kblocks, kc = (q + 1) * k / kblocks - p0;
      if (!have_b) pack_b(tb, b, ldb, p0, kc, j0, nc, bpack, gyb, x->gate_act);
      const bool last = q == kblocks - 1;
      for (int64_t i0 = 0; i0 < m; i0 += MC_MAX) {
        const int64_t mc = m - i0 < MC_MAX ? m - i0 : MC_MAX;
        float *const ablock = keep_a ? apack + (q * mblocks + i0 / MC_MAX) * APACK_FLOATS : apack;
        if (!have_a && !(keep_a && j0 > 0)) pack_a(ta, a, lda, i0, mc, p0, kc, ablock, gya, x->gate_act);
        const int64_t t = tiles_of(mc);
        /* Panel by panel of B (in L1), tile by tile of A (from L2); the other order measured the same. */
        for (int64_t jp = 0; jp < nc; jp += NR) {
          for (int64_t i = 0; i < t; i++) {
            const int64_t cols = nc - jp < NR ? nc - jp : NR;
            const int nv = cols > 16 ? 2 : 1;
            const __mmask16 mlast = mask_of(cols - 16 * (nv - 1));
            const float *panel = bpack + (jp / NR) * kc * NR;
            const int64_t r0 = tile_start(i, mc, t), mr = tile_start(i + 1, mc, t) - r0;
            kernels[ta ? 0 : 1][nv - 1][mr](kc, ablock + i * MR_MAX * ASTRIDE, panel, c + (i0 + r0) * ldc + j0 + jp, ldc,
                                            q == 0, mlast, last && x->bias != NULL ? x->bias + j0 + jp : NULL,
                                            last && x->activation == 1);
          }
        }
      }
    }
  }
  if (keep_a && !have_a) {
    const pack_tags t = {x->job, tags->b_job, a, tags->b_src, m, k, lda, tags->b_n, tags->b_k, tags->b_ld};
    *tags = t;
  }
  if (keep_b && !have_b) {
    tags->b_job = x->job, tags->b_src = b, tags->b_n = n, tags->b_k = k, tags->b_ld = ldb;
  }
  return 0;
}

#else /* not x86-64 with GCC or Clang: no AVX-512 kernel */

bool sgm_gemm512_supported(void) { return false; }

int sgm_gemm512(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b,
                int64_t ldb, float *c, int64_t ldc, const sgm_gemm512_extra *extra) {
  (void)ta, (void)tb, (void)m, (void)n, (void)k, (void)a, (void)lda, (void)b, (void)ldb, (void)c, (void)ldc, (void)extra;
  return -1;
}

#endif
