/* The Fourier layer's spectral convolution (Li et al.'s FNO), over the last one or two dimensions
 * of images x (N, IC, H, W): 1-D signals are H = 1 (docs/operators.md has the derivation).
 *
 *   V   = s r2c(x)                 FFTW r2c over (H, W): H x (W/2 + 1) bins per channel
 *   Y_o = sum_i R[m, i, o] V_i     for the kept bins m, 0 for the others
 *   y   = s c2r(Sym Y)             s = 1/sqrt(H W) on both sides ("ortho"), so s^2 = 1/(H W)
 *
 * Kept bins: columns kw = 0 .. KW-1 (KW <= W/2 + 1) and, for H > 1, rows kh = 0 .. KH-1 and
 * H-KH .. H-1 (the lowest positive and negative frequencies, 2 KH <= H); for H = 1 the one row.
 * M = rows kept x KW modes; R is a complex parameter (rows kept, KW, IC, OC): per mode an IC x OC
 * complex matrix, so each mode is one ZGEMM over the batch, (N, IC) x (IC, OC).
 *
 * c2r is a real linear map only on Hermitian spectra. Sym makes columns 0 and W/2 Hermitian along
 * H, X[kh] <- (X[kh] + conj X[-kh]) / 2: then FFTW's 2-D c2r equals the separable inverse
 * "complex inverse DFT over H, then the real part of a 1-D c2r over W" that PyTorch's irfft2
 * computes, and for H = 1 Sym zeroes Im X at bins 0 and W/2, which a 1-D c2r ignores anyway.
 *
 * Backward (g = dL/dy; c_kw = 1 for kw = 0 and kw = W/2, else 2, the weight of a bin in the real
 * signal; complex gradients are dRe + i dIm):
 *   G     = s c_kw r2c(g)          at the kept bins (the adjoint of c2r doubles interior bins)
 *   dR    = sum_batch conj(V) G    per mode: ZGEMM V^H G
 *   dV    = G R^H                  per mode: ZGEMM
 *   dx    = s c2r(Sym dV / c_kw)   (the adjoint of r2c halves interior bins; it is not the inverse
 *                                  FFT: no 1/(H W))
 * The layer is linear in x with no bias, so a jet's K blocks of N images pass through as K N
 * images (src/op_jet.c). FFTW plans are made with FFTW_ESTIMATE | FFTW_UNALIGNED once per batch
 * size (ALLOC) and run with the new-array execute calls, since node values move. */
#include <cblas.h>
#include <complex.h>
#include <fftw3.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "graph_impl.h"

typedef struct {
  long           kh, kw;            /* KH (0 when H = 1: the single row) and KW */
  long           rows;              /* rows kept: 1 or 2 KH */
  long           batch;             /* the N the plans and buffers are for (-1: none) */
  fftw_plan      fwd_in, inv_in;    /* r2c / c2r over N IC signals */
  fftw_plan      fwd_out, inv_out;  /* over N OC signals */
  fftw_complex  *spec;              /* N max(IC, OC) H (W/2 + 1) bins */
  double complex *vk, *gk, *dvk;    /* kept modes: (M, N, IC) inputs, (M, N, OC) output gradients, (M, N, IC) */
  double        *tmp;               /* N IC H W reals: dx before it is added */
} SpectralCtx;

static PetscErrorCode DestroyPlans(SpectralCtx *c)
{
  PetscFunctionBegin;
  if (c->fwd_in) fftw_destroy_plan(c->fwd_in);
  if (c->inv_in) fftw_destroy_plan(c->inv_in);
  if (c->fwd_out) fftw_destroy_plan(c->fwd_out);
  if (c->inv_out) fftw_destroy_plan(c->inv_out);
  c->fwd_in = c->inv_in = c->fwd_out = c->inv_out = NULL;
  fftw_free(c->spec);
  c->spec = NULL;
  PetscCall(PetscFree4(c->vk, c->gk, c->dvk, c->tmp));
  PetscFunctionReturn(0);
}

/* Row kh of the spectrum that kept row r stands for. */
static inline long KeptRow(const SpectralCtx *c, long H, long r) { return H == 1 ? 0 : (r < c->kh ? r : H - 2 * c->kh + r); }
/* c_kw: 1 for the bins a real signal has once (0 and W/2), 2 for the others. */
static inline double BinWeight(long W, long kw) { return kw == 0 || (W % 2 == 0 && kw == W / 2) ? 1.0 : 2.0; }

/* Sym on columns 0 and W/2 of each of `count` spectra (H, Wh). */
static void Symmetrize(fftw_complex *spec, long count, long H, long W)
{
  const long Wh = W / 2 + 1;
  for (long s = 0; s < count; s++)
    for (int k = 0; k < (W % 2 == 0 ? 2 : 1); k++) {
      long col = k ? W / 2 : 0;
      for (long a = 0; a <= H / 2; a++) {
        long           b  = (H - a) % H;
        double complex *xa = (double complex *)&spec[(s * H + a) * Wh + col], *xb = (double complex *)&spec[(s * H + b) * Wh + col];
        double complex m  = 0.5 * (*xa + conj(*xb));
        *xa               = m;
        *xb               = conj(m);
      }
    }
}

static PetscErrorCode Plans(SpectralCtx *c, long N, long IC, long OC, long H, long W)
{
  const long Wh = W / 2 + 1, C = IC > OC ? IC : OC;
  int        dims[2] = {(int)H, (int)W}, rank = H == 1 ? 1 : 2, *d = H == 1 ? dims + 1 : dims;
  int        rdist = (int)(H * W), cdist = (int)(H * Wh);
  unsigned   flags = FFTW_ESTIMATE | FFTW_UNALIGNED;
  double    *r;
  const long M = c->rows * c->kw;

  PetscFunctionBegin;
  PetscCall(DestroyPlans(c));
  c->batch = N;
  if (N == 0) PetscFunctionReturn(0);
  c->spec = fftw_alloc_complex((size_t)(N * C * H * Wh));
  PetscCheck(c->spec, PETSC_COMM_SELF, PETSC_ERR_MEM, "spectral_conv: cannot allocate %ld spectral bins", N * C * H * Wh);
  PetscCall(PetscMalloc4(M * N * IC, &c->vk, M * N * OC, &c->gk, M * N * IC, &c->dvk, N * IC * H * W, &c->tmp));
  r = c->tmp; /* any array: FFTW_ESTIMATE does not touch it, and the plans run on others */
  c->fwd_in  = fftw_plan_many_dft_r2c(rank, d, (int)(N * IC), r, NULL, 1, rdist, c->spec, NULL, 1, cdist, flags);
  c->inv_in  = fftw_plan_many_dft_c2r(rank, d, (int)(N * IC), c->spec, NULL, 1, cdist, r, NULL, 1, rdist, flags);
  c->fwd_out = fftw_plan_many_dft_r2c(rank, d, (int)(N * OC), r, NULL, 1, rdist, c->spec, NULL, 1, cdist, flags);
  c->inv_out = fftw_plan_many_dft_c2r(rank, d, (int)(N * OC), c->spec, NULL, 1, cdist, r, NULL, 1, rdist, flags);
  PetscCheck(c->fwd_in && c->inv_in && c->fwd_out && c->inv_out, PETSC_COMM_SELF, PETSC_ERR_LIB, "spectral_conv: FFTW could not plan %ld transforms of %ld x %ld", N * C, H, W);
  PetscFunctionReturn(0);
}

/* Kept bins of `count` = N Cn spectra (H, Wh) -> out[(m N + n) Cn + ch] times scale (times c_kw if weighted). */
static void Gather(const SpectralCtx *c, const fftw_complex *spec, long N, long Cn, long H, long W, double scale, int weighted, double complex *out)
{
  const long Wh = W / 2 + 1;
  for (long r = 0; r < c->rows; r++)
    for (long q = 0; q < c->kw; q++) {
      const long   m = r * c->kw + q, kh = KeptRow(c, H, r);
      const double f = scale * (weighted ? BinWeight(W, q) : 1.0);
      for (long n = 0; n < N; n++)
        for (long ch = 0; ch < Cn; ch++) {
          out[(m * N + n) * Cn + ch] = f * *(const double complex *)&spec[((n * Cn + ch) * H + kh) * Wh + q];
        }
    }
}

/* The reverse: a zeroed spectrum with the kept bins set to in[...] times scale (divided by c_kw if weighted). */
static void Scatter(const SpectralCtx *c, const double complex *in, long N, long Cn, long H, long W, double scale, int weighted, fftw_complex *spec)
{
  const long Wh = W / 2 + 1;
  memset(spec, 0, sizeof(fftw_complex) * (size_t)(N * Cn * H * Wh));
  for (long r = 0; r < c->rows; r++)
    for (long q = 0; q < c->kw; q++) {
      const long   m = r * c->kw + q, kh = KeptRow(c, H, r);
      const double f = scale / (weighted ? BinWeight(W, q) : 1.0);
      for (long n = 0; n < N; n++)
        for (long ch = 0; ch < Cn; ch++) {
          *(double complex *)&spec[((n * Cn + ch) * H + kh) * Wh + q] = f * in[(m * N + n) * Cn + ch];
        }
    }
  Symmetrize(spec, N * Cn, H, W);
}

PetscErrorCode PhynnOpSpectralConv(PhynnGraph g, PhynnNode *n, PhynnAction action)
{
  SpectralCtx *c = (SpectralCtx *)n->ctx;
  PhynnNode   *x = PhynnIn(g, n, 0), *R = PhynnIn(g, n, 1);
  const long   N = x->shape.dim[0], IC = x->shape.dim[1], H = x->shape.dim[2], W = x->shape.dim[3];
  const long   OC = R->shape.dim[3], M = c->rows * c->kw;
  const double s = 1.0 / sqrt((double)(H * W));
  const double complex one = 1.0, zero = 0.0;

  PetscFunctionBegin;
  switch (action) {
  case PHYNN_ACTION_SHAPE:
    PetscCheck(x->shape.dtype == PHYNN_DTYPE_REAL, g->comm, PETSC_ERR_ARG_WRONG, "spectral_conv '%s': input '%s' must be real", n->name, x->name);
    PetscCheck(x->shape.ndim == 4, g->comm, PETSC_ERR_ARG_SIZ, "spectral_conv '%s': input '%s' must be images (N, C, H, W) (H = 1 for 1-D signals), not %d-dimensional", n->name, x->name, x->shape.ndim);
    PetscCheck(R->shape.ndim == 4 && R->shape.dtype == PHYNN_DTYPE_COMPLEX, g->comm, PETSC_ERR_ARG_SIZ, "spectral_conv '%s': weights '%s' must be complex (rows, KW, IC, OC)", n->name, R->name);
    PetscCheck(c->kw <= W / 2 + 1, g->comm, PETSC_ERR_ARG_SIZ, "spectral_conv '%s': %ld bins kept along a signal of %ld points, which has only %ld (W/2 + 1)", n->name, c->kw, W, W / 2 + 1);
    PetscCheck(H == 1 ? c->kh == 0 : c->kh >= 1 && 2 * c->kh <= H, g->comm, PETSC_ERR_ARG_SIZ, "spectral_conv '%s': %ld rows kept along H = %ld; keep 1 to H/2 positive and as many negative frequencies (H = 1: kh = 0, the one row)", n->name, c->kh, H);
    PetscCheck(R->shape.dim[0] == c->rows && R->shape.dim[1] == c->kw && R->shape.dim[2] == IC, g->comm, PETSC_ERR_ARG_SIZ, "spectral_conv '%s': weights '%s' are (%ld, %ld, %ld, %ld), the input needs (%ld, %ld, %ld, OC)", n->name, R->name, R->shape.dim[0], R->shape.dim[1],
               R->shape.dim[2], R->shape.dim[3], c->rows, c->kw, IC);
    PetscCheck(H * W <= INT_MAX && N * (IC > OC ? IC : OC) <= INT_MAX, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "spectral_conv '%s': sizes exceed FFTW's and BLAS's int", n->name);
    PetscCall(PhynnJetLinearShape(g, n, N));
    n->shape        = x->shape;
    n->shape.dim[1] = OC;
    break;
  case PHYNN_ACTION_ALLOC: PetscCall(Plans(c, N, IC, OC, H, W)); break;
  case PHYNN_ACTION_FORWARD: {
    const double complex *Rw = (const double complex *)R->value;
    if (N == 0) break;
    if (c->batch != N) PetscCall(Plans(c, N, IC, OC, H, W));
    fftw_execute_dft_r2c(c->fwd_in, x->value, c->spec);
    Gather(c, c->spec, N, IC, H, W, s, 0, c->vk);
    for (long m = 0; m < M; m++) /* Y[m] (N, OC) = V[m] (N, IC) R[m] (IC, OC), into gk as scratch */
      cblas_zgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)N, (int)OC, (int)IC, &one, c->vk + m * N * IC, (int)IC, Rw + m * IC * OC, (int)OC, &zero, c->gk + m * N * OC, (int)OC);
    Scatter(c, c->gk, N, OC, H, W, s, 0, c->spec);
    fftw_execute_dft_c2r(c->inv_out, c->spec, n->value);
  } break;
  case PHYNN_ACTION_BACKWARD: {
    const double complex *Rw = (const double complex *)R->value;
    double               *gx = NULL, *gR = NULL;
    int                   owx = 0, owR = 0;
    if (N == 0) break;
    fftw_execute_dft_r2c(c->fwd_out, n->grad, c->spec);
    Gather(c, c->spec, N, OC, H, W, s, 1, c->gk);
    if (R->requires_grad) {
      PetscCall(PhynnNodeGradForWrite(g, R, &gR, &owR));
      for (long m = 0; m < M; m++) { /* dR[m] (IC, OC) (+)= V[m]^H G[m] */
        const double complex beta = owR ? 0.0 : 1.0;
        cblas_zgemm(CblasRowMajor, CblasConjTrans, CblasNoTrans, (int)IC, (int)OC, (int)N, &one, c->vk + m * N * IC, (int)IC, c->gk + m * N * OC, (int)OC, &beta, (double complex *)gR + m * IC * OC, (int)OC);
      }
    }
    if (x->requires_grad) {
      PetscCall(PhynnNodeGradForWrite(g, x, &gx, &owx));
      for (long m = 0; m < M; m++) /* dV[m] (N, IC) = G[m] (N, OC) R[m]^H */
        cblas_zgemm(CblasRowMajor, CblasNoTrans, CblasConjTrans, (int)N, (int)IC, (int)OC, &one, c->gk + m * N * OC, (int)OC, Rw + m * IC * OC, (int)OC, &zero, c->dvk + m * N * IC, (int)IC);
      Scatter(c, c->dvk, N, IC, H, W, s, 1, c->spec);
      if (owx) fftw_execute_dft_c2r(c->inv_in, c->spec, gx);
      else {
        fftw_execute_dft_c2r(c->inv_in, c->spec, c->tmp);
        PhynnAccumulate(gx, 0, N * IC * H * W, 1.0, c->tmp);
      }
    }
  } break;
  case PHYNN_ACTION_DESTROY: PetscCall(DestroyPlans(c)); break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnGraphSpectralConv(PhynnGraph g, int x, int R, long kh, long kw, const PhynnJet *jet, int *id)
{
  PhynnNode   *n;
  SpectralCtx *c;
  int          in[2] = {x, R};
  PetscFunctionBegin;
  PetscCheck(kw >= 1 && kh >= 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "spectral_conv: keep at least one bin along W (kw = %ld) and kh >= 0 (%ld)", kw, kh);
  if (jet) PetscCall(PhynnJetCheck(g->comm, jet));
  PetscCall(PhynnGraphNewNode(g, PHYNN_OP_SPECTRAL_CONV, 2, in, &n, id));
  if (jet) {
    n->jet     = *jet;
    n->has_jet = 1;
  }
  PetscCall(PhynnNodeCtx(n, sizeof(SpectralCtx), (void **)&c));
  c->kh    = kh;
  c->kw    = kw;
  c->rows  = kh > 0 ? 2 * kh : 1;
  c->batch = -1;
  PetscCall(PhynnGraphFinishNode(g, *id));
  PetscFunctionReturn(0);
}
