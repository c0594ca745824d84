/* Validation of a trained model against a reference solution: metrics, plots, HTML report.
 *
 * The model is evaluated on the tensor grid of the reference file (its coordinate variables,
 * matched to the model's inputs by name, in the reference variable's dimension order) and each
 * output k is compared with the reference variable out_ref[k]. Outputs mapped to a pair
 * NAME_re/NAME_im are also compared through the modulus |NAME| = sqrt(re^2 + im^2) (the NLS
 * headline metric |h|). Metrics per component:
 *   rel_l2  = ||pred - ref||_2 / ||ref||_2 over the whole grid,
 *   max_abs = max |pred - ref|,
 *   error over time: per time slice rel_l2 and max_abs (2-D), or |pred - ref|(t) (1-D).
 * The report directory holds metrics.json, index.html and the plots (gnuplot), and is written
 * atomically: built in "<DIR>.tmp.<pid>" beside DIR and renamed onto DIR at the end. Definitions,
 * threshold syntax and report layout: docs/validation.md. */
#ifndef PHYNN_VALIDATE_H
#define PHYNN_VALIDATE_H

#include "phynn/modelfile.h"

#define PHYNN_VALIDATE_MAX_COMP 24 /* compared components: outputs, plus |h| for each re/im pair */
#define PHYNN_VALIDATE_MAX_THRESHOLDS 16

/* A PINN is judged by the first two; an image model by the first four (mean absolute and mean
 * squared pixel error besides); a SINDy autoencoder by the last two: rel_sq (Champion's relative
 * squared errors sum ||a - a~||^2 / sum ||a||^2 of x, x'', z'' and the simulated trajectory) and
 * period_err (|T_discovered - T_true| / T_true per trajectory). */
typedef enum { PHYNN_METRIC_REL_L2, PHYNN_METRIC_MAX_ABS, PHYNN_METRIC_MAE, PHYNN_METRIC_MSE, PHYNN_METRIC_REL_SQ, PHYNN_METRIC_PERIOD_ERR, PHYNN_METRIC_COUNT } PhynnMetric;
#define PHYNN_METRIC_PINN_COUNT  2
#define PHYNN_METRIC_IMAGE_COUNT 4
extern const char *const PhynnMetricNames[]; /* "rel_l2", "max_abs", "mae", "mse", "rel_sq", "period_err", NULL */

/* One threshold: metric <= value for one component ("" = every component without its own). */
typedef struct {
  PhynnMetric metric;
  char        component[40];
  double      value;
  char        text[32]; /* the value as the user wrote it, for messages */
} PhynnThreshold;

/* Parses "rel_l2=1e-3,max_abs=1e-2,rel_l2[|h|]=2e-3" (NULL or "" gives none). Errors are one
 * line naming the bad entry and the syntax. */
PetscErrorCode PhynnThresholdsParse(MPI_Comm comm, const char *text, int max, PhynnThreshold *th, int *n);
/* The threshold in force for (metric, component): the component's own, else the general one;
 * -1 when there is none. */
int PhynnThresholdFind(const PhynnThreshold *th, int n, PhynnMetric metric, const char *component);

/* Settings of one validation run (zero-initialise; NULL fields take their defaults). The second
 * group is for image models only (docs/validation.md, "Image models"); a point model refuses it,
 * and a SINDy autoencoder takes only `var` of it. */
typedef struct {
  const char *thresholds; /* threshold text as above; NULL: none (always passes) */
  const char *gnuplot;    /* gnuplot executable; NULL: "gnuplot" from PATH */
  const char *terminal;   /* "auto" (NULL): pngcairo if gnuplot has it, else png, else svg */
  const char *title;      /* heading of the page; NULL: "Validation of <model file>" */
  /* image models */
  const char *var;        /* the frames' variable in the data file; NULL: "image" */
  const char *noise;      /* input noise levels, "salt:0.2,gauss:0.05"; NULL: clean input only */
  uint64_t    noise_seed; /* seed of the input noise (the same draws for every model) */
  const char *baseline;   /* a PCA model to compare with; NULL: none */
  PetscBool   holdout_set, seed_set; /* override the split the model's training record holds */
  double      holdout;
  uint64_t    seed;
} PhynnValidateOptions;

/* Validates a model against the reference file ref_path and writes the report into report_dir.
 * An image model (PhynnModelTakesImages) is validated on the frames of ref_path instead
 * (validation/validate_images.c: reconstruction errors on the held-out frames, under noise, the
 * latent code against time and theta, a PCA baseline), and a SINDy autoencoder (problem
 * "sindy-ae") on the trajectories of ref_path (validation/validate_sindy.c: Champion's relative
 * errors, the discovered law integrated from the encoded initial states and decoded, its period
 * against the pendulum's).
 * Collective on comm: rank 0 does the work, every rank gets the same error or pass flag.
 * m may be NULL (then model_path is loaded, with its training record); model_path may be NULL
 * when m is given (the provenance then comes from this process); rec (may be NULL) is the
 * training record shown with m. *passed is PETSC_FALSE when a threshold fails
 * (the report is complete all the same); `failure` (may be NULL, len bytes) receives the
 * one-line reason, e.g. "rel_l2 of |h| is 3.1e-3 > 1e-3". Missing files, missing variables and
 * shape mismatches are one-line errors raised before report_dir is touched. */
PetscErrorCode PhynnValidateRun(MPI_Comm comm, PhynnModel m, const PhynnRecord *rec, const char *model_path, const char *ref_path, const char *report_dir,
                                const PhynnValidateOptions *opt, PetscBool *passed, char *failure, size_t len);
/* The short form for training commands: default plots, thresholds as text (may be NULL). */
PetscErrorCode PhynnValidate(MPI_Comm comm, PhynnModel m, const PhynnRecord *rec, const char *model_path, const char *ref_path, const char *report_dir,
                             const char *thresholds, PetscBool *passed);

/* A top-level page linking several reports (the main job's report/index.html): one row per
 * report with its title, a link to dirs[i]/index.html (dirs relative to the page) and PASS/FAIL
 * (passed may be NULL: no verdict column). Written atomically by the calling rank. */
PetscErrorCode PhynnReportIndex(const char *path, int n, const char *const *titles, const char *const *dirs, const PetscBool *passed);

/* ---- internals shared by the validation sources (not for other callers) ---------------------------- */
typedef struct {
  char    name[40];            /* "u", "theta", "|h|" */
  char    ref[160];            /* "u", "h_re", "|h| = sqrt(h_re^2 + h_im^2)" */
  char    units[32];
  double  rel_l2, max_abs;
  double  limit[PHYNN_METRIC_COUNT]; /* thresholds in force (< 0: none) */
  char    limit_text[PHYNN_METRIC_COUNT][32];
  PetscBool passed;
  double *pred, *refv;          /* on the grid, the reference variable's layout */
  double *slice_rel_l2, *slice_max_abs; /* per time slice (nslice); 1-D: slice_max_abs = |pred - ref|(t) */
} PhynnValidateComp;

typedef struct {
  int               ndims;             /* 1 (t) or 2 (t, x) */
  char              dim[2][32];        /* in the reference variable's order */
  char              dim_units[2][32];
  size_t            len[2];
  double           *coord[2];
  int               tdim;              /* the dimension the error over time runs along */
  int               ncomp;
  PhynnValidateComp comp[PHYNN_VALIDATE_MAX_COMP];
  PetscBool         passed;
  int               nfailed;
  char              failure[256];
  /* header */
  char              model_path[PETSC_MAX_PATH_LEN], ref_path[PETSC_MAX_PATH_LEN];
  char              title[256], problem[64], ref_title[256], ref_equation[256];
  char              model_version[32], model_git[64], model_cmd[2048];
  char              terminal[16], image_ext[8];
  int               nth;
  PhynnThreshold    th[PHYNN_VALIDATE_MAX_THRESHOLDS];
} PhynnValidation;

/* metrics.c */
PetscErrorCode PhynnValidationCompute(PhynnModel m, const char *ref_path, PhynnValidation *v);
PetscErrorCode PhynnValidationApplyThresholds(PhynnValidation *v);
PetscErrorCode PhynnValidationDestroy(PhynnValidation *v);
void           PhynnFormatShort(double x, int digits, char *buf, size_t len);
/* plots.c: renders the plots into dir (the report's temporary directory) */
PetscErrorCode PhynnValidationPlots(PhynnModel m, const PhynnRecord *rec, const PhynnValidation *v, const char *gnuplot, const char *dir);
void           PhynnValidationSafeName(const char *name, char *out, size_t len); /* "|h|" -> "abs_h" */
/* report.c */
PetscErrorCode PhynnValidationWriteJSON(const PhynnValidation *v, const char *path);
PetscErrorCode PhynnValidationWriteHTML(PhynnModel m, const PhynnRecord *rec, const PhynnValidation *v, const char *path);

#endif
