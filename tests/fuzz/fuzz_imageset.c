/* Fuzzes the image data reader of `phynn train autoencoder|sindy-ae`, `pca` and `validate`
 * (io/imageset.c): open, then read the first frame and, when the file has them, its derivatives
 * image_t, as the SINDy autoencoder does. */
#include "fuzz.h"
#include "phynn/imageset.h"

PetscErrorCode PhynnFuzzSetUp(void) { return 0; }

static PetscErrorCode ReadFrames(PhynnImageSet *s)
{
  double   *buf;
  PetscBool has;
  PetscFunctionBegin;
  PetscCall(PetscMalloc1(PhynnImageSetFrameSize(s), &buf));
  PetscErrorCode ierr = PhynnImageSetRead(s, "image", 0, 1, buf);
  if (!ierr) ierr = PhynnImageSetHasVar(s, "image_t", &has);
  if (!ierr && has) ierr = PhynnImageSetReadFrames(s, "image_t", 1, (long[]){s->nsamples - 1}, buf);
  PetscCall(PetscFree(buf));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnFuzzRead(const uint8_t *data, size_t size)
{
  const char    *path;
  PhynnImageSet  s;
  PetscErrorCode ierr;
  PetscCall(PhynnFuzzFile(data, size, ".nc", &path));
  ierr = PhynnImageSetOpen(PETSC_COMM_SELF, path, "image", &s);
  if (!ierr) ierr = ReadFrames(&s);
  PetscCall(PhynnImageSetClose(&s));
  return ierr;
}
