/* PINN for the heat equation (DeepXDE's example, the default of `phynn solve heat`):
 *   u_t = k u_xx,  x in [x0, x1], t in [0, tf],  u(0, x) = sin(pi (x - x0) / L)
 *   dirichlet: u(t, x0) = u(t, x1) = 0;   exact u = exp(-k pi^2 t / L^2) sin(pi (x - x0) / L)
 *   periodic:  u(t, x0) = u(t, x1), u_x(t, x0) = u_x(t, x1), u(0, x) = sin(2 pi (x - x0) / L)
 * Loss terms: pde (u_t - k u_xx at collocation points), ic, bc (bc_u and bc_ux when periodic). */
#include <math.h>
#include <string.h>

#include "pinn.h"

/* The problem's state (p->ctx). */
typedef struct {
  double    k, x0, x1, tf;     /* u_t = k u_xx on [x0, x1] x [0, tf] */
  long      nf, n0, nb;        /* collocation, initial and boundary points */
  double    w_pde, w_ic, w_bc; /* term weights */
  PetscBool periodic;          /* -bc periodic (else Dirichlet) */
} HeatCtx;

static const char *const bc_names[] = {"dirichlet", "periodic", NULL};

static PetscErrorCode HeatOptions(PhynnPinn *p)
{
  HeatCtx *c;
  int      bc;
  PetscFunctionBegin;
  PetscCall(PetscNew(&c));
  p->ctx = c;
  PetscCall(PhynnOptReal("k", 0.4, "diffusivity k in u_t = k u_xx", &c->k, NULL));
  PetscCall(PhynnOptReal("xmin", 0.0, "left end of the domain", &c->x0, NULL));
  PetscCall(PhynnOptReal("xmax", 1.0, "right end of the domain", &c->x1, NULL));
  PetscCall(PhynnOptReal("tf", 1.0, "final time", &c->tf, NULL));
  PetscCall(PhynnOptChoice("bc", bc_names, "dirichlet", "boundary condition (periodic uses u(0,x) = sin(2 pi x / L))", &bc, NULL));
  PetscCall(PhynnOptInt("n_f", 2540, "collocation points (the PDE residual)", &c->nf, NULL));
  PetscCall(PhynnOptInt("n_0", 80, "initial-condition points", &c->n0, NULL));
  PetscCall(PhynnOptInt("n_b", 160, "boundary points (half on each end)", &c->nb, NULL));
  PetscCall(PhynnOptReal("w_pde", 1.0, "weight of the PDE term", &c->w_pde, NULL));
  PetscCall(PhynnOptReal("w_ic", 1.0, "weight of the initial-condition term", &c->w_ic, NULL));
  PetscCall(PhynnOptReal("w_bc", 1.0, "weight of the boundary terms", &c->w_bc, NULL));
  c->periodic = bc == 1 ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(PhynnPinnSpaceTime(p, c->x0, c->x1, c->tf, "u", "u"));
  PetscCall(PetscStrncpy(p->default_layers, "2,20,20,20,1", sizeof(p->default_layers)));
  p->default_adam_it  = 3000;
  p->default_lbfgs_it = 3000;
  if (PhynnOptionsGetMode() == PHYNN_OPTIONS_READ) {
    PetscCheck(c->k > 0, p->comm, PHYNN_ERR_INPUT, "option -k: %g is not positive; the diffusivity must be > 0", c->k);
    PetscCheck(c->nb >= 2 && c->nb % 2 == 0, p->comm, PHYNN_ERR_INPUT, "option -n_b: %ld must be even and >= 2 (half on each end)", c->nb);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode HeatBuild(PhynnPinn *p)
{
  const HeatCtx *c = (const HeatCtx *)p->ctx;
  PhynnPointSet *col, *ic, *bl, *br;
  PhynnJet       jet;
  int            out, ut, uxx, r, u, u0;
  PetscFunctionBegin;
  PetscCall(PhynnPinnAddSet(p, "collocation", c->nf, 0, PETSC_TRUE, &col));
  PetscCall(PhynnPinnApply(p, col, "t,xx", &jet, &out));
  PetscCall(PhynnPinnField(p, &jet, out, "u_t", &ut));
  PetscCall(PhynnPinnField(p, &jet, out, "u_xx", &uxx));
  PetscCall(PhynnGraphScale(p->g, uxx, -c->k, &r));
  PetscCall(PhynnGraphAdd(p->g, ut, r, &r)); /* u_t - k u_xx */
  PetscCall(PhynnPinnAddTerm(p, "pde", col, r, c->w_pde));

  PetscCall(PhynnPinnAddSet(p, "initial", c->n0, 1, PETSC_FALSE, &ic));
  PetscCall(PhynnPinnApply(p, ic, "", &jet, &out));
  PetscCall(PhynnPinnField(p, &jet, out, "u", &u));
  PetscCall(PhynnPinnAux(p, ic, 0, &u0));
  PetscCall(PhynnGraphSub(p->g, u, u0, &r));
  PetscCall(PhynnPinnAddTerm(p, "ic", ic, r, c->w_ic));

  if (!c->periodic) {
    PetscCall(PhynnPinnAddSet(p, "boundary", c->nb, 0, PETSC_FALSE, &bl));
    PetscCall(PhynnPinnApply(p, bl, "", &jet, &out));
    PetscCall(PhynnPinnField(p, &jet, out, "u", &u));
    PetscCall(PhynnPinnAddTerm(p, "bc", bl, u, c->w_bc));
  } else {
    /* the same times on both ends: u and u_x must match */
    int ul, ur, uxl, uxr, outl, outr;
    PhynnJet jl, jr;
    PetscCall(PhynnPinnAddSet(p, "boundary_left", c->nb / 2, 0, PETSC_FALSE, &bl));
    PetscCall(PhynnPinnAddSet(p, "boundary_right", c->nb / 2, 0, PETSC_FALSE, &br));
    PetscCall(PhynnPinnApply(p, bl, "x", &jl, &outl));
    PetscCall(PhynnPinnApply(p, br, "x", &jr, &outr));
    PetscCall(PhynnPinnField(p, &jl, outl, "u", &ul));
    PetscCall(PhynnPinnField(p, &jr, outr, "u", &ur));
    PetscCall(PhynnPinnField(p, &jl, outl, "u_x", &uxl));
    PetscCall(PhynnPinnField(p, &jr, outr, "u_x", &uxr));
    PetscCall(PhynnGraphSub(p->g, ul, ur, &r));
    PetscCall(PhynnPinnAddTerm(p, "bc_u", bl, r, c->w_bc));
    PetscCall(PhynnGraphSub(p->g, uxl, uxr, &r));
    PetscCall(PhynnPinnAddTerm(p, "bc_ux", bl, r, c->w_bc));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode HeatFill(PhynnPinn *p, PhynnPointSet *set, long round)
{
  const HeatCtx *c  = (const HeatCtx *)p->ctx;
  double         x0 = c->x0, x1 = c->x1, L = x1 - x0, tf = c->tf;
  PetscFunctionBegin;
  if (!strcmp(set->name, "collocation")) {
    double lb[2] = {x0, 0}, ub[2] = {x1, tf};
    PetscCall(PhynnPinnSampleBox(p, set, round, lb, ub));
  } else if (!strcmp(set->name, "initial")) {
    double lb[2] = {x0, 0}, ub[2] = {x1, 0};
    PetscCall(PhynnPinnSampleBox(p, set, round, lb, ub));
    for (long i = 0; i < set->count; i++) set->aux[i] = sin((c->periodic ? 2 : 1) * M_PI * (set->x[2 * i] - x0) / L);
  } else if (!strcmp(set->name, "boundary")) {
    double lb[2] = {x0, 0}, ub[2] = {x0, tf};
    PetscCall(PhynnPinnSampleBox(p, set, round, lb, ub));
    for (long i = 0; i < set->count; i++) set->x[2 * i] = (set->start + i) % 2 ? x1 : x0; /* alternate ends */
  } else { /* boundary_left / boundary_right */
    PetscCall(PhynnPinnFillPeriodicPair(p, set, round, x0, x1, tf));
  }
  PetscFunctionReturn(0);
}

const PhynnPinnProblem PhynnProblemHeat = {"pinn-heat", "u_t = k u_xx", HeatOptions, HeatBuild, HeatFill};

PetscErrorCode PhynnCmdTrainPinnHeat(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args) { return PhynnPinnRun(&PhynnProblemHeat, comm, mode, nargs, args); }
