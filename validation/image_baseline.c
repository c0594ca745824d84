/* A PCA model as the baseline of an image model: how many principal components does PCA need to
 * reconstruct the held-out frames as well as the model does with its latent code?
 *
 * PCA's model (phynn pca, docs/pca.md) holds the mean frame mu and K orthonormal components
 * C (K x P) as the parameters <code>.mean (1, C, H, W) and <code>.components (K, C, H, W), where
 * <code> is its `code` output's block. Truncated to the first k components it reconstructs
 *     x^_k = mu + C_k^T C_k (x - mu) = mu + sum_{j <= k} z_j c_j,   z = C (x - mu),
 * so one pass over the components gives every k at once. The parameters are read through the
 * model's own slice table (PhynnModelGetTableGraph, PhynnGraphParamInfo), not at offsets
 * guessed from a layout; that they were read right is checked by comparing x^_K with the
 * baseline model's own evaluation of its `recon` output. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "images_impl.h"
#include "phynn/modelfile.h"

/* The parameter `name` of m: its offset and size in doubles in theta, and its shape. */
static PetscErrorCode FindParam(PhynnModel m, const char *name, long *offset, long *size, PhynnShape *shape, PetscBool *found)
{
  PhynnGraph g;
  PetscFunctionBegin;
  *found = PETSC_FALSE;
  PetscCall(PhynnModelGetTableGraph(m, &g));
  for (int k = 0; k < PhynnGraphParamCount(g); k++) {
    PhynnParamInfo info;
    PetscCall(PhynnGraphParamInfo(g, k, &info));
    if (strcmp(info.name, name)) continue;
    *offset = info.offset;
    *size   = info.ndoubles;
    *shape  = info.shape;
    *found  = PETSC_TRUE;
  }
  PetscFunctionReturn(0);
}

typedef struct {
  long offset[2], K; /* mean, components */
  int  code, recon;
} PCALayout;

static PetscErrorCode Layout(PhynnImageValidation *v, PCALayout *L)
{
  PhynnImageBaseline  *b = &v->base;
  int                  nin, nout;
  const PhynnModelVar *mi, *mo;
  const char          *what[2] = {"mean", "components"};
  long                 size[2];
  PhynnShape           shape[2];

  PetscFunctionBegin;
  PetscCall(PhynnModelGetInputs(b->m, &nin, &mi));
  PetscCall(PhynnModelGetOutputs(b->m, &nout, &mo));
  L->code = L->recon = -1;
  for (int k = 0; k < nout; k++) {
    if (!strcmp(mo[k].name, "code")) L->code = k;
    if (!strcmp(mo[k].name, "recon")) L->recon = k;
  }
  PetscCheck(PhynnModelTakesImages(b->m) && L->code >= 0 && L->recon >= 0, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
             "-baseline %s is not an image model (problem %s: it needs one frame input and the outputs `code` and `recon`); give a PCA model written by phynn pca", b->path, PhynnModelGetProblem(b->m));
  PetscCheck(mi[0].shape.dim[0] == v->C && mi[0].shape.dim[1] == v->H && mi[0].shape.dim[2] == v->W, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
             "-baseline %s takes frames of %ld x %ld x %ld but the model and the data have %ld x %ld x %ld; give a PCA of the same frames", b->path, mi[0].shape.dim[0], mi[0].shape.dim[1], mi[0].shape.dim[2], v->C, v->H, v->W);
  for (int p = 0; p < 2; p++) {
    char      name[PHYNN_SPEC_NAME_MAX + 16];
    PetscBool found;
    snprintf(name, sizeof(name), "%s.%s", mo[L->code].name, what[p]);
    PetscCall(FindParam(b->m, name, &L->offset[p], &size[p], &shape[p], &found));
    PetscCheck(found, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "-baseline %s is an image model but not a PCA (it has no parameter %s); give a PCA model written by phynn pca", b->path, name);
  }
  L->K = shape[1].dim[0];
  PetscCheck(size[0] == v->F && shape[1].ndim >= 2 && L->K >= 1 && size[1] == L->K * v->F, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
             "-baseline %s: its mean has %ld values and its components %ld, but frames have %ld; the file is not a PCA of these frames", b->path, size[0], size[1], v->F);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnImageBaselineLoad(const char *path, PhynnImageValidation *v)
{
  PhynnRecord brec;
  PCALayout   L;
  char        h[64], sd[64];

  PetscFunctionBegin;
  PhynnRecordInit(&brec);
  PetscCall(PetscStrncpy(v->base.path, path, sizeof(v->base.path)));
  PetscCall(PhynnModelLoadFile(PETSC_COMM_SELF, path, &v->base.m, &brec));
  /* the baseline's own split, to say on the page whether it was fitted on the frames judged here */
  v->base.same_split = PETSC_FALSE;
  if (PhynnRecordedOption(brec.options, "holdout", h, sizeof(h)) && PhynnRecordedOption(brec.options, "seed", sd, sizeof(sd))) {
    snprintf(v->base.split, sizeof(v->base.split), "holdout %.6g, seed %s", atof(h), sd); /* 0.7, not its 17 recorded digits */
    v->base.same_split = v->split_source != PHYNN_SPLIT_NONE && atof(h) == v->holdout && strtoull(sd, NULL, 10) == v->seed ? PETSC_TRUE : PETSC_FALSE;
  } else snprintf(v->base.split, sizeof(v->base.split), "not recorded");
  PetscCall(PhynnRecordReset(&brec));
  PetscCall(Layout(v, &L));
  v->base.K = L.K;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnImageBaselineCompute(PhynnImageValidation *v)
{
  PhynnImageBaseline *b = &v->base;
  PCALayout           L;
  long                nth, F = v->F, nf = 0;
  const double       *theta, *mu, *C;
  double             *err, *r, *z, *frames, *own;
  PetscBool           all = v->nheld ? PETSC_FALSE : PETSC_TRUE; /* -holdout 0: every frame */

  PetscFunctionBegin;
  PetscCall(Layout(v, &L));
  PetscCall(PhynnModelGetTheta(b->m, &nth, &theta));
  mu = theta + L.offset[0];
  C  = theta + L.offset[1];
  PetscCall(PetscCalloc1(L.K, &err));
  PetscCall(PetscMalloc2(F, &r, L.K, &z));
  PetscCall(PetscMalloc2((all ? v->n : v->nheld) * F, &frames, (all ? v->n : v->nheld) * F, &own));
  b->check = 0;
  for (long i = 0; i < v->n; i++) {
    const double *x = v->x + i * F;
    if (!all && !v->held[i]) continue;
    PetscCall(PetscArraycpy(frames + nf * F, x, F));
    for (long k = 0; k < L.K; k++) { /* z_k = c_k . (x - mu) */
      double s = 0;
      for (long p = 0; p < F; p++) s += C[k * F + p] * (x[p] - mu[p]);
      z[k] = s;
    }
    PetscCall(PetscArraycpy(r, mu, F));
    for (long k = 0; k < L.K; k++) { /* x^_{k+1} = x^_k + z_k c_k */
      double e = 0;
      for (long p = 0; p < F; p++) {
        r[p] += z[k] * C[k * F + p];
        e += fabs(r[p] - x[p]);
      }
      err[k] += e;
    }
    PetscCall(PetscArraycpy(own + nf * F, r, F)); /* x^_K, checked below */
    nf++;
  }
  PetscCall(PetscMalloc1(L.K, &b->mae));
  for (long k = 0; k < L.K; k++) b->mae[k] = nf ? err[k] / ((double)nf * (double)F) : NAN;
  {
    double *rec;
    PetscCall(PetscMalloc1(nf * F, &rec));
    PetscCall(PhynnImageEvaluate(b->m, L.code, L.recon, nf, F, L.K, frames, rec, NULL));
    for (long q = 0; q < nf * F; q++) b->check = PetscMax(b->check, fabs(rec[q] - own[q]));
    PetscCall(PetscFree(rec));
  }
  for (int c = 0; c < v->ncomp; c++)
    if (v->comp[c].noise < 0 && v->comp[c].all == all) b->model_mae = v->comp[c].value[PHYNN_METRIC_MAE];
  b->model_latent = v->K;
  b->match        = 0;
  for (long k = L.K; k >= 1; k--)
    if (b->mae[k - 1] <= b->model_mae) b->match = k;
  PetscCall(PetscFree(err));
  PetscCall(PetscFree2(r, z));
  PetscCall(PetscFree2(frames, own));
  PetscFunctionReturn(0);
}
