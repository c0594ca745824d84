/* Error tracking during PINN training (-reference FILE -reference_every N): the model is
 * evaluated on the reference solution's grid every N iterations; the relative L2 error per
 * output (and of |h| = sqrt(u^2 + v^2) when the outputs map to h_re and h_im) goes to the
 * progress output, and the training seconds at which the headline error first falls below 1e-2
 * and 1e-3 are reported at the end. The seconds are the trainer's clock (PhynnTrainerElapsed):
 * the time spent evaluating is not counted, and a resumed run counts its earlier sessions. A
 * resumed run cannot know when an error fell below a threshold before the resume: when its first
 * evaluation is already below, the report says so instead of giving a time. Rank 0 does the
 * evaluation; the other ranks go on (no collective). */
#include <math.h>
#include <string.h>

#include "phynn/ncfile.h"
#include "pinn_track.h"

PetscErrorCode PhynnTrackCreate(MPI_Comm comm, PhynnModel m, const char *path, long every, PhynnTrack **out)
{
  const PhynnModelVar *mi, *mo;
  PhynnTrack *tr;
  int         ncid, varid, ndims, dimids[NC_MAX_VAR_DIMS];
  PetscFunctionBegin;
  PetscCall(PhynnModelGetPointIO(m, "-reference", &mi, &mo));
  PetscCall(PetscNew(&tr));
  tr->comm  = comm;
  tr->every = every;
  tr->reached[0] = tr->reached[1] = PHYNN_TRACK_NOT_REACHED;
  *out           = tr;
  if (PhynnRank(comm) != 0) PetscFunctionReturn(0);
  PetscCall(PhynnNcOpen(path, &ncid));
  /* the grid: the dimensions of the first output's reference variable, each a coordinate that
   * must be one of the model's inputs */
  PetscCheck(mo->ref[0][0], PETSC_COMM_SELF, PHYNN_ERR_INPUT, "the model's outputs name no reference variable");
  PetscCall(PhynnNcVar(ncid, path, mo->ref[0], &varid));
  PhynnNcCall(path, nc_inq_varndims(ncid, varid, &ndims));
  PhynnNcCall(path, nc_inq_vardimid(ncid, varid, dimids));
  PetscCheck(ndims == mi->ncomp && ndims <= PHYNN_MODEL_MAX_GRID, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: variable %s has %d dimensions but the model has %d inputs; give the matching reference (phynn solve ...)", path, mo->ref[0], ndims, mi->ncomp);
  double *coord[PHYNN_MODEL_MAX_GRID];
  size_t  len[PHYNN_MODEL_MAX_GRID];
  int     input_of[PHYNN_MODEL_MAX_GRID];
  for (int d = 0; d < ndims; d++) {
    char name[NC_MAX_NAME + 1];
    PhynnNcCall(path, nc_inq_dimname(ncid, dimids[d], name));
    input_of[d] = -1;
    for (int c = 0; c < mi->ncomp; c++)
      if (!strcmp(name, mi->comp[c])) input_of[d] = c;
    PetscCheck(input_of[d] >= 0, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: dimension '%s' of %s is not an input of the model", path, name, mo->ref[0]);
    PetscCall(PhynnNcReadDoubles(ncid, path, name, &coord[d], &len[d]));
  }
  tr->npts  = 1;
  tr->ngrid = ndims;
  for (int d = 0; d < ndims; d++) {
    tr->npts *= (long)len[d];
    tr->len[d] = (long)len[d];
    PetscCall(PetscStrncpy(tr->dim[d], mi->comp[input_of[d]], sizeof(tr->dim[d])));
    tr->coord[d] = coord[d];
  }
  tr->nout = mo->ncomp;
  for (int k = 0; k < mo->ncomp; k++) {
    size_t n;
    PetscCall(PhynnNcReadDoubles(ncid, path, mo->ref[k], &tr->ref[k], &n));
    PetscCheck((long)n == tr->npts, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: %s has %zu values, the grid %ld", path, mo->ref[k], n, tr->npts);
    if (!strcmp(mo->ref[k], "h_re")) tr->re = k;
    if (!strcmp(mo->ref[k], "h_im")) tr->im = k + 1; /* stored +1 so 0 means none */
  }
  tr->has_modulus = mo->ncomp == 2 && tr->im && tr->re == 0;
  nc_close(ncid);
  PetscFunctionReturn(0);
}

/* Relative L2 errors at the current weights; returns the headline (|h|, else the worst output). */
static PetscErrorCode Errors(PhynnTrack *tr, PhynnModel m, double *headline, double *per)
{
  const PhynnModelVar *mi, *mo;
  double *out, worst = 0;
  const char *names[PHYNN_MODEL_MAX_GRID];
  PetscFunctionBegin;
  PetscCall(PhynnModelGetPointIO(m, "-reference", &mi, &mo));
  for (int d = 0; d < tr->ngrid; d++) names[d] = tr->dim[d];
  PetscCall(PhynnModelEvaluateGrid(m, tr->ngrid, names, tr->len, (const double *const *)tr->coord, NULL, &out));
  for (int k = 0; k < tr->nout; k++) {
    double num = 0, den = 0;
    for (long p = 0; p < tr->npts; p++) {
      double d = out[p * tr->nout + k] - tr->ref[k][p];
      num += d * d;
      den += tr->ref[k][p] * tr->ref[k][p];
    }
    per[k] = sqrt(num / (den > 0 ? den : 1));
    worst  = per[k] > worst ? per[k] : worst;
  }
  if (tr->has_modulus) {
    double num = 0, den = 0;
    for (long p = 0; p < tr->npts; p++) {
      double hp = hypot(out[2 * p], out[2 * p + 1]), hr = hypot(tr->ref[0][p], tr->ref[1][p]);
      num += (hp - hr) * (hp - hr);
      den += hr * hr;
    }
    per[tr->nout] = sqrt(num / den);
    worst         = per[tr->nout];
  }
  PetscCall(PetscFree(out));
  *headline = worst;
  PetscFunctionReturn(0);
}

/* The thresholds whose first crossing is timed, and the report's key for each. */
static const double track_threshold[2] = {1e-2, 1e-3};
static const char  *track_key[2]       = {"seconds_to_rel_l2_1e-2", "seconds_to_rel_l2_1e-3"};

PetscErrorCode PhynnTrackUpdate(PhynnTrack *tr, PhynnModel m, PhynnGraph g, long iteration, long resumed_at, double train_seconds, PetscBool force)
{
  const PhynnModelVar *mi, *mo;
  double head = 0, per[PHYNN_MODEL_MAX_VARS + 1] = {0}, t0 = PhynnTime();
  PetscFunctionBegin;
  PetscCall(PhynnModelGetPointIO(m, "-reference", &mi, &mo));
  if (PhynnRank(tr->comm) != 0 || (!force && (tr->every <= 0 || iteration % tr->every))) PetscFunctionReturn(0);
  if (tr->nevals == 0) tr->resumed_at = resumed_at;
  PetscCall(PhynnModelGetWeights(m, g));
  PetscCall(Errors(tr, m, &head, per));
  /* a resumed run's first evaluation cannot tell when a threshold it finds met was crossed */
  for (int i = 0; i < 2; i++)
    if (tr->reached[i] == PHYNN_TRACK_NOT_REACHED && head <= track_threshold[i]) tr->reached[i] = tr->nevals == 0 && tr->resumed_at > 0 ? PHYNN_TRACK_BEFORE_RESUME : train_seconds;
  tr->nevals++;
  if (!force) { /* one progress line per evaluation: the error as training goes */
    char line[256] = "";
    for (int k = 0; k < tr->nout + (tr->has_modulus ? 1 : 0); k++) {
      char one[64];
      PetscCall(PetscSNPrintf(one, sizeof(one), " %s %.3e", k < tr->nout ? mo->comp[k] : "|h|", per[k]));
      PetscCall(PetscStrlcat(line, one, sizeof(line)));
    }
    PetscCall(PhynnPrintf(PETSC_COMM_SELF, "reference  it %7ld  rel_l2%s  after %.1f s of training\n", iteration, line, train_seconds));
  }
  for (int k = 0; k <= tr->nout; k++) tr->last_per[k] = per[k];
  tr->eval_seconds += PhynnTime() - t0;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrackReport(PhynnTrack *tr, PhynnModel m)
{
  const PhynnModelVar *mi, *mo;
  PetscFunctionBegin;
  PetscCall(PhynnModelGetPointIO(m, "-reference", &mi, &mo));
  if (PhynnRank(tr->comm) != 0) PetscFunctionReturn(0);
  for (int k = 0; k < tr->nout; k++) PetscCall(PhynnPrintf(PETSC_COMM_SELF, "rel_l2_%s: %.4e\n", mo->comp[k], tr->last_per[k]));
  if (tr->has_modulus) PetscCall(PhynnPrintf(PETSC_COMM_SELF, "rel_l2_|h|: %.4e\n", tr->last_per[tr->nout]));
  for (int i = 0; i < 2; i++) {
    if (tr->reached[i] == PHYNN_TRACK_NOT_REACHED) PetscCall(PhynnPrintf(PETSC_COMM_SELF, "%s: not reached\n", track_key[i]));
    else if (tr->reached[i] == PHYNN_TRACK_BEFORE_RESUME)
      PetscCall(PhynnPrintf(PETSC_COMM_SELF, "%s: before the resume at iteration %ld (see the first session's output)\n", track_key[i], tr->resumed_at));
    else PetscCall(PhynnPrintf(PETSC_COMM_SELF, "%s: %.2f\n", track_key[i], tr->reached[i]));
  }
  PetscCall(PhynnPrintf(PETSC_COMM_SELF, "seconds_evaluating_reference: %.2f\n", tr->eval_seconds));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnTrackDestroy(PhynnTrack **tr)
{
  PetscFunctionBegin;
  if (!*tr) PetscFunctionReturn(0);
  for (int d = 0; d < (*tr)->ngrid; d++) PetscCall(PetscFree((*tr)->coord[d]));
  for (int k = 0; k < PHYNN_MODEL_MAX_VARS; k++) PetscCall(PetscFree((*tr)->ref[k]));
  PetscCall(PetscFree(*tr));
  PetscFunctionReturn(0);
}
