/* phynn eval for image models (apps/eval_images.c). */
#ifndef PHYNN_EVAL_IMAGES_H
#define PHYNN_EVAL_IMAGES_H

#include <string.h>

#include "phynn/model.h" /* PhynnModelTakesImages */

/* Every frame of `in` (variable var) through m, written to `out` in the image layout with the
 * latent codes (rank-local: the caller's rank does it all). */
PetscErrorCode PhynnEvalImageModel(PhynnModel m, const char *model_path, const char *in, const char *var, const char *out);

#endif
