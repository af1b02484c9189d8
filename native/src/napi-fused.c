/* The N-API binding of the fused elementwise programs (fused.h): `fused(code, consts, nRegs, inputs, modes,
 * outputs, outRegs, n)`, every argument checked before memory is touched. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "fused.h"
#include "napi-args.h"

/* The Float32Arrays of a JS array of at most SGM_FUSED_MAX_IO of them; their lengths in len. */
static bool get_f32_list(napi_env env, napi_value v, float **arr, size_t *len, uint32_t *count) {
  bool is_array = false;
  if (napi_is_array(env, v, &is_array) != napi_ok || !is_array || napi_get_array_length(env, v, count) != napi_ok ||
      *count > SGM_FUSED_MAX_IO) {
    return false;
  }
  for (uint32_t i = 0; i < *count; i++) {
    napi_value item;
    if (napi_get_element(env, v, i, &item) != napi_ok || !sgm_get_f32(env, item, &arr[i], &len[i])) return false;
  }
  return true;
}

/* Whether [a, a + na) and [b, b + nb) (floats) share memory. */
static bool overlaps(const float *a, size_t na, const float *b, size_t nb) {
  const uintptr_t a0 = (uintptr_t)a, a1 = a0 + na * sizeof(float), b0 = (uintptr_t)b, b1 = b0 + nb * sizeof(float);
  return na > 0 && nb > 0 && a0 < b1 && b0 < a1;
}

napi_value sgm_napi_fused(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!sgm_get_args(env, info, argv, 8, "sgm_native.fused: expected 8 arguments")) return NULL;
  int32_t *code, *modes, *out_regs;
  float *consts;
  size_t code_len, const_len, modes_len, out_regs_len;
  int64_t regs, n;
  float *in[SGM_FUSED_MAX_IO], *out[SGM_FUSED_MAX_IO];
  size_t in_len[SGM_FUSED_MAX_IO], out_len[SGM_FUSED_MAX_IO];
  uint32_t inputs, outputs;
  if (!sgm_get_i32s(env, argv[0], &code, &code_len) || !sgm_get_f32(env, argv[1], &consts, &const_len) ||
      !sgm_get_int_in(env, argv[2], 1, SGM_FUSED_MAX_REGS, &regs) || !get_f32_list(env, argv[3], in, in_len, &inputs) ||
      !sgm_get_i32s(env, argv[4], &modes, &modes_len) || !get_f32_list(env, argv[5], out, out_len, &outputs) ||
      !sgm_get_i32s(env, argv[6], &out_regs, &out_regs_len) || !sgm_get_int_in(env, argv[7], 0, 9007199254740991.0, &n)) {
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
