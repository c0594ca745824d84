/* PCA of image frames by ScaLAPACK (pca_fit.h): reading the snapshot matrix row by row onto a
 * BLACS grid, centring it, the SVD, and the model that holds the result. */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "pca_fit.h"
#include "phynn/svd.h"

/* Why each rank reads whole frames, and only its own: the snapshot matrix is short and very wide
 * (tens to thousands of frames of tens of thousands of pixels), so the BLACS grid is one column of
 * ranks (phynn/svd.h) and a rank's block-cyclic share of the matrix is a set of whole rows, i.e.
 * whole frames. Reading exactly those frames (PhynnImageSetReadFrames, a run of consecutive frames
 * per read) means no rank holds or reads more than its share, and nothing is scattered from
 * rank 0; the only communication before the SVD is the mean frame (one reduction of P doubles).
 * The other 1-D grid, 1 x ranks (pixels over ranks), keeps pdgesvd's reflectors of length P
 * local and was 15-40% faster for pdgesvd alone on 2 ranks at 30-400 x 25600 (a loaded 2-core
 * machine), but every rank would read a slice of every frame; a 2-D grid would do both. Whole
 * frames through the shared reader are the simpler contract, and the SVD of a few hundred
 * frames takes seconds either way. */
PetscErrorCode PhynnPCAFit(const PhynnImageSet *s, const char *var, long n, const long *idx, long K, PhynnPCA *pca)
{
  MPI_Comm    comm = s->comm;
  const long  P    = PhynnImageSetFrameSize(s);
  PhynnRowSvd svd;
  long       *mine;
  double     *frames, *sum, t0;
  PetscFunctionBegin;
  PetscCall(PetscMemzero(pca, sizeof(*pca)));
  pca->n = n;
  pca->P = P;
  pca->K = K;
  pca->R = PetscMin(n, P);
  PetscCheck(K * P <= INT_MAX, comm, PHYNN_ERR_INPUT, "PCA: %ld components of %ld pixels exceed one MPI message (%d doubles); ask for fewer", K, P, INT_MAX);
  t0 = PhynnTime();
  PetscCall(PhynnRowSvdCreate(comm, n, P, &svd));
  pca->nprow = svd.nprow;
  pca->nb    = svd.nb;
  PetscCall(PetscMalloc1(svd.nlocal ? svd.nlocal : 1, &mine));
  for (long l = 0; l < svd.nlocal; l++) mine[l] = idx[svd.row[l]];
  PetscCall(PetscMalloc1(svd.nlocal * P + 1, &frames));
  PetscCall(PhynnImageSetReadFrames(s, var, svd.nlocal, mine, frames));
  PetscCall(PetscFree(mine));

  /* mu = (1/n) sum_i x_i: the partial sums reduced on rank 0 and broadcast, so every rank
   * centres with the same bits */
  PetscCall(PetscCalloc1(P, &sum));
  PetscCall(PetscMalloc1(P, &pca->mean));
  for (long l = 0; l < svd.nlocal; l++)
    for (long p = 0; p < P; p++) sum[p] += frames[l * P + p];
  PetscCallMPI(MPI_Reduce(sum, pca->mean, (int)P, MPI_DOUBLE, MPI_SUM, 0, comm));
  for (long p = 0; p < P; p++) pca->mean[p] /= (double)n;
  PetscCallMPI(MPI_Bcast(pca->mean, (int)P, MPI_DOUBLE, 0, comm));
  PetscCall(PetscFree(sum));
  /* A = X - 1 mu^T, this rank's rows in ScaLAPACK's column-major local layout */
  for (long l = 0; l < svd.nlocal; l++)
    for (long p = 0; p < P; p++) svd.a[l + p * svd.lld] = frames[l * P + p] - pca->mean[p];
  PetscCall(PetscFree(frames));
  pca->read_seconds = PhynnTime() - t0;

  t0 = PhynnTime();
  PetscCall(PetscMalloc1(pca->R, &pca->sigma));
  PetscCall(PetscMalloc1(K * P, &pca->components));
  PetscErrorCode ierr = PhynnRowSvdCompute(&svd, K, pca->sigma, PhynnRank(comm) == 0 ? pca->components : NULL);
  PetscCall(PhynnRowSvdDestroy(&svd));
  PetscCall(ierr);
  /* Signs: an SVD fixes each singular vector up to sign. Make the entry of largest magnitude of
   * each component positive (scikit-learn's svd_flip on V^T), so that runs on different rank
   * counts, and LAPACK's dgesvd, give comparable components. */
  if (PhynnRank(comm) == 0)
    for (long k = 0; k < K; k++) {
      double *v = pca->components + k * P, big = 0;
      long    at = 0;
      for (long p = 0; p < P; p++)
        if (fabs(v[p]) > big) big = fabs(v[p]), at = p;
      if (v[at] < 0)
        for (long p = 0; p < P; p++) v[p] = -v[p];
    }
  PetscCallMPI(MPI_Bcast(pca->components, (int)(K * P), MPI_DOUBLE, 0, comm));
  pca->total = 0;
  for (long r = 0; r < pca->R; r++) pca->total += pca->sigma[r] * pca->sigma[r];
  PetscCheck(pca->total > 0, comm, PHYNN_ERR_INPUT, "image data %s: the %ld training frames of '%s' are all the same, so there is no variance for PCA to explain; give frames that differ", s->path, n, var);
  pca->svd_seconds = PhynnTime() - t0;
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnPCADestroy(PhynnPCA *pca)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(pca->mean));
  PetscCall(PetscFree(pca->components));
  PetscCall(PetscFree(pca->sigma));
  PetscFunctionReturn(0);
}

/* Copies src into theta at parameter `name` of the model's table, checking its size. */
static PetscErrorCode SetParam(PhynnGraph tg, double *theta, const char *name, long size, const double *src)
{
  PetscFunctionBegin;
  for (int k = 0; k < PhynnGraphParamCount(tg); k++) {
    PhynnParamInfo info;
    PetscCall(PhynnGraphParamInfo(tg, k, &info));
    if (strcmp(info.name, name)) continue;
    PetscCheck(info.ndoubles == size, PETSC_COMM_SELF, PETSC_ERR_PLIB, "PCA model: parameter %s holds %ld doubles, not %ld", name, info.ndoubles, size);
    PetscCall(PetscArraycpy(theta + info.offset, src, size));
    PetscFunctionReturn(0);
  }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_PLIB, "PCA model: no parameter %s", name);
}

PetscErrorCode PhynnPCAModel(MPI_Comm comm, const PhynnImageSet *s, const char *var, const PhynnPCA *pca, PhynnModel *m)
{
  PhynnText      t = {NULL, 0, 0};
  PhynnGraph     tg;
  double        *theta, *sv, *ev;
  long           np;
  PetscErrorCode ierr;
  PetscFunctionBegin;
  PetscCheck(strlen(var) < PHYNN_MODEL_NAME_MAX && !strpbrk(var, ", \t#;"), comm, PHYNN_ERR_INPUT,
             "-var %s: the frames' variable becomes the model's reference name, which must be shorter than %d characters without commas, spaces, '#' or ';'", var, PHYNN_MODEL_NAME_MAX);
  PetscCall(PhynnTextAppend(&t, "input image dims=%ld,%ld,%ld\n", s->C, s->H, s->W));
  PetscCall(PhynnTextAppend(&t, "pca code(image) k=%ld spectrum=%ld\n", pca->K, pca->R));
  PetscCall(PhynnTextAppend(&t, "pca_decode recon(code) dims=%ld,%ld,%ld\n", s->C, s->H, s->W));
  PetscCall(PhynnTextAppend(&t, "output code names="));
  for (long k = 0; k < pca->K; k++) PetscCall(PhynnTextAppend(&t, "%sz%ld", k ? "," : "", k + 1));
  PetscCall(PhynnTextAppend(&t, "\noutput recon ref=%s\n", var));
  PetscCall(PhynnModelCreate(comm, m));
  PetscCall(PhynnModelSetProblem(*m, "pca"));
  ierr = PhynnModelSetSpec(*m, t.s, "phynn pca");
  PetscCall(PhynnTextFree(&t));
  PetscCall(ierr);

  PetscCall(PhynnModelGetTableGraph(*m, &tg));
  PetscCall(PhynnModelGetParameterCount(*m, &np));
  PetscCall(PetscCalloc1(np, &theta));
  PetscCall(PetscMalloc2(pca->K, &sv, pca->K, &ev));
  for (long k = 0; k < pca->K; k++) {
    sv[k] = pca->sigma[k];
    ev[k] = pca->sigma[k] * pca->sigma[k] / pca->total;
  }
  PetscCall(SetParam(tg, theta, "code.mean", pca->P, pca->mean));
  PetscCall(SetParam(tg, theta, "code.components", pca->K * pca->P, pca->components));
  PetscCall(SetParam(tg, theta, "code.singular_values", pca->K, sv));
  PetscCall(SetParam(tg, theta, "code.explained_variance", pca->K, ev));
  PetscCall(SetParam(tg, theta, "code.spectrum", pca->R, pca->sigma));
  PetscCall(PhynnModelSetTheta(*m, np, theta));
  PetscCall(PetscFree2(sv, ev));
  PetscCall(PetscFree(theta));
  PetscFunctionReturn(0);
}
