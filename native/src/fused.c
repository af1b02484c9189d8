/* Fused elementwise programs (fused.h). sgm_fused_prepare checks the program once and maps its registers to
 * scratch slots by liveness (a slot is reused once the value in it is dead; the slot an instruction writes is never
 * one it reads, so every loop below can take restrict pointers and vectorise without alias checks). FULL inputs are
 * read in place, never copied. The other inputs are expanded into their slot at the start of each block. The last
 * value of an output register is written straight into the output array (no copy), unless that array is also an
 * input's (an in-place call: the input must stay readable until the block's last instruction). */
#include "fused.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"
#include "vmath.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define VECTOR_CLONES
#endif

/* Elements per block: 512 floats = 2 KB per register, so a program with a dozen live registers keeps its whole
 * scratch in a 32-48 KB L1. */
#define BLOCK 512
/* Scratch on the stack of whichever thread runs a chunk: 64 KB. A program with more than 32 live slots runs in
 * smaller blocks (a multiple of 16 elements) so the scratch stays this size; results do not depend on the block. */
#define SCRATCH_FLOATS 16384
/* Parallel chunks are about this many elements (an even number of them, so two threads share them evenly). */
#define CHUNK_TARGET 8192
/* Below this much work (elements × step_weight units of ~0.07 ns: about 18 µs) the call runs on the caller's
 * thread. Posting a job costs the caller ~0.2 µs when the workers spin and ~1.5 µs (the futex wake) when they
 * sleep, and a woken worker arrives after 50-80 µs; below ~18 µs a second thread saved nothing measurable even
 * when spinning (bench/NOTES.md change 11b). */
#ifndef SGM_FUSED_INLINE_WORK
#define SGM_FUSED_INLINE_WORK 262144
#endif

/* Where a value lives (an operand or a destination): slot s >= 0 of the scratch, FULL input k at IN(k), or the
 * output array k at OUT(k) (the current block's part of each). */
#define IN(k) (-(k) - 1)
#define OUT(k) (-(k) - 1 - SGM_FUSED_MAX_IO)
#define IS_IN(w) ((w) < 0 && (w) >= -SGM_FUSED_MAX_IO)

typedef struct {
  int op;
  int dst;  /* slot or OUT(k) */
  int a, b; /* see above; unused: 0 */
  float c;  /* CONST's value */
} step;

struct sgm_fused_plan {
  int steps;
  step *step;
  int block;
  int inputs;
  const float **in;
  int32_t *mode, *param; /* per input */
  int *in_slot;          /* slot a non-FULL input is expanded into, or -1 (FULL, or never read) */
  int outputs;
  float **out;
  int *out_src; /* where each output's value is at the end of a block (OUT(k) itself: written in place) */
  int64_t weight; /* work per element */
};

static int arity(int op) {
  switch (op) {
    case SGM_F_CONST:
      return 0;
    case SGM_F_ADD:
    case SGM_F_SUB:
    case SGM_F_MUL:
    case SGM_F_DIV:
    case SGM_F_MAX:
    case SGM_F_MIN:
    case SGM_F_GREATER:
      return 2;
    default:
      return 1;
  }
}

/* Work of one instruction per element, in units of ~0.07 ns (a simple arithmetic loop over an L1 block, AVX-512,
 * one core; measured per opcode with one-instruction programs over 78,400 values: exp 0.4 ns, log 0.5, sigmoid
 * 0.55, log1p/expm1/tanh 0.7, softplus 1.8, an output's copy 0.1). */
static int step_weight(int op) {
  switch (op) {
    case SGM_F_EXP:
      return 6;
    case SGM_F_LOG:
      return 7;
    case SGM_F_SIGMOID:
      return 8;
    case SGM_F_LOG1P:
    case SGM_F_EXPM1:
    case SGM_F_TANH:
      return 10;
    case SGM_F_SOFTPLUS:
      return 25;
    default:
      return 1;
  }
}

void sgm_fused_free(sgm_fused_plan *p) {
  if (p == NULL) return;
  free(p->step);
  free(p->in);
  free(p->mode);
  free(p->param);
  free(p->in_slot);
  free(p->out);
  free(p->out_src);
  free(p);
}

static const char *check(const sgm_fused_program *g) {
  if (g->regs < 1 || g->regs > SGM_FUSED_MAX_REGS) return "nRegs must be in 1..65536";
  if (g->inputs < 0 || g->inputs > SGM_FUSED_MAX_IO || g->inputs > g->regs) return "at most 256 inputs, and no more than nRegs";
  if (g->outputs < 1 || g->outputs > SGM_FUSED_MAX_IO) return "1..256 outputs";
  if (g->instructions < 0 || g->instructions > SGM_FUSED_MAX_INSTRUCTIONS) return "at most 65536 instructions";
  for (int k = 0; k < g->inputs; k++) {
    const int32_t mode = g->modes[2 * k], p = g->modes[2 * k + 1];
    if (mode < SGM_F_FULL || mode > SGM_F_COL) return "an input mode is not 0 (FULL), 1 (SCALAR), 2 (ROW) or 3 (COL)";
    if ((mode == SGM_F_ROW || mode == SGM_F_COL) && p < 1) return "a ROW or COL input needs a period p >= 1";
  }
  return NULL;
}

/* Checks each instruction's operands (registers written before, constants in range); marks `written`. */
static const char *check_code(const sgm_fused_program *g, bool *written) {
  for (int r = 0; r < g->regs; r++) written[r] = r < g->inputs;
  for (int i = 0; i < g->instructions; i++) {
    const int32_t *ins = g->code + 4 * i;
    const int op = ins[0], dst = ins[1], a = ins[2], b = ins[3];
    if (op < 0 || op >= SGM_F_OPS) return "unknown opcode";
    if (dst < g->inputs || dst >= g->regs) return "an instruction writes an input register or one beyond nRegs";
    if (op == SGM_F_CONST) {
      if (a < 0 || (size_t)a >= g->const_count) return "CONST reads past the constants";
    } else {
      if (a < 0 || a >= g->regs || !written[a]) return "an instruction reads a register that is not written before it";
      if (arity(op) == 2 && (b < 0 || b >= g->regs || !written[b])) {
        return "an instruction reads a register that is not written before it";
      }
    }
    written[dst] = true;
  }
  for (int k = 0; k < g->outputs; k++) {
    const int32_t r = g->out_regs[k];
    if (r < 0 || r >= g->regs || !written[r]) return "an output register is not written by the program";
  }
  return NULL;
}

/* Slot allocator: a stack of free slots, and the number ever used. */
typedef struct {
  int *free_slots;
  int free_count, used;
} slots;

static int slot_take(slots *s) { return s->free_count > 0 ? s->free_slots[--s->free_count] : s->used++; }
static void slot_give(slots *s, int slot) {
  if (slot >= 0) s->free_slots[s->free_count++] = slot;
}

/* Maps registers to slots: a backward pass finds where each value is read for the last time (and instructions
 * whose result is never read, which are dropped), a forward pass hands out slots. */
static const char *plan_slots(const sgm_fused_program *g, sgm_fused_plan *p, bool *live, int *cur, uint8_t *dies,
                              int *last_def, slots *s) {
  for (int r = 0; r < g->regs; r++) live[r] = false;
  for (int k = 0; k < g->outputs; k++) live[g->out_regs[k]] = true;
  for (int i = g->instructions - 1; i >= 0; i--) {
    const int32_t *ins = g->code + 4 * i;
    const int op = ins[0], d = ins[1];
    dies[i] = 0;
    if (!live[d]) {
      dies[i] = 4; /* dead: dropped */
      continue;
    }
    live[d] = false;
    if (op == SGM_F_CONST) continue;
    if (!live[ins[2]]) dies[i] |= 1;
    live[ins[2]] = true;
    if (arity(op) == 2) {
      if (!live[ins[3]]) dies[i] |= 2;
      live[ins[3]] = true;
    }
  }
  for (int k = 0; k < g->inputs; k++) {
    const bool full = p->mode[k] == SGM_F_FULL;
    p->in_slot[k] = full || !live[k] ? -1 : slot_take(s);
    cur[k] = full ? IN(k) : p->in_slot[k];
  }
  /* last_def[r]: the instruction that leaves r's final value, then the output that receives it directly (-1: none). */
  for (int r = 0; r < g->regs; r++) last_def[r] = -1;
  for (int i = 0; i < g->instructions; i++) {
    if (!(dies[i] & 4)) last_def[g->code[4 * i + 1]] = i;
  }
  int *direct = cur + g->regs; /* per register: the output written in place, or -1 */
  for (int r = 0; r < g->regs; r++) direct[r] = -1;
  for (int k = 0; k < g->outputs; k++) {
    const int r = g->out_regs[k];
    bool aliased = false;
    for (int j = 0; j < g->inputs; j++) aliased = aliased || (const float *)p->out[k] == p->in[j];
    if (r >= g->inputs && direct[r] < 0 && !aliased) direct[r] = k;
  }
  p->weight = 2 * g->outputs;
  for (int i = 0; i < g->instructions; i++) {
    if (dies[i] & 4) continue;
    const int32_t *ins = g->code + 4 * i;
    const int op = ins[0];
    step *st = &p->step[p->steps++];
    st->op = op;
    st->a = op == SGM_F_CONST ? 0 : cur[ins[2]];
    st->b = arity(op) == 2 ? cur[ins[3]] : 0;
    st->c = op == SGM_F_CONST ? g->consts[ins[2]] : 0.0f;
    const int d = ins[1];
    st->dst = i == last_def[d] && direct[d] >= 0 ? OUT(direct[d]) : slot_take(s);
    if (dies[i] & 1) slot_give(s, st->a);
    if ((dies[i] & 2) && !(ins[3] == ins[2] && (dies[i] & 1))) slot_give(s, st->b);
    cur[ins[1]] = st->dst;
    p->weight += step_weight(op);
  }
  for (int k = 0; k < g->inputs; k++) p->weight += p->in_slot[k] >= 0 ? 2 : 0;
  for (int k = 0; k < g->outputs; k++) p->out_src[k] = cur[g->out_regs[k]];
  if (s->used == 0) {
    p->block = BLOCK;
  } else {
    int block = SCRATCH_FLOATS / s->used;
    block = block > BLOCK ? BLOCK : block / 16 * 16;
    if (block < 16) return "the program keeps more than 1024 values live at once";
    p->block = block;
  }
  return NULL;
}

sgm_fused_plan *sgm_fused_prepare(const sgm_fused_program *g, const char **error) {
  *error = check(g);
  if (*error != NULL) return NULL;
  sgm_fused_plan *p = calloc(1, sizeof *p);
  bool *flags = malloc(sizeof(bool) * (size_t)g->regs);
  int *cur = malloc(sizeof(int) * 2 * (size_t)g->regs);
  int *last_def = malloc(sizeof(int) * (size_t)g->regs);
  uint8_t *dies = malloc((size_t)g->instructions + 1);
  slots s = {malloc(sizeof(int) * ((size_t)g->regs + 1)), 0, 0};
  const size_t ni = (size_t)g->inputs + 1, no = (size_t)g->outputs;
  if (p != NULL) {
    p->step = malloc(sizeof(step) * ((size_t)g->instructions + 1));
    p->in = malloc(sizeof(float *) * ni);
    p->mode = malloc(sizeof(int32_t) * ni);
    p->param = malloc(sizeof(int32_t) * ni);
    p->in_slot = malloc(sizeof(int) * ni);
    p->out = malloc(sizeof(float *) * no);
    p->out_src = malloc(sizeof(int) * no);
  }
  if (p == NULL || flags == NULL || cur == NULL || last_def == NULL || dies == NULL || s.free_slots == NULL || p->step == NULL ||
      p->in == NULL || p->mode == NULL || p->param == NULL || p->in_slot == NULL || p->out == NULL || p->out_src == NULL) {
    *error = "out of memory";
  } else {
    p->inputs = g->inputs;
    p->outputs = g->outputs;
    for (int k = 0; k < g->inputs; k++) {
      p->in[k] = g->in[k];
      p->mode[k] = g->modes[2 * k];
      p->param[k] = g->modes[2 * k + 1];
      /* COL with p = 1 is element i: read in place. */
      if (p->mode[k] == SGM_F_COL && p->param[k] == 1) p->mode[k] = SGM_F_FULL;
    }
    for (int k = 0; k < g->outputs; k++) p->out[k] = g->out[k];
    *error = check_code(g, flags);
    if (*error == NULL) *error = plan_slots(g, p, flags, cur, dies, last_def, &s);
  }
  free(flags);
  free(cur);
  free(last_def);
  free(dies);
  free(s.free_slots);
  if (*error != NULL) {
    sgm_fused_free(p);
    return NULL;
  }
  return p;
}

/* ---- the loops: one per opcode, each over one block ---- */

static inline float as_float(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}
static inline uint32_t as_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

#define UNARY(name, expr)                                                               \
  static VECTOR_CLONES void name(int64_t n, float *restrict o, const float *restrict x) { \
    for (int64_t i = 0; i < n; i++) {                                                   \
      const float a = x[i];                                                             \
      o[i] = (expr);                                                                    \
    }                                                                                   \
  }
#define BINARY(name, expr)                                                                                        \
  static VECTOR_CLONES void name(int64_t n, float *restrict o, const float *restrict x, const float *restrict y) { \
    for (int64_t i = 0; i < n; i++) {                                                                            \
      const float a = x[i], b = y[i];                                                                            \
      o[i] = (expr);                                                                                             \
    }                                                                                                            \
  }

BINARY(f_add, a + b)
BINARY(f_sub, a - b)
BINARY(f_mul, a * b)
BINARY(f_div, a / b)
/* tf.greater: false (0) when either side is NaN. */
BINARY(f_greater, a > b ? 1.0f : 0.0f)
/* Math.max / Math.min as tfjs' CPU kernels use them: NaN when either side is NaN, max(-0, +0) = +0 and
 * min(-0, +0) = -0 (equal values: AND / OR of the bits picks the zero's sign and is the identity otherwise). */
BINARY(f_max, ((a != a) | (b != b)) ? a + b : (a == b ? as_float(as_bits(a) & as_bits(b)) : (a > b ? a : b)))
BINARY(f_min, ((a != a) | (b != b)) ? a + b : (a == b ? as_float(as_bits(a) | as_bits(b)) : (a < b ? a : b)))
UNARY(f_neg, -a)
/* tf.relu = Math.max(0, x): NaN stays NaN, -0 gives +0. */
UNARY(f_relu, a != a ? a : (a > 0.0f ? a : 0.0f))
/* tf.step (alpha 0): NaN stays NaN. */
UNARY(f_step, a != a ? a : (a > 0.0f ? 1.0f : 0.0f))
UNARY(f_square, a * a)
UNARY(f_sqrt, sqrtf(a)) /* one instruction with -fno-math-errno; sqrt(x < 0) = NaN */
UNARY(f_abs, fabsf(a))
UNARY(f_recip, 1.0f / a)

static VECTOR_CLONES void f_fill(int64_t n, float *restrict o, float c) {
  for (int64_t i = 0; i < n; i++) o[i] = c;
}

/* Expands input k's elements [start, start + len) into o. */
static void expand(const sgm_fused_plan *p, int k, int64_t start, int64_t len, float *restrict o) {
  const float *x = p->in[k];
  const int64_t q = p->param[k];
  if (p->mode[k] == SGM_F_SCALAR || (p->mode[k] == SGM_F_ROW && q == 1)) {
    f_fill(len, o, x[0]);
  } else if (p->mode[k] == SGM_F_ROW) {
    /* Runs of the row: element i is x[i % q]. */
    int64_t j = start % q;
    for (int64_t i = 0; i < len;) {
      const int64_t run = q - j < len - i ? q - j : len - i;
      memcpy(o + i, x + j, sizeof(float) * (size_t)run);
      i += run;
      j = 0;
    }
  } else {
    /* COL: runs of q equal values, element i is x[i / q]. */
    int64_t row = start / q, j = start % q;
    for (int64_t i = 0; i < len;) {
      const int64_t run = q - j < len - i ? q - j : len - i;
      f_fill(run, o + i, x[row]);
      i += run;
      j = 0;
      row++;
    }
  }
}

/* Elements [lo, hi) in blocks, with `scratch` (plan->block floats per slot). */
static void run_range(const sgm_fused_plan *p, int64_t lo, int64_t hi, float *scratch) {
  const int64_t bs = p->block;
  for (int64_t start = lo; start < hi; start += bs) {
    const int64_t len = hi - start < bs ? hi - start : bs;
#define AT(w) ((w) >= 0 ? scratch + (w) * bs : IS_IN(w) ? p->in[-(w) - 1] + start : p->out[-(w) - 1 - SGM_FUSED_MAX_IO] + start)
    for (int k = 0; k < p->inputs; k++) {
      if (p->in_slot[k] >= 0) expand(p, k, start, len, scratch + p->in_slot[k] * bs);
    }
    for (int i = 0; i < p->steps; i++) {
      const step *st = &p->step[i];
      float *o = (float *)AT(st->dst);
      const float *a = st->op == SGM_F_CONST ? NULL : AT(st->a);
      const float *b = arity(st->op) == 2 ? AT(st->b) : NULL;
      switch (st->op) {
        case SGM_F_CONST: f_fill(len, o, st->c); break;
        case SGM_F_ADD: f_add(len, o, a, b); break;
        case SGM_F_SUB: f_sub(len, o, a, b); break;
        case SGM_F_MUL: f_mul(len, o, a, b); break;
        case SGM_F_DIV: f_div(len, o, a, b); break;
        case SGM_F_NEG: f_neg(len, o, a); break;
        case SGM_F_EXP: sgm_vexp(len, a, o); break;
        case SGM_F_LOG: sgm_vlog(len, a, o); break;
        case SGM_F_LOG1P: sgm_vlog1p(len, a, o); break;
        case SGM_F_EXPM1: sgm_vexpm1(len, a, o); break;
        case SGM_F_SOFTPLUS: sgm_vsoftplus(len, a, o); break;
        case SGM_F_SIGMOID: sgm_vsigmoid(len, a, o); break;
        case SGM_F_RELU: f_relu(len, o, a); break;
        case SGM_F_STEP: f_step(len, o, a); break;
        case SGM_F_SQUARE: f_square(len, o, a); break;
        case SGM_F_SQRT: f_sqrt(len, o, a); break;
        case SGM_F_MAX: f_max(len, o, a, b); break;
        case SGM_F_MIN: f_min(len, o, a, b); break;
        case SGM_F_TANH: sgm_vtanh(len, a, o); break;
        case SGM_F_ABS: f_abs(len, o, a); break;
        case SGM_F_GREATER: f_greater(len, o, a, b); break;
        case SGM_F_RECIP: f_recip(len, o, a); break;
        default: break;
      }
    }
    /* memmove: an output may be the very array of a FULL input it copies (checked by the binding: same start). */
    for (int k = 0; k < p->outputs; k++) {
      if (p->out_src[k] != OUT(k)) memmove(p->out[k] + start, AT(p->out_src[k]), sizeof(float) * (size_t)len);
    }
#undef AT
  }
}

typedef struct {
  const sgm_fused_plan *plan;
  int64_t n, units, parts;
} fused_job;

/* Chunk c is 16-element units [c·U/P, (c+1)·U/P): the cut depends on n only. */
static void fused_chunk(void *ctx, int chunk) {
  const fused_job *j = ctx;
  float scratch[SCRATCH_FLOATS] __attribute__((aligned(64)));
  const int64_t lo = chunk * j->units / j->parts * 16;
  int64_t hi = (chunk + 1) * j->units / j->parts * 16;
  if (hi > j->n) hi = j->n;
  run_range(j->plan, lo, hi, scratch);
}

void sgm_fused_run_inline(const sgm_fused_plan *p, int64_t n) {
  float scratch[SCRATCH_FLOATS] __attribute__((aligned(64)));
  run_range(p, 0, n, scratch);
}

void sgm_fused_run(const sgm_fused_plan *p, int64_t n) {
  if (n <= 0) return;
  if (n * p->weight < SGM_FUSED_INLINE_WORK || sgm_pool_threads() == 1) {
    sgm_fused_run_inline(p, n);
    return;
  }
  const int64_t units = (n + 15) / 16;
  int64_t parts = 2 * ((n + 2 * CHUNK_TARGET - 1) / (2 * CHUNK_TARGET));
  if (parts > units) parts = units;
  if (parts > 1 << 20) parts = 1 << 20;
  fused_job j = {p, n, units, parts};
  sgm_pool_run(fused_chunk, &j, (int)parts);
}
