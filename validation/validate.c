/* PhynnValidateRun: one validation from files to report, on rank 0 of a communicator: of a point
 * model (a PINN) against a reference solution here, of an image model on a data set of frames in
 * validate_images.c, of a SINDy autoencoder on trajectories of frames in validate_sindy.c.
 *
 * Order of work: everything that can fail on the user's input (model, reference, variable
 * names, shapes, threshold components, gnuplot, the report's parent directory) is checked
 * before the report directory is touched; the report is then built in "<DIR>.tmp.<pid>" beside
 * DIR and renamed onto DIR (an old DIR is moved aside first and removed after), so DIR is
 * either the old report or the complete new one. */
#include <stdio.h>
#include <string.h>

#include "phynn/modelfile.h"
#include "images_impl.h"
#include "operator_impl.h"
#include "phynn/validate.h"
#include "report_impl.h"
#include "validate_sindy_impl.h"

/* Plots, JSON and HTML into the temporary directory. */
static PetscErrorCode WriteReport(PhynnModel m, const PhynnRecord *rec, const PhynnValidation *v, const char *gnuplot, const char *tmpdir)
{
  char path[PETSC_MAX_PATH_LEN + 64];

  PetscFunctionBegin;
  PetscCall(PhynnValidationPlots(m, rec, v, gnuplot, tmpdir));
  snprintf(path, sizeof(path), "%s/metrics.json", tmpdir);
  PetscCall(PhynnValidationWriteJSON(v, path));
  snprintf(path, sizeof(path), "%s/index.html", tmpdir);
  PetscCall(PhynnValidationWriteHTML(m, rec, v, path));
  PetscFunctionReturn(0);
}

static PetscErrorCode Validate(PhynnModel m, const PhynnRecord *rec, const char *model_path, const char *ref_path, const char *report_dir, const PhynnValidateOptions *opt, PhynnValidation *v)
{
  const char    *gnuplot = opt && opt->gnuplot && opt->gnuplot[0] ? opt->gnuplot : "gnuplot";
  char           dir[PETSC_MAX_PATH_LEN], tmpdir[PETSC_MAX_PATH_LEN + 32];

  PetscFunctionBegin;
  PetscCall(PhynnThresholdsParse(PETSC_COMM_SELF, opt ? opt->thresholds : NULL, PHYNN_VALIDATE_MAX_THRESHOLDS, v->th, &v->nth));
  for (int j = 0; j < v->nth; j++)
    PetscCheck((int)v->th[j].metric < PHYNN_METRIC_PINN_COUNT, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
               "option -threshold: %s is a metric of %s; a point model is judged by rel_l2 and max_abs", PhynnMetricNames[v->th[j].metric],
               (int)v->th[j].metric < PHYNN_METRIC_IMAGE_COUNT ? "image models (mean pixel errors)" : "SINDy autoencoders (phynn train sindy-ae)");
  PetscCall(PhynnReportDirCheck(report_dir, dir, sizeof(dir)));
  PetscCall(PhynnGnuplotTerminal(gnuplot, opt ? opt->terminal : NULL, v->terminal, sizeof(v->terminal), v->image_ext, sizeof(v->image_ext)));

  /* header: what is compared with what, and where the model came from */
  PetscCall(PetscStrncpy(v->model_path, model_path ? model_path : "(in memory)", sizeof(v->model_path)));
  PetscCall(PetscStrncpy(v->ref_path, ref_path, sizeof(v->ref_path)));
  PetscCall(PetscStrncpy(v->problem, PhynnModelGetProblem(m), sizeof(v->problem)));
  if (opt && opt->title && opt->title[0]) PetscCall(PetscStrncpy(v->title, opt->title, sizeof(v->title)));
  else snprintf(v->title, sizeof(v->title), "Validation of %s against %s", model_path ? model_path : PhynnModelGetProblem(m), ref_path);
  PhynnModelFileProvenance(model_path, v->model_version, sizeof(v->model_version), v->model_git, sizeof(v->model_git), v->model_cmd, sizeof(v->model_cmd));
  PetscCall(PhynnValidationCompute(m, ref_path, v));
  PetscCall(PhynnValidationApplyThresholds(v));

  PetscCall(PhynnReportDirBegin(dir, tmpdir, sizeof(tmpdir)));
  PetscCall(PhynnReportDirFinish(dir, tmpdir, WriteReport(m, rec, v, gnuplot, tmpdir)));
  PetscFunctionReturn(0);
}

/* The options only an image model takes, refused for a point model. */
static PetscErrorCode CheckPointOptions(const PhynnValidateOptions *opt)
{
  const char *which = !opt ? NULL : opt->noise && opt->noise[0] ? "-noise" : opt->baseline && opt->baseline[0] ? "-baseline" : opt->holdout_set ? "-holdout" : opt->seed_set ? "-seed" : opt->var && opt->var[0] ? "-var" : NULL;
  PetscFunctionBegin;
  PetscCheck(!which, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option %s is for image models (autoencoders, PCA); this model takes points, and is validated against a reference solution without it", which);
  PetscFunctionReturn(0);
}

/* "<first failure>" or "<first failure> (and N more)". */
static void Reason(const char *failure, int nfailed, char *why, size_t len)
{
  if (nfailed > 1) snprintf(why, len, "%s (and %d more)", failure, nfailed - 1);
  else snprintf(why, len, "%s", failure);
}

/* One validation on this rank, of a SINDy autoencoder, an image model or a point model (PINN). */
static PetscErrorCode ValidateHere(PhynnModel m, const PhynnRecord *rec, const char *model_path, const char *ref_path, const char *report_dir, const PhynnValidateOptions *opt, PetscBool *passed, char *why, size_t len)
{
  PetscErrorCode ierr;

  PetscFunctionBegin;
  if (PhynnModelIsSindyAE(m)) { /* before the image path: its input is image-shaped too */
    PhynnSindyValidation *v;
    PetscCall(PetscCalloc1(1, &v));
    ierr = PhynnValidateSindy(m, rec, model_path, ref_path, report_dir, opt, v);
    if (!ierr) {
      *passed = v->passed;
      if (!v->passed) Reason(v->failure, v->nfailed, why, len);
    }
    PetscCall(PhynnSindyValidationDestroy(v));
    PetscCall(PetscFree(v));
  } else if (!strcmp(PhynnModelGetProblem(m), "operator")) { /* before the image path: its input is field-shaped */
    PhynnOperatorValidation *v;
    PetscCall(PetscCalloc1(1, &v));
    ierr = PhynnValidateOperator(m, rec, model_path, ref_path, report_dir, opt, v);
    if (!ierr) {
      *passed = v->passed;
      if (!v->passed) Reason(v->failure, v->nfailed, why, len);
    }
    PetscCall(PhynnOperatorValidationDestroy(v));
    PetscCall(PetscFree(v));
  } else if (PhynnModelTakesImages(m)) {
    PhynnImageValidation *v;
    PetscCall(PetscCalloc1(1, &v));
    ierr = PhynnValidateImages(m, rec, model_path, ref_path, report_dir, opt, v);
    if (!ierr) {
      *passed = v->passed;
      if (!v->passed) Reason(v->failure, v->nfailed, why, len);
    }
    PetscCall(PhynnImageValidationDestroy(v));
    PetscCall(PetscFree(v));
  } else {
    PhynnValidation *v;
    PetscCall(CheckPointOptions(opt));
    PetscCall(PetscCalloc1(1, &v));
    ierr = Validate(m, rec, model_path, ref_path, report_dir, opt, v);
    if (!ierr) {
      *passed = v->passed;
      if (!v->passed) Reason(v->failure, v->nfailed, why, len);
    }
    PetscCall(PhynnValidationDestroy(v));
    PetscCall(PetscFree(v));
  }
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnValidateRun(MPI_Comm comm, PhynnModel m, const PhynnRecord *rec, const char *model_path, const char *ref_path, const char *report_dir, const PhynnValidateOptions *opt, PetscBool *passed,
                                char *failure, size_t len)
{
  PetscErrorCode ierr = 0;
  int            flags[2] = {0, 1};
  char           why[320] = "";

  PetscFunctionBegin;
  if (PhynnRank(comm) == 0) {
    PhynnModel  loaded = NULL;
    PhynnRecord loaded_rec, empty;
    PetscBool   ok = PETSC_TRUE;
    PhynnRecordInit(&loaded_rec);
    PhynnRecordInit(&empty);
    if (!m) {
      PetscCheck(model_path, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "PhynnValidateRun: give a model or a model path");
      ierr = PhynnModelLoadFile(PETSC_COMM_SELF, model_path, &loaded, &loaded_rec);
    }
    if (!ierr) ierr = ValidateHere(m ? m : loaded, m ? (rec ? rec : &empty) : &loaded_rec, model_path, ref_path, report_dir, opt, &ok, why, sizeof(why));
    flags[0] = ierr ? 1 : 0;
    flags[1] = ok ? 1 : 0;
    PetscCall(PhynnModelDestroy(&loaded));
    PetscCall(PhynnRecordReset(&loaded_rec));
  }
  PetscCallMPI(MPI_Bcast(flags, 2, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(why, (int)sizeof(why), MPI_CHAR, 0, comm));
  PetscCall(ierr);
  /* Other ranks: rank 0 printed the message; raising on comm prints nothing here (rank != 0). */
  PetscCheck(!flags[0], comm, PHYNN_ERR_INPUT, "validation failed on rank 0");
  *passed = flags[1] ? PETSC_TRUE : PETSC_FALSE;
  if (failure && len) PetscCall(PetscStrncpy(failure, why, len));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnValidate(MPI_Comm comm, PhynnModel m, const PhynnRecord *rec, const char *model_path, const char *ref_path, const char *report_dir, const char *thresholds, PetscBool *passed)
{
  PhynnValidateOptions opt = {0};

  PetscFunctionBegin;
  opt.thresholds = thresholds;
  PetscCall(PhynnValidateRun(comm, m, rec, model_path, ref_path, report_dir, &opt, passed, NULL, 0));
  PetscFunctionReturn(0);
}
