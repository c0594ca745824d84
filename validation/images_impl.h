/* Validation of an image model (private to validation/; docs/validation.md, "Image models").
 *
 *   validate_images.c  the run: every input checked, then the numbers, then the report, atomically
 *   image_split.c      which frames are held out: the training record's -holdout and -seed
 *   image_metrics.c    the model on every frame, clean and under each noise level; the errors
 *   image_latent.c     the code against time and theta: correlations, a fitted map z -> theta
 *   image_baseline.c   a PCA model truncated to k = 1..K components, against the model
 *   image_plots.c      the pictures (gnuplot)
 *   image_report.c     metrics.json and index.html
 *
 * Errors are measured against the CLEAN frame x, whatever the input (x or a noisy x~), over the
 * N = (frames) x C H W pixel values of a set of frames:
 *   mae = sum |x^ - x| / N,  mse = sum (x^ - x)^2 / N,  rel_l2 = ||x^ - x|| / ||x||,  max_abs = max |x^ - x|. */
#ifndef PHYNN_VALIDATION_IMAGES_IMPL_H
#define PHYNN_VALIDATION_IMAGES_IMPL_H

#include "phynn/noise.h"
#include "phynn/validate.h"

#define PHYNN_IMAGE_MAX_NOISE 8                                  /* -noise levels */
#define PHYNN_IMAGE_MAX_COMP  (2 * (1 + PHYNN_IMAGE_MAX_NOISE))   /* (clean + levels) x (held out, all) */
#define PHYNN_IMAGE_SHOW      4                                  /* held-out frames in the picture grid */
#define PHYNN_IMAGE_FIT_DEGREE 3                                 /* the polynomial theta(z) */

/* One measured error: a set of frames (held out or all) under one input (clean or a noise level).
 * Named "heldout", "all", "<noise>" (held out, e.g. "salt:0.2") and "<noise>@all". */
typedef struct {
  char      name[48];
  int       noise;      /* -1: clean input, else the index of the -noise level */
  PetscBool all;        /* every frame, not only the held-out ones */
  long      nframes;
  double    value[PHYNN_METRIC_COUNT]; /* by PhynnMetric */
  double    limit[PHYNN_METRIC_COUNT]; /* thresholds in force (< 0: none) */
  char      limit_text[PHYNN_METRIC_COUNT][32];
  PetscBool passed;
} PhynnImageComp;

typedef enum { PHYNN_SPLIT_NONE, PHYNN_SPLIT_RECORD, PHYNN_SPLIT_OPTIONS, PHYNN_SPLIT_MIXED } PhynnSplitSource;

/* What is known about theta and the code: correlations of each z_k with theta, and a map
 * theta = p(s), s = (z_j - center) / half (in [-1, 1]), fitted by least squares on the latent j
 * most correlated with theta; monotone says whether p has one sign of slope over the frames' z_j;
 * isotonic_rms is the best monotone map's error (pool adjacent violators), the honest measure of
 * "theta is a monotone function of z_j". */
typedef struct {
  PetscBool has;         /* the data has theta */
  double   *corr;        /* K (NaN where z_k or theta is constant) */
  int       latent;      /* j */
  int       degree;
  double    coef[PHYNN_IMAGE_FIT_DEGREE + 1], center, half;
  PetscBool monotone;
  double    rms, isotonic_rms;
  int       isotonic_dir; /* +1 increasing, -1 decreasing */
  double   *isotonic;    /* n: the monotone fit at each frame (for the plot) */
} PhynnLatentTheta;

/* A PCA model truncated to its first k components, k = 1..K: held-out MAE of
 * x^_k = mean + C_k^T C_k (x - mean), and the model's own error at its latent size. */
typedef struct {
  PhynnModel m;
  char       path[PETSC_MAX_PATH_LEN];
  long       K;
  double    *mae;        /* K: mae[k-1] over the held-out frames, clean input */
  double     model_mae;  /* the validated model's held-out MAE */
  long       model_latent;
  long       match;      /* smallest k with mae <= model_mae; 0: none up to K */
  double     check;      /* max |x^_K - the baseline model's own recon| (its parameters read right) */
  char       split[160]; /* the baseline's own recorded split, for the page */
  PetscBool  same_split;
} PhynnImageBaseline;

typedef struct {
  /* header */
  char   model_path[PETSC_MAX_PATH_LEN], data_path[PETSC_MAX_PATH_LEN], var[64];
  char   title[256], problem[64], data_title[256];
  char   model_version[32], model_git[64], model_cmd[2048];
  char   terminal[16], image_ext[8];
  /* frames and the model's outputs on them (clean input) */
  long   n, C, H, W, F, K;
  double *x, *recon, *code;   /* n F, n F, n K */
  double *t;                  /* n: the data's t, or the frame index when it has none */
  PetscBool has_t;
  char   t_units[32], theta_units[32];
  double *theta;              /* n, or NULL */
  char   (*znames)[PHYNN_MODEL_NAME_MAX]; /* K: z1, z2, ... (the code output's component names) */
  int    code_out, recon_out; /* output indices */
  /* the split */
  PetscBool       *held;
  long             nheld;
  double           holdout;
  uint64_t         seed;
  PhynnSplitSource split_source;
  char             trained_on[PETSC_MAX_PATH_LEN]; /* the -data the record names ("" none) */
  /* noise */
  int        nnoise;
  PhynnNoise noise[PHYNN_IMAGE_MAX_NOISE];
  char       noise_text[PHYNN_IMAGE_MAX_NOISE][32];
  uint64_t   noise_seed;
  /* the frames the pictures show: input, noisy input (first level), reconstructions, error */
  int    nshow;
  long   show[PHYNN_IMAGE_SHOW];
  double *show_noisy, *show_noisy_recon; /* nshow F each, when there is a noise level */
  /* errors and the verdict */
  int            ncomp;
  PhynnImageComp comp[PHYNN_IMAGE_MAX_COMP];
  int            nth;
  PhynnThreshold th[PHYNN_VALIDATE_MAX_THRESHOLDS];
  PetscBool      passed;
  int            nfailed;
  char           failure[256];
  PhynnLatentTheta   lt;
  PhynnImageBaseline base; /* base.m NULL: no baseline */
} PhynnImageValidation;

/* image_split.c */
PetscErrorCode PhynnImageSplit(const PhynnRecord *rec, const PhynnValidateOptions *opt, PhynnImageValidation *v);
/* image_metrics.c */
PetscErrorCode PhynnImageParseNoiseList(const char *text, PhynnImageValidation *v);
PetscErrorCode PhynnImageReadFrames(PhynnModel m, const char *data_path, const char *var, PhynnImageValidation *v);
/* The measured components and the frames the pictures show (after the split). */
PetscErrorCode PhynnImagePlan(PhynnImageValidation *v);
PetscErrorCode PhynnImageCompute(PhynnModel m, PhynnImageValidation *v);
PetscErrorCode PhynnImageApplyThresholds(PhynnImageValidation *v);
/* Evaluates n frames (n F values) through an image model: recon (n F) and code (n K, may be NULL). */
PetscErrorCode PhynnImageEvaluate(PhynnModel m, int code_out, int recon_out, long n, long F, long K, const double *frames, double *recon, double *code);
/* image_latent.c */
PetscErrorCode PhynnImageLatentTheta(PhynnImageValidation *v);
/* the fit at z (the latent lt.latent) */
double         PhynnLatentThetaFit(const PhynnLatentTheta *lt, double z);
/* image_baseline.c */
PetscErrorCode PhynnImageBaselineLoad(const char *path, PhynnImageValidation *v);
PetscErrorCode PhynnImageBaselineCompute(PhynnImageValidation *v);
/* image_plots.c */
PetscErrorCode PhynnImagePlots(const PhynnRecord *rec, const PhynnImageValidation *v, const char *gnuplot, const char *dir);
/* image_report.c */
PetscErrorCode PhynnImageWriteJSON(const PhynnImageValidation *v, const char *path);
PetscErrorCode PhynnImageWriteHTML(const PhynnRecord *rec, const PhynnImageValidation *v, const char *path);
/* validate_images.c */
PetscErrorCode PhynnImageValidationDestroy(PhynnImageValidation *v);
/* Runs one validation of image model m on the frames of data_path (rank-local). */
PetscErrorCode PhynnValidateImages(PhynnModel m, const PhynnRecord *rec, const char *model_path, const char *data_path, const char *report_dir, const PhynnValidateOptions *opt, PhynnImageValidation *v);

#endif
