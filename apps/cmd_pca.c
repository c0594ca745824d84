/* phynn pca: principal component analysis of image frames, the linear baseline of every image
 * autoencoder (docs/pca.md).
 *
 *   [mpirun -np N] phynn pca FRAMES.nc [-var image] -k K [-holdout FRACTION -seed S] [-o pca.nc]
 *
 * The training frames (all but the fraction held out by PhynnHoldoutSplit(n, FRACTION, S), the
 * same function and options as the autoencoders', so both see the same frames) form the
 * samples x pixels snapshot matrix; it is mean-centred and decomposed by ScaLAPACK's pdgesvd on a
 * BLACS grid of all ranks (apps/pca_fit.c, solvers/svd.c). The result is a phynn model of problem
 * "pca" (PhynnModelSave): input image, outputs code (z = C (x - mean), K values) and recon
 * (mean + C^T z, the frame's shape), so `eval`, `validate` and the autoencoder's tools treat it as
 * a linear autoencoder. The command ends with `key: value` lines: sizes, the singular values
 * s1..sK, the explained variance, the reconstruction error (MAE and MSE per pixel, as train
 * autoencoder prints them) on the training and the held-out frames, and the seconds taken. */
#include <math.h>
#include <string.h>

#include "commands.h"
#include "image_model_error.h"
#include "pca_fit.h"
#include "phynn/modelfile.h"
#include "phynn/ncfile.h"

/* The frame indices of the training (held = PETSC_FALSE) or held-out frames, increasing. */
static PetscErrorCode FrameList(long n, const PetscBool *heldout, PetscBool held, long *count, long **idx)
{
  PetscFunctionBegin;
  *count = 0;
  PetscCall(PetscMalloc1(n, idx));
  for (long i = 0; i < n; i++)
    if (heldout[i] == held) (*idx)[(*count)++] = i;
  PetscFunctionReturn(0);
}

static PetscErrorCode Save(MPI_Comm comm, PhynnModel m, double holdout, long seed, const char *out)
{
  PhynnRecord    rec;
  PetscErrorCode ierr = 0;
  char           v[64];
  PetscFunctionBegin;
  /* The recorded options say which frames were the training set (-holdout and -seed, read back as
   * train autoencoder's are), so they are recorded even when they were the defaults. */
  PetscCall(PetscSNPrintf(v, sizeof(v), "%.17g", holdout));
  PetscCall(PetscOptionsSetValue(NULL, "-holdout", v));
  PetscCall(PetscSNPrintf(v, sizeof(v), "%ld", seed));
  PetscCall(PetscOptionsSetValue(NULL, "-seed", v));
  PhynnRecordInit(&rec);
  rec.seed = (uint64_t)seed;
  PetscCall(PetscStrncpy(rec.optimizer, "svd", sizeof(rec.optimizer)));
  PetscCall(PhynnRecordCaptureOptions(&rec));
  if (PhynnRank(comm) == 0) ierr = PhynnModelSave(m, &rec, out);
  PetscCall(PhynnRecordReset(&rec));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnCmdPca(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args)
{
  const char   *cmd = "pca";
  char          var[64], out[PETSC_MAX_PATH_LEN];
  long          K, seed, ntrain, nheld, *train = NULL, *held = NULL;
  double        holdout, t0, explained = 0;
  PhynnImageError err_train = {0, 0, 0}, err_held = {0, 0, 0};
  PetscBool     k_set, *heldout = NULL;
  PhynnImageSet set;
  PhynnPCA      pca;
  PhynnModel    m = NULL;

  PetscFunctionBegin;
  PetscCall(PhynnOptString("var", "image", "the frames' variable in FRAMES.nc, (sample, y, x) or (sample, channel, y, x)", var, sizeof(var), NULL));
  PetscCall(PhynnOptInt("k", 0, "number of principal components K (required): 1 <= K <= the training frames", &K, &k_set));
  PetscCall(PhynnOptReal("holdout", 0.7, "fraction of the frames held out of the fit (PhynnHoldoutSplit: the same frames as train autoencoder's -holdout/-seed); 0.7 fits on 30 of 100 as the tutorial", &holdout, NULL));
  PetscCall(PhynnOptInt("seed", 7, "seed of the held-out frames", &seed, NULL));
  PetscCall(PhynnOptString("o", "pca.nc", "output model file (NetCDF; docs/pca.md)", out, sizeof(out), NULL));
  if (mode == PHYNN_OPTIONS_COLLECT || PhynnOptionsHelp()) {
    if (mode == PHYNN_OPTIONS_READ) PetscCall(PhynnOptionsCheckUnused(comm));
    PetscFunctionReturn(0);
  }

  /* ---- validate: everything that can be checked before reading the frames ---- */
  PetscCall(PhynnCommandCheckArgs(comm, cmd, "FRAMES.nc", nargs, 1, 1));
  PetscCheck(k_set, comm, PHYNN_ERR_INPUT, "no -k given; pass -k K, the number of principal components (at least 1, at most the training frames)");
  PetscCheck(K >= 1, comm, PHYNN_ERR_INPUT, "option -k: %ld components; give at least 1 (and at most the training frames)", K);
  PetscCheck(holdout >= 0 && holdout < 1, comm, PHYNN_ERR_INPUT, "option -holdout: %g is not a fraction in [0, 1); give e.g. -holdout 0.7 to fit on 30%% of the frames", holdout);
  PetscCheck(seed >= 0, comm, PHYNN_ERR_INPUT, "option -seed: %ld is negative; give an integer >= 0", seed);
  PetscCall(PhynnNcCheckWritable(comm, out));
  PetscCall(PhynnOptionsCheckUnused(comm));

  t0 = PhynnTime();
  PetscCall(PhynnImageSetOpen(comm, args[0], var, &set));
  PetscCall(PetscMalloc1(set.nsamples, &heldout));
  PetscCall(PhynnHoldoutSplit(set.nsamples, holdout, (uint64_t)seed, heldout, &ntrain));
  PetscCall(FrameList(set.nsamples, heldout, PETSC_FALSE, &ntrain, &train));
  PetscCall(FrameList(set.nsamples, heldout, PETSC_TRUE, &nheld, &held));
  PetscCheck(ntrain >= 1, comm, PHYNN_ERR_INPUT, "%s: -holdout %g holds out all %ld frames; hold out fewer", args[0], holdout, set.nsamples);
  PetscCheck(K <= ntrain, comm, PHYNN_ERR_INPUT, "option -k: %ld components but %s has only %ld training frames (%ld held out); give -k %ld or less", K, args[0], ntrain, nheld, ntrain);
  PetscCheck(K <= PhynnImageSetFrameSize(&set), comm, PHYNN_ERR_INPUT, "option -k: %ld components but the frames of %s have only %ld pixels", K, args[0], PhynnImageSetFrameSize(&set));
  /* The centred frames span at most ntrain - 1 directions: beyond that the singular values are 0
   * and the SVD's singular vectors are an arbitrary orthonormal completion. */
  if (K == ntrain)
    PetscCall(PhynnWarn(comm, "-k %ld equals the training frames: the centred frames span at most %ld directions, so component %ld (singular value ~0) is an arbitrary direction", K, ntrain - 1, K));

  /* ---- fit, model, file ---- */
  PetscCall(PhynnPCAFit(&set, var, ntrain, train, K, &pca));
  PetscCall(PhynnPCAModel(comm, &set, var, &pca, &m));
  PetscCall(Save(comm, m, holdout, seed, out));
  double seconds = PhynnTime() - t0;

  /* ---- how well the K components reconstruct the frames, through the saved model's graph ---- */
  PetscCall(PhynnImageModelError(m, &set, var, ntrain, train, &err_train));
  if (nheld) PetscCall(PhynnImageModelError(m, &set, var, nheld, held, &err_held));

  PetscCall(PhynnPrintf(comm, "k: %ld\nframes: %ld\nheldout_frames: %ld\npixels: %ld\n", K, ntrain, nheld, pca.P));
  PetscCall(PhynnPrintf(comm, "ranks: %d\nblacs_grid: %dx1\nblock: %d\n", PhynnSize(comm), pca.nprow, pca.nb));
  for (long k = 0; k < K; k++) PetscCall(PhynnPrintf(comm, "s%ld: %.17g\n", k + 1, pca.sigma[k]));
  PetscCall(PhynnPrintf(comm, "explained_variance_ratio: "));
  for (long k = 0; k < K; k++) {
    explained += pca.sigma[k] * pca.sigma[k] / pca.total;
    PetscCall(PhynnPrintf(comm, "%s%.6g", k ? "," : "", pca.sigma[k] * pca.sigma[k] / pca.total));
  }
  PetscCall(PhynnPrintf(comm, "\nexplained_variance: %.17g\n", explained));
  PetscCall(PhynnPrintf(comm, "train_mae: %.6e\ntrain_mse: %.6e\ntrain_max_error: %.6e\n", err_train.mae, err_train.mse, err_train.max));
  if (nheld) PetscCall(PhynnPrintf(comm, "heldout_mae: %.6e\nheldout_mse: %.6e\nheldout_max_error: %.6e\n", err_held.mae, err_held.mse, err_held.max));
  PetscCall(PhynnPrintf(comm, "read_seconds: %.3f\nsvd_seconds: %.3f\nseconds: %.3f\n", pca.read_seconds, pca.svd_seconds, seconds));
  PetscCall(PhynnPrintf(comm, "wrote %s\n", out));

  PetscCall(PhynnModelDestroy(&m));
  PetscCall(PhynnPCADestroy(&pca));
  PetscCall(PetscFree(train));
  PetscCall(PetscFree(held));
  PetscCall(PetscFree(heldout));
  PetscCall(PhynnImageSetClose(&set));
  PetscFunctionReturn(0);
}
