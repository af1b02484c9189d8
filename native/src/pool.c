/* The fork-join pool of pool.h. One job at a time. The caller posts it (a new sequence number in `state`, under the
 * mutex, so sleeping workers can be woken), then takes chunks itself. A worker joins the job only while it is open,
 * by raising the participant count in the same atomic word, takes chunks until none are left and leaves. When the
 * caller runs out of chunks it closes the job and waits only for the workers that joined: a worker that was asleep
 * or descheduled and never joined costs nothing (waiting for every worker to acknowledge each job made the step
 * bimodal, 12 or 16-20 ms, whenever V8's own threads held the second core; bench/NOTES.md change 7). */
#define _GNU_SOURCE
#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define MAX_WORKERS 63

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

/* `state`: sequence number of the current job in the high 32 bits, CLOSED, and the number of workers inside it. */
#define CLOSED (UINT64_C(1) << 31)
#define COUNT_MASK (CLOSED - 1)
#define SEQ(s) ((s) >> 32)

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
/* Held by the thread that is running a job; trylock, so a second JS thread runs its job alone. */
static pthread_mutex_t busy = PTHREAD_MUTEX_INITIALIZER;

static pthread_t workers[MAX_WORKERS];
static int worker_count = 0;
static long spin_ns = 50000;

static _Atomic uint64_t state = CLOSED; /* job 0, closed */
static atomic_bool quitting = false;

static sgm_chunk_fn job_fn;
static void *job_ctx;
static int job_chunks;
static atomic_int next_chunk;

static long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void run_chunks(void) {
  for (;;) {
    const int i = atomic_fetch_add(&next_chunk, 1);
    if (i >= job_chunks) return;
    job_fn(job_ctx, i);
  }
}

/* Waits until a job newer than `seen` is posted (spinning for spin_ns, then sleeping); returns its state. */
static uint64_t await_job(uint64_t seen) {
  const long until = now_ns() + spin_ns;
  for (int n = 0;; n++) {
    const uint64_t s = atomic_load(&state);
    if (SEQ(s) != seen || atomic_load(&quitting)) return s;
    if ((n & 63) == 63 && now_ns() > until) break;
    CPU_RELAX();
  }
  pthread_mutex_lock(&mutex);
  uint64_t s;
  while (SEQ(s = atomic_load(&state)) == seen && !atomic_load(&quitting)) pthread_cond_wait(&wake, &mutex);
  pthread_mutex_unlock(&mutex);
  return s;
}

static void *worker_main(void *arg) {
  (void)arg;
  uint64_t seen = SEQ(atomic_load(&state));
  for (;;) {
    uint64_t s = await_job(seen);
    if (atomic_load(&quitting)) return NULL;
    seen = SEQ(s);
    /* Join while the job is open; a closed or newer job is left alone (the loop picks up a newer one). */
    bool joined = false;
    while (SEQ(s) == seen && !(s & CLOSED)) {
      if (atomic_compare_exchange_weak(&state, &s, s + 1)) {
        joined = true;
        break;
      }
    }
    if (!joined) continue;
    run_chunks();
    atomic_fetch_sub(&state, 1);
  }
}

void sgm_pool_shutdown(void) {
  pthread_mutex_lock(&busy);
  pthread_mutex_lock(&mutex);
  atomic_store(&quitting, true);
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&mutex);
  for (int i = 0; i < worker_count; i++) pthread_join(workers[i], NULL);
  worker_count = 0;
  atomic_store(&quitting, false);
  pthread_mutex_unlock(&busy);
}

int sgm_pool_configure(int threads, int spin_us) {
  sgm_pool_shutdown();
  pthread_mutex_lock(&busy);
  spin_ns = spin_us < 0 ? 0 : (long)spin_us * 1000L;
  int want = threads - 1;
  if (want < 0) want = 0;
  if (want > MAX_WORKERS) want = MAX_WORKERS;
  for (int i = 0; i < want; i++) {
    if (pthread_create(&workers[i], NULL, worker_main, NULL) != 0) break;
    worker_count = i + 1;
  }
  pthread_mutex_unlock(&busy);
  return worker_count + 1;
}

int sgm_pool_threads(void) { return worker_count + 1; }

void sgm_pool_run(sgm_chunk_fn fn, void *ctx, int chunks) {
  if (chunks <= 0) return;
  if (worker_count == 0 || chunks == 1 || pthread_mutex_trylock(&busy) != 0) {
    for (int i = 0; i < chunks; i++) fn(ctx, i);
    return;
  }
  /* No worker is inside a job here (the previous call waited for the count to reach 0), so the fields are free. */
  job_fn = fn;
  job_ctx = ctx;
  job_chunks = chunks;
  atomic_store(&next_chunk, 0);
  pthread_mutex_lock(&mutex);
  const uint64_t seq = SEQ(atomic_load(&state)) + 1;
  atomic_store(&state, (seq & 0xffffffffu) << 32); /* open, nobody inside */
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&mutex);
  run_chunks();
  /* Close the job, then wait for the workers inside it to finish their chunks. */
  uint64_t s = atomic_fetch_or(&state, CLOSED) | CLOSED;
  for (int n = 0; (s & COUNT_MASK) != 0; n++) {
    /* A worker descheduled in the middle of a chunk: yield now and then rather than burn the core it needs. */
    if ((n & 1023) == 1023) sched_yield(); else CPU_RELAX();
    s = atomic_load(&state);
  }
  pthread_mutex_unlock(&busy);
}
