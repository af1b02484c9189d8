/* Private to fused.c (planning) and fused-run.c (execution): the plan of a fused program (fused.h). */
#ifndef SGM_FUSED_PLAN_H
#define SGM_FUSED_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "fused.h"

/* Elements per block: 512 floats = 2 KB per register, so a program with a dozen live registers keeps its whole
 * scratch in a 32-48 KB L1. */
#define BLOCK 512
/* Scratch on the stack of whichever thread runs a chunk: 64 KB. A program with more than 32 live slots runs in
 * smaller blocks (a multiple of 16 elements) so the scratch stays this size; results do not depend on the block. */
#define SCRATCH_FLOATS 16384
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
  bool zero_period; /* a ROW or COL input of period 0: only n = 0 is valid */
};

static inline int arity(int op) {
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

#endif
