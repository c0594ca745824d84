/* phynn eval on an image model (autoencoder, PCA): every frame of an image data set through the
 * model, written in the image-dataset layout (docs/image-data.md), so a reconstruction file is
 * itself a data file:
 *   image(sample, y, x)       the reconstruction (the `recon` output)
 *   code(sample, latent)      the latent coordinates (the `code` output)
 *   t, theta (sample)         copied from the input file when it has them
 * Rank 0 evaluates, 16 frames at a time (PhynnModelEvaluate), as eval does for points. */
#include "eval_images.h"

#include "phynn/imageset.h"
#include "phynn/ncfile.h"

#define EVAL_FRAMES 16

PetscErrorCode PhynnEvalImageModel(PhynnModel m, const char *model_path, const char *in, const char *var, const char *out)
{
  PhynnImageSet        s;
  int                  nin, nout;
  const PhynnModelVar *mi, *mo;
  long                 F, K, R;
  double              *rec, *code, *buf;
  PhynnNcWriter        w;
  PetscFunctionBegin;
  PetscCall(PhynnModelGetInputs(m, &nin, &mi));
  PetscCall(PhynnModelGetOutputs(m, &nout, &mo));
  PetscCheck(nin == 1 && nout == 2 && !strcmp(mo[0].name, "code") && !strcmp(mo[1].name, "recon"), PETSC_COMM_SELF, PHYNN_ERR_INPUT,
             "model %s takes images but does not have the outputs `code` and `recon` of an image model", model_path);
  PetscCall(PhynnImageSetOpen(PETSC_COMM_SELF, in, var, &s));
  F = PhynnImageSetFrameSize(&s);
  PetscCheck(F == PhynnVarShapeSize(&mi[0].shape), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model %s takes frames of %ld x %ld x %ld but %s has frames of %ld x %ld x %ld", model_path, mi[0].shape.dim[0], mi[0].shape.dim[1],
             mi[0].shape.dim[2], in, s.C, s.H, s.W);
  K = PhynnVarShapeSize(&mo[0].shape);
  R = PhynnVarShapeSize(&mo[1].shape);
  PetscCheck(R == F, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "model %s: its reconstruction has %ld values per frame, its input %ld", model_path, R, F);
  PetscCall(PetscMalloc3(s.nsamples * F, &rec, s.nsamples * K, &code, EVAL_FRAMES * F, &buf));
  for (long k = 0; k < s.nsamples; k += EVAL_FRAMES) {
    long          nb = PetscMin(EVAL_FRAMES, s.nsamples - k);
    const double *inp[1] = {buf};
    double       *o[2];
    PetscCall(PhynnImageSetRead(&s, var, k, nb, buf));
    PetscCall(PhynnModelEvaluate(m, nb, inp, NULL, o));
    PetscCall(PetscArraycpy(code + k * K, o[0], nb * K));
    PetscCall(PetscArraycpy(rec + k * F, o[1], nb * F));
    PetscCall(PetscFree(o[0]));
    PetscCall(PetscFree(o[1]));
  }
  {
    PhynnImageExtra extra = {"code", "latent", "latent coordinates of the frame (the model's code output)", K, code};
    PetscErrorCode  ierr;
    PetscCall(PhynnNcCreate(out, &w));
    ierr = PhynnNcPutProvenance(&w, "phynn eval: reconstruction of image frames by an image model");
    if (!ierr) ierr = PhynnNcPutText(&w, NC_GLOBAL, "model", model_path);
    if (!ierr) ierr = PhynnNcPutText(&w, NC_GLOBAL, "model_problem", PhynnModelGetProblem(m));
    if (!ierr) ierr = PhynnNcPutText(&w, NC_GLOBAL, "source_data", in);
    if (!ierr) ierr = PhynnImageSetWrite(&w, var, s.nsamples, s.C, s.H, s.W, rec, s.t, s.theta, s.has_xy ? s.x : NULL, s.has_xy ? s.y : NULL, 1, &extra);
    if (!ierr) ierr = PhynnNcCommit(&w);
    if (ierr) PetscCall(PhynnNcDiscard(&w));
    PetscCall(ierr);
  }
  PetscCall(PhynnPrintf(PETSC_COMM_SELF, "phynn eval: %ld frame(s) of %ld x %ld x %ld through %s, latent %ld; wrote %s\n", s.nsamples, s.C, s.H, s.W, model_path, K, out));
  PetscCall(PetscFree3(rec, code, buf));
  PetscCall(PhynnImageSetClose(&s));
  PetscFunctionReturn(0);
}
