/* PINN for the nonlinear Schrodinger equation (Raissi, Perdikaris & Karniadakis 2019):
 *   i h_t + 0.5 h_xx + |h|^2 h = 0,  h = u + i v,  x in [-5, 5], t in [0, pi/2]
 *   h(0, x) = 2 sech(x);  periodic: h(t, -5) = h(t, 5), h_x(t, -5) = h_x(t, 5)
 * Real and imaginary parts of the residual (signs checked: some re-implementations get f_v wrong):
 *   f_u = u_t + 0.5 v_xx + (u^2 + v^2) v
 *   f_v = v_t - 0.5 u_xx - (u^2 + v^2) u
 * Loss terms: f_u, f_v at collocation points; ic_u, ic_v; bc_u, bc_v, bc_ux, bc_vx. Raissi's
 * set-up is the default: [2,100,100,100,100,2] tanh, inputs scaled to [-1, 1], N0 = 50,
 * Nb = 50, Nf = 20000 (Latin hypercube), Adam (lr 1e-3) then L-BFGS. */
#include <math.h>
#include <string.h>

#include "pinn.h"

/* The problem's state (p->ctx). */
typedef struct {
  double x0, x1, tf;        /* the periodic domain [x0, x1] x [0, tf] */
  long   nf, n0, nb;        /* collocation points, initial points, boundary times */
  double w_pde, w_ic, w_bc; /* term weights */
} NlsCtx;

static PetscErrorCode NlsOptions(PhynnPinn *p)
{
  NlsCtx *c;
  PetscFunctionBegin;
  PetscCall(PetscNew(&c));
  p->ctx = c;
  PetscCall(PhynnOptReal("xmin", -5.0, "left end of the periodic domain", &c->x0, NULL));
  PetscCall(PhynnOptReal("xmax", 5.0, "right end of the periodic domain", &c->x1, NULL));
  PetscCall(PhynnOptReal("tf", M_PI / 2, "final time", &c->tf, NULL));
  PetscCall(PhynnOptInt("n_f", 20000, "collocation points (the PDE residual)", &c->nf, NULL));
  PetscCall(PhynnOptInt("n_0", 50, "initial-condition points", &c->n0, NULL));
  PetscCall(PhynnOptInt("n_b", 50, "boundary times (each gives a point on both ends)", &c->nb, NULL));
  PetscCall(PhynnOptReal("w_pde", 1.0, "weight of the PDE terms", &c->w_pde, NULL));
  PetscCall(PhynnOptReal("w_ic", 1.0, "weight of the initial-condition terms", &c->w_ic, NULL));
  PetscCall(PhynnOptReal("w_bc", 1.0, "weight of the boundary terms", &c->w_bc, NULL));
  PetscCall(PhynnPinnSpaceTime(p, c->x0, c->x1, c->tf, "u,v", "h_re,h_im"));
  PetscCall(PetscStrncpy(p->default_layers, "2,100,100,100,100,2", sizeof(p->default_layers)));
  p->default_adam_it  = 50000;
  p->default_lbfgs_it = 50000;
  PetscFunctionReturn(0);
}

/* The residuals of i h_t + 0.5 h_xx + |h|^2 h = 0 for h = u + i v (DESIGN.md: some public
 * versions get the sign of f_v wrong); `phynn bench` times exactly these operations. */
PetscErrorCode PhynnNlsResidual(PhynnGraph g, int u, int v, int ut, int vt, int uxx, int vxx, int *fu, int *fv)
{
  int a, b, m, r;
  PetscFunctionBegin;
  PetscCall(PhynnGraphSquare(g, u, &a));
  PetscCall(PhynnGraphSquare(g, v, &b));
  PetscCall(PhynnGraphAdd(g, a, b, &m)); /* |h|^2 */
  /* f_u = u_t + 0.5 v_xx + |h|^2 v */
  PetscCall(PhynnGraphScale(g, vxx, 0.5, &a));
  PetscCall(PhynnGraphMul(g, m, v, &b));
  PetscCall(PhynnGraphAdd(g, ut, a, &r));
  PetscCall(PhynnGraphAdd(g, r, b, fu));
  /* f_v = v_t - 0.5 u_xx - |h|^2 u */
  PetscCall(PhynnGraphScale(g, uxx, -0.5, &a));
  PetscCall(PhynnGraphMul(g, m, u, &b));
  PetscCall(PhynnGraphAdd(g, vt, a, &r));
  PetscCall(PhynnGraphSub(g, r, b, fv));
  PetscFunctionReturn(0);
}

static PetscErrorCode NlsBuild(PhynnPinn *p)
{
  const NlsCtx  *c = (const NlsCtx *)p->ctx;
  PhynnPointSet *col, *ic, *bl, *br;
  PhynnJet       jet, jl, jr;
  int            out, outl, outr, u, v, ut, vt, uxx, vxx, a, r, fu, fv;
  PetscFunctionBegin;
  PetscCall(PhynnPinnAddSet(p, "collocation", c->nf, 0, PETSC_TRUE, &col));
  PetscCall(PhynnPinnApply(p, col, "t,xx", &jet, &out));
  PetscCall(PhynnPinnField(p, &jet, out, "u", &u));
  PetscCall(PhynnPinnField(p, &jet, out, "v", &v));
  PetscCall(PhynnPinnField(p, &jet, out, "u_t", &ut));
  PetscCall(PhynnPinnField(p, &jet, out, "v_t", &vt));
  PetscCall(PhynnPinnField(p, &jet, out, "u_xx", &uxx));
  PetscCall(PhynnPinnField(p, &jet, out, "v_xx", &vxx));
  PetscCall(PhynnNlsResidual(p->g, u, v, ut, vt, uxx, vxx, &fu, &fv));
  PetscCall(PhynnPinnAddTerm(p, "f_u", col, fu, c->w_pde));
  PetscCall(PhynnPinnAddTerm(p, "f_v", col, fv, c->w_pde));

  PetscCall(PhynnPinnAddSet(p, "initial", c->n0, 2, PETSC_FALSE, &ic));
  PetscCall(PhynnPinnApply(p, ic, "", &jet, &out));
  PetscCall(PhynnPinnField(p, &jet, out, "u", &u));
  PetscCall(PhynnPinnField(p, &jet, out, "v", &v));
  PetscCall(PhynnPinnAux(p, ic, 0, &a));
  PetscCall(PhynnGraphSub(p->g, u, a, &r));
  PetscCall(PhynnPinnAddTerm(p, "ic_u", ic, r, c->w_ic));
  PetscCall(PhynnPinnAux(p, ic, 1, &a));
  PetscCall(PhynnGraphSub(p->g, v, a, &r));
  PetscCall(PhynnPinnAddTerm(p, "ic_v", ic, r, c->w_ic));

  PetscCall(PhynnPinnAddSet(p, "boundary_left", c->nb, 0, PETSC_FALSE, &bl));
  PetscCall(PhynnPinnAddSet(p, "boundary_right", c->nb, 0, PETSC_FALSE, &br));
  PetscCall(PhynnPinnApply(p, bl, "x", &jl, &outl));
  PetscCall(PhynnPinnApply(p, br, "x", &jr, &outr));
  {
    const char *fields[4] = {"u", "v", "u_x", "v_x"}, *terms[4] = {"bc_u", "bc_v", "bc_ux", "bc_vx"};
    for (int k = 0; k < 4; k++) {
      int fl, fr;
      PetscCall(PhynnPinnField(p, &jl, outl, fields[k], &fl));
      PetscCall(PhynnPinnField(p, &jr, outr, fields[k], &fr));
      PetscCall(PhynnGraphSub(p->g, fl, fr, &r));
      PetscCall(PhynnPinnAddTerm(p, terms[k], bl, r, c->w_bc));
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode NlsFill(PhynnPinn *p, PhynnPointSet *set, long round)
{
  const NlsCtx *c  = (const NlsCtx *)p->ctx;
  double        x0 = c->x0, x1 = c->x1, tf = c->tf;
  PetscFunctionBegin;
  if (!strcmp(set->name, "collocation")) {
    double lb[2] = {x0, 0}, ub[2] = {x1, tf};
    PetscCall(PhynnPinnSampleBox(p, set, round, lb, ub));
  } else if (!strcmp(set->name, "initial")) {
    double lb[2] = {x0, 0}, ub[2] = {x1, 0};
    PetscCall(PhynnPinnSampleBox(p, set, round, lb, ub));
    for (long i = 0; i < set->count; i++) {
      set->aux[2 * i]     = 2.0 / cosh(set->x[2 * i]); /* u(0, x) = 2 sech x */
      set->aux[2 * i + 1] = 0.0;                       /* v(0, x) = 0 */
    }
  } else { /* both boundary sets draw the same times; only x differs */
    PetscCall(PhynnPinnFillPeriodicPair(p, set, round, x0, x1, tf));
  }
  PetscFunctionReturn(0);
}

const PhynnPinnProblem PhynnProblemNls = {"pinn-nls", "i h_t + 0.5 h_xx + |h|^2 h = 0, h = u + i v, periodic", NlsOptions, NlsBuild, NlsFill};

PetscErrorCode PhynnCmdTrainPinnNls(MPI_Comm comm, PhynnOptionsMode mode, int nargs, char **args) { return PhynnPinnRun(&PhynnProblemNls, comm, mode, nargs, args); }
