/* PINN for the heat equation (DeepXDE's example, the default of `phynn solve heat`):
 *   u_t = k u_xx,  x in [x0, x1], t in [0, tf],  u(0, x) = sin(pi (x - x0) / L)
 *   dirichlet: u(t, x0) = u(t, x1) = 0;   exact u = exp(-k pi^2 t / L^2) sin(pi (x - x0) / L)
 *   periodic:  u(t, x0) = u(t, x1), u_x(t, x0) = u_x(t, x1), u(0, x) = sin(2 pi (x - x0) / L)
 * Loss terms: pde (u_t - k u_xx at collocation points), ic, bc (bc_u and bc_ux when periodic). */
#include <math.h>
#include <string.h>

#include "pinn.h"

enum { K, X0, X1, TF, NF, N0, NB, W_PDE, W_IC, W_BC };
enum { PERIODIC };
static const char *const bc_names[] = {"dirichlet", "periodic", NULL};

static PetscErrorCode HeatOptions(PhynnPinn *p)
{
  long nf, n0, nb;
  int  bc;
  PetscFunctionBegin;
  PetscCall(PhynnOptReal("k", 0.4, "diffusivity k in u_t = k u_xx", &p->params[K], NULL));
  PetscCall(PhynnOptReal("xmin", 0.0, "left end of the domain", &p->params[X0], NULL));
  PetscCall(PhynnOptReal("xmax", 1.0, "right end of the domain", &p->params[X1], NULL));
  PetscCall(PhynnOptReal("tf", 1.0, "final time", &p->params[TF], NULL));
  PetscCall(PhynnOptChoice("bc", bc_names, "dirichlet", "boundary condition (periodic uses u(0,x) = sin(2 pi x / L))", &bc, NULL));
  PetscCall(PhynnOptInt("n_f", 2540, "collocation points (the PDE residual)", &nf, NULL));
  PetscCall(PhynnOptInt("n_0", 80, "initial-condition points", &n0, NULL));
  PetscCall(PhynnOptInt("n_b", 160, "boundary points (half on each end)", &nb, NULL));
  PetscCall(PhynnOptReal("w_pde", 1.0, "weight of the PDE term", &p->params[W_PDE], NULL));
  PetscCall(PhynnOptReal("w_ic", 1.0, "weight of the initial-condition term", &p->params[W_IC], NULL));
  PetscCall(PhynnOptReal("w_bc", 1.0, "weight of the boundary terms", &p->params[W_BC], NULL));
  p->params[NF]         = (double)nf;
  p->params[N0]         = (double)n0;
  p->params[NB]         = (double)nb;
  p->flags[PERIODIC]    = bc == 1;
  PetscCall(PhynnPinnSpaceTime(p, p->params[X0], p->params[X1], p->params[TF], "u", "u"));
  PetscCall(PetscStrncpy(p->default_layers, "2,20,20,20,1", sizeof(p->default_layers)));
  p->default_adam_it  = 3000;
  p->default_lbfgs_it = 3000;
  if (PhynnOptionsGetMode() == PHYNN_OPTIONS_READ) {
    PetscCheck(p->params[K] > 0, p->comm, PHYNN_ERR_INPUT, "option -k: %g is not positive; the diffusivity must be > 0", p->params[K]);
    PetscCheck(nb >= 2 && nb % 2 == 0, p->comm, PHYNN_ERR_INPUT, "option -n_b: %ld must be even and >= 2 (half on each end)", nb);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode HeatBuild(PhynnPinn *p)
{
  PhynnPointSet *col, *ic, *bl, *br;
  PhynnJet       jet;
  int            out, ut, uxx, r, u, u0;
  PetscFunctionBegin;
  PetscCall(PhynnPinnAddSet(p, "collocation", (long)p->params[NF], 0, PETSC_TRUE, &col));
  PetscCall(PhynnPinnApply(p, col, "t,xx", &jet, &out));
  PetscCall(PhynnPinnField(p, &jet, out, "u_t", &ut));
  PetscCall(PhynnPinnField(p, &jet, out, "u_xx", &uxx));
  PetscCall(PhynnGraphScale(p->g, uxx, -p->params[K], &r));
  PetscCall(PhynnGraphAdd(p->g, ut, r, &r)); /* u_t - k u_xx */
  PetscCall(PhynnPinnAddTerm(p, "pde", col, r, p->params[W_PDE]));

  PetscCall(PhynnPinnAddSet(p, "initial", (long)p->params[N0], 1, PETSC_FALSE, &ic));
  PetscCall(PhynnPinnApply(p, ic, "", &jet, &out));
  PetscCall(PhynnPinnField(p, &jet, out, "u", &u));
  PetscCall(PhynnPinnAux(p, ic, 0, &u0));
  PetscCall(PhynnGraphSub(p->g, u, u0, &r));
  PetscCall(PhynnPinnAddTerm(p, "ic", ic, r, p->params[W_IC]));

  if (!p->flags[PERIODIC]) {
    PetscCall(PhynnPinnAddSet(p, "boundary", (long)p->params[NB], 0, PETSC_FALSE, &bl));
    PetscCall(PhynnPinnApply(p, bl, "", &jet, &out));
    PetscCall(PhynnPinnField(p, &jet, out, "u", &u));
    PetscCall(PhynnPinnAddTerm(p, "bc", bl, u, p->params[W_BC]));
  } else {
    /* the same times on both ends: u and u_x must match */
    int ul, ur, uxl, uxr, outl, outr;
    PhynnJet jl, jr;
    PetscCall(PhynnPinnAddSet(p, "boundary_left", (long)p->params[NB] / 2, 0, PETSC_FALSE, &bl));
    PetscCall(PhynnPinnAddSet(p, "boundary_right", (long)p->params[NB] / 2, 0, PETSC_FALSE, &br));
    PetscCall(PhynnPinnApply(p, bl, "x", &jl, &outl));
    PetscCall(PhynnPinnApply(p, br, "x", &jr, &outr));
    PetscCall(PhynnPinnField(p, &jl, outl, "u", &ul));
    PetscCall(PhynnPinnField(p, &jr, outr, "u", &ur));
    PetscCall(PhynnPinnField(p, &jl, outl, "u_x", &uxl));
    PetscCall(PhynnPinnField(p, &jr, outr, "u_x", &uxr));
    PetscCall(PhynnGraphSub(p->g, ul, ur, &r));
    PetscCall(PhynnPinnAddTerm(p, "bc_u", bl, r, p->params[W_BC]));
    PetscCall(PhynnGraphSub(p->g, uxl, uxr, &r));
    PetscCall(PhynnPinnAddTerm(p, "bc_ux", bl, r, p->params[W_BC]));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode HeatFill(PhynnPinn *p, PhynnPointSet *set, long round)
{
  double x0 = p->params[X0], x1 = p->params[X1], L = x1 - x0, tf = p->params[TF];
  PetscFunctionBegin;
  if (!strcmp(set->name, "collocation")) {
    double lb[2] = {x0, 0}, ub[2] = {x1, tf};
    PetscCall(PhynnPinnSampleBox(p, set, round, lb, ub));
  } else if (!strcmp(set->name, "initial")) {
    double lb[2] = {x0, 0}, ub[2] = {x1, 0};
    PetscCall(PhynnPinnSampleBox(p, set, round, lb, ub));
    for (long i = 0; i < set->count; i++) set->aux[i] = sin((p->flags[PERIODIC] ? 2 : 1) * M_PI * (set->x[2 * i] - x0) / L);
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
