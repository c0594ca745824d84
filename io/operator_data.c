/* Reading solution families for operator training (apps/operator_data.h). */
#include <math.h>
#include <netcdf.h>
#include <string.h>

#include "phynn/operator_data.h"
#include "phynn/ncfile.h"

PetscErrorCode PhynnOperatorParseNames(MPI_Comm comm, const char *option, const char *text, int *n, char (*names)[64])
{
  char buf[512], *save = NULL;
  PetscFunctionBegin;
  *n = 0;
  PetscCall(PetscStrncpy(buf, text, sizeof(buf)));
  for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    PetscCheck(*n < PHYNN_OPERATOR_MAX_VARS, comm, PHYNN_ERR_INPUT, "option -%s: more than %d variables in '%s'", option, PHYNN_OPERATOR_MAX_VARS, text);
    PetscCheck(strlen(tok) < 64, comm, PHYNN_ERR_INPUT, "option -%s: variable name '%s' is too long", option, tok);
    PetscCall(PetscStrncpy(names[(*n)++], tok, 64));
  }
  PetscCheck(*n >= 1, comm, PHYNN_ERR_INPUT, "option -%s: no variable named; give e.g. -%s u0", option, option);
  PetscFunctionReturn(0);
}

/* A variable's dimension names and lengths. */
static PetscErrorCode VarDims(int nc, const char *path, const char *name, int *ndims, char (*dname)[NC_MAX_NAME + 1], size_t *len)
{
  int    var, ids[8];
  size_t n;
  PetscFunctionBegin;
  PetscCall(PhynnNcVar(nc, path, name, &var));
  PhynnNcCall(path, nc_inq_varndims(nc, var, ndims));
  PetscCheck(*ndims <= 8, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: variable '%s' has %d dimensions", path, name, *ndims);
  PhynnNcCall(path, nc_inq_vardimid(nc, var, ids));
  for (int k = 0; k < *ndims; k++) PhynnNcCall(path, nc_inq_dim(nc, ids[k], dname[k], &len[k]));
  PetscCall(PhynnNcCheckCount(path, name, *ndims, len, &n)); /* the arrays sized from these lengths stay within the file's */
  PetscFunctionReturn(0);
}

/* -output_time next: the one-step pairs (u(t_j), u(t_j+1)) of the output variables, j = 0 .. nt-2,
 * pair p = s (nt - 1) + j of trajectory s. */
static PetscErrorCode LoadPairs(int nc, const char *path, int nout, char (*outputs)[64], PhynnOperatorData *d)
{
  int     nd;
  char    dn[8][NC_MAX_NAME + 1];
  size_t  len[8], n;
  double *t, *v;
  long    nt, HW, S;
  PetscFunctionBegin;
  PetscCheck(nc_inq_varid(nc, "t", &nd) == NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -output_time next: %s has no times (coordinate t)", path);
  PetscCall(PhynnNcReadDoubles(nc, path, "t", &t, &n));
  nt = (long)n;
  PetscCheck(nt >= 2, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -output_time next: %s holds %ld time(s); a step needs two", path, nt);
  for (int k = 0; k < nout; k++) {
    int var;
    PetscCheck(nc_inq_varid(nc, outputs[k], &var) == NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s has no variable '%s' (option -output)", path, outputs[k]);
    PetscCall(VarDims(nc, path, outputs[k], &nd, dn, len));
    PetscCheck((nd == 3 || nd == 4) && !strcmp(dn[0], "sample") && !strcmp(dn[1], "t") && !strcmp(dn[nd - 1], "x"), PETSC_COMM_SELF, PHYNN_ERR_INPUT,
               "option -output_time next: %s: '%s' is not a family's field of (sample, t, x) or (sample, t, y, x)", path, outputs[k]);
    /* the fields are copied by the t coordinate's length: the time dimension must be that long */
    PetscCheck((long)len[1] == nt, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -output_time next: %s: '%s' has %zu times but the coordinate t has %ld; the file is damaged", path, outputs[k], len[1], nt);
    if (k == 0) d->ntraj = (long)len[0], d->H = nd == 4 ? (long)len[2] : 1, d->W = (long)len[nd - 1];
    PetscCheck(d->ntraj >= 1 && d->H >= 1 && d->W >= 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: output '%s' is empty (%ld trajectories of %ld x %ld points)", path, outputs[k], d->ntraj, d->H, d->W);
    PetscCheck((long)len[0] == d->ntraj && (nd == 4 ? (long)len[2] : 1) == d->H && (long)len[nd - 1] == d->W, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: outputs '%s' and '%s' are on different grids", path, outputs[0], outputs[k]);
  }
  S = d->ntraj, HW = d->H * d->W;
  d->steps = nt - 1, d->nsamples = S * d->steps, d->cin = d->cout = nout, d->ntimes = 1;
  PetscCall(PetscMalloc3(d->nsamples * d->cin * HW, &d->in, d->nsamples * d->cout * HW, &d->out, 1, &d->times));
  d->times[0] = t[1] - t[0]; /* the step */
  for (long j = 1; j + 1 < nt; j++)
    PetscCheck(fabs(t[j + 1] - t[j] - d->times[0]) <= 1e-9 * PetscMax(1.0, fabs(t[j])), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -output_time next: the times of %s are not equally spaced (t_%ld - t_%ld differs)", path, j + 1, j);
  for (int k = 0; k < nout; k++) {
    PetscCall(PhynnNcReadDoubles(nc, path, outputs[k], &v, &n));
    for (long s2 = 0; s2 < S; s2++)
      for (long j = 0; j + 1 < nt; j++) {
        long p = s2 * (nt - 1) + j;
        PetscCall(PetscArraycpy(d->in + (p * nout + k) * HW, v + (s2 * nt + j) * HW, HW));
        PetscCall(PetscArraycpy(d->out + (p * nout + k) * HW, v + (s2 * nt + j + 1) * HW, HW));
      }
    PetscCall(PetscFree(v));
  }
  PetscCall(PetscFree(t));
  PetscFunctionReturn(0);
}

/* Rank 0's part: reads every array. */
static PetscErrorCode LoadSerial(const char *path, int nin, char (*inputs)[64], int nout, char (*outputs)[64], const char *output_time, PhynnOperatorData *d)
{
  int    nc, nd;
  char   dn[8][NC_MAX_NAME + 1], bc[256] = "";
  size_t len[8], n;
  double *t = NULL, *v;
  long   nt = 1, sel = 0, HW;

  PetscFunctionBegin;
  PetscCall(PhynnNcOpen(path, &nc));
  if (!strcmp(output_time, "next")) PetscCall(LoadPairs(nc, path, nout, outputs, d));
  else d->steps = 1;
  /* the inputs fix the layout: (sample, x) or (sample, y, x) */
  for (int k = 0; !d->ntraj && k < nin; k++) {
    int var;
    PetscCheck(nc_inq_varid(nc, inputs[k], &var) == NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s has no variable '%s' (option -input); a family file from phynn solve heat|nls -nsamples N has u0 or h0_re,h0_im", path, inputs[k]);
    PetscCall(VarDims(nc, path, inputs[k], &nd, dn, len));
    PetscCheck((nd == 2 || nd == 3) && !strcmp(dn[0], "sample") && !strcmp(dn[nd - 1], "x"), PETSC_COMM_SELF, PHYNN_ERR_INPUT,
               "%s: input '%s' is not a family's function of (sample, x) or (sample, y, x); is this a family file (phynn solve ... -nsamples N)?", path, inputs[k]);
    if (k == 0) {
      d->nsamples = (long)len[0];
      d->H        = nd == 3 ? (long)len[1] : 1;
      d->W        = (long)len[nd - 1];
    }
    PetscCheck((long)len[0] == d->nsamples && (nd == 3 ? (long)len[1] : 1) == d->H && (long)len[nd - 1] == d->W, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: inputs '%s' and '%s' are on different grids", path, inputs[0], inputs[k]);
  }
  PetscCheck(d->ntraj || (d->nsamples >= 1 && d->H >= 1 && d->W >= 1), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: input '%s' is empty (%ld samples of %ld x %ld points)", path, inputs[0], d->nsamples, d->H, d->W);
  HW = d->H * d->W;
  if (d->ntraj) goto coordinates; /* -output_time next: LoadPairs read the fields */
  d->ntraj = d->nsamples;
  /* the output time */
  if (nc_inq_varid(nc, "t", &nd) == NC_NOERR) {
    PetscCall(PhynnNcReadDoubles(nc, path, "t", &t, &n));
    nt = (long)n;
  }
  d->cin = nin;
  for (int k = 0; k < nout; k++) {
    int var, timed;
    PetscCheck(nc_inq_varid(nc, outputs[k], &var) == NC_NOERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s has no variable '%s' (option -output); a heat family has u, an NLS family h_re,h_im", path, outputs[k]);
    PetscCall(VarDims(nc, path, outputs[k], &nd, dn, len));
    timed = nd >= 2 && !strcmp(dn[1], "t");
    PetscCheck(nd >= 2 && !strcmp(dn[0], "sample") && (long)len[0] == d->nsamples, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: output '%s' is not a function of the same samples as input '%s'", path, outputs[k], inputs[0]);
    PetscCheck(nd - timed == (d->H > 1 ? 3 : 2) && (long)len[nd - 1] == d->W && (d->H == 1 || (long)len[nd - 2] == d->H), PETSC_COMM_SELF, PHYNN_ERR_INPUT,
               "%s: output '%s' is not on the grid of input '%s' (%ld x %ld); inputs and outputs must share the grid", path, outputs[k], inputs[0], d->H, d->W);
    PetscCheck(!timed || (t && (long)len[1] == nt), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: output '%s' has %zu times but the coordinate t has %ld; the file is damaged", path, outputs[k], len[1], t ? nt : 0);
    if (k == 0) {
      if (!timed || !strcmp(output_time, "last")) d->ntimes = 1, sel = timed ? nt - 1 : 0;
      else if (!strcmp(output_time, "all")) d->ntimes = nt, sel = -1;
      else {
        char  *end;
        double T = strtod(output_time, &end);
        PetscCheck(*end == '\0' && isfinite(T), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -output_time: '%s' is not a number, last or all", output_time);
        sel = -1;
        for (long j = 0; j < nt; j++)
          if (fabs(t[j] - T) <= 1e-9 * PetscMax(1.0, fabs(T))) sel = j;
        PetscCheck(sel >= 0, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -output_time: %s holds no time %g (its %ld times run from %g to %g); give one of them, last or all", path, T, nt, t[0], t[nt - 1]);
        d->ntimes = 1;
      }
      d->cout = nout * d->ntimes;
      PetscCall(PetscMalloc3(d->nsamples * d->cin * HW, &d->in, d->nsamples * d->cout * HW, &d->out, d->ntimes, &d->times));
      for (long j = 0; j < d->ntimes; j++) d->times[j] = t ? t[sel >= 0 ? sel : j] : 0;
    }
    PetscCheck(timed || d->ntimes == 1, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: output '%s' has no time dimension, so -output_time all does not apply", path, outputs[k]);
    PetscCall(PhynnNcReadDoubles(nc, path, outputs[k], &v, &n));
    for (long s = 0; s < d->nsamples; s++)
      for (long j = 0; j < d->ntimes; j++) {
        long src = timed ? (sel >= 0 ? sel : j) : 0, ntv = timed ? nt : 1;
        PetscCall(PetscArraycpy(d->out + ((s * d->cout) + j * nout + k) * HW, v + (s * ntv + src) * HW, HW));
      }
    PetscCall(PetscFree(v));
  }
  for (int k = 0; k < nin; k++) {
    PetscCall(PhynnNcReadDoubles(nc, path, inputs[k], &v, &n));
    for (long s = 0; s < d->nsamples; s++) PetscCall(PetscArraycpy(d->in + (s * d->cin + k) * HW, v + s * HW, HW));
    PetscCall(PetscFree(v));
  }
coordinates:
  PetscCall(PhynnNcReadDoubles(nc, path, "x", &d->x, &n));
  PetscCheck((long)n == d->W, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "%s: coordinate x has %zu values for a grid of %ld", path, n, d->W);
  if (nc_get_att_double(nc, NC_GLOBAL, "xmin", &d->xmin) != NC_NOERR) d->xmin = d->x[0];
  if (nc_get_att_double(nc, NC_GLOBAL, "xmax", &d->xmax) != NC_NOERR) d->xmax = d->x[d->W - 1];
  {
    size_t alen;
    if (nc_inq_attlen(nc, NC_GLOBAL, "boundary_condition", &alen) == NC_NOERR && alen < sizeof(bc)) PetscCall(PhynnNcGetText(nc, path, NC_GLOBAL, "boundary_condition", bc, sizeof(bc)));
  }
  d->periodic = !strncmp(bc, "periodic", 8) ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(PetscFree(t));
  PhynnNcCall(path, nc_close(nc));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOperatorDataLoad(MPI_Comm comm, const char *path, int nin, char (*inputs)[64], int nout, char (*outputs)[64], const char *output_time, PhynnOperatorData *d)
{
  PetscErrorCode ierr = 0;
  long           hdr[8];
  double         dom[2];
  PetscFunctionBegin;
  PetscCall(PetscMemzero(d, sizeof(*d)));
  if (PhynnRank(comm) == 0) {
    ierr = LoadSerial(path, nin, inputs, nout, outputs, output_time, d); /* printed by rank 0, which aborts the job with it */
    PetscCall(ierr);
  }
  hdr[0] = d->nsamples, hdr[1] = d->cin, hdr[2] = d->cout, hdr[3] = d->H, hdr[4] = d->W, hdr[5] = d->ntimes, hdr[6] = d->ntraj, hdr[7] = d->steps;
  PetscCallMPI(MPI_Bcast(hdr, 8, MPI_LONG, 0, comm));
  if (PhynnRank(comm) != 0) {
    d->nsamples = hdr[0], d->cin = hdr[1], d->cout = hdr[2], d->H = hdr[3], d->W = hdr[4], d->ntimes = hdr[5], d->ntraj = hdr[6], d->steps = hdr[7];
    PetscCall(PetscMalloc3(d->nsamples * d->cin * d->H * d->W, &d->in, d->nsamples * d->cout * d->H * d->W, &d->out, d->ntimes, &d->times));
    PetscCall(PetscMalloc1(d->W, &d->x));
  }
  PetscCallMPI(MPI_Bcast(d->in, (int)(d->nsamples * d->cin * d->H * d->W), MPI_DOUBLE, 0, comm));
  PetscCallMPI(MPI_Bcast(d->out, (int)(d->nsamples * d->cout * d->H * d->W), MPI_DOUBLE, 0, comm));
  PetscCallMPI(MPI_Bcast(d->times, (int)d->ntimes, MPI_DOUBLE, 0, comm));
  PetscCallMPI(MPI_Bcast(d->x, (int)d->W, MPI_DOUBLE, 0, comm));
  dom[0] = d->xmin, dom[1] = d->xmax;
  PetscCallMPI(MPI_Bcast(dom, 2, MPI_DOUBLE, 0, comm));
  d->xmin = dom[0], d->xmax = dom[1];
  {
    int per = d->periodic ? 1 : 0;
    PetscCallMPI(MPI_Bcast(&per, 1, MPI_INT, 0, comm));
    d->periodic = per ? PETSC_TRUE : PETSC_FALSE;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOperatorDataFree(PhynnOperatorData *d)
{
  PetscFunctionBegin;
  PetscCall(PetscFree3(d->in, d->out, d->times));
  PetscCall(PetscFree(d->x));
  PetscFunctionReturn(0);
}
