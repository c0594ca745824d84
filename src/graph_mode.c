/* The graph's training-time settings, read by the ops that behave differently in training
 * (dropout, batch norm): the mode, the optimiser step, the seed of random ops, and the global
 * index of each sample this rank holds. See "Training and evaluation" in phynn/graph.h. */
#include "graph_impl.h"

PetscErrorCode PhynnGraphSetTraining(PhynnGraph g, PetscBool training)
{
  PetscFunctionBegin;
  g->training = training ? PETSC_TRUE : PETSC_FALSE;
  PhynnGraphInvalidateCache(g);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphSetConstantCache(PhynnGraph g, PetscBool on)
{
  PetscFunctionBegin;
  g->cache_constants = on ? PETSC_TRUE : PETSC_FALSE;
  PhynnGraphInvalidateCache(g);
  PetscFunctionReturn(0);
}

void PhynnGraphInvalidateCache(PhynnGraph g)
{
  for (int i = 0; i < g->nnodes; i++) g->nodes[i].cached = 0;
}

PetscBool PhynnGraphGetTraining(PhynnGraph g) { return g->training; }

PetscErrorCode PhynnGraphSetStep(PhynnGraph g, long step)
{
  PetscFunctionBegin;
  PetscCheck(step >= 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "PhynnGraphSetStep: the step is %ld; steps count from 0", step);
  g->step = step;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphSetRandomSeed(PhynnGraph g, uint64_t seed)
{
  PetscFunctionBegin;
  g->seed = seed;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphSetSampleIds(PhynnGraph g, long count, const long *ids)
{
  PetscFunctionBegin;
  if (count < 0) { /* back to the default: rows in rank order */
    g->nsample_ids = -1;
    PetscFunctionReturn(0);
  }
  PetscCheck(ids || count == 0, g->comm, PETSC_ERR_ARG_NULL, "PhynnGraphSetSampleIds: %ld ids but no array", count);
  for (long i = 0; i < count; i++) PetscCheck(ids[i] >= 0, g->comm, PHYNN_ERR_INPUT, "PhynnGraphSetSampleIds: id %ld of row %ld is negative; sample ids are global indices from 0", ids[i], i);
  if (count > g->sample_cap) {
    PetscCall(PetscFree(g->sample_ids));
    PetscCall(PetscMalloc1(count, &g->sample_ids));
    g->sample_cap = count;
  }
  if (count) PetscCall(PetscArraycpy(g->sample_ids, ids, count)); /* copied: the caller's array may go */
  g->nsample_ids = count;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphSampleRows(PhynnGraph g, PhynnNode *n, long N, const long **ids, long *first)
{
  long below = 0;
  int  rank;
  PetscFunctionBegin;
  /* The scan runs whether or not this rank has ids, so no rank waits for one that skipped it. */
  PetscCallMPI(MPI_Exscan(&N, &below, 1, MPI_LONG, MPI_SUM, g->comm));
  PetscCallMPI(MPI_Comm_rank(g->comm, &rank));
  *first = rank == 0 ? 0 : below; /* MPI_Exscan leaves rank 0's result undefined */
  *ids   = NULL;
  if (g->nsample_ids >= 0) {
    PetscCheck(g->nsample_ids == N, g->comm, PHYNN_ERR_INPUT, "%s '%s': %ld sample ids were set (PhynnGraphSetSampleIds) for %ld rows per block; set one id per row of the batch, or -1 for the rows in rank order",
               PhynnGraphOpTypeName((int)n->op), n->name, g->nsample_ids, N);
    *ids = g->sample_ids;
  }
  PetscFunctionReturn(0);
}
