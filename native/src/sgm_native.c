/*
 * sgm_native: single-precision GEMM for tfjs kernels, on system OpenBLAS, through raw N-API (no npm dependency).
 *
 * gemm(transA, transB, batch, m, n, k, a, strideA, b, strideB, c, bias, activation, alpha)
 *   For each batch index i: C_i = act(op(A_i) op(B_i) + bias), row-major, op = transpose when asked.
 *   a, b, c are Float32Arrays used in place (zero copy): views of the CPU backend's arrays or of the WASM heap.
 *   strideA/strideB are the element distance between batch matrices; 0 broadcasts one matrix over the batch.
 *   bias is null or a Float32Array of n values added to every row; activation: 0 linear, 1 relu, 2 relu6,
 *   3 sigmoid, 4 elu, 5 leakyrelu (slope alpha).
 * adam(w, g, m, v, wOut, mOut, vOut, lr, beta1, beta2, epsilon, oneMinusAccBeta1, oneMinusAccBeta2)
 *   One Adam update of one variable, with tfjs' formulas and float32 operation order (adam_optimizer.ts):
 *   m' = β1 m + (1-β1) g; v' = β2 v + (1-β2) g²; w' = w - lr (m'/(1-β1^t)) / (sqrt(v'/(1-β2^t)) + ε).
 *   All seven arrays have the same length; the outputs may not alias the inputs.
 * unary(op, x, out)
 *   out[i] = f(x[i]) for the function numbered op (kernels.h: 0 softplus, 1 exp, 2 log, 3 sigmoid); x and out have one length, may alias.
 * adamInPlace(arrays, lr, beta1, beta2, epsilon, oneMinusAccBeta1, oneMinusAccBeta2)
 *   The same update for several variables in one call, in place: arrays is [w0, g0, m0, v0, w1, g1, ...]; w, m, v of
 *   each variable are overwritten. The four arrays of a variable have one length; distinct variables must not overlap.
 * fused(code, consts, nRegs, inputs, modes, outputs, outRegs, n)
 *   One pass of a fused elementwise program over n elements (fused.h; the format is the SgmFused kernel's, see
 *   stdlib/fusion/): code an Int32Array of [op, dst, a, b] instructions, consts a Float32Array, inputs an array of
 *   Float32Arrays read by modes (an Int32Array of [mode, p] pairs: FULL, SCALAR, ROW, COL), outputs an array of
 *   Float32Arrays of at least n values receiving registers outRegs. An output may be the very array of a FULL input
 *   (same start) but may not otherwise overlap an input or another output.
 * denseGrad(transA, transB, m, n, k, a, b, dy, y, activation, dA, dB, dBias)
 *   The backward pass of Y = act(op(A) op(B) + bias) (op(A) m×k, op(B) k×n, one matrix each; dense_grad.c):
 *   G = dY ∘ act'(Y) for activation 0 linear, 1 relu, 3 sigmoid; dBias = column sums of G (n values);
 *   dA = G op(B)^T (A's layout), dB = op(A)^T G (B's layout). Each output is a Float32Array or null (not computed).
 * threads([n[, spinUs]]) -> the number of threads the kernels use, the caller included (sets it first when n is
 *   given: n - 1 pool workers that spin spinUs microseconds, default 50, before sleeping). OpenBLAS itself always
 *   runs single-threaded inside each chunk (pool.h says why).
 * config() -> OpenBLAS's build description.
 * gemmKernel([name]) -> the GEMM under gemm and denseGrad: 'avx512' (gemm512.c, the default where the CPU has
 *   AVX-512) or 'openblas' (also chosen by the environment variable SGM_GEMM); sets it first when name is given
 *   ('avx512' on a CPU without AVX-512 leaves it unchanged: the result says which one runs).
 * Every size is checked against the arrays' lengths before OpenBLAS touches memory: a wrong call throws a
 * RangeError instead of corrupting the heap.
 */
#include <cblas.h>
#include <math.h>
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fused.h"
#include "kernels.h"
#include "pool.h"

#define CHECK(env, call)                                                   \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error((env), NULL, "sgm_native: N-API call failed: " #call); \
      return NULL;                                                         \
    }                                                                      \
  } while (0)

static bool get_f32(napi_env env, napi_value v, float **data, size_t *len) {
  napi_typedarray_type type;
  void *ptr;
  size_t length;
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return false;
  if (napi_get_typedarray_info(env, v, &type, &length, &ptr, NULL, NULL) != napi_ok) return false;
  if (type != napi_float32_array) return false;
  *data = (float *)ptr;
  *len = length;
  return true;
}

/* Reads exactly n arguments into argv; throws a TypeError naming the function otherwise. */
static bool get_args(napi_env env, napi_callback_info info, napi_value *argv, size_t n, const char *message) {
  size_t argc = n;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != n) {
    napi_throw_type_error(env, NULL, message);
    return false;
  }
  return true;
}

static bool get_i64(napi_env env, napi_value v, int64_t *out) {
  return napi_get_value_int64(env, v, out) == napi_ok;
}

/* Elements a batch of matrices spans: the last matrix starts at (batch-1)*stride. */
static bool fits(int64_t batch, int64_t stride, int64_t rows, int64_t cols, size_t len) {
  if (batch < 1 || rows < 0 || cols < 0 || stride < 0) return false;
  return (uint64_t)((batch - 1) * stride + rows * cols) <= (uint64_t)len;
}

/* Adam's six numbers (lr, β1, β2, ε, 1-β1^t, 1-β2^t) from argv[0..5]; throws a TypeError with `message` otherwise. */
static bool get_adam_hyperparameters(napi_env env, const napi_value *argv, double hp[6], const char *message) {
  for (int i = 0; i < 6; i++) {
    if (napi_get_value_double(env, argv[i], &hp[i]) != napi_ok) {
      napi_throw_type_error(env, NULL, message);
      return false;
    }
  }
  return true;
}

static napi_value Gemm(napi_env env, napi_callback_info info) {
  napi_value argv[14];
  if (!get_args(env, info, argv, 14, "sgm_native.gemm: expected 14 arguments")) return NULL;
  bool transA, transB;
  int64_t batch, m, n, k, strideA, strideB, activation;
  double alpha;
  float *a, *b, *c, *bias = NULL;
  size_t lenA, lenB, lenC, lenBias = 0;
  napi_valuetype biasType;
  if (napi_get_value_bool(env, argv[0], &transA) != napi_ok || napi_get_value_bool(env, argv[1], &transB) != napi_ok ||
      !get_i64(env, argv[2], &batch) || !get_i64(env, argv[3], &m) || !get_i64(env, argv[4], &n) ||
      !get_i64(env, argv[5], &k) || !get_f32(env, argv[6], &a, &lenA) || !get_i64(env, argv[7], &strideA) ||
      !get_f32(env, argv[8], &b, &lenB) || !get_i64(env, argv[9], &strideB) || !get_f32(env, argv[10], &c, &lenC) ||
      !get_i64(env, argv[12], &activation) || napi_get_value_double(env, argv[13], &alpha) != napi_ok) {
    napi_throw_type_error(env, NULL, "sgm_native.gemm: bad argument types");
    return NULL;
  }
  CHECK(env, napi_typeof(env, argv[11], &biasType));
  if (biasType != napi_null && biasType != napi_undefined) {
    if (!get_f32(env, argv[11], &bias, &lenBias) || (int64_t)lenBias != n) {
      napi_throw_type_error(env, NULL, "sgm_native.gemm: bias must be null or a Float32Array of n values");
      return NULL;
    }
  }
  if (!fits(batch, strideA, m, k, lenA) || !fits(batch, strideB, k, n, lenB) || !fits(batch, m * n, m, n, lenC) ||
      m > INT32_MAX || n > INT32_MAX || k > INT32_MAX || activation < 0 || activation > 5) {
    napi_throw_range_error(env, NULL, "sgm_native.gemm: sizes do not match the arrays");
    return NULL;
  }
  sgm_gemm(transA, transB, batch, m, n, k, a, strideA, b, strideB, c, bias, (int)activation, (float)alpha);
  return NULL;
}

static napi_value Adam(napi_env env, napi_callback_info info) {
  napi_value argv[13];
  if (!get_args(env, info, argv, 13, "sgm_native.adam: expected 13 arguments")) return NULL;
  float *arr[7];
  size_t len[7];
  double hp[6];
  for (int i = 0; i < 7; i++) {
    if (!get_f32(env, argv[i], &arr[i], &len[i]) || len[i] != len[0]) {
      napi_throw_type_error(env, NULL, "sgm_native.adam: expected seven Float32Arrays of one length");
      return NULL;
    }
  }
  if (!get_adam_hyperparameters(env, argv + 7, hp, "sgm_native.adam: hyperparameters must be numbers")) return NULL;
  sgm_adam((int64_t)len[0], arr[0], arr[1], arr[2], arr[3], arr[4], arr[5], arr[6], hp[0], hp[1], hp[2], hp[3], hp[4],
           hp[5]);
  return NULL;
}

/* At most this many variables per adamInPlace call (the caller splits larger sets). */
#define ADAM_MANY_MAX 256

static napi_value AdamInPlace(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!get_args(env, info, argv, 7, "sgm_native.adamInPlace: expected 7 arguments")) return NULL;
  bool is_array = false;
  uint32_t length = 0;
  if (napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, argv[0], &length) != napi_ok || length % 4 != 0 || length / 4 > ADAM_MANY_MAX) {
    napi_throw_type_error(env, NULL, "sgm_native.adamInPlace: expected an array of 4 Float32Arrays per variable");
    return NULL;
  }
  const int count = (int)(length / 4);
  float *arr[4 * ADAM_MANY_MAX];
  float *w[ADAM_MANY_MAX], *m[ADAM_MANY_MAX], *v[ADAM_MANY_MAX];
  const float *g[ADAM_MANY_MAX];
  int64_t n[ADAM_MANY_MAX];
  for (uint32_t i = 0; i < length; i++) {
    napi_value item;
    size_t len;
    if (napi_get_element(env, argv[0], i, &item) != napi_ok || !get_f32(env, item, &arr[i], &len) ||
        (i % 4 != 0 && (int64_t)len != n[i / 4])) {
      napi_throw_type_error(env, NULL, "sgm_native.adamInPlace: each variable needs four Float32Arrays of one length");
      return NULL;
    }
    if (i % 4 == 0) n[i / 4] = (int64_t)len;
  }
  double hp[6];
  if (!get_adam_hyperparameters(env, argv + 1, hp, "sgm_native.adamInPlace: hyperparameters must be numbers")) {
    return NULL;
  }
  for (int k = 0; k < count; k++) {
    w[k] = arr[4 * k];
    g[k] = arr[4 * k + 1];
    m[k] = arr[4 * k + 2];
    v[k] = arr[4 * k + 3];
  }
  sgm_adam_many(count, n, w, g, m, v, hp[0], hp[1], hp[2], hp[3], hp[4], hp[5]);
  return NULL;
}

static napi_value Unary(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, argv, 3, "sgm_native.unary: expected 3 arguments")) return NULL;
  int64_t op;
  float *x, *out;
  size_t lenX, lenOut;
  if (!get_i64(env, argv[0], &op) || !get_f32(env, argv[1], &x, &lenX) || !get_f32(env, argv[2], &out, &lenOut)) {
    napi_throw_type_error(env, NULL, "sgm_native.unary: expected (op, Float32Array, Float32Array)");
    return NULL;
  }
  if (op < 0 || op >= SGM_UNARY_OPS || lenX != lenOut) {
    napi_throw_range_error(env, NULL, "sgm_native.unary: unknown op or arrays of different lengths");
    return NULL;
  }
  sgm_unary((sgm_unary_op)op, (int64_t)lenX, x, out);
  return NULL;
}

static bool get_i32s(napi_env env, napi_value v, int32_t **data, size_t *len) {
  napi_typedarray_type type;
  void *ptr;
  size_t length;
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return false;
  if (napi_get_typedarray_info(env, v, &type, &length, &ptr, NULL, NULL) != napi_ok) return false;
  if (type != napi_int32_array) return false;
  *data = (int32_t *)ptr;
  *len = length;
  return true;
}

/* An integer-valued number in [lo, hi]. */
static bool get_int_in(napi_env env, napi_value v, double lo, double hi, int64_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= lo && d <= hi) || d != floor(d)) return false;
  *out = (int64_t)d;
  return true;
}

/* The Float32Arrays of a JS array of at most SGM_FUSED_MAX_IO of them; their lengths in len. */
static bool get_f32_list(napi_env env, napi_value v, float **arr, size_t *len, uint32_t *count) {
  bool is_array = false;
  if (napi_is_array(env, v, &is_array) != napi_ok || !is_array || napi_get_array_length(env, v, count) != napi_ok ||
      *count > SGM_FUSED_MAX_IO) {
    return false;
  }
  for (uint32_t i = 0; i < *count; i++) {
    napi_value item;
    if (napi_get_element(env, v, i, &item) != napi_ok || !get_f32(env, item, &arr[i], &len[i])) return false;
  }
  return true;
}

/* Whether [a, a + na) and [b, b + nb) (floats) share memory. */
static bool overlaps(const float *a, size_t na, const float *b, size_t nb) {
  const uintptr_t a0 = (uintptr_t)a, a1 = a0 + na * sizeof(float), b0 = (uintptr_t)b, b1 = b0 + nb * sizeof(float);
  return na > 0 && nb > 0 && a0 < b1 && b0 < a1;
}

static napi_value Fused(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!get_args(env, info, argv, 8, "sgm_native.fused: expected 8 arguments")) return NULL;
  int32_t *code, *modes, *out_regs;
  float *consts;
  size_t code_len, const_len, modes_len, out_regs_len;
  int64_t regs, n;
  float *in[SGM_FUSED_MAX_IO], *out[SGM_FUSED_MAX_IO];
  size_t in_len[SGM_FUSED_MAX_IO], out_len[SGM_FUSED_MAX_IO];
  uint32_t inputs, outputs;
  if (!get_i32s(env, argv[0], &code, &code_len) || !get_f32(env, argv[1], &consts, &const_len) ||
      !get_int_in(env, argv[2], 1, SGM_FUSED_MAX_REGS, &regs) || !get_f32_list(env, argv[3], in, in_len, &inputs) ||
      !get_i32s(env, argv[4], &modes, &modes_len) || !get_f32_list(env, argv[5], out, out_len, &outputs) ||
      !get_i32s(env, argv[6], &out_regs, &out_regs_len) || !get_int_in(env, argv[7], 0, 9007199254740991.0, &n)) {
    napi_throw_type_error(env, NULL,
                          "sgm_native.fused: expected (Int32Array code, Float32Array consts, nRegs 1..65536, "
                          "Float32Array[] inputs (<= 256), Int32Array modes, Float32Array[] outputs (<= 256), "
                          "Int32Array outRegs, integer n >= 0)");
    return NULL;
  }
  if (code_len % 4 != 0 || modes_len != 2 * (size_t)inputs || out_regs_len != outputs) {
    napi_throw_range_error(env, NULL,
                           "sgm_native.fused: code must hold 4 ints per instruction, modes 2 per input, outRegs 1 per output");
    return NULL;
  }
  /* Every array must hold what n elements read or write; checked before the program touches memory. */
  for (uint32_t k = 0; k < inputs; k++) {
    const int32_t mode = modes[2 * k], p = modes[2 * k + 1];
    size_t need = 0;
    if (n > 0) {
      if (mode == SGM_F_FULL) need = (size_t)n;
      else if (mode == SGM_F_SCALAR) need = 1;
      else if (mode == SGM_F_ROW && p >= 1) need = (uint64_t)n < (uint64_t)p ? (size_t)n : (size_t)p;
      else if (mode == SGM_F_COL && p >= 1) need = (size_t)(((uint64_t)n + (uint64_t)p - 1) / (uint64_t)p);
    }
    if (n > 0 && (mode == SGM_F_ROW || mode == SGM_F_COL) && p < 1) {
      napi_throw_range_error(env, NULL, "sgm_native.fused: a ROW or COL input needs a period p >= 1 (p = 0 only when n = 0)");
      return NULL;
    }
    if (in_len[k] < need) {
      napi_throw_range_error(env, NULL, "sgm_native.fused: an input is shorter than its mode reads for n elements");
      return NULL;
    }
  }
  for (uint32_t k = 0; k < outputs; k++) {
    if (out_len[k] < (size_t)n) {
      napi_throw_range_error(env, NULL, "sgm_native.fused: an output holds fewer than n values");
      return NULL;
    }
    for (uint32_t j = 0; j < k; j++) {
      if (overlaps(out[k], (size_t)n, out[j], (size_t)n)) {
        napi_throw_range_error(env, NULL, "sgm_native.fused: two outputs share memory");
        return NULL;
      }
    }
    for (uint32_t j = 0; j < inputs; j++) {
      const bool same_full = modes[2 * j] == SGM_F_FULL && in[j] == out[k];
      if (!same_full && overlaps(out[k], (size_t)n, in[j], in_len[j])) {
        napi_throw_range_error(env, NULL, "sgm_native.fused: an output overlaps an input other than as the same FULL array");
        return NULL;
      }
    }
  }
  if (code_len / 4 > SGM_FUSED_MAX_INSTRUCTIONS) {
    napi_throw_range_error(env, NULL, "sgm_native.fused: at most 65536 instructions");
    return NULL;
  }
  const sgm_fused_program program = {code, (int)(code_len / 4), consts, const_len, (int)regs, (int)inputs,
                                     (const float *const *)in, modes, (int)outputs, out, out_regs};
  const char *error = NULL;
  sgm_fused_plan *plan = sgm_fused_prepare(&program, &error);
  if (plan == NULL) {
    char message[200];
    snprintf(message, sizeof message, "sgm_native.fused: %s", error);
    napi_throw_range_error(env, NULL, message);
    return NULL;
  }
  sgm_fused_run(plan, n);
  sgm_fused_free(plan);
  return NULL;
}

/* An optional output of denseGrad: null/undefined, or a Float32Array of exactly `len` values. */
static bool get_optional_f32(napi_env env, napi_value v, float **data, int64_t len) {
  napi_valuetype type;
  size_t length = 0;
  *data = NULL;
  if (napi_typeof(env, v, &type) != napi_ok) return false;
  if (type == napi_null || type == napi_undefined) return true;
  return get_f32(env, v, data, &length) && (int64_t)length == len;
}

static napi_value DenseGrad(napi_env env, napi_callback_info info) {
  napi_value argv[13];
  if (!get_args(env, info, argv, 13, "sgm_native.denseGrad: expected 13 arguments")) return NULL;
  bool transA, transB;
  int64_t m, n, k, activation;
  float *a, *b, *dy, *y, *da, *db, *dbias;
  size_t lenA, lenB, lenDy, lenY;
  if (napi_get_value_bool(env, argv[0], &transA) != napi_ok || napi_get_value_bool(env, argv[1], &transB) != napi_ok ||
      !get_i64(env, argv[2], &m) || !get_i64(env, argv[3], &n) || !get_i64(env, argv[4], &k) ||
      !get_f32(env, argv[5], &a, &lenA) || !get_f32(env, argv[6], &b, &lenB) || !get_f32(env, argv[7], &dy, &lenDy) ||
      !get_f32(env, argv[8], &y, &lenY) || !get_i64(env, argv[9], &activation)) {
    napi_throw_type_error(env, NULL, "sgm_native.denseGrad: bad argument types");
    return NULL;
  }
  if (m < 0 || n < 0 || k < 0 || m > INT32_MAX || n > INT32_MAX || k > INT32_MAX || (int64_t)lenA != m * k ||
      (int64_t)lenB != k * n || (int64_t)lenDy != m * n || (int64_t)lenY != m * n ||
      !(activation == 0 || activation == 1 || activation == 3) || !get_optional_f32(env, argv[10], &da, m * k) ||
      !get_optional_f32(env, argv[11], &db, k * n) || !get_optional_f32(env, argv[12], &dbias, n)) {
    napi_throw_range_error(env, NULL, "sgm_native.denseGrad: sizes do not match the arrays, or unknown activation");
    return NULL;
  }
  if (sgm_dense_grad(transA, transB, m, n, k, a, b, dy, y, (int)activation, da, db, dbias) != 0) {
    napi_throw_error(env, NULL, "sgm_native.denseGrad: out of memory");
  }
  return NULL;
}

static napi_value Threads(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_value result;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1) {
    int64_t nt, spin = 50;
    if (!get_i64(env, argv[0], &nt) || nt < 1 || nt > 64 || (argc == 2 && (!get_i64(env, argv[1], &spin) || spin < 0))) {
      napi_throw_range_error(env, NULL, "sgm_native.threads: expected a thread count in 1..64 and a spin time >= 0");
      return NULL;
    }
    sgm_pool_configure((int)nt, spin > 1000000 ? 1000000 : (int)spin);
  }
  CHECK(env, napi_create_int32(env, sgm_pool_threads(), &result));
  return result;
}

static napi_value Config(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  CHECK(env, napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &result));
  return result;
}

static napi_value GemmKernel(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  char name[16] = "";
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1) {
    size_t len;
    if (napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len) != napi_ok ||
        (strcmp(name, "avx512") != 0 && strcmp(name, "openblas") != 0)) {
      napi_throw_type_error(env, NULL, "sgm_native.gemmKernel: expected 'avx512' or 'openblas'");
      return NULL;
    }
    sgm_gemm_set_kind(strcmp(name, "avx512") == 0 ? SGM_GEMM_AVX512 : SGM_GEMM_OPENBLAS);
  }
  const char *now = sgm_gemm_get_kind() == SGM_GEMM_AVX512 ? "avx512" : "openblas";
  CHECK(env, napi_create_string_utf8(env, now, NAPI_AUTO_LENGTH, &result));
  return result;
}

static void Cleanup(void *arg) {
  (void)arg;
  sgm_pool_shutdown();
}

static napi_value Init(napi_env env, napi_value exports) {
  /* The pool's chunks call OpenBLAS from several threads at once: it must not start threads of its own. */
  openblas_set_num_threads(1);
  napi_add_env_cleanup_hook(env, Cleanup, NULL);
  napi_property_descriptor props[] = {
      {"gemm", NULL, Gemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"adam", NULL, Adam, NULL, NULL, NULL, napi_enumerable, NULL},
      {"adamInPlace", NULL, AdamInPlace, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unary", NULL, Unary, NULL, NULL, NULL, napi_enumerable, NULL},
      {"fused", NULL, Fused, NULL, NULL, NULL, napi_enumerable, NULL},
      {"denseGrad", NULL, DenseGrad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"threads", NULL, Threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"config", NULL, Config, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gemmKernel", NULL, GemmKernel, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
