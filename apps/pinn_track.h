/* Error against a reference solution during PINN training (see pinn_track.c). */
#ifndef PHYNN_APPS_PINN_TRACK_H
#define PHYNN_APPS_PINN_TRACK_H

#include "phynn/model.h"

typedef struct {
  MPI_Comm  comm;
  long      every, npts;
  int       nout, re, im;
  PetscBool has_modulus;
  int       ngrid;                       /* the reference's grid: dimension d is model input dim[d] */
  char      dim[PHYNN_MODEL_MAX_GRID][PHYNN_MODEL_NAME_MAX];
  long      len[PHYNN_MODEL_MAX_GRID];
  double   *coord[PHYNN_MODEL_MAX_GRID];
  double   *ref[PHYNN_MODEL_MAX_VARS];
  long      nevals, resumed_at; /* evaluations so far; the iteration a resumed run began at */
  double    reached[2]; /* training seconds at which the headline error first met 1e-2, 1e-3 */
  double    last_per[PHYNN_MODEL_MAX_VARS + 1], eval_seconds;
} PhynnTrack;

/* reached[i] when the threshold is not met yet, or was met before a resume (time unknown) */
#define PHYNN_TRACK_NOT_REACHED   (-1.0)
#define PHYNN_TRACK_BEFORE_RESUME (-2.0)

PetscErrorCode PhynnTrackCreate(MPI_Comm comm, const PhynnModel m, const char *path, long every, PhynnTrack **tr);
/* Evaluates when iteration % every == 0 (or force). resumed_at: the iteration this training
 * session started from (PhynnTrainerFirstIteration); train_seconds: PhynnTrainerElapsed. */
PetscErrorCode PhynnTrackUpdate(PhynnTrack *tr, PhynnModel m, PhynnGraph g, long iteration, long resumed_at, double train_seconds, PetscBool force);
PetscErrorCode PhynnTrackReport(PhynnTrack *tr, const PhynnModel m);
PetscErrorCode PhynnTrackDestroy(PhynnTrack **tr);

#endif
