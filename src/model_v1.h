/* Private: the shim for model files of the first layout (phynn 0.1, before format 2). */
#ifndef PHYNN_MODEL_V1_H
#define PHYNN_MODEL_V1_H

#include "phynn/modelfile.h"

/* Whether the store looks like a first-layout model file (global attribute layer_sizes' variable). */
PetscBool      PhynnModelIsV1(PhynnStore s);
PetscErrorCode PhynnModelLoadV1(MPI_Comm comm, PhynnStore s, PhynnModel *m, PhynnRecord *rec);

#endif
