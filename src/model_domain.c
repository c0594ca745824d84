/* Whether evaluation points lie inside the box [lb, ub] a point model was trained on (its input
 * scaling bounds). Outside it the network extrapolates: its values there have nothing to do with
 * the physics it learned, so phynn eval and phynn validate say so in one line instead of
 * returning them as if they were as good as the rest. */
#include <stdio.h>
#include <string.h>

#include "phynn/model.h"

/* Points this close outside a bound (relative to the box) are inside: coordinates written by a
 * solver and bounds written by a spec differ in the last digits. */
#define PHYNN_DOMAIN_SLACK 1e-9

static PetscBool Outside(const PhynnModelVar *mi, int c, double v)
{
  double slack = PHYNN_DOMAIN_SLACK * (mi->ub[c] - mi->lb[c]);
  return v < mi->lb[c] - slack || v > mi->ub[c] + slack ? PETSC_TRUE : PETSC_FALSE;
}

/* "412 of 1000 points lie outside ... (x in [-1, 1], t in [0, 1]) ..." into msg */
static void Describe(const PhynnModelVar *mi, long nout, long n, const char *what, char *msg, size_t len)
{
  size_t k = (size_t)snprintf(msg, len, "%ld of %ld %s lie outside the domain the model was trained on (", nout, n, what);
  for (int c = 0; c < mi->ncomp && k < len; c++) k += (size_t)snprintf(msg + k, len - k, "%s%s in [%g, %g]", c ? ", " : "", mi->comp[c], mi->lb[c], mi->ub[c]);
  if (k < len) snprintf(msg + k, len - k, "); the values there are extrapolation, not a solution");
}

PetscErrorCode PhynnModelOutsideDomain(PhynnModel m, long n, const double *x, char *msg, size_t len)
{
  const PhynnModelVar *mi;
  long                 nout = 0;
  PetscFunctionBegin;
  msg[0] = '\0';
  PetscCall(PhynnModelGetPointIO(m, "the domain check", &mi, NULL));
  /* lb, ub are the box only of a model that scales its inputs; others record no box */
  if (!mi->scaled || !mi->lb || !mi->ub) PetscFunctionReturn(0);
  for (long p = 0; p < n; p++) {
    PetscBool out = PETSC_FALSE;
    for (int c = 0; c < mi->ncomp; c++) out = out || Outside(mi, c, x[p * mi->ncomp + c]);
    nout += out;
  }
  if (nout) Describe(mi, nout, n, "points", msg, len);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnModelGridOutsideDomain(PhynnModel m, int ndim, const char *const *names, const long *len, const double *const *coord, char *msg, size_t mlen)
{
  const PhynnModelVar *mi;
  long                 n = 1, nin = 1; /* grid points, grid points inside */
  PetscFunctionBegin;
  msg[0] = '\0';
  PetscCall(PhynnModelGetPointIO(m, "the domain check", &mi, NULL));
  if (!mi->scaled || !mi->lb || !mi->ub) PetscFunctionReturn(0);
  for (int d = 0; d < ndim; d++) {
    long inside = len[d];
    for (int c = 0; c < mi->ncomp; c++)
      if (!strcmp(mi->comp[c], names[d])) {
        inside = 0;
        for (long i = 0; i < len[d]; i++) inside += !Outside(mi, c, coord[d][i]);
      }
    n *= len[d];
    nin *= inside; /* a grid point is inside when each of its coordinates is */
  }
  if (nin < n) Describe(mi, n - nin, n, "grid points", msg, mlen);
  PetscFunctionReturn(0);
}
