/* phynn validate for a SINDy autoencoder (problem "sindy-ae", phynn train sindy-ae): Champion's
 * relative errors on the frames of a data file, the discovered law integrated from each
 * trajectory's encoded initial state and decoded back into frames, its period against the true
 * pendulum period; a report as for the other models (metrics.json, index.html with gnuplot
 * pictures, thresholds and the exit status). validate_sindy_impl.h lists the files.
 *
 * Order of work, as for the other reports: everything that can fail on the user's input (the
 * options, thresholds, the report directory, gnuplot, the model's blocks, the data's variables,
 * frame size, times and trajectories, the threshold components) is checked before the report
 * directory is touched; the report is built beside it and renamed onto it
 * (validation/report_dir.c). */
#include <string.h>

#include "report_impl.h"
#include "validate_sindy_impl.h"

PetscBool PhynnModelIsSindyAE(PhynnModel m)
{
  const char *p = PhynnModelGetProblem(m);
  return p && !strcmp(p, "sindy-ae") ? PETSC_TRUE : PETSC_FALSE;
}

/* The image options a SINDy autoencoder does not take (-var it does). */
static PetscErrorCode CheckOptions(const PhynnValidateOptions *opt)
{
  const char *which = !opt ? NULL : opt->noise && opt->noise[0] ? "-noise" : opt->baseline && opt->baseline[0] ? "-baseline" : opt->holdout_set ? "-holdout" : opt->seed_set ? "-seed" : NULL;
  PetscFunctionBegin;
  PetscCheck(!which, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
             "option %s is for autoencoders and PCA; a SINDy autoencoder is validated on every frame of the validation trajectories (give trajectories it was not trained on), without noise or a baseline", which);
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteReport(const PhynnRecord *rec, const PhynnSindyValidation *v, const char *gnuplot, const char *tmpdir)
{
  char path[PETSC_MAX_PATH_LEN + 64];

  PetscFunctionBegin;
  PetscCall(PhynnSindyPlots(rec, v, gnuplot, tmpdir));
  snprintf(path, sizeof(path), "%s/metrics.json", tmpdir);
  PetscCall(PhynnSindyWriteJSON(v, path));
  snprintf(path, sizeof(path), "%s/index.html", tmpdir);
  PetscCall(PhynnSindyWriteHTML(rec, v, path));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnValidateSindy(PhynnModel m, const PhynnRecord *rec, const char *model_path, const char *data_path, const char *report_dir, const PhynnValidateOptions *opt, PhynnSindyValidation *v)
{
  const char    *gnuplot = opt && opt->gnuplot && opt->gnuplot[0] ? opt->gnuplot : "gnuplot";
  const char    *var     = opt && opt->var && opt->var[0] ? opt->var : "image";
  char           dir[PETSC_MAX_PATH_LEN], tmpdir[PETSC_MAX_PATH_LEN + 32];

  PetscFunctionBegin;
  PetscCall(CheckOptions(opt));
  PetscCall(PhynnThresholdsParse(PETSC_COMM_SELF, opt ? opt->thresholds : NULL, PHYNN_VALIDATE_MAX_THRESHOLDS, v->th, &v->nth));
  PetscCall(PhynnReportDirCheck(report_dir, dir, sizeof(dir)));
  PetscCall(PhynnGnuplotTerminal(gnuplot, opt ? opt->terminal : NULL, v->terminal, sizeof(v->terminal), v->image_ext, sizeof(v->image_ext)));

  /* header: what is compared with what, and where the model came from */
  PetscCall(PetscStrncpy(v->model_path, model_path ? model_path : "(in memory)", sizeof(v->model_path)));
  PetscCall(PetscStrncpy(v->data_path, data_path, sizeof(v->data_path)));
  PetscCheck(strlen(var) + 4 < sizeof(v->var), PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -var: the name '%s' is too long", var);
  PetscCall(PetscStrncpy(v->var, var, sizeof(v->var)));
  snprintf(v->var_t, sizeof(v->var_t), "%s_t", var);
  snprintf(v->var_tt, sizeof(v->var_tt), "%s_tt", var);
  PetscCall(PetscStrncpy(v->problem, PhynnModelGetProblem(m), sizeof(v->problem)));
  if (opt && opt->title && opt->title[0]) PetscCall(PetscStrncpy(v->title, opt->title, sizeof(v->title)));
  else snprintf(v->title, sizeof(v->title), "Validation of %s on the trajectories of %s", model_path ? model_path : PhynnModelGetProblem(m), data_path);
  PhynnModelFileProvenance(model_path, v->model_version, sizeof(v->model_version), v->model_git, sizeof(v->model_git), v->model_cmd, sizeof(v->model_cmd));
  PhynnSindyIntegratorName(v->integrator, sizeof(v->integrator));

  PetscCall(PhynnSindyReadLaw(m, v));
  PetscCall(PhynnSindyReadHistory(model_path, v));
  PetscCall(PhynnSindyReadData(data_path, v));
  PetscCall(PhynnSindyPlanTrajectories(v));
  PetscCall(PhynnSindyPlanComponents(v));
  PetscCall(PhynnSindyCheckThresholds(v));

  PetscCall(PhynnSindyCompute(m, v));
  PetscCall(PhynnSindyApplyThresholds(v));

  PetscCall(PhynnReportDirBegin(dir, tmpdir, sizeof(tmpdir)));
  PetscCall(PhynnReportDirFinish(dir, tmpdir, WriteReport(rec, v, gnuplot, tmpdir)));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnSindyValidationDestroy(PhynnSindyValidation *v)
{
  PetscFunctionBegin;
  if (v->set_open) PetscCall(PhynnImageSetClose(&v->set));
  v->set_open = PETSC_FALSE;
  PetscCall(PetscFree2(v->xi, v->mask));
  PetscCall(PetscFree(v->term_names));
  PetscCall(PetscFree(v->hist_it));
  PetscCall(PetscFree(v->hist));
  PetscCall(PetscFree(v->events));
  PetscCall(PetscFree(v->t));
  PetscCall(PetscFree(v->theta));
  PetscCall(PetscFree(v->omega));
  PetscCall(PetscFree(v->traj));
  PetscCall(PetscFree5(v->z, v->dz, v->zsim, v->mse_recon, v->mse_sim));
  PetscCall(PetscFree5(v->show_x, v->show_recon, v->show_sim, v->show_xd, v->show_recond));
  PetscCall(PetscFree(v->comp));
  PetscFunctionReturn(0);
}
