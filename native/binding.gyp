{
  "targets": [
    {
      "target_name": "sgm_native",
      "sources": ["src/sgm_native.c"],
      "libraries": ["-lopenblas"],
      "cflags": ["-O3", "-fno-math-errno", "-std=c11", "-Wall", "-Wextra"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
