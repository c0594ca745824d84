/* Image data sets in THE image layout (docs/image-data.md): `image(sample, y, x)` or
 * `image(sample, channel, y, x)`, any numeric NetCDF type, with the optional per-sample
 * variables t, theta, omega, traj and the coordinates x, y. Only the image variable is required,
 * so frames from elsewhere (a real video) train as well as phynn's own.
 *
 *   PhynnImageSetOpen(comm, path, "image", &s);      shape and optional variables (rank 0 reads, broadcasts)
 *   PhynnImageSetRead(&s, "image", start, count, buf);  frames [start, start+count) as doubles (every rank its own)
 *   PhynnImageSetReadFrames(&s, "image", n, idx, buf);  frames idx[0..n) (any order)
 *   PhynnImageSetClose(&s);
 *
 * Readers check the frames they read: NaN or Inf is an error naming the file, the variable and
 * the frame. */
#ifndef PHYNN_IMAGESET_H
#define PHYNN_IMAGESET_H

#include "phynn/ncfile.h"
#include "phynn/random.h"

typedef struct {
  MPI_Comm comm;
  char     path[PETSC_MAX_PATH_LEN];
  char     var[64];
  int      ncid;          /* open on every rank */
  long     nsamples;      /* frames in the file */
  long     C, H, W;       /* per frame; C = 1 for (sample, y, x) */
  int      has_channel;   /* the variable is (sample, channel, y, x) */
  double  *t, *theta;     /* per sample, NULL when the file has none */
  double  *x, *y;         /* W and H pixel coordinates (pixel index when the file has none) */
  PetscBool has_xy;
} PhynnImageSet;

long PhynnImageSetFrameSize(const PhynnImageSet *s); /* C H W */
PetscErrorCode PhynnImageSetOpen(MPI_Comm comm, const char *path, const char *var, PhynnImageSet *s);
/* Whether the file has variable `var` with the image's shape (image_t, image_tt). */
PetscErrorCode PhynnImageSetHasVar(const PhynnImageSet *s, const char *var, PetscBool *has);
PetscErrorCode PhynnImageSetRead(const PhynnImageSet *s, const char *var, long start, long count, double *buf);
PetscErrorCode PhynnImageSetReadFrames(const PhynnImageSet *s, const char *var, long n, const long *idx, double *buf);
PetscErrorCode PhynnImageSetClose(PhynnImageSet *s);

/* Writing a file in the layout (rank 0 only): n frames of C x H x W, with the optional
 * per-sample t and theta (NULL to omit) and the coordinates x, y (NULL: pixel index). The file
 * holds `image` and, for nextra > 0, the further per-sample variables extra_names[e] over a
 * dimension named extra_dims[e] of length extra_len[e] (e.g. the latent code(sample, latent)).
 * The title and the writer's own attributes go through the writer w, which the caller created
 * and commits. */
typedef struct {
  const char   *name, *dim, *long_name;
  long          len;
  const double *data; /* n x len */
} PhynnImageExtra;
PetscErrorCode PhynnImageSetWrite(PhynnNcWriter *w, const char *var, long n, long C, long H, long W, const double *frames, const double *t, const double *theta, const double *x, const double *y, int nextra, const PhynnImageExtra *extra);

/* The held-out frames: a permutation of 0..n-1 drawn from (seed, PHYNN_STREAM_HOLDOUT) by sorting
 * uniform keys; the first round(fraction n) of it are held out. heldout[i] (n flags) says whether
 * frame i is; *ntrain counts the others. Every command that splits a data set (train
 * autoencoder, pca, validate) calls this, so the same seed and fraction give the same frames. */
#define PHYNN_STREAM_HOLDOUT (PHYNN_STREAM_USER + 1)
PetscErrorCode PhynnHoldoutSplit(long n, double fraction, uint64_t seed, PetscBool *heldout, long *ntrain);

#endif
