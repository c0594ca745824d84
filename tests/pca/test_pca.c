/* A model file written by `phynn pca` (on any number of ranks) against LAPACK on one rank.
 *
 *   test_pca FRAMES.nc PCA.nc HOLDOUT SEED
 *
 * The training frames are chosen again here by PhynnHoldoutSplit(n, HOLDOUT, SEED) and read with
 * the shared reader (io/imageset.c); the centred snapshot matrix goes through LAPACK's dgesvd
 * (the serial reference; ScaLAPACK's pdgesvd made the file). Checks, with their tolerances:
 *   - the mean is the mean of the training frames                          1e-14 absolute
 *   - every stored singular value (code.spectrum, all of them) is LAPACK's 1e-10 relative, or
 *     1e-14 s1 absolute below 1e-4 s1, where relative accuracy is not defined (the last singular
 *     value of a centred matrix is 0 up to rounding, eps s1)
 *   - code.singular_values are the first K of them and code.explained_variance s_k^2 / sum s^2
 *   - the components are orthonormal, C C^T = I                            1e-12
 *   - each component is LAPACK's right singular vector (up to sign) where its singular value is
 *     separated from its neighbours by 1e-3 s1 (the vector is then determined to about
 *     eps / gap), and its largest entry is positive (the sign convention)   1e-8
 *   - the model file, evaluated through the model's graph (PhynnModelEvaluate), gives
 *     code = C (x - mean) and recon = mean + C^T C (x - mean) on every frame 1e-12
 *   - a jet through the model: d code / d x_c = C[:, c], d recon / d x_c = C^T C[:, c]  1e-14
 * With another SEED the training frames differ, and the check fails (a CTest case says so). */
#include <string.h>

#include "phynn/imageset.h"
#include "phynn/modelfile.h"
#include "phynn_test.h"

void dgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, double *a, const int *lda, double *s, double *u, const int *ldu, double *vt, const int *ldvt, double *work, const int *lwork, int *info,
             size_t jobu_len, size_t jobvt_len);

typedef struct {
  const double *mean, *comp, *sv, *ev, *spec;
  long          K, R;
} Params;

static PetscErrorCode GetParams(PhynnModel m, long P, Params *p)
{
  PhynnGraph    tg;
  const double *theta;
  long          n;
  PetscFunctionBegin;
  PetscCall(PetscMemzero(p, sizeof(*p)));
  PetscCall(PhynnModelGetTableGraph(m, &tg));
  PetscCall(PhynnModelGetTheta(m, &n, &theta));
  for (int k = 0; k < PhynnGraphParamCount(tg); k++) {
    PhynnParamInfo info;
    PetscCall(PhynnGraphParamInfo(tg, k, &info));
    if (!strcmp(info.name, "code.mean")) p->mean = theta + info.offset;
    if (!strcmp(info.name, "code.components")) p->comp = theta + info.offset, p->K = info.ndoubles / P;
    if (!strcmp(info.name, "code.singular_values")) p->sv = theta + info.offset;
    if (!strcmp(info.name, "code.explained_variance")) p->ev = theta + info.offset;
    if (!strcmp(info.name, "code.spectrum")) p->spec = theta + info.offset, p->R = info.ndoubles;
  }
  PetscCheck(p->mean && p->comp && p->sv && p->ev && p->spec, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "the model lacks a pca block's parameters");
  PetscFunctionReturn(0);
}

/* LAPACK: the centred n x P matrix, row-major, is the column-major P x n matrix A^T, whose left
 * singular vectors (jobu = 'S', P x n) are A's right singular vectors. */
static PetscErrorCode Lapack(long n, long P, const double *A, double *s, double *V)
{
  int     m = (int)P, nn = (int)n, lwork = -1, info, one = 1;
  double *a, q, dummy;
  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n * P, &a));
  PetscCall(PetscArraycpy(a, A, n * P));
  dgesvd_("S", "N", &m, &nn, a, &m, s, V, &m, &dummy, &one, &q, &lwork, &info, 1, 1);
  lwork = (int)q;
  double *work;
  PetscCall(PetscMalloc1(lwork, &work));
  dgesvd_("S", "N", &m, &nn, a, &m, s, V, &m, &dummy, &one, work, &lwork, &info, 1, 1);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "dgesvd: info %d", info);
  PetscCall(PetscFree(work));
  PetscCall(PetscFree(a));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(MPI_Comm comm)
{
  int            argc;
  char         **argv;
  PhynnImageSet  set;
  PhynnModel     m;
  Params         p;
  PetscBool     *held;
  long           ntrain, N, P, *idx, *all;
  double         fraction, worst;
  PetscFunctionBegin;
  (void)comm;
  PetscCall(PetscGetArgs(&argc, &argv));
  PetscCheck(argc == 5, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "usage: test_pca FRAMES.nc PCA.nc HOLDOUT SEED");
  fraction = atof(argv[3]);
  PetscCall(PhynnImageSetOpen(PETSC_COMM_SELF, argv[1], "image", &set));
  PetscCall(PhynnModelLoadFile(PETSC_COMM_SELF, argv[2], &m, NULL));
  N = set.nsamples;
  P = PhynnImageSetFrameSize(&set);
  CHECK(!strcmp(PhynnModelGetProblem(m), "pca"), "the model's problem is '%s', not pca", PhynnModelGetProblem(m));
  PetscCall(GetParams(m, P, &p));
  printf("%s: K = %ld components, %ld singular values, frames of %ld pixels\n", argv[2], p.K, p.R, P);

  PetscCall(PetscMalloc3(N, &held, N, &idx, N, &all));
  PetscCall(PhynnHoldoutSplit(N, fraction, (uint64_t)atol(argv[4]), held, &ntrain));
  for (long i = 0, t = 0; i < N; i++) {
    all[i] = i;
    if (!held[i]) idx[t++] = i;
  }
  CHECK(p.R == PetscMin(ntrain, P), "the spectrum holds %ld singular values; %ld training frames of %ld pixels have %ld", p.R, ntrain, P, PetscMin(ntrain, P));
  double *X, *mean, *s, *V;
  PetscCall(PetscMalloc4(N * P, &X, P, &mean, ntrain, &s, ntrain * P, &V));

  /* the mean of the training frames, and the centred matrix A (ntrain x P) in V's place first */
  double *A;
  PetscCall(PetscMalloc1(ntrain * P, &A));
  PetscCall(PhynnImageSetReadFrames(&set, "image", ntrain, idx, A));
  for (long q = 0; q < P; q++) {
    mean[q] = 0;
    for (long i = 0; i < ntrain; i++) mean[q] += A[i * P + q];
    mean[q] /= (double)ntrain;
  }
  worst = 0;
  for (long q = 0; q < P; q++) worst = PetscMax(worst, fabs(p.mean[q] - mean[q]));
  CHECK_CLOSE("code.mean: max |stored - mean of the training frames|", worst, 0, 0, 1e-14);
  for (long i = 0; i < ntrain; i++)
    for (long q = 0; q < P; q++) A[i * P + q] -= mean[q];
  PetscCall(Lapack(ntrain, P, A, s, V));
  PetscCall(PetscFree(A));

  /* singular values */
  if (p.R == PetscMin(ntrain, P)) {
    double total = 0, rel = 0, abs_small = 0;
    for (long r = 0; r < p.R; r++) total += s[r] * s[r];
    for (long r = 0; r < p.R; r++) {
      double e = fabs(p.spec[r] - s[r]);
      if (s[r] >= 1e-4 * s[0]) rel = PetscMax(rel, e / s[r]);
      else abs_small = PetscMax(abs_small, e / s[0]);
    }
    printf("LAPACK dgesvd: s1 = %.17g, s%ld = %.3g\n", s[0], p.R, s[p.R - 1]);
    CHECK_CLOSE("spectrum vs LAPACK: max relative error (s >= 1e-4 s1)", rel, 0, 0, 1e-10);
    CHECK_CLOSE("spectrum vs LAPACK: max error / s1 (s < 1e-4 s1)", abs_small, 0, 0, 1e-14);
    worst = 0;
    total = 0; /* the file's own spectrum */
    for (long r = 0; r < p.R; r++) total += p.spec[r] * p.spec[r];
    for (long k = 0; k < p.K; k++) worst = PetscMax(worst, PetscMax(fabs(p.sv[k] - p.spec[k]), fabs(p.ev[k] - p.spec[k] * p.spec[k] / total)));
    CHECK_CLOSE("singular_values = spectrum[0..K), explained_variance = s^2 / sum s^2", worst, 0, 0, 1e-14);
  }

  /* components: orthonormal; LAPACK's vectors where the singular value is separated */
  worst = 0;
  for (long a = 0; a < p.K; a++)
    for (long b = 0; b < p.K; b++) {
      double d = 0;
      for (long q = 0; q < P; q++) d += p.comp[a * P + q] * p.comp[b * P + q];
      worst = PetscMax(worst, fabs(d - (a == b)));
    }
  CHECK_CLOSE("components: max |C C^T - I|", worst, 0, 0, 1e-12);
  {
    double vec = 0;
    int    compared = 0, signs = 1;
    for (long k = 0; k < p.K && k < ntrain; k++) {
      double gap = PetscMin(k > 0 ? s[k - 1] - s[k] : INFINITY, k + 1 < ntrain ? s[k] - s[k + 1] : INFINITY), ep = 0, em = 0, big = 0;
      long   at = 0;
      for (long q = 0; q < P; q++)
        if (fabs(p.comp[k * P + q]) > big) big = fabs(p.comp[k * P + q]), at = q;
      signs = signs && p.comp[k * P + at] > 0;
      if (gap < 1e-3 * s[0]) continue;
      for (long q = 0; q < P; q++) {
        ep = PetscMax(ep, fabs(p.comp[k * P + q] - V[k * P + q]));
        em = PetscMax(em, fabs(p.comp[k * P + q] + V[k * P + q]));
      }
      vec = PetscMax(vec, PetscMin(ep, em));
      compared++;
    }
    printf("%d of %ld components have a singular value gap >= 1e-3 s1\n", compared, p.K);
    CHECK(compared >= 1, "no component was compared with LAPACK");
    CHECK_CLOSE("components vs LAPACK's right singular vectors (up to sign): max error", vec, 0, 0, 1e-8);
    CHECK(signs, "a component's largest entry is negative (the sign convention makes it positive)");
  }

  /* the model evaluates to code = C (x - mean), recon = mean + C^T code, on every frame */
  {
    const double *in[1] = {X};
    double       *out[PHYNN_MODEL_MAX_VARS], ez = 0, ex = 0, *z;
    int           nout;
    const PhynnModelVar *vars;
    PetscCall(PetscMalloc1(p.K, &z));
    PetscCall(PhynnImageSetReadFrames(&set, "image", N, all, X));
    PetscCall(PhynnModelGetOutputs(m, &nout, &vars));
    CHECK(nout == 2 && !strcmp(vars[0].name, "code") && !strcmp(vars[1].name, "recon") && !strcmp(vars[1].ref[0], "image"), "outputs: code and recon (ref image)");
    PetscCall(PhynnModelEvaluate(m, N, in, NULL, out));
    for (long i = 0; i < N; i++) {
      double r;
      for (long k = 0; k < p.K; k++) {
        z[k] = 0;
        for (long q = 0; q < P; q++) z[k] += p.comp[k * P + q] * (X[i * P + q] - p.mean[q]);
        ez = PetscMax(ez, fabs(out[0][i * p.K + k] - z[k]));
      }
      for (long q = 0; q < P; q++) {
        r = p.mean[q];
        for (long k = 0; k < p.K; k++) r += p.comp[k * P + q] * z[k];
        ex = PetscMax(ex, fabs(out[1][i * P + q] - r));
      }
    }
    CHECK_CLOSE("model code vs C (x - mean), every frame: max error", ez, 0, 0, 1e-12);
    CHECK_CLOSE("model recon vs mean + C^T C (x - mean), every frame: max error", ex, 0, 0, 1e-12);
    for (int k = 0; k < nout; k++) PetscCall(PetscFree(out[k]));
    PetscCall(PetscFree(z));
  }
  /* a jet: the derivative along pixel c is column c of C, and its projection C^T C e_c */
  {
    const long    c    = P / 2 + 3;
    const double *in[1] = {X};
    double       *out[PHYNN_MODEL_MAX_VARS], ez = 0, ex = 0;
    PhynnJet      jet;
    PetscCall(PetscMemzero(&jet, sizeof(jet)));
    jet.nin      = (int)P;
    jet.nfirst   = 1;
    jet.first[0] = (int)c;
    PetscCall(PhynnModelEvaluate(m, 2, in, &jet, out));
    for (long i = 0; i < 2; i++)
      for (long k = 0; k < p.K; k++) ez = PetscMax(ez, fabs(out[0][(2 + i) * p.K + k] - p.comp[k * P + c]));
    for (long i = 0; i < 2; i++)
      for (long q = 0; q < P; q++) {
        double r = 0;
        for (long k = 0; k < p.K; k++) r += p.comp[k * P + q] * p.comp[k * P + c];
        ex = PetscMax(ex, fabs(out[1][(2 + i) * P + q] - r));
      }
    CHECK_CLOSE("jet: d code / d x_c vs C[:, c]", ez, 0, 0, 1e-14);
    CHECK_CLOSE("jet: d recon / d x_c vs C^T C[:, c]", ex, 0, 0, 1e-14);
    for (int k = 0; k < 2; k++) PetscCall(PetscFree(out[k]));
  }
  PetscCall(PetscFree4(X, mean, s, V));
  PetscCall(PetscFree3(held, idx, all));
  PetscCall(PhynnModelDestroy(&m));
  PetscCall(PhynnImageSetClose(&set));
  PetscFunctionReturn(0);
}

PHYNN_TEST_MAIN(Run)
