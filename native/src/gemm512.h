/*
 * An AVX-512 single-precision GEMM (gemm512.c), used by kernels.c in place of OpenBLAS's sgemm when the CPU has
 * AVX-512 (OpenBLAS is pinned to its AVX2 kernels here by OPENBLAS_CORETYPE=Haswell; bench/NOTES.md change 16).
 */
#ifndef SGM_GEMM512_H
#define SGM_GEMM512_H

#include <stdbool.h>
#include <stdint.h>

/* Whether this build has the kernel and the CPU (and OS) run AVX-512F/BW/DQ/VL. */
bool sgm_gemm512_supported(void);

/* C = op(A) op(B), row-major, op(A) m×k, op(B) k×n: A is m×k with leading dimension lda (k×m when ta), B is k×n
 * with leading dimension ldb (n×k when tb), C is m×n with leading dimension ldc; C is overwritten.
 * Every value of C is the sequential float32 fused multiply-add chain c = fma(a_p, b_p, c) over p = 0..k-1 from
 * c = 0, whatever the blocking: the bits of a value do not depend on which block of C a call computes, on m, n or
 * the transposes. Returns 0, or -1 when the packing buffers cannot be allocated (C is then untouched).
 * Only call when sgm_gemm512_supported(). */
int sgm_gemm512(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b,
                int64_t ldb, float *c, int64_t ldc);

#endif
