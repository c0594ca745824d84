/* phynn validate for an image model (an autoencoder, PCA): its reconstructions of the frames of a
 * data file in the image layout, on the held-out frames and on all, from the clean input and from
 * noisy inputs; its code against time and theta; optionally a PCA baseline; a report as for a
 * PINN (metrics.json, index.html with gnuplot pictures, thresholds and the exit status).
 *
 * Order of work, as for a PINN: everything that can fail on the user's input (thresholds, noise
 * levels, report directory, gnuplot, the data's variable and frame size, the split, the baseline)
 * is checked before the report directory is touched; the report is built beside it and renamed
 * onto it (validation/report_dir.c). */
#include <string.h>

#include "images_impl.h"
#include "report_impl.h"

static PetscErrorCode WriteReport(const PhynnRecord *rec, const PhynnImageValidation *v, const char *gnuplot, const char *tmpdir)
{
  char path[PETSC_MAX_PATH_LEN + 64];

  PetscFunctionBegin;
  PetscCall(PhynnImagePlots(rec, v, gnuplot, tmpdir));
  snprintf(path, sizeof(path), "%s/metrics.json", tmpdir);
  PetscCall(PhynnImageWriteJSON(v, path));
  snprintf(path, sizeof(path), "%s/index.html", tmpdir);
  PetscCall(PhynnImageWriteHTML(rec, v, path));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnValidateImages(PhynnModel m, const PhynnRecord *rec, const char *model_path, const char *data_path, const char *report_dir, const PhynnValidateOptions *opt, PhynnImageValidation *v)
{
  const char    *gnuplot = opt && opt->gnuplot && opt->gnuplot[0] ? opt->gnuplot : "gnuplot";
  const char    *var     = opt && opt->var && opt->var[0] ? opt->var : "image";
  char           dir[PETSC_MAX_PATH_LEN], tmpdir[PETSC_MAX_PATH_LEN + 32];

  PetscFunctionBegin;
  PetscCall(PhynnThresholdsParse(PETSC_COMM_SELF, opt ? opt->thresholds : NULL, PHYNN_VALIDATE_MAX_THRESHOLDS, v->th, &v->nth));
  for (int j = 0; j < v->nth; j++)
    PetscCheck((int)v->th[j].metric < PHYNN_METRIC_IMAGE_COUNT, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
               "option -threshold: %s is a metric of SINDy autoencoders (phynn train sindy-ae); an image model is judged by mae, mse, rel_l2 and max_abs", PhynnMetricNames[v->th[j].metric]);
  PetscCall(PhynnImageParseNoiseList(opt ? opt->noise : NULL, v));
  v->noise_seed = opt ? opt->noise_seed : 0;
  PetscCall(PhynnReportDirCheck(report_dir, dir, sizeof(dir)));
  PetscCall(PhynnGnuplotTerminal(gnuplot, opt ? opt->terminal : NULL, v->terminal, sizeof(v->terminal), v->image_ext, sizeof(v->image_ext)));

  /* header: what is compared with what, and where the model came from */
  PetscCall(PetscStrncpy(v->model_path, model_path ? model_path : "(in memory)", sizeof(v->model_path)));
  PetscCall(PetscStrncpy(v->data_path, data_path, sizeof(v->data_path)));
  PetscCall(PetscStrncpy(v->var, var, sizeof(v->var)));
  PetscCall(PetscStrncpy(v->problem, PhynnModelGetProblem(m), sizeof(v->problem)));
  if (opt && opt->title && opt->title[0]) PetscCall(PetscStrncpy(v->title, opt->title, sizeof(v->title)));
  else snprintf(v->title, sizeof(v->title), "Validation of %s on the frames of %s", model_path ? model_path : PhynnModelGetProblem(m), data_path);
  PhynnModelFileProvenance(model_path, v->model_version, sizeof(v->model_version), v->model_git, sizeof(v->model_git), v->model_cmd, sizeof(v->model_cmd));

  PetscCall(PhynnImageReadFrames(m, data_path, var, v));
  PetscCall(PhynnImageSplit(rec, opt, v));
  PetscCall(PhynnImagePlan(v));
  if (opt && opt->baseline && opt->baseline[0]) PetscCall(PhynnImageBaselineLoad(opt->baseline, v));

  PetscCall(PhynnImageCompute(m, v));
  PetscCall(PhynnImageLatentTheta(v));
  if (v->base.m) PetscCall(PhynnImageBaselineCompute(v));
  PetscCall(PhynnImageApplyThresholds(v));

  PetscCall(PhynnReportDirBegin(dir, tmpdir, sizeof(tmpdir)));
  PetscCall(PhynnReportDirFinish(dir, tmpdir, WriteReport(rec, v, gnuplot, tmpdir)));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnImageValidationDestroy(PhynnImageValidation *v)
{
  PetscFunctionBegin;
  PetscCall(PetscFree4(v->x, v->recon, v->code, v->t));
  PetscCall(PetscFree(v->znames));
  PetscCall(PetscFree(v->theta));
  PetscCall(PetscFree(v->held));
  PetscCall(PetscFree2(v->show_noisy, v->show_noisy_recon));
  PetscCall(PetscFree(v->lt.corr));
  PetscCall(PetscFree(v->lt.isotonic));
  PetscCall(PetscFree(v->base.mae));
  PetscCall(PhynnModelDestroy(&v->base.m));
  PetscFunctionReturn(0);
}
