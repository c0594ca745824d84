/* SINDy libraries: the candidate terms Theta of a sparse model of latent dynamics (Brunton et al.
 * 2016; Champion et al. 2019), for the SINDy autoencoder (docs/sindy.md).
 *
 * A model of order 1 is z' = Theta(z) Xi^T; of order 2, z'' = Theta(z, z') Xi^T. Its state is the
 * vector of the library's variables: z0 .. z{L-1} (order 1), then dz0 .. dz{L-1} (order 2: the
 * components of z'). The terms, in this order (Champion's and PySINDy's):
 *   the constant "1" (constant=1),
 *   the monomials of degree 1 .. poly in the variables, degree by degree, each degree's exponents
 *     in combinations-with-replacement order ("z0", "dz0", "z0^2", "z0*dz0", "dz0^2", ...),
 *   sin of every variable (sine=1: "sin(z0)", "sin(dz0)"), then cos of every variable (cosine=1).
 * With velocity=0 (order 2 only) the terms are built from z0 .. z{L-1} alone, the tutorial's
 * library (z'' = f(z): a conservative force, no damping or other velocity dependence); the state
 * still holds dz, which the integration of the law needs.
 * Xi is (L x nterms): row j holds the coefficients of z_j's equation, column k those of term k.
 *
 * The library is used twice, in ways that must agree: as graph nodes (training: Theta(z) built
 * from the encoder's z and z', so reverse mode reaches the encoder and Xi) and as plain
 * arithmetic (validation: the discovered equation integrated with PETSc TS). */
#ifndef PHYNN_SINDY_H
#define PHYNN_SINDY_H

#include "phynn/graph.h"

#define PHYNN_SINDY_MAX_VARS  8   /* state variables: latent x order */
#define PHYNN_SINDY_MAX_TERMS 256
#define PHYNN_SINDY_NAME_MAX  64

typedef enum { PHYNN_SINDY_CONSTANT, PHYNN_SINDY_MONOMIAL, PHYNN_SINDY_SINE, PHYNN_SINDY_COSINE } PhynnSindyTermKind;

typedef struct {
  PhynnSindyTermKind kind;
  int                power[PHYNN_SINDY_MAX_VARS]; /* monomial: the exponent of each variable */
  int                var;                         /* sine, cosine: the variable */
} PhynnSindyTerm;

typedef struct {
  int            latent, order;           /* L and the model's order (1 or 2) */
  int            poly, sine, cosine, constant, velocity;
  int            nvars, nterms;           /* nvars = L order */
  int            nlibvars;                /* the variables the terms are built from: nvars, or L when velocity = 0 */
  PhynnSindyTerm term[PHYNN_SINDY_MAX_TERMS];
} PhynnSindyLibrary;

/* Fills lib->term from latent, order, poly (>= 0), sine, cosine, constant, velocity (0 or 1). An empty
 * library, or one beyond the limits above, is an error naming `what` (the option or spec key). */
PetscErrorCode PhynnSindyLibrarySetUp(MPI_Comm comm, const char *what, int latent, int order, int poly, int sine, int cosine, int constant, int velocity, PhynnSindyLibrary *lib);
/* The name of variable v ("z0", "dz0") and of term k ("1", "z0^2*dz0", "sin(z0)"). */
void PhynnSindyVarName(const PhynnSindyLibrary *lib, int v, char *name, size_t len);
void PhynnSindyTermName(const PhynnSindyLibrary *lib, int k, char *name, size_t len);
/* Theta at one state (nvars values): theta[k] for every term. */
void PhynnSindyLibraryEval(const PhynnSindyLibrary *lib, const double *state, double *theta);
/* The model's right-hand side at a state: rhs[j] = sum_k theta_k(state) xi[j nterms + k] (the
 * highest derivative of z_j). xi already masked. */
void PhynnSindyRHS(const PhynnSindyLibrary *lib, const double *xi, const double *state, double *rhs);
/* The equation of z_j as text, "z0'' = -0.981 sin(z0) + 0.02 z0" (only the nonzero entries of the
 * masked xi; "z0'' = 0" when none). */
void PhynnSindyEquation(const PhynnSindyLibrary *lib, const double *xi, int j, char *text, size_t len);

/* Graph nodes: Theta (N x nterms) from z (N x L) and, for order 2, dz (N x L) (else -1); `one`
 * is an (N x 1) node of ones (an input the caller fills) for the constant term (-1 without it).
 * Built from slices, products, sin/cos and one concatenation, so its backward is theirs. */
PetscErrorCode PhynnSindyLibraryGraph(PhynnGraph g, const PhynnSindyLibrary *lib, int z, int dz, int one, int *theta);

#endif
