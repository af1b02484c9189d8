/* Argument checks shared by the addon's N-API bindings (sgm_native.c, napi-fused.c): each returns false when the
 * value is not what the binding needs, and the binding then throws one TypeError/RangeError naming itself. */
#ifndef SGM_NAPI_ARGS_H
#define SGM_NAPI_ARGS_H

#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHECK(env, call)                                                   \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error((env), NULL, "sgm_native: N-API call failed: " #call); \
      return NULL;                                                         \
    }                                                                      \
  } while (0)

bool sgm_get_f32(napi_env env, napi_value v, float **data, size_t *len);
bool sgm_get_f32_list(napi_env env, napi_value v, uint32_t max, float **data, size_t *lens, uint32_t *count);
bool sgm_get_args(napi_env env, napi_callback_info info, napi_value *argv, size_t n, const char *message);
bool sgm_get_i64(napi_env env, napi_value v, int64_t *out);
bool sgm_fits(int64_t batch, int64_t stride, int64_t rows, int64_t cols, size_t len);
bool sgm_get_i32s(napi_env env, napi_value v, int32_t **data, size_t *len);
bool sgm_get_int_in(napi_env env, napi_value v, double lo, double hi, int64_t *out);
bool sgm_get_optional_f32(napi_env env, napi_value v, float **data, int64_t len);

/* The fused-program binding (napi-fused.c). */
napi_value sgm_napi_fused(napi_env env, napi_callback_info info);

#endif
