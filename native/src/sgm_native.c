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

#include "kernels.h"
#include "napi-args.h"
#include "pool.h"

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
  if (!sgm_get_args(env, info, argv, 14, "sgm_native.gemm: expected 14 arguments")) return NULL;
  bool transA, transB;
  int64_t batch, m, n, k, strideA, strideB, activation;
  double alpha;
  float *a, *b, *c, *bias = NULL;
  size_t lenA, lenB, lenC, lenBias = 0;
  napi_valuetype biasType;
  if (napi_get_value_bool(env, argv[0], &transA) != napi_ok || napi_get_value_bool(env, argv[1], &transB) != napi_ok ||
      !sgm_get_i64(env, argv[2], &batch) || !sgm_get_i64(env, argv[3], &m) || !sgm_get_i64(env, argv[4], &n) ||
      !sgm_get_i64(env, argv[5], &k) || !sgm_get_f32(env, argv[6], &a, &lenA) || !sgm_get_i64(env, argv[7], &strideA) ||
      !sgm_get_f32(env, argv[8], &b, &lenB) || !sgm_get_i64(env, argv[9], &strideB) || !sgm_get_f32(env, argv[10], &c, &lenC) ||
      !sgm_get_i64(env, argv[12], &activation) || napi_get_value_double(env, argv[13], &alpha) != napi_ok) {
    napi_throw_type_error(env, NULL, "sgm_native.gemm: bad argument types");
    return NULL;
  }
  CHECK(env, napi_typeof(env, argv[11], &biasType));
  if (biasType != napi_null && biasType != napi_undefined) {
    if (!sgm_get_f32(env, argv[11], &bias, &lenBias) || (int64_t)lenBias != n) {
      napi_throw_type_error(env, NULL, "sgm_native.gemm: bias must be null or a Float32Array of n values");
      return NULL;
    }
  }
  if (!sgm_fits(batch, strideA, m, k, lenA) || !sgm_fits(batch, strideB, k, n, lenB) || !sgm_fits(batch, m * n, m, n, lenC) ||
      m > INT32_MAX || n > INT32_MAX || k > INT32_MAX || activation < 0 || activation > 5) {
    napi_throw_range_error(env, NULL, "sgm_native.gemm: sizes do not match the arrays");
    return NULL;
  }
  sgm_gemm(transA, transB, batch, m, n, k, a, strideA, b, strideB, c, bias, (int)activation, (float)alpha);
  return NULL;
}

static napi_value Adam(napi_env env, napi_callback_info info) {
  napi_value argv[13];
  if (!sgm_get_args(env, info, argv, 13, "sgm_native.adam: expected 13 arguments")) return NULL;
  float *arr[7];
  size_t len[7];
  double hp[6];
  for (int i = 0; i < 7; i++) {
    if (!sgm_get_f32(env, argv[i], &arr[i], &len[i]) || len[i] != len[0]) {
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
  if (!sgm_get_args(env, info, argv, 7, "sgm_native.adamInPlace: expected 7 arguments")) return NULL;
  float *arr[4 * ADAM_MANY_MAX];
  size_t lens[4 * ADAM_MANY_MAX];
  uint32_t length = 0;
  if (!sgm_get_f32_list(env, argv[0], 4 * ADAM_MANY_MAX, arr, lens, &length) || length % 4 != 0) {
    napi_throw_type_error(env, NULL, "sgm_native.adamInPlace: expected an array of 4 Float32Arrays per variable");
    return NULL;
  }
  const int count = (int)(length / 4);
  float *w[ADAM_MANY_MAX], *m[ADAM_MANY_MAX], *v[ADAM_MANY_MAX];
  const float *g[ADAM_MANY_MAX];
  int64_t n[ADAM_MANY_MAX];
  for (uint32_t i = 0; i < length; i++) {
    if (lens[i] != lens[i - i % 4]) {
      napi_throw_type_error(env, NULL, "sgm_native.adamInPlace: each variable needs four Float32Arrays of one length");
      return NULL;
    }
    if (i % 4 == 0) n[i / 4] = (int64_t)lens[i];
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

/* sumOfSquares(arrays): Σ x² over Float32Arrays, in double (kernels.c); -1 when the addon cannot. */
static napi_value SumOfSquares(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!sgm_get_args(env, info, argv, 1, "sgm_native.sumOfSquares: expected 1 argument")) return NULL;
  float *x[ADAM_MANY_MAX];
  size_t lens[ADAM_MANY_MAX];
  int64_t n[ADAM_MANY_MAX];
  uint32_t length = 0;
  if (!sgm_get_f32_list(env, argv[0], ADAM_MANY_MAX, x, lens, &length)) {
    napi_throw_type_error(env, NULL, "sgm_native.sumOfSquares: expected an array of at most 256 Float32Arrays");
    return NULL;
  }
  for (uint32_t i = 0; i < length; i++) n[i] = (int64_t)lens[i];
  napi_value result;
  napi_create_double(env, sgm_sum_squares_many((int)length, n, (const float *const *)x), &result);
  return result;
}

static napi_value Unary(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!sgm_get_args(env, info, argv, 3, "sgm_native.unary: expected 3 arguments")) return NULL;
  int64_t op;
  float *x, *out;
  size_t lenX, lenOut;
  if (!sgm_get_i64(env, argv[0], &op) || !sgm_get_f32(env, argv[1], &x, &lenX) || !sgm_get_f32(env, argv[2], &out, &lenOut)) {
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

static napi_value DenseGrad(napi_env env, napi_callback_info info) {
  napi_value argv[13];
  if (!sgm_get_args(env, info, argv, 13, "sgm_native.denseGrad: expected 13 arguments")) return NULL;
  bool transA, transB;
  int64_t m, n, k, activation;
  float *a, *b, *dy, *y, *da, *db, *dbias;
  size_t lenA, lenB, lenDy, lenY;
  if (napi_get_value_bool(env, argv[0], &transA) != napi_ok || napi_get_value_bool(env, argv[1], &transB) != napi_ok ||
      !sgm_get_i64(env, argv[2], &m) || !sgm_get_i64(env, argv[3], &n) || !sgm_get_i64(env, argv[4], &k) ||
      !sgm_get_f32(env, argv[5], &a, &lenA) || !sgm_get_f32(env, argv[6], &b, &lenB) || !sgm_get_f32(env, argv[7], &dy, &lenDy) ||
      !sgm_get_f32(env, argv[8], &y, &lenY) || !sgm_get_i64(env, argv[9], &activation)) {
    napi_throw_type_error(env, NULL, "sgm_native.denseGrad: bad argument types");
    return NULL;
  }
  if (m < 0 || n < 0 || k < 0 || m > INT32_MAX || n > INT32_MAX || k > INT32_MAX || (int64_t)lenA != m * k ||
      (int64_t)lenB != k * n || (int64_t)lenDy != m * n || (int64_t)lenY != m * n ||
      !(activation == 0 || activation == 1 || activation == 3) || !sgm_get_optional_f32(env, argv[10], &da, m * k) ||
      !sgm_get_optional_f32(env, argv[11], &db, k * n) || !sgm_get_optional_f32(env, argv[12], &dbias, n)) {
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
    if (!sgm_get_i64(env, argv[0], &nt) || nt < 1 || nt > 64 || (argc == 2 && (!sgm_get_i64(env, argv[1], &spin) || spin < 0))) {
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
      {"sumOfSquares", NULL, SumOfSquares, NULL, NULL, NULL, napi_enumerable, NULL},
      {"fused", NULL, sgm_napi_fused, NULL, NULL, NULL, napi_enumerable, NULL},
      {"denseGrad", NULL, DenseGrad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"threads", NULL, Threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"config", NULL, Config, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gemmKernel", NULL, GemmKernel, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
