/* SINDy libraries (phynn/sindy.h): the candidate terms, their names, and Theta both as graph
 * nodes (training) and as arithmetic (integration of the discovered law). */
#include <math.h>
#include <string.h>

#include "phynn/sindy.h"

/* Every exponent vector of total degree `degree` over nvars variables, in combinations-with-
 * replacement order of the variable indices (i1 <= i2 <= ... <= i_degree), so for (z0, dz0) and
 * degree 2: z0^2, z0*dz0, dz0^2. */
static PetscErrorCode AddMonomials(MPI_Comm comm, const char *what, PhynnSindyLibrary *lib, int degree)
{
  int idx[64];
  PetscFunctionBegin;
  PetscCheck(degree <= 64, comm, PHYNN_ERR_INPUT, "%s: polynomial degree %d is beyond 64", what, degree);
  for (int d = 0; d < degree; d++) idx[d] = 0;
  for (;;) {
    PhynnSindyTerm *t;
    PetscCheck(lib->nterms < PHYNN_SINDY_MAX_TERMS, comm, PHYNN_ERR_INPUT, "%s: the library has more than %d terms; lower the polynomial degree", what, PHYNN_SINDY_MAX_TERMS);
    t = &lib->term[lib->nterms++];
    memset(t, 0, sizeof(*t));
    t->kind = PHYNN_SINDY_MONOMIAL;
    for (int d = 0; d < degree; d++) t->power[idx[d]]++;
    /* next non-decreasing index vector */
    int d = degree - 1;
    while (d >= 0 && idx[d] == lib->nlibvars - 1) d--;
    if (d < 0) break;
    idx[d]++;
    for (int e = d + 1; e < degree; e++) idx[e] = idx[d];
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnSindyLibrarySetUp(MPI_Comm comm, const char *what, int latent, int order, int poly, int sine, int cosine, int constant, int velocity, PhynnSindyLibrary *lib)
{
  PetscFunctionBegin;
  PetscCheck(latent >= 1, comm, PHYNN_ERR_INPUT, "%s: the latent size is %d; give at least 1", what, latent);
  PetscCheck(order == 1 || order == 2, comm, PHYNN_ERR_INPUT, "%s: order %d; a SINDy model is of order 1 (z' = Theta(z) Xi) or 2 (z'' = Theta(z, z') Xi)", what, order);
  PetscCheck(latent * order <= PHYNN_SINDY_MAX_VARS, comm, PHYNN_ERR_INPUT, "%s: %d latent variables of order %d make %d state variables; at most %d", what, latent, order, latent * order, PHYNN_SINDY_MAX_VARS);
  PetscCheck(poly >= 0, comm, PHYNN_ERR_INPUT, "%s: polynomial degree %d is negative; give 0 (none) or more", what, poly);
  PetscCheck((sine == 0 || sine == 1) && (cosine == 0 || cosine == 1) && (constant == 0 || constant == 1), comm, PHYNN_ERR_INPUT, "%s: sine, cosine and constant are 0 or 1", what);
  PetscCheck(velocity == 0 || velocity == 1, comm, PHYNN_ERR_INPUT, "%s: velocity is 0 (terms in z only) or 1 (in z and z')", what);
  PetscCheck(velocity == 1 || order == 2, comm, PHYNN_ERR_INPUT, "%s: velocity=0 leaves z' out of a second-order library, and this model is of order 1 (no z'); drop it", what);
  PetscCheck(poly > 0 || sine || cosine, comm, PHYNN_ERR_INPUT, "%s: the library is empty (no polynomials, sines or cosines%s); give a polynomial degree >= 1 or the sine terms", what, constant ? ", only the constant" : "");
  memset(lib, 0, sizeof(*lib));
  lib->latent   = latent;
  lib->order    = order;
  lib->poly     = poly;
  lib->sine     = sine;
  lib->cosine   = cosine;
  lib->constant = constant;
  lib->velocity = velocity;
  lib->nvars    = latent * order;
  lib->nlibvars = velocity ? lib->nvars : latent;
  if (constant) lib->term[lib->nterms++].kind = PHYNN_SINDY_CONSTANT;
  for (int d = 1; d <= poly; d++) PetscCall(AddMonomials(comm, what, lib, d));
  for (int pass = 0; pass < 2; pass++) {
    if ((pass == 0 && !sine) || (pass == 1 && !cosine)) continue;
    for (int v = 0; v < lib->nlibvars; v++) {
      PetscCheck(lib->nterms < PHYNN_SINDY_MAX_TERMS, comm, PHYNN_ERR_INPUT, "%s: the library has more than %d terms", what, PHYNN_SINDY_MAX_TERMS);
      PhynnSindyTerm *t = &lib->term[lib->nterms++];
      memset(t, 0, sizeof(*t));
      t->kind = pass == 0 ? PHYNN_SINDY_SINE : PHYNN_SINDY_COSINE;
      t->var  = v;
    }
  }
  PetscFunctionReturn(0);
}

void PhynnSindyVarName(const PhynnSindyLibrary *lib, int v, char *name, size_t len)
{
  if (v < lib->latent) snprintf(name, len, "z%d", v);
  else snprintf(name, len, "dz%d", v - lib->latent);
}

void PhynnSindyTermName(const PhynnSindyLibrary *lib, int k, char *name, size_t len)
{
  const PhynnSindyTerm *t = &lib->term[k];
  char                  v[16];
  size_t                used = 0;
  name[0]                    = '\0';
  switch (t->kind) {
  case PHYNN_SINDY_CONSTANT: snprintf(name, len, "1"); break;
  case PHYNN_SINDY_SINE:
  case PHYNN_SINDY_COSINE:
    PhynnSindyVarName(lib, t->var, v, sizeof(v));
    snprintf(name, len, "%s(%s)", t->kind == PHYNN_SINDY_SINE ? "sin" : "cos", v);
    break;
  case PHYNN_SINDY_MONOMIAL:
    for (int i = 0; i < lib->nvars; i++) {
      if (!t->power[i]) continue;
      PhynnSindyVarName(lib, i, v, sizeof(v));
      int n = t->power[i] == 1 ? snprintf(name + used, len - used, "%s%s", used ? "*" : "", v) : snprintf(name + used, len - used, "%s%s^%d", used ? "*" : "", v, t->power[i]);
      if (n < 0 || (size_t)n >= len - used) return;
      used += (size_t)n;
    }
    break;
  }
}

void PhynnSindyLibraryEval(const PhynnSindyLibrary *lib, const double *state, double *theta)
{
  for (int k = 0; k < lib->nterms; k++) {
    const PhynnSindyTerm *t = &lib->term[k];
    double                v = 1;
    switch (t->kind) {
    case PHYNN_SINDY_CONSTANT: break;
    case PHYNN_SINDY_SINE: v = sin(state[t->var]); break;
    case PHYNN_SINDY_COSINE: v = cos(state[t->var]); break;
    case PHYNN_SINDY_MONOMIAL:
      for (int i = 0; i < lib->nvars; i++)
        for (int p = 0; p < t->power[i]; p++) v *= state[i];
      break;
    }
    theta[k] = v;
  }
}

void PhynnSindyRHS(const PhynnSindyLibrary *lib, const double *xi, const double *state, double *rhs)
{
  double theta[PHYNN_SINDY_MAX_TERMS];
  PhynnSindyLibraryEval(lib, state, theta);
  for (int j = 0; j < lib->latent; j++) {
    double s = 0;
    for (int k = 0; k < lib->nterms; k++) s += theta[k] * xi[j * lib->nterms + k];
    rhs[j] = s;
  }
}

void PhynnSindyEquation(const PhynnSindyLibrary *lib, const double *xi, int j, char *text, size_t len)
{
  size_t used  = 0;
  int    first = 1, n = snprintf(text, len, "z%d%s =", j, lib->order == 2 ? "''" : "'");
  if (n < 0 || (size_t)n >= len) return;
  used = (size_t)n;
  for (int k = 0; k < lib->nterms; k++) {
    double c = xi[j * lib->nterms + k];
    char   name[PHYNN_SINDY_NAME_MAX], sign[4];
    if (c == 0) continue;
    if (lib->term[k].kind == PHYNN_SINDY_CONSTANT) name[0] = '\0';
    else {
      name[0] = ' ';
      PhynnSindyTermName(lib, k, name + 1, sizeof(name) - 1);
    }
    /* the first term carries its sign on the number ("-0.98 sin(z0)"), later ones as an operator */
    snprintf(sign, sizeof(sign), "%s", first ? (c < 0 ? "-" : "") : (c < 0 ? "- " : "+ "));
    n = snprintf(text + used, len - used, " %s%.4g%s", sign, fabs(c), name);
    if (n < 0 || (size_t)n >= len - used) return;
    used += (size_t)n;
    first = 0;
  }
  if (first) snprintf(text + used, len - used, " 0");
}

PetscErrorCode PhynnSindyLibraryGraph(PhynnGraph g, const PhynnSindyLibrary *lib, int z, int dz, int one, int *theta)
{
  int  var[PHYNN_SINDY_MAX_VARS], *col;
  PetscFunctionBegin;
  PetscCheck(lib->order == 1 || dz >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "PhynnSindyLibraryGraph: a second-order library needs the node of z'");
  for (int v = 0; v < lib->nvars; v++) {
    int src = v < lib->latent ? z : dz, c = v % lib->latent;
    if (lib->latent == 1) var[v] = src; /* (N x 1) already */
    else PetscCall(PhynnGraphSlice(g, src, 1, 0, c, &var[v]));
  }
  PetscCall(PetscMalloc1(lib->nterms, &col));
  for (int k = 0; k < lib->nterms; k++) {
    const PhynnSindyTerm *t = &lib->term[k];
    switch (t->kind) {
    case PHYNN_SINDY_CONSTANT:
      PetscCheck(one >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "PhynnSindyLibraryGraph: the constant term needs a node of ones");
      col[k] = one;
      break;
    case PHYNN_SINDY_SINE: PetscCall(PhynnGraphSin(g, var[t->var], &col[k])); break;
    case PHYNN_SINDY_COSINE: PetscCall(PhynnGraphCos(g, var[t->var], &col[k])); break;
    case PHYNN_SINDY_MONOMIAL:
      col[k] = -1;
      for (int i = 0; i < lib->nvars; i++)
        for (int p = 0; p < t->power[i]; p++) {
          if (col[k] < 0) col[k] = var[i];
          else PetscCall(PhynnGraphMul(g, col[k], var[i], &col[k]));
        }
      break;
    }
  }
  if (lib->nterms == 1) *theta = col[0];
  else PetscCall(PhynnGraphConcat(g, lib->nterms, col, theta));
  PetscCall(PetscFree(col));
  PetscFunctionReturn(0);
}
