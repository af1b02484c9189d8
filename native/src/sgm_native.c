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
 * threads([n]) -> the number of OpenBLAS threads (sets it first when n is given).
 * config() -> OpenBLAS's build description.
 * Every size is checked against the arrays' lengths before OpenBLAS touches memory: a wrong call throws a
 * RangeError instead of corrupting the heap.
 */
#include <cblas.h>
#include <math.h>
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

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

static void epilogue(float *c, int64_t m, int64_t n, const float *bias, int activation, float alpha) {
  const int64_t total = m * n;
  if (bias != NULL) {
    for (int64_t i = 0; i < m; i++) {
      float *row = c + i * n;
      for (int64_t j = 0; j < n; j++) row[j] += bias[j];
    }
  }
  switch (activation) {
    case 1:
      for (int64_t i = 0; i < total; i++) c[i] = c[i] > 0.f ? c[i] : 0.f;
      break;
    case 2:
      for (int64_t i = 0; i < total; i++) c[i] = c[i] < 0.f ? 0.f : (c[i] > 6.f ? 6.f : c[i]);
      break;
    case 3:
      for (int64_t i = 0; i < total; i++) c[i] = 1.f / (1.f + expf(-c[i]));
      break;
    case 4:
      for (int64_t i = 0; i < total; i++) c[i] = c[i] > 0.f ? c[i] : expm1f(c[i]);
      break;
    case 5:
      for (int64_t i = 0; i < total; i++) c[i] = c[i] > 0.f ? c[i] : alpha * c[i];
      break;
    default:
      break;
  }
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
  const int lda = transA ? (int)m : (int)k;
  const int ldb = transB ? (int)k : (int)n;
  for (int64_t i = 0; i < batch; i++) {
    float *ci = c + i * m * n;
    if (k == 0) {
      memset(ci, 0, sizeof(float) * (size_t)(m * n));
    } else {
      cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, (int)m,
                  (int)n, (int)k, 1.0f, a + i * strideA, lda, b + i * strideB, ldb, 0.0f, ci, (int)n);
    }
    epilogue(ci, m, n, bias, (int)activation, (float)alpha);
  }
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
  for (int i = 0; i < 6; i++) {
    if (napi_get_value_double(env, argv[7 + i], &hp[i]) != napi_ok) {
      napi_throw_type_error(env, NULL, "sgm_native.adam: hyperparameters must be numbers");
      return NULL;
    }
  }
  const float *w = arr[0], *g = arr[1], *m = arr[2], *v = arr[3];
  float *wOut = arr[4], *mOut = arr[5], *vOut = arr[6];
  const float lr = (float)hp[0], b1 = (float)hp[1], b2 = (float)hp[2], eps = (float)hp[3];
  /* 1 - β in double, then rounded, as tfjs does (`mul(gradient, 1 - this.beta1)` with JS numbers): 1.f - 0.999f
   * would differ from float(0.001) by 1.3e-5 relative, enough to shift every update by 6e-6. */
  const float c1 = (float)hp[4], c2 = (float)hp[5], omb1 = (float)(1.0 - hp[1]), omb2 = (float)(1.0 - hp[2]);
  const size_t n = len[0];
  for (size_t i = 0; i < n; i++) {
    const float mi = m[i] * b1 + g[i] * omb1;
    const float vi = v[i] * b2 + (g[i] * g[i]) * omb2;
    mOut[i] = mi;
    vOut[i] = vi;
    wOut[i] = ((mi / c1) / (sqrtf(vi / c2) + eps)) * -lr + w[i];
  }
  return NULL;
}

static napi_value Threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_value result;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc == 1) {
    int64_t nt;
    if (!get_i64(env, argv[0], &nt) || nt < 1 || nt > 1024) {
      napi_throw_range_error(env, NULL, "sgm_native.threads: expected a thread count >= 1");
      return NULL;
    }
    openblas_set_num_threads((int)nt);
  }
  CHECK(env, napi_create_int32(env, openblas_get_num_threads(), &result));
  return result;
}

static napi_value Config(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  CHECK(env, napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &result));
  return result;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"gemm", NULL, Gemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"adam", NULL, Adam, NULL, NULL, NULL, napi_enumerable, NULL},
      {"threads", NULL, Threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"config", NULL, Config, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
