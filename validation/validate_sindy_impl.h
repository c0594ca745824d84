/* Validation of a SINDy autoencoder (private to validation/; docs/validation.md, "SINDy
 * autoencoders"). A model whose problem is "sindy-ae" (phynn train sindy-ae) is judged on the
 * trajectories of a data file of frames with their time derivatives:
 *
 *   validate_sindy.c            the run: every input checked, then the numbers, then the report, atomically
 *   validate_sindy_data.c       the data (frames, derivatives, t, theta, omega, the trajectories, g, l)
 *                               and the model's /sindy group (coefficient history, thresholding events)
 *   validate_sindy_metrics.c    Champion's relative errors through the loss graph (src/sindy_ae.c), the
 *                               encoded latent state of every frame, the decoded simulation's pixel error
 *   validate_sindy_integrate.c  the discovered law integrated with PETSc TS; its period; the pendulum's
 *   validate_sindy_verdict.c    the measured components and the thresholds
 *   validate_sindy_plots.c      the pictures (gnuplot)
 *   validate_sindy_report.c     metrics.json and index.html
 *
 * Champion's metrics, over all validation frames (order 2; order 1 has x', z' instead):
 *   rel_sq[x]    = sum ||x - x~||^2 / sum ||x||^2            x~ = decoder(encoder(x))
 *   rel_sq[x_tt] = sum ||x'' - x~''||^2 / sum ||x''||^2      x~'' the decoder's second derivative along
 *                                                             the trajectory, seeded by the SINDy model
 *   rel_sq[z_tt] = sum ||z'' - Theta(z, z') Xi^T||^2 / sum ||z''||^2   z, z', z'' the encoder's
 *   rel_sq[sim]  = sum ||x - decoder(z_sim(t))||^2 / sum ||x||^2   z_sim: the law integrated from the
 *                                                             encoded (z, z') of each trajectory's first frame
 * and per trajectory period_err = |T_discovered - T_true| / T_true. */
#ifndef PHYNN_VALIDATION_SINDY_IMPL_H
#define PHYNN_VALIDATION_SINDY_IMPL_H

#include "phynn/imageset.h"
#include "phynn/sindy_ae.h"
#include "phynn/validate.h"

#define PHYNN_SINDY_SHOW        4    /* frames in the picture grid */
#define PHYNN_SINDY_HIGHLIGHT   3    /* trajectories highlighted: smallest, middle, largest amplitude */
#define PHYNN_SINDY_PERIODS     5    /* periods the discovered period is averaged over */
#define PHYNN_SINDY_SPAN        10.0 /* the period integration runs at most SPAN x max(duration, true period) */
#define PHYNN_SINDY_RTOL        1e-12
#define PHYNN_SINDY_ATOL        1e-12
#define PHYNN_SINDY_MAX_STEPS   2000000 /* accepted steps per integration before it counts as failed */
#define PHYNN_SINDY_BLOWUP      1e8  /* |state| beyond BLOWUP (1 + |initial state|): the law diverges */

/* ---- validate_sindy_integrate.c: the law as an ODE -------------------------------------------- */
typedef enum {
  PHYNN_SINDY_RUN_OK,       /* integrated to the end */
  PHYNN_SINDY_RUN_DIVERGED, /* the state left every bound (or became NaN/Inf) */
  PHYNN_SINDY_RUN_FAILED    /* TS gave up (step size, rejections, the step limit) */
} PhynnSindyRunStatus;

typedef enum {
  PHYNN_SINDY_OSC_YES,      /* at least two same-direction zero crossings of z0' */
  PHYNN_SINDY_OSC_NO,       /* fewer within the horizon, or z0 constant */
  PHYNN_SINDY_OSC_DIVERGED,
  PHYNN_SINDY_OSC_FAILED
} PhynnSindyOscillation;

typedef struct {
  PhynnSindyRunStatus status;
  double              t_stop; /* status != OK: where it stopped */
  long                steps;
} PhynnSindyRun;

typedef struct {
  PhynnSindyOscillation status;
  double                period;    /* (t_last - t_first) / (ncross - 1); NaN without two crossings */
  int                   ncross;    /* downward zero crossings of z0' (maxima of z0) found */
  double                t_first, t_last, horizon, t_end; /* t_end: where the integration stopped */
  double                zmin, zmax; /* range of z0 over the integration */
  long                  steps;
} PhynnSindyPeriod;

/* The integrator as text: "PETSc TS rk 5dp (Dormand-Prince RK5(4)), adaptive, rtol 1e-12, atol 1e-12". */
void           PhynnSindyIntegratorName(char *text, size_t len);
/* The law of lib with the masked coefficients xi (latent x nterms) from the state y0 (lib->nvars
 * values: z, then z' for order 2) at t[0], at the n times t (increasing, hit exactly): y (n x nvars).
 * Rows past a divergence or a failure are NaN. */
PetscErrorCode PhynnSindySimulate(const PhynnSindyLibrary *lib, const double *xi, const double *y0, long n, const double *t, double *y, PhynnSindyRun *run);
/* The period of z0 under the law from y0: the times of the downward zero crossings of z0'
 * (cubic Hermite interpolation with z0'' between accepted steps, steps at most max_step), up to
 * `periods` + 1 crossings or the time `horizon`. */
PetscErrorCode PhynnSindyMeasurePeriod(const PhynnSindyLibrary *lib, const double *xi, const double *y0, double horizon, double max_step, int periods, PhynnSindyPeriod *p);
/* The complete elliptic integral of the first kind K(k) = pi / (2 AGM(1, sqrt(1 - k^2))). */
double PhynnEllipticK(double k);
/* The pendulum theta'' = -w2 sin(theta) (w2 = g/l; linear: -w2 theta) from (theta0, omega0): the
 * amplitude theta_max from the energy and the period 4 K(sin(theta_max/2)) / sqrt(w2) (linear:
 * 2 pi / sqrt(w2)). Returns PETSC_FALSE (amplitude and period NaN) when the pendulum rotates
 * instead of swinging (energy >= w2) or w2 <= 0. */
PetscBool PhynnPendulumPeriod(double w2, PetscBool linear, double theta0, double omega0, double *amplitude, double *period);

/* ---- the validation ---------------------------------------------------------------------------- */
typedef struct {
  long      first, count;            /* frames [first, first + count) */
  double    id;                      /* the data's traj value (or the trajectory's index) */
  char      name[32];                /* "traj3" */
  double    t0, t1;                  /* times of the first and last frame */
  /* the truth (has_truth: the data has theta, omega, g, l) */
  double    theta0, omega0, amplitude, true_period; /* amplitude, true_period NaN when it rotates */
  PetscBool swings;                  /* a libration: there is a period to compare with */
  /* the law from the encoded state of the first frame */
  double    y0[PHYNN_SINDY_MAX_VARS];
  PhynnSindyRun    sim;              /* over the frames' times */
  PhynnSindyPeriod per;              /* the long integration */
  double    period_rel, period_err;  /* (T - T_true) / T_true and its absolute value (NaN: not measured) */
  double    rel_sq_sim, mse_sim_mean, mse_sim_last, mse_recon_mean;
  int       highlight;               /* -1, or 0/1/2: smallest, middle, largest amplitude; 3/4/5 (no truth): first, middle, last */
} PhynnSindyTraj;

/* One measured component: rel_sq of x, x_tt, z_tt, sim, or period_err of a trajectory. */
typedef struct {
  char        name[40];
  PhynnMetric metric;
  int         traj;                  /* period_err: the trajectory; -1 otherwise */
  PetscBool   measured;              /* period_err of a rotating pendulum is not */
  double      value;
  double      limit;                 /* < 0: no threshold */
  char        limit_text[32];
  PetscBool   passed;
} PhynnSindyComp;

typedef struct {
  /* header */
  char   model_path[PETSC_MAX_PATH_LEN], data_path[PETSC_MAX_PATH_LEN], var[64], var_t[72], var_tt[72];
  char   title[256], problem[64], data_title[256];
  char   model_version[32], model_git[64], model_cmd[2048];
  char   terminal[16], image_ext[8];
  /* the model */
  PhynnSindyAE  ae;
  const PhynnSindyLibrary *lib;
  int           L, order, nvars, nterms;
  double       *xi, *mask;           /* L x nterms, from the model's theta; xi is masked */
  char          equation[2048];      /* recomputed from xi (PhynnSindyEquation), "; " between latents */
  char          equation_recorded[2048]; /* /sindy equation ("" none) */
  char          active[2048];        /* active terms, comma-separated */
  int           nactive;
  char        (*term_names)[PHYNN_SINDY_NAME_MAX];
  /* /sindy of the model file: coefficient history and thresholding events */
  long          nhist, nevents;
  double       *hist_it, *hist;      /* nhist; nhist x L x nterms */
  double       *events;              /* nevents iterations */
  /* the data (the set stays open for the frames) */
  PhynnImageSet set;
  PetscBool     set_open;
  long          n, C, H, W, F;
  double       *t, *theta, *omega;   /* n each (theta, omega NULL when absent) */
  char          t_units[32];
  PetscBool     has_truth, linear;   /* theta, omega, g and l all present */
  double        g, l;
  long          ntraj;
  PhynnSindyTraj *traj;
  int           highlighted[PHYNN_SINDY_HIGHLIGHT]; /* trajectory indices (-1 unused) */
  int           nhighlighted;
  /* per frame (n): the encoder's z, z' (n x L each), the law's prediction of the highest
   * derivative against the encoder's (n x L each), the simulated state (n x nvars), the
   * reconstruction's and the decoded simulation's mean squared pixel error */
  double       *z, *dz, *zsim, *mse_recon, *mse_sim;
  /* Champion's sums */
  double        rel_sq[4];           /* x, x_tt (x_t), z_tt (z_t), sim */
  char          rel_name[4][8];
  /* pictures: nshow frames of the first highlighted (largest-amplitude) trajectory */
  int           nshow;
  long          show[PHYNN_SINDY_SHOW];
  double       *show_x, *show_recon, *show_sim, *show_xd, *show_recond; /* nshow F each: x, x~, decoded simulation, x'' (x'), x~'' */
  /* components and the verdict */
  int            ncomp;
  PhynnSindyComp *comp;
  int            nth;
  PhynnThreshold th[PHYNN_VALIDATE_MAX_THRESHOLDS];
  PetscBool      passed;
  int            nfailed;
  char           failure[256];
  char           integrator[160];
} PhynnSindyValidation;

/* validate_sindy_data.c */
/* The law of model m: library, masked coefficients from its theta, the equation, the active terms. */
PetscErrorCode PhynnSindyReadLaw(PhynnModel m, PhynnSindyValidation *v);
/* /sindy of the model file (absent: no history, no events, no recorded equation). */
PetscErrorCode PhynnSindyReadHistory(const char *model_path, PhynnSindyValidation *v);
/* The data file's shape, derivatives, t (required), theta, omega, g, l (optional), trajectories. */
PetscErrorCode PhynnSindyReadData(const char *data_path, PhynnSindyValidation *v);
/* The frames [first, first + count) of variable var (count F doubles). */
PetscErrorCode PhynnSindyReadFrames(const PhynnSindyValidation *v, const char *var, long first, long count, double *buf);
/* The truth of each trajectory and the highlighted ones. */
PetscErrorCode PhynnSindyPlanTrajectories(PhynnSindyValidation *v);
/* validate_sindy_metrics.c */
PetscErrorCode PhynnSindyCompute(PhynnModel m, PhynnSindyValidation *v);
/* validate_sindy_verdict.c */
PetscErrorCode PhynnSindyPlanComponents(PhynnSindyValidation *v);
PetscErrorCode PhynnSindyCheckThresholds(const PhynnSindyValidation *v);
PetscErrorCode PhynnSindyApplyThresholds(PhynnSindyValidation *v);
/* A trajectory's oscillation as words: "oscillates", "does not oscillate", "diverges", "integration failed". */
const char    *PhynnSindyOscillationText(PhynnSindyOscillation s);
/* validate_sindy_plots.c */
PetscErrorCode PhynnSindyPlots(const PhynnRecord *rec, const PhynnSindyValidation *v, const char *gnuplot, const char *dir);
/* validate_sindy_report.c */
PetscErrorCode PhynnSindyWriteJSON(const PhynnSindyValidation *v, const char *path);
PetscErrorCode PhynnSindyWriteHTML(const PhynnRecord *rec, const PhynnSindyValidation *v, const char *path);
/* validate_sindy.c */
PetscBool      PhynnModelIsSindyAE(PhynnModel m);
PetscErrorCode PhynnSindyValidationDestroy(PhynnSindyValidation *v);
PetscErrorCode PhynnValidateSindy(PhynnModel m, const PhynnRecord *rec, const char *model_path, const char *data_path, const char *report_dir, const PhynnValidateOptions *opt, PhynnSindyValidation *v);

#endif
