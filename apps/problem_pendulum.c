/* PINN for the pendulum (tutorial Example 2, 000_8b233c082c8014a5.txt section III.2):
 *   theta'' + (g/l) sin(theta) = 0     (-linear: theta'' + (g/l) theta = 0)
 *   theta(0) = theta0, theta'(0) = omega0, t in [0, tf]
 * The tutorial's case is -linear with g = 9.8, l = 0.5 (theta'' + 19.6 theta = 0), theta0 = pi/4,
 * omega0 = 0, t in [0, 2]; its network [1,10,10,1] with sine activation and 50 points is
 * available with -layers 1,10,10,1 -activation sine -n_f 50.
 * Loss terms: ode (the residual at collocation points), ic (theta(0) - theta0), ic_dot
 * (theta'(0) - omega0), and with -data FILE.nc a data term against theta(t) of a reference. */
#include <math.h>
#include <string.h>

#include "phynn/ncfile.h"
#include "pinn.h"

/* The problem's state (p->ctx). */
typedef struct {
  double    g, l;                   /* theta'' + (g/l) f(theta) = 0 */
  double    theta0, omega0, tf;     /* theta(0), theta'(0), t in [0, tf] */
  PetscBool linear;                 /* f(theta) = theta (else sin theta) */
  long      nf;                     /* collocation points */
  double    w_ode, w_ic, w_data;    /* term weights */
  char      data[PETSC_MAX_PATH_LEN]; /* -data: reference file for the data term ("": none) */
} PendulumCtx;

static PetscErrorCode PendulumOptions(PhynnPinn *p)
{
  PendulumCtx *c;
  PetscFunctionBegin;
  PetscCall(PetscNew(&c));
  p->ctx = c;
  PetscCall(PhynnOptReal("g", 9.8, "gravitational acceleration (m s-2)", &c->g, NULL));
  PetscCall(PhynnOptReal("l", 0.5, "pendulum length (m)", &c->l, NULL));
  PetscCall(PhynnOptReal("theta0", M_PI / 4, "initial angle (rad)", &c->theta0, NULL));
  PetscCall(PhynnOptReal("omega0", 0.0, "initial angular velocity (rad/s)", &c->omega0, NULL));
  PetscCall(PhynnOptReal("tf", 2.0, "final time (s)", &c->tf, NULL));
  PetscCall(PhynnOptBool("linear", PETSC_TRUE, "small-angle equation theta'' + (g/l) theta = 0 (false: sin theta)", &c->linear, NULL));
  PetscCall(PhynnOptInt("n_f", 256, "collocation points", &c->nf, NULL));
  PetscCall(PhynnOptReal("w_ode", 1.0, "weight of the ODE term", &c->w_ode, NULL));
  PetscCall(PhynnOptReal("w_ic", 1.0, "weight of the initial-condition terms", &c->w_ic, NULL));
  PetscCall(PhynnOptString("data", "", "optional reference file (phynn solve pendulum) for a data term on theta(t)", c->data, sizeof(c->data), NULL));
  PetscCall(PhynnOptReal("w_data", 1.0, "weight of the data term", &c->w_data, NULL));
  p->io.nin        = 1;
  p->io.nout       = 1;
  PetscCall(PetscStrncpy(p->io.in_names[0], "t", 32));
  PetscCall(PetscStrncpy(p->io.out_names[0], "theta", 32));
  PetscCall(PetscStrncpy(p->io.out_ref[0], "theta", 32));
  p->io.in_lb[0] = 0;
  p->io.in_ub[0] = c->tf;
  PetscCall(PetscStrncpy(p->default_layers, "1,32,32,32,1", sizeof(p->default_layers)));
  p->default_adam_it  = 2000;
  p->default_lbfgs_it = 4000;
  if (PhynnOptionsGetMode() == PHYNN_OPTIONS_READ) {
    PetscCheck(c->g > 0, p->comm, PHYNN_ERR_INPUT, "option -g: %g is not positive", c->g);
    PetscCheck(c->l > 0, p->comm, PHYNN_ERR_INPUT, "option -l: %g is not positive; the length must be > 0", c->l);
    PetscCheck(c->tf > 0, p->comm, PHYNN_ERR_INPUT, "option -tf: %g is not positive", c->tf);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode PendulumBuild(PhynnPinn *p)
{
  const PendulumCtx *c = (const PendulumCtx *)p->ctx;
  PhynnPointSet     *col, *ic;
  PhynnJet           jet;
  int                out, th, thtt, r, s, thd, a;
  double             w2 = c->g / c->l;
  PetscFunctionBegin;
  PetscCall(PhynnPinnAddSet(p, "collocation", c->nf, 0, PETSC_TRUE, &col));
  PetscCall(PhynnPinnApply(p, col, "tt", &jet, &out));
  PetscCall(PhynnPinnField(p, &jet, out, "theta", &th));
  PetscCall(PhynnPinnField(p, &jet, out, "theta_tt", &thtt));
  if (c->linear) s = th;
  else PetscCall(PhynnGraphSin(p->g, th, &s));
  PetscCall(PhynnGraphScale(p->g, s, w2, &r));
  PetscCall(PhynnGraphAdd(p->g, thtt, r, &r)); /* theta'' + (g/l) f(theta) */
  PetscCall(PhynnPinnAddTerm(p, "ode", col, r, c->w_ode));

  PetscCall(PhynnPinnAddSet(p, "initial", 1, 2, PETSC_FALSE, &ic));
  PetscCall(PhynnPinnApply(p, ic, "t", &jet, &out));
  PetscCall(PhynnPinnField(p, &jet, out, "theta", &th));
  PetscCall(PhynnPinnField(p, &jet, out, "theta_t", &thd));
  PetscCall(PhynnPinnAux(p, ic, 0, &a));
  PetscCall(PhynnGraphSub(p->g, th, a, &r));
  PetscCall(PhynnPinnAddTerm(p, "ic", ic, r, c->w_ic));
  PetscCall(PhynnPinnAux(p, ic, 1, &a));
  PetscCall(PhynnGraphSub(p->g, thd, a, &r));
  PetscCall(PhynnPinnAddTerm(p, "ic_dot", ic, r, c->w_ic));

  if (c->data[0]) { /* a data term: theta(t) of a reference file, all its times */
    int     ncid;
    size_t  nt, nth;
    double *t, *theta;
    PhynnPointSet *data;
    PetscCall(PhynnNcOpen(c->data, &ncid));
    PetscCall(PhynnNcReadDoubles(ncid, c->data, "t", &t, &nt));
    PetscCall(PhynnNcReadDoubles(ncid, c->data, "theta", &theta, &nth));
    nc_close(ncid);
    PetscCheck(nt == nth, p->comm, PHYNN_ERR_INPUT, "%s: theta has %zu values but t has %zu; give a single-trajectory file from phynn solve pendulum", c->data, nth, nt);
    PetscCall(PetscFree(t));
    PetscCall(PetscFree(theta));
    PetscCall(PhynnPinnAddSet(p, "data", (long)nt, 1, PETSC_FALSE, &data));
    PetscCall(PhynnPinnApply(p, data, "", &jet, &out));
    PetscCall(PhynnPinnField(p, &jet, out, "theta", &th));
    PetscCall(PhynnPinnAux(p, data, 0, &a));
    PetscCall(PhynnGraphSub(p->g, th, a, &r));
    PetscCall(PhynnPinnAddTerm(p, "data", data, r, c->w_data));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode PendulumFill(PhynnPinn *p, PhynnPointSet *set, long round)
{
  const PendulumCtx *c = (const PendulumCtx *)p->ctx;
  PetscFunctionBegin;
  if (!strcmp(set->name, "collocation")) {
    double lb = 0, ub = c->tf;
    PetscCall(PhynnPinnSampleBox(p, set, round, &lb, &ub));
  } else if (!strcmp(set->name, "initial")) {
    for (long i = 0; i < set->count; i++) {
      set->x[i]           = 0;
      set->aux[2 * i]     = c->theta0;
      set->aux[2 * i + 1] = c->omega0;
    }
  } else { /* data: this rank's slice of the reference */
    int     ncid;
    size_t  nt;
    double *t, *theta;
    PetscCall(PhynnNcOpen(c->data, &ncid));
    PetscCall(PhynnNcReadDoubles(ncid, c->data, "t", &t, &nt));
    PetscCall(PhynnNcReadDoubles(ncid, c->data, "theta", &theta, &nt));
    nc_close(ncid);
    for (long i = 0; i < set->count; i++) {
      set->x[i]   = t[set->start + i];
      set->aux[i] = theta[set->start + i];
    }
    PetscCall(PetscFree(t));
    PetscCall(PetscFree(theta));
  }
  PetscFunctionReturn(0);
}

const PhynnPinnProblem PhynnProblemPendulum = {"pinn-pendulum", "theta'' + (g/l) sin(theta) = 0 (or theta with -linear)", PendulumOptions, PendulumBuild, PendulumFill};

PetscErrorCode PhynnCmdTrainPinnPendulum(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args) { return PhynnPinnRun(&PhynnProblemPendulum, comm, mode, nargs, args); }
