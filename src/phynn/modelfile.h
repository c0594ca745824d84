/* Model files: a model (phynn/model.h) and optionally its training record (phynn/record.h) in
 * one NetCDF-4 file, written atomically through the generic store (phynn/store.h). The layout
 * (format 2) is in docs/model-file.md:
 *   global attributes   phynn_file = "model", phynn_model_format = 2, problem, model_spec
 *                       (the canonical spec), provenance;
 *   theta(parameter)    every parameter, contiguous, the authoritative copy;
 *   param_name(param), param_offset(param), param_shape(param, param_rank), param_dtype(param)
 *                       the slice table, from the graph;
 *   one variable per parameter in its own shape ("net.W1"), a convenience copy of its slice;
 *   group /training     the record, when there is one.
 * Loading never needs to know which command wrote a file: the spec rebuilds the graph, whose
 * slice table must match the file's. Files of the first layout (MLP attributes, no spec) load
 * through one shim (src/model_v1.c) to the same bits. */
#ifndef PHYNN_MODELFILE_H
#define PHYNN_MODELFILE_H

#include "phynn/model.h"
#include "phynn/record.h"

#define PHYNN_MODEL_FORMAT 2

/* Writes m (and rec, may be NULL) to path; one rank calls it. Errors leave no file behind. */
PetscErrorCode PhynnModelSave(PhynnModel m, const PhynnRecord *rec, const char *path);
/* Reads path into a new model (and rec, may be NULL: reset, then filled when the file has one).
 * A missing file, a file that is not a phynn model, a damaged one and NaN/Inf weights are
 * one-line errors naming the file. */
PetscErrorCode PhynnModelLoadFile(MPI_Comm comm, const char *path, PhynnModel *m, PhynnRecord *rec);

#endif
