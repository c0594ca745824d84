/* Model files: a PhynnModel (architecture, input scaling, names, weights, training state) as a
 * NetCDF-4 file that a Python user can read with netCDF4/xarray in ten lines.
 *
 * The layout is documented in docs/model-file.md. In short: global attributes describe the
 * architecture and the training run (phynn_file = "model" marks the file), `theta(parameter)` is
 * the contiguous parameter buffer exactly as the graph holds it (W1, b1, W2, b2, ..., extras) and
 * is the authoritative copy; `W1(n1, n0)`, `b1(n1)`, ... and one scalar per extra parameter are
 * convenience copies of its slices, and a file whose copies disagree with theta is refused
 * (someone edited one and not the other). Writing is atomic (PhynnNcCreate/PhynnNcCommit). */
#ifndef PHYNN_MODELFILE_H
#define PHYNN_MODELFILE_H

#include "phynn/model.h"

/* Writes m to path (one rank calls it). Errors are one line and leave no file behind. */
PetscErrorCode PhynnModelSave(const PhynnModel *m, const char *path);
/* Reads path into m (which is reset first; PhynnModelReset frees it). A missing file, a file
 * that is not NetCDF, a NetCDF file that is not a phynn model, sizes that do not fit together,
 * and NaN/Inf weights are one-line errors naming the file; m is left reset on error. */
PetscErrorCode PhynnModelLoad(const char *path, PhynnModel *m);

#endif
