/* Which frames were held out of an image model's training: PhynnHoldoutSplit(n, holdout, seed)
 * on the data's n frames, with -holdout and -seed read from the model's training record (the
 * options it ran with: train autoencoder and pca always record both) unless validate's own
 * -holdout / -seed override them.
 *
 * A model whose record holds no -holdout (a hand-made model, one written by a command that does
 * not split its data) was trained on frames we cannot know, so every frame counts as held out:
 * "heldout" and "all" are then the same frames, and the report says why. Counting them all as
 * training frames instead would report no held-out error at all, and a gate on it would pass
 * vacuously. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "images_impl.h"
#include "phynn/imageset.h"

#define SPLIT_DEFAULT_SEED 7 /* train autoencoder's and pca's default -seed */

PetscErrorCode PhynnImageSplit(const PhynnRecord *rec, const PhynnValidateOptions *opt, PhynnImageValidation *v)
{
  char      hv[64], sv[64], dv[PETSC_MAX_PATH_LEN];
  PetscBool rec_h = PhynnRecordedOption(rec->options, "holdout", hv, sizeof(hv)), rec_s = PhynnRecordedOption(rec->options, "seed", sv, sizeof(sv));
  PetscBool opt_h = opt && opt->holdout_set, opt_s = opt && opt->seed_set;
  long      ntrain;

  PetscFunctionBegin;
  v->trained_on[0] = '\0';
  if (PhynnRecordedOption(rec->options, "data", dv, sizeof(dv))) PetscCall(PetscStrncpy(v->trained_on, dv, sizeof(v->trained_on)));
  PetscCall(PetscMalloc1(v->n, &v->held));
  if (!opt_h && !rec_h) {
    PetscCheck(!opt_s, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -seed: model %s records no -holdout, so a seed alone chooses no frames; give -holdout FRACTION too", v->model_path);
    for (long i = 0; i < v->n; i++) v->held[i] = PETSC_TRUE;
    v->nheld        = v->n;
    v->holdout      = NAN;
    v->seed         = 0;
    v->split_source = PHYNN_SPLIT_NONE;
    PetscFunctionReturn(0);
  }
  if (opt_h) v->holdout = opt->holdout;
  else {
    char *end;
    v->holdout = strtod(hv, &end);
    PetscCheck(*end == '\0', PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model %s: its training record has -holdout '%s', not a number; give -holdout FRACTION", v->model_path, hv);
  }
  PetscCheck(v->holdout >= 0 && v->holdout <= 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s -holdout %g is not a fraction in [0, 1]", opt_h ? "option" : "the model's recorded", v->holdout);
  if (opt_s) v->seed = opt->seed;
  else if (rec_s) {
    char              *end;
    unsigned long long s = strtoull(sv, &end, 10);
    PetscCheck(*end == '\0' && sv[0] != '-', PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model %s: its training record has -seed '%s', not an integer >= 0; give -seed S", v->model_path, sv);
    v->seed = (uint64_t)s;
  } else v->seed = SPLIT_DEFAULT_SEED;
  v->split_source = opt_h && (opt_s || !rec_s) ? PHYNN_SPLIT_OPTIONS : (!opt_h && !opt_s ? PHYNN_SPLIT_RECORD : PHYNN_SPLIT_MIXED);
  PetscCall(PhynnHoldoutSplit(v->n, v->holdout, v->seed, v->held, &ntrain));
  v->nheld = v->n - ntrain;
  PetscFunctionReturn(0);
}
