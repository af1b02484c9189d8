/* Argument checks of the N-API bindings (napi-args.h). */
#include "napi-args.h"

#include <math.h>

/* The data and length of a typed array of the given type; false for anything else. */
static bool get_typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len) {
  napi_typedarray_type type;
  void *ptr;
  size_t length;
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return false;
  if (napi_get_typedarray_info(env, v, &type, &length, &ptr, NULL, NULL) != napi_ok) return false;
  if (type != want) return false;
  *data = ptr;
  *len = length;
  return true;
}

bool sgm_get_f32(napi_env env, napi_value v, float **data, size_t *len) {
  void *ptr;
  if (!get_typed(env, v, napi_float32_array, &ptr, len)) return false;
  *data = (float *)ptr;
  return true;
}

/* A JS array of at most `max` Float32Arrays: their data and lengths, and how many there are. */
bool sgm_get_f32_list(napi_env env, napi_value v, uint32_t max, float **data, size_t *lens, uint32_t *count) {
  bool is_array = false;
  if (napi_is_array(env, v, &is_array) != napi_ok || !is_array || napi_get_array_length(env, v, count) != napi_ok ||
      *count > max) {
    return false;
  }
  for (uint32_t i = 0; i < *count; i++) {
    napi_value item;
    if (napi_get_element(env, v, i, &item) != napi_ok || !sgm_get_f32(env, item, &data[i], &lens[i])) return false;
  }
  return true;
}

/* Reads exactly n arguments into argv; throws a TypeError naming the function otherwise. */
bool sgm_get_args(napi_env env, napi_callback_info info, napi_value *argv, size_t n, const char *message) {
  size_t argc = n;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != n) {
    napi_throw_type_error(env, NULL, message);
    return false;
  }
  return true;
}

bool sgm_get_i64(napi_env env, napi_value v, int64_t *out) {
  return napi_get_value_int64(env, v, out) == napi_ok;
}

/* Elements a batch of matrices spans: the last matrix starts at (batch-1)*stride. */
bool sgm_fits(int64_t batch, int64_t stride, int64_t rows, int64_t cols, size_t len) {
  if (batch < 1 || rows < 0 || cols < 0 || stride < 0) return false;
  return (uint64_t)((batch - 1) * stride + rows * cols) <= (uint64_t)len;
}

bool sgm_get_i32s(napi_env env, napi_value v, int32_t **data, size_t *len) {
  void *ptr;
  if (!get_typed(env, v, napi_int32_array, &ptr, len)) return false;
  *data = (int32_t *)ptr;
  return true;
}

/* An integer-valued number in [lo, hi]. */
bool sgm_get_int_in(napi_env env, napi_value v, double lo, double hi, int64_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= lo && d <= hi) || d != floor(d)) return false;
  *out = (int64_t)d;
  return true;
}

/* An optional output of denseGrad: null/undefined, or a Float32Array of exactly `len` values. */
bool sgm_get_optional_f32(napi_env env, napi_value v, float **data, int64_t len) {
  napi_valuetype type;
  size_t length = 0;
  *data = NULL;
  if (napi_typeof(env, v, &type) != napi_ok) return false;
  if (type == napi_null || type == napi_undefined) return true;
  return sgm_get_f32(env, v, data, &length) && (int64_t)length == len;
}
