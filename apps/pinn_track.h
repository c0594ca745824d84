/* Error against a reference solution during PINN training (see pinn_track.c). */
#ifndef PHYNN_APPS_PINN_TRACK_H
#define PHYNN_APPS_PINN_TRACK_H

#include "phynn/model.h"

typedef struct {
  MPI_Comm  comm;
  long      every, npts;
  int       nout, re, im;
  PetscBool has_modulus;
  double   *points, *ref[PHYNN_MODEL_MAX_IO];
  double    t10, t100, last, last_per[PHYNN_MODEL_MAX_IO + 1], eval_seconds;
} PhynnTrack;

PetscErrorCode PhynnTrackCreate(MPI_Comm comm, const PhynnModel *m, const char *path, long every, PhynnTrack **tr);
/* Evaluates when iteration % every == 0 (or force); train_seconds = elapsed training time. */
PetscErrorCode PhynnTrackUpdate(PhynnTrack *tr, PhynnModel *m, PhynnGraph g, long iteration, double train_seconds, PetscBool force);
PetscErrorCode PhynnTrackReport(PhynnTrack *tr, const PhynnModel *m);
PetscErrorCode PhynnTrackDestroy(PhynnTrack **tr);

#endif
