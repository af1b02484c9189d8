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

/* What sgm_gemm512 does besides the product, all optional (a NULL pointer is the plain product):
 *  - epilogue: C = act(op(A) op(B) + bias), applied to each tile of C as the micro-kernel stores its last k block
 *    (no second pass over C): bias (n values, NULL for none) is added with one float32 addition per value, then
 *    relu (x > 0 ? x : +0, NaN to +0), the operations and order of kernels.c's separate epilogue, so the bits are
 *    the same. Only linear (0) and relu (1) are fused; the caller applies the others itself.
 *  - gate: one operand, as stored, is multiplied elementwise by act'(Y) while it is packed, with Y in the same
 *    layout and leading dimension as that operand (gate_y points at Y's value for the operand's first one): the
 *    dense layer's G = dY ∘ act'(Y) (dense_grad.c) without writing G. gate_act 1: relu, act' = step(Y) as tfjs'
 *    Step (1 for Y > 0, NaN for NaN, else 0), G = dY · step(Y); 3: sigmoid, G = dY · (Y (1 - Y)). The same float32
 *    operations as dense_grad.c's elementwise pass, so the product equals the product of the stored G. Supported
 *    on a non-transposed operand only (A when !ta, B when !tb). */
typedef struct {
  const float *bias;
  int activation;      /* 0 linear, 1 relu */
  char gate_operand;   /* 0 none, 'a' or 'b' */
  int gate_act;        /* 1 relu, 3 sigmoid */
  const float *gate_y;
  uint64_t job; /* 0, or an id shared by calls that compute blocks of one product whose operands do not change
                 * in between (kernels.c's chunks of one sgm_gemm): a thread then reuses the A (one block of at
                 * most 112 rows, k ≤ 1024) or B (n ≤ 512, k ≤ 256) it packed for its previous call of the job when
                 * the call passes the same operand (address, size, leading dimension). */
} sgm_gemm512_extra;

/* C = op(A) op(B), row-major, op(A) m×k, op(B) k×n: A is m×k with leading dimension lda (k×m when ta), B is k×n
 * with leading dimension ldb (n×k when tb), C is m×n with leading dimension ldc; C is overwritten.
 * Every value of C is the sequential float32 fused multiply-add chain c = fma(a_p, b_p, c) over p = 0..k-1 from
 * c = 0, whatever the blocking: the bits of a value do not depend on which block of C a call computes, on m, n or
 * the transposes. `extra` (NULL: none) adds the epilogue or the gate above. Returns 0, or -1 when the packing
 * buffers cannot be allocated or `extra` asks for something unsupported (C is then untouched).
 * Only call when sgm_gemm512_supported(). */
int sgm_gemm512(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b,
                int64_t ldb, float *c, int64_t ldc, const sgm_gemm512_extra *extra);

#endif
