/* What a SINDy-autoencoder validation reads (validate_sindy_impl.h): the law of the model (its
 * library and the masked coefficients Xi * mask from the model's theta, the authoritative copy),
 * the /sindy group of the model file (the coefficient history and the thresholding events, written
 * by phynn train sindy-ae), and the data: the frames with their time derivatives, t (required: the
 * law is integrated over the trajectories' times), theta, omega and the attributes g, l (optional:
 * the true pendulum period), and the trajectories.
 *
 * Trajectories: runs of equal `traj` values when the file has traj(sample) (each trajectory's
 * frames contiguous, as phynn solve pendulum-images writes them: sample = traj nt + i), else a new
 * trajectory wherever t does not increase. Within a trajectory t must increase. */
#include <math.h>
#include <netcdf.h>
#include <stdlib.h>
#include <string.h>

#include "phynn/ncfile.h"
#include "validate_sindy_impl.h"

PetscErrorCode PhynnSindyReadLaw(PhynnModel m, PhynnSindyValidation *v)
{
  char          origin[PETSC_MAX_PATH_LEN + 16];
  PhynnGraph    tg;
  long          ntheta, xo = -1, mo = -1;
  const double *theta;
  size_t        used = 0;

  PetscFunctionBegin;
  snprintf(origin, sizeof(origin), "model %s", v->model_path);
  PetscCall(PhynnSindyAEFromModel(PETSC_COMM_SELF, m, origin, &v->ae));
  v->lib    = v->ae.lib;
  v->L      = v->lib->latent;
  v->order  = v->lib->order;
  v->nvars  = v->lib->nvars;
  v->nterms = v->lib->nterms;
  PetscCall(PhynnModelGetTableGraph(m, &tg));
  for (int k = 0; k < PhynnGraphParamCount(tg); k++) {
    PhynnParamInfo info;
    char           want[PHYNN_SPEC_NAME_MAX + 8];
    PetscCall(PhynnGraphParamInfo(tg, k, &info));
    snprintf(want, sizeof(want), "%s.xi", v->ae.law);
    if (!strcmp(info.name, want)) xo = info.offset;
    snprintf(want, sizeof(want), "%s.mask", v->ae.law);
    if (!strcmp(info.name, want)) mo = info.offset;
  }
  PetscCheck(xo >= 0 && mo >= 0, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model %s: the sindy block '%s' has no parameters %s.xi and %s.mask; the file is damaged", v->model_path, v->ae.law, v->ae.law, v->ae.law);
  PetscCall(PhynnModelGetTheta(m, &ntheta, &theta));
  PetscCall(PetscMalloc2(v->L * v->nterms, &v->xi, v->L * v->nterms, &v->mask));
  PetscCall(PetscMalloc1(v->nterms, &v->term_names));
  for (long i = 0; i < v->L * v->nterms; i++) {
    v->mask[i] = theta[mo + i];
    v->xi[i]   = theta[xo + i] * theta[mo + i];
  }
  for (int k = 0; k < v->nterms; k++) PhynnSindyTermName(v->lib, k, v->term_names[k], sizeof(v->term_names[k]));
  v->equation[0] = '\0';
  for (int j = 0; j < v->L; j++) {
    char eq[1024];
    PhynnSindyEquation(v->lib, v->xi, j, eq, sizeof(eq));
    int n = snprintf(v->equation + used, sizeof(v->equation) - used, "%s%s", j ? "; " : "", eq);
    if (n > 0 && (size_t)n < sizeof(v->equation) - used) used += (size_t)n;
  }
  used         = 0;
  v->nactive   = 0;
  v->active[0] = '\0';
  for (int k = 0; k < v->nterms; k++) {
    PetscBool on = PETSC_FALSE;
    for (int j = 0; j < v->L; j++) on = on || v->xi[j * v->nterms + k] != 0;
    if (!on) continue;
    int n = snprintf(v->active + used, sizeof(v->active) - used, "%s%s", v->nactive ? "," : "", v->term_names[k]);
    if (n > 0 && (size_t)n < sizeof(v->active) - used) used += (size_t)n;
    v->nactive++;
  }
  PetscFunctionReturn(0);
}

/* Reads a whole numeric variable of group gid as doubles, checking its shape; absent: *data NULL. */
static PetscErrorCode ReadGroupVar(int gid, const char *path, const char *name, int ndims, const long *want, double **data, PetscBool *present)
{
  int    vid, nd;
  size_t shape[8], n = 1;
  PetscFunctionBegin;
  *data    = NULL;
  *present = PETSC_FALSE;
  if (nc_inq_varid(gid, name, &vid) != NC_NOERR) PetscFunctionReturn(0);
  *present = PETSC_TRUE;
  PetscCall(PhynnNcVarShape(gid, path, vid, &nd, shape));
  PetscCheck(nd == ndims, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model %s: /sindy/%s has %d dimension(s), not %d; the file is damaged (phynn train sindy-ae writes it)", path, name, nd, ndims);
  for (int d = 0; d < nd; d++) {
    PetscCheck(want[d] < 0 || (long)shape[d] == want[d], PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model %s: /sindy/%s has %zu entries along dimension %d where the law has %ld; the file is damaged", path, name, shape[d], d, want[d]);
    n *= shape[d];
  }
  PetscCall(PetscMalloc1(n + 1, data));
  if (n) PhynnNcCall(path, nc_get_var_double(gid, vid, *data));
  PetscFunctionReturn(0);
}

/* The group's arrays: coefficient_history with history_iteration, threshold_iteration. */
static PetscErrorCode ReadSindyGroup(int gid, const char *path, PhynnSindyValidation *v)
{
  long      want3[3] = {-1, v->L, v->nterms}, want1 = -1;
  PetscBool has;
  int       vid, nd;
  size_t    shape[8];

  PetscFunctionBegin;
  PetscCall(ReadGroupVar(gid, path, "coefficient_history", 3, want3, &v->hist, &has));
  if (has) {
    PhynnNcCall(path, nc_inq_varid(gid, "coefficient_history", &vid));
    PetscCall(PhynnNcVarShape(gid, path, vid, &nd, shape));
    want1 = (long)shape[0];
    PetscCall(ReadGroupVar(gid, path, "history_iteration", 1, &want1, &v->hist_it, &has));
    PetscCheck(has, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model %s: /sindy has coefficient_history but no history_iteration; the file is damaged (phynn train sindy-ae writes both)", path);
    v->nhist = want1;
  }
  want1 = -1;
  PetscCall(ReadGroupVar(gid, path, "threshold_iteration", 1, &want1, &v->events, &has));
  if (has) {
    PhynnNcCall(path, nc_inq_varid(gid, "threshold_iteration", &vid));
    PetscCall(PhynnNcVarShape(gid, path, vid, &nd, shape));
    v->nevents = (long)shape[0];
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnSindyReadHistory(const char *model_path, PhynnSindyValidation *v)
{
  int            ncid, gid;
  size_t         l = 0;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  v->nhist = v->nevents   = 0;
  v->equation_recorded[0] = '\0';
  if (!model_path || nc_open(model_path, NC_NOWRITE, &ncid) != NC_NOERR) PetscFunctionReturn(0);
  if (nc_inq_grp_ncid(ncid, "sindy", &gid) != NC_NOERR) {
    nc_close(ncid);
    PetscFunctionReturn(0);
  }
  if (nc_inq_attlen(gid, NC_GLOBAL, "equation", &l) == NC_NOERR && l < sizeof(v->equation_recorded) && nc_get_att_text(gid, NC_GLOBAL, "equation", v->equation_recorded) == NC_NOERR) v->equation_recorded[l] = '\0';
  else v->equation_recorded[0] = '\0';
  ierr = ReadSindyGroup(gid, model_path, v);
  nc_close(ncid);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

static void TextAttr(int ncid, int vid, const char *name, char *value, size_t len)
{
  size_t l = 0;
  value[0] = '\0';
  if (nc_inq_attlen(ncid, vid, name, &l) == NC_NOERR && l < len && nc_get_att_text(ncid, vid, name, value) == NC_NOERR) value[l] = '\0';
  else value[0] = '\0';
}

/* A per-sample variable (n values) or NULL when the file has none of that shape. */
static PetscErrorCode PerSample(const PhynnImageSet *s, const char *name, double **data)
{
  int    vid, nd;
  size_t sh[8];
  PetscFunctionBegin;
  *data = NULL;
  if (nc_inq_varid(s->ncid, name, &vid) != NC_NOERR) PetscFunctionReturn(0);
  PetscCall(PhynnNcVarShape(s->ncid, s->path, vid, &nd, sh));
  if (nd != 1 || (long)sh[0] != s->nsamples) PetscFunctionReturn(0);
  PetscCall(PetscMalloc1(s->nsamples, data));
  PhynnNcCall(s->path, nc_get_var_double(s->ncid, vid, *data));
  PetscFunctionReturn(0);
}

static PetscErrorCode Trajectories(PhynnSindyValidation *v, const double *traj)
{
  long n = v->n, cap = 16;
  PetscFunctionBegin;
  PetscCall(PetscCalloc1(cap, &v->traj));
  v->ntraj = 0;
  for (long i = 0; i < n; i++) {
    PetscBool fresh = i == 0 || (traj ? traj[i] != traj[i - 1] : !(v->t[i] > v->t[i - 1]));
    if (fresh) {
      if (v->ntraj == cap) {
        PhynnSindyTraj *grown;
        PetscCall(PetscCalloc1(2 * cap, &grown));
        PetscCall(PetscArraycpy(grown, v->traj, cap));
        PetscCall(PetscFree(v->traj));
        v->traj = grown;
        cap *= 2;
      }
      PhynnSindyTraj *tr = &v->traj[v->ntraj++];
      tr->first          = i;
      tr->id             = traj ? traj[i] : (double)(v->ntraj - 1);
      if (traj && tr->id == floor(tr->id) && fabs(tr->id) < 1e15) snprintf(tr->name, sizeof(tr->name), "traj%.0f", tr->id);
      else if (traj) snprintf(tr->name, sizeof(tr->name), "traj%ld", v->ntraj - 1);
      else snprintf(tr->name, sizeof(tr->name), "traj%ld", v->ntraj - 1);
      tr->highlight = -1;
    } else
      PetscCheck(v->t[i] > v->t[i - 1], PETSC_COMM_SELF, PHYNN_ERR_INPUT, "data %s: t does not increase within trajectory %s (frames %ld and %ld: t = %g, %g); the law is integrated along each trajectory's times", v->data_path,
                 v->traj[v->ntraj - 1].name, i - 1, i, v->t[i - 1], v->t[i]);
    v->traj[v->ntraj - 1].count++;
  }
  for (long a = 0; a < v->ntraj; a++) {
    PhynnSindyTraj *tr = &v->traj[a];
    PetscCheck(tr->count >= 2, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "data %s: trajectory %s has a single frame (frame %ld); every trajectory needs at least 2 frames to integrate the law over", v->data_path, tr->name, tr->first);
    for (long b = 0; traj && b < a; b++)
      PetscCheck(v->traj[b].id != tr->id, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "data %s: the frames of trajectory %s are not contiguous (they start at frames %ld and %ld); store each trajectory's frames in time order, one after the other (sample = traj nt + i)",
                 v->data_path, tr->name, v->traj[b].first, tr->first);
    tr->t0 = v->t[tr->first];
    tr->t1 = v->t[tr->first + tr->count - 1];
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnSindyReadData(const char *data_path, PhynnSindyValidation *v)
{
  PhynnImageSet       *s = &v->set;
  PetscBool            has;
  double              *traj = NULL;
  PetscErrorCode       ierr;

  PetscFunctionBegin;
  PetscCall(PhynnImageSetOpen(PETSC_COMM_SELF, data_path, v->var, s));
  v->set_open = PETSC_TRUE;
  v->n        = s->nsamples;
  v->C        = s->C;
  v->H        = s->H;
  v->W        = s->W;
  v->F        = PhynnImageSetFrameSize(s);
  PetscCheck(v->F == v->ae.F, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model %s takes frames of %ld values but '%s' in %s has frames of %ld x %ld x %ld = %ld; validate it on data of its own frame size", v->model_path, v->ae.F, v->var, data_path, v->C, v->H, v->W, v->F);
  for (int k = 1; k <= v->order; k++) {
    const char *d = k == 1 ? v->var_t : v->var_tt;
    PetscCall(PhynnImageSetHasVar(s, d, &has));
    PetscCheck(has, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "data %s has no variable '%s' of the frames' shape (the %s time derivative of '%s'); the SINDy autoencoder's metrics need %s; phynn solve pendulum-images writes it", data_path, d,
               k == 1 ? "first" : "second", v->var, k == 1 ? "x' (the encoder is seeded with it)" : "x'' (a law of order 2 predicts it)");
  }
  PetscCheck(s->t, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "data %s has no t(sample); the discovered law is integrated over each trajectory's times, so the frames need their times", data_path);
  PetscCall(PetscMalloc1(v->n, &v->t));
  PetscCall(PetscArraycpy(v->t, s->t, v->n));
  if (s->theta) {
    PetscCall(PetscMalloc1(v->n, &v->theta));
    PetscCall(PetscArraycpy(v->theta, s->theta, v->n));
  }
  PetscCall(PerSample(s, "omega", &v->omega));
  PetscCall(PerSample(s, "traj", &traj));
  TextAttr(s->ncid, NC_GLOBAL, "title", v->data_title, sizeof(v->data_title));
  {
    int vid;
    if (nc_inq_varid(s->ncid, "t", &vid) == NC_NOERR) TextAttr(s->ncid, vid, "units", v->t_units, sizeof(v->t_units));
  }
  {
    char lin[16];
    TextAttr(s->ncid, NC_GLOBAL, "linear", lin, sizeof(lin));
    v->linear = !strcmp(lin, "true") ? PETSC_TRUE : PETSC_FALSE;
  }
  v->g = v->l = NAN;
  if (nc_get_att_double(s->ncid, NC_GLOBAL, "g", &v->g) != NC_NOERR) v->g = NAN;
  if (nc_get_att_double(s->ncid, NC_GLOBAL, "l", &v->l) != NC_NOERR) v->l = NAN;
  v->has_truth = v->theta && v->omega && v->g > 0 && v->l > 0 ? PETSC_TRUE : PETSC_FALSE;
  for (long i = 0; i < v->n; i++) PetscCheck(isfinite(v->t[i]), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "data %s: t of frame %ld is %g; the times must be finite", data_path, i, v->t[i]);
  ierr = Trajectories(v, traj);
  PetscCall(PetscFree(traj));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnSindyReadFrames(const PhynnSindyValidation *v, const char *var, long first, long count, double *buf)
{
  PetscFunctionBegin;
  PetscCall(PhynnImageSetRead(&v->set, var, first, count, buf));
  PetscFunctionReturn(0);
}

typedef struct {
  double amp;
  int    index;
} ByAmp;

static int CompareAmp(const void *a, const void *b)
{
  const ByAmp *x = (const ByAmp *)a, *y = (const ByAmp *)b;
  if (x->amp != y->amp) return x->amp < y->amp ? -1 : 1;
  return x->index - y->index;
}

PetscErrorCode PhynnSindyPlanTrajectories(PhynnSindyValidation *v)
{
  ByAmp *order;
  int    n = 0;

  PetscFunctionBegin;
  for (long a = 0; a < v->ntraj; a++) {
    PhynnSindyTraj *tr = &v->traj[a];
    tr->theta0 = tr->omega0 = tr->amplitude = tr->true_period = NAN;
    tr->swings = PETSC_FALSE;
    if (v->has_truth) {
      tr->theta0 = v->theta[tr->first];
      tr->omega0 = v->omega[tr->first];
      tr->swings = PhynnPendulumPeriod(v->g / v->l, v->linear, tr->theta0, tr->omega0, &tr->amplitude, &tr->true_period);
    }
  }
  /* highlighted: the smallest, middle and largest amplitude among the swinging trajectories (the
   * first, middle and last trajectory without a truth), the largest first in the array */
  PetscCall(PetscMalloc1(v->ntraj, &order));
  for (long a = 0; a < v->ntraj; a++)
    if (!v->has_truth || v->traj[a].swings) order[n++] = (ByAmp){v->has_truth ? v->traj[a].amplitude : (double)a, (int)a};
  qsort(order, (size_t)n, sizeof(*order), CompareAmp);
  v->nhighlighted = 0;
  for (int h = 0; h < PHYNN_SINDY_HIGHLIGHT; h++) v->highlighted[h] = -1;
  if (n) {
    int pick[3] = {n - 1, (n - 1) / 2, 0}, role[3] = {2, 1, 0}; /* largest, middle, smallest; without a truth: last, middle, first (5, 4, 3) */
    if (!v->has_truth) role[0] = 5, role[1] = 4, role[2] = 3;
    for (int k = 0; k < 3; k++) {
      int       idx = order[pick[k]].index;
      PetscBool dup = PETSC_FALSE;
      for (int h = 0; h < v->nhighlighted; h++) dup = dup || v->highlighted[h] == idx;
      if (dup) continue;
      v->highlighted[v->nhighlighted++] = idx;
      v->traj[idx].highlight            = role[k];
    }
  } else { /* nothing swings: the first trajectory, for the pictures */
    v->highlighted[v->nhighlighted++] = 0;
  }
  PetscCall(PetscFree(order));
  /* the pictured frames: spread over the first highlighted trajectory */
  {
    const PhynnSindyTraj *tr = &v->traj[v->highlighted[0]];
    v->nshow                 = (int)PetscMin(PHYNN_SINDY_SHOW, tr->count);
    for (int j = 0; j < v->nshow; j++) v->show[j] = tr->first + (v->nshow > 1 ? (long)floor((double)j * (double)(tr->count - 1) / (double)(v->nshow - 1) + 0.5) : 0);
  }
  PetscFunctionReturn(0);
}
