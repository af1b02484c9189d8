/*
 * A small fork-join thread pool for the addon's kernels (GEMM, Adam, elementwise).
 *
 * sgm_pool_run(fn, ctx, n) calls fn(ctx, i) for every chunk i in [0, n) on the calling thread and the pool's
 * workers, and returns when all chunks are done. Chunks are taken from a shared counter, so a worker that is slow
 * to wake only means the caller does more of them.
 *
 * Why not OpenBLAS's own threads: they spin for ~0.1 s after each call on every core (bench/NOTES.md change 4),
 * and they only cover the GEMM. Here OpenBLAS runs single-threaded inside each chunk and the workers spin for a
 * short, configurable time (spin_us) before sleeping on a condition variable.
 */
#ifndef SGM_POOL_H
#define SGM_POOL_H

typedef void (*sgm_chunk_fn)(void *ctx, int chunk);

/* Sets the number of threads that run chunks (the caller included; 1 = no workers) and the workers' spin time
 * before sleeping, in microseconds. Safe to call again; stops and restarts the workers. Returns the thread count. */
int sgm_pool_configure(int threads, int spin_us);

/* Threads that run chunks, the caller included. */
int sgm_pool_threads(void);

/* Runs fn(ctx, 0..chunks-1) and returns when all are done. Re-entrant across JS threads: when another thread is
 * using the pool, the call runs every chunk on the caller. */
void sgm_pool_run(sgm_chunk_fn fn, void *ctx, int chunks);

/* Stops the workers (at addon unload). */
void sgm_pool_shutdown(void);

#endif
