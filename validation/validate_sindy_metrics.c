/* The numbers of a SINDy-autoencoder validation (validate_sindy_impl.h), trajectory by trajectory
 * (memory: one trajectory's frames at a time):
 *
 *   1. The loss graph of training (PhynnSindyAEGraph, src/sindy_ae.c), forward only, over chunks
 *      of frames with the inputs x, x_t, x_tt, one, zero set as train sindy-ae's batches do: its
 *      nodes give x~ = recon, x~'' = recon_deriv (the decoder seeded with [z; z'; Theta Xi^T]), the
 *      encoder's z, z', z'' and the law's Theta(z, z') Xi^T, from which Champion's sums.
 *   2. The law integrated from the encoded state of the trajectory's first frame (z, and z' for
 *      order 2) at the frames' times (PhynnSindySimulate), the simulated z decoded by the decoder
 *      block (applied in the same graph to an input of latent codes) and compared with the frames.
 *   3. The period of the law from the same state (PhynnSindyMeasurePeriod) against the pendulum's. */
#include <math.h>
#include <string.h>

#include "validate_sindy_impl.h"

#define CHUNK 64 /* frames per forward */

typedef struct {
  PhynnGraph g;
  int        zin, dsim, root;
  double    *xb[3], *ones, *zeros, *zbuf;
} Eval;

static PetscErrorCode EvalCreate(PhynnModel m, PhynnSindyValidation *v, Eval *e)
{
  int terms[3];
  double w[3] = {1, 1, 1};
  PetscFunctionBegin;
  PetscCall(PhynnGraphCreate(PETSC_COMM_SELF, &e->g));
  PetscCall(PhynnModelSetUp(m, e->g, NULL));
  PetscCall(PhynnSindyAEGraph(m, e->g, &v->ae));
  PetscCall(PhynnGraphInput(e->g, "z_sim", v->L, &e->zin));
  PetscCall(PhynnModelApplyBlock(m, e->g, v->ae.decoder, &e->zin, NULL, &e->dsim));
  for (int k = 0; k < 3; k++) terms[k] = v->ae.term[k];
  PetscCall(PhynnGraphWeightedSum(e->g, 3, terms, w, &e->root));
  PetscCall(PhynnGraphSetUp(e->g));
  PetscCall(PhynnGraphSetTraining(e->g, PETSC_FALSE));
  PetscCall(PhynnModelSetWeights(m, e->g));
  for (int k = 0; k < 3; k++) PetscCall(PetscMalloc1(CHUNK * v->F, &e->xb[k]));
  PetscCall(PetscMalloc3(CHUNK, &e->ones, v->L * v->nterms, &e->zeros, CHUNK * v->L, &e->zbuf));
  for (int i = 0; i < CHUNK; i++) e->ones[i] = 1;
  PetscCall(PetscArrayzero(e->zeros, v->L * v->nterms));
  PetscFunctionReturn(0);
}

static PetscErrorCode EvalDestroy(PhynnModel m, Eval *e)
{
  PetscFunctionBegin;
  for (int k = 0; k < 3; k++) PetscCall(PetscFree(e->xb[k]));
  PetscCall(PetscFree3(e->ones, e->zeros, e->zbuf));
  if (e->g) PetscCall(PhynnModelRelease(m, e->g));
  PetscCall(PhynnGraphDestroy(&e->g));
  PetscFunctionReturn(0);
}

static PetscErrorCode Value(PhynnGraph g, int node, const double **val)
{
  PhynnShape shape;
  PetscFunctionBegin;
  PetscCall(PhynnGraphValue(g, node, val, &shape));
  PetscFunctionReturn(0);
}

/* Champion's sums: numerator and denominator of rel_sq[x], rel_sq[x_tt], rel_sq[z_tt], rel_sq[sim]. */
typedef struct {
  double num[4], den[4];
} Sums;

static int ShowIndex(const PhynnSindyValidation *v, long frame)
{
  for (int j = 0; j < v->nshow; j++)
    if (v->show[j] == frame) return j;
  return -1;
}

/* Pass 1 over one trajectory: the graph on its frames (X: count F, already read). */
static PetscErrorCode Encode(PhynnSindyValidation *v, Eval *e, const PhynnSindyTraj *tr, const double *X, Sums *s)
{
  const long F = v->F, L = v->L;
  PetscFunctionBegin;
  for (long k = 0; k < tr->count; k += CHUNK) {
    long          nb = PetscMin(CHUNK, tr->count - k), f0 = tr->first + k;
    int           inputs[3] = {v->ae.x, v->ae.x_t, v->ae.x_tt};
    const double *rec, *recd, *z, *zt, *zhi, *model, *xd;
    PetscCall(PetscArraycpy(e->xb[0], X + k * F, nb * F));
    PetscCall(PhynnSindyReadFrames(v, v->var_t, f0, nb, e->xb[1]));
    if (v->order == 2) PetscCall(PhynnSindyReadFrames(v, v->var_tt, f0, nb, e->xb[2]));
    for (int q = 0; q <= v->order; q++) PetscCall(PhynnGraphSetInput(e->g, inputs[q], nb, e->xb[q]));
    if (v->ae.one >= 0) PetscCall(PhynnGraphSetInput(e->g, v->ae.one, nb, e->ones));
    PetscCall(PhynnGraphSetInput(e->g, v->ae.zero, L, e->zeros));
    PetscCall(PhynnGraphForward(e->g, e->root));
    PetscCall(Value(e->g, v->ae.recon, &rec));
    PetscCall(Value(e->g, v->ae.recon_deriv, &recd));
    PetscCall(Value(e->g, v->ae.z, &z));
    PetscCall(Value(e->g, v->ae.z_t, &zt));
    PetscCall(Value(e->g, v->order == 2 ? v->ae.z_tt : v->ae.z_t, &zhi));
    PetscCall(Value(e->g, v->ae.model, &model));
    xd = e->xb[v->order]; /* x'' (order 2) or x' */
    for (long i = 0; i < nb; i++) {
      long   f  = f0 + i;
      double se = 0;
      int    sh = ShowIndex(v, f);
      for (long p = 0; p < F; p++) {
        double x = e->xb[0][i * F + p], r = rec[i * F + p], d = xd[i * F + p], rd = recd[i * F + p];
        se += (x - r) * (x - r);
        s->den[0] += x * x;
        s->num[1] += (d - rd) * (d - rd);
        s->den[1] += d * d;
      }
      s->num[0] += se;
      for (long j = 0; j < L; j++) {
        double a = zhi[i * L + j], b = model[i * L + j];
        s->num[2] += (a - b) * (a - b);
        s->den[2] += a * a;
        v->z[f * L + j]  = z[i * L + j];
        v->dz[f * L + j] = zt[i * L + j];
      }
      v->mse_recon[f] = se / (double)F;
      if (sh >= 0) {
        PetscCall(PetscArraycpy(v->show_x + sh * F, e->xb[0] + i * F, F));
        PetscCall(PetscArraycpy(v->show_recon + sh * F, rec + i * F, F));
        PetscCall(PetscArraycpy(v->show_xd + sh * F, xd + i * F, F));
        PetscCall(PetscArraycpy(v->show_recond + sh * F, recd + i * F, F));
      }
    }
  }
  PetscFunctionReturn(0);
}

/* Pass 2: the simulated latent trajectory through the decoder, against the frames X. */
static PetscErrorCode DecodeSimulation(PhynnSindyValidation *v, Eval *e, PhynnSindyTraj *tr, const double *X, Sums *s)
{
  const long F = v->F, L = v->L;
  double     num = 0, den = 0, mse = 0, mrec = 0;
  PetscFunctionBegin;
  for (long k = 0; k < tr->count; k += CHUNK) {
    long          nb = PetscMin(CHUNK, tr->count - k), f0 = tr->first + k;
    const double *dec;
    for (long i = 0; i < nb; i++)
      for (long j = 0; j < L; j++) e->zbuf[i * L + j] = v->zsim[(f0 + i) * v->nvars + j];
    PetscCall(PhynnGraphSetInput(e->g, e->zin, nb, e->zbuf));
    PetscCall(PhynnGraphForward(e->g, e->dsim));
    PetscCall(Value(e->g, e->dsim, &dec));
    for (long i = 0; i < nb; i++) {
      long   f  = f0 + i;
      double se = 0, sx = 0;
      int    sh = ShowIndex(v, f);
      for (long p = 0; p < F; p++) {
        double x = X[(k + i) * F + p], r = dec[i * F + p];
        se += (x - r) * (x - r);
        sx += x * x;
      }
      num += se;
      den += sx;
      v->mse_sim[f] = se / (double)F;
      mse += v->mse_sim[f];
      mrec += v->mse_recon[f];
      if (sh >= 0) PetscCall(PetscArraycpy(v->show_sim + sh * F, dec + i * F, F));
    }
  }
  s->num[3] += num;
  s->den[3] += den;
  tr->rel_sq_sim     = den > 0 ? num / den : (num > 0 ? INFINITY : 0);
  tr->mse_sim_mean   = mse / (double)tr->count;
  tr->mse_recon_mean = mrec / (double)tr->count;
  tr->mse_sim_last   = v->mse_sim[tr->first + tr->count - 1];
  PetscFunctionReturn(0);
}

static double Ratio(double num, double den) { return den > 0 ? num / den : (num > 0 ? INFINITY : (num == 0 ? 0.0 : NAN)); }

PetscErrorCode PhynnSindyCompute(PhynnModel m, PhynnSindyValidation *v)
{
  Eval           e = {0};
  Sums           s;
  double        *X = NULL;
  long           maxc = 0;
  PetscErrorCode ierr = 0;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&s, sizeof(s)));
  for (long a = 0; a < v->ntraj; a++) maxc = PetscMax(maxc, v->traj[a].count);
  PetscCall(PetscMalloc5(v->n * v->L, &v->z, v->n * v->L, &v->dz, v->n * v->nvars, &v->zsim, v->n, &v->mse_recon, v->n, &v->mse_sim));
  PetscCall(PetscMalloc5(PHYNN_SINDY_SHOW * v->F, &v->show_x, PHYNN_SINDY_SHOW * v->F, &v->show_recon, PHYNN_SINDY_SHOW * v->F, &v->show_sim, PHYNN_SINDY_SHOW * v->F, &v->show_xd, PHYNN_SINDY_SHOW * v->F, &v->show_recond));
  PetscCall(PetscMalloc1(maxc * v->F, &X));
  ierr = EvalCreate(m, v, &e);
  for (long a = 0; !ierr && a < v->ntraj; a++) {
    PhynnSindyTraj *tr = &v->traj[a];
    double          horizon, max_step;
    ierr = PhynnSindyReadFrames(v, v->var, tr->first, tr->count, X);
    if (!ierr) ierr = Encode(v, &e, tr, X, &s);
    if (ierr) break;
    for (int j = 0; j < v->L; j++) {
      tr->y0[j] = v->z[tr->first * v->L + j];
      if (v->order == 2) tr->y0[v->L + j] = v->dz[tr->first * v->L + j];
    }
    ierr = PhynnSindySimulate(v->lib, v->xi, tr->y0, tr->count, v->t + tr->first, v->zsim + tr->first * v->nvars, &tr->sim);
    if (!ierr) ierr = DecodeSimulation(v, &e, tr, X, &s);
    if (ierr) break;
    horizon  = PHYNN_SINDY_SPAN * PetscMax(tr->t1 - tr->t0, isfinite(tr->true_period) ? tr->true_period : 0);
    max_step = (tr->t1 - tr->t0) / (double)(tr->count - 1);
    ierr     = PhynnSindyMeasurePeriod(v->lib, v->xi, tr->y0, horizon, max_step, PHYNN_SINDY_PERIODS, &tr->per);
    if (ierr) break;
    tr->period_rel = tr->period_err = NAN;
    if (tr->swings && tr->per.status == PHYNN_SINDY_OSC_YES) {
      tr->period_rel = (tr->per.period - tr->true_period) / tr->true_period;
      tr->period_err = fabs(tr->period_rel);
    }
  }
  PetscCall(EvalDestroy(m, &e));
  PetscCall(PetscFree(X));
  PetscCall(ierr);
  for (int k = 0; k < 4; k++) v->rel_sq[k] = Ratio(s.num[k], s.den[k]);
  PetscFunctionReturn(0);
}
