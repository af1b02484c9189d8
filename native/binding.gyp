{
  "targets": [
    {
      "target_name": "sgm_native",
      "sources": ["src/sgm_native.c", "src/kernels.c", "src/sum_squares.c", "src/pool.c", "src/vmath.c", "src/dense_grad.c", "src/gemm512.c", "src/fused.c", "src/fused-run.c", "src/napi-args.c", "src/napi-fused.c"],
      "libraries": ["-lopenblas", "-lpthread"],
      "cflags": ["-O3", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=off", "-std=c11", "-Wall", "-Wextra"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
