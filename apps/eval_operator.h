/* phynn eval for operator models (apps/eval_operator.c). */
#ifndef PHYNN_EVAL_OPERATOR_H
#define PHYNN_EVAL_OPERATOR_H

#include "phynn/model.h"
#include "phynn/record.h"

/* Every sample of the family `in` through m, written to `out` as a family of predictions (the
 * caller's rank does it all). rec: the model's training record (its -input, -output, -output_time). */
PetscErrorCode PhynnEvalOperatorModel(PhynnModel m, const PhynnRecord *rec, const char *model_path, const char *in, const char *out);

#endif
