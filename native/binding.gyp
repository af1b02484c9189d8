{
  "targets": [
    {
      "target_name": "sgm_blas",
      "sources": ["src/sgm_blas.c"],
      "libraries": ["-lopenblas"],
      "cflags": ["-O3", "-std=c11", "-Wall", "-Wextra"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
