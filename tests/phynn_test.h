/* A tiny test harness for phynn's CTest programs.
 *
 *   PHYNN_TEST_MAIN(body)   defines main(): PetscInitialize, runs body(comm), PetscFinalize,
 *                           exits non-zero if any check failed or body returned an error.
 *   CHECK(cond, fmt, ...)   records a failure with a message when cond is false
 *   CHECK_CLOSE(what, got, want, rtol, atol)
 *                           |got - want| <= atol + rtol |want|, printing both and the error
 *
 * Checks print "ok"/"FAIL" lines on rank 0 so a CTest log reads like a specification. */
#ifndef PHYNN_TEST_H
#define PHYNN_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "phynn/sys.h"

static int phynn_test_failures = 0;

#define CHECK(cond, ...)                                                            \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      phynn_test_failures++;                                                        \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                          \
      fprintf(stderr, __VA_ARGS__);                                                 \
      fputc('\n', stderr);                                                          \
    }                                                                               \
  } while (0)

static inline int phynn_check_close(const char *file, int line, const char *what, double got, double want, double rtol, double atol)
{
  double err = fabs(got - want), tol = atol + rtol * fabs(want);
  int    ok  = err <= tol && isfinite(got);
  int    rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (!ok) {
    phynn_test_failures++;
    fprintf(stderr, "FAIL %s:%d: %s: got %.15g, want %.15g, |error| %.3g > tolerance %.3g\n", file, line, what, got, want, err, tol);
  } else if (rank == 0) {
    printf("ok   %s: %.12g (want %.12g, |error| %.3g <= %.3g)\n", what, got, want, err, tol);
  }
  return ok;
}
#define CHECK_CLOSE(what, got, want, rtol, atol) phynn_check_close(__FILE__, __LINE__, (what), (got), (want), (rtol), (atol))

#define PHYNN_TEST_MAIN(body)                                                                 \
  int main(int argc, char **argv)                                                             \
  {                                                                                           \
    if (PetscInitialize(&argc, &argv, NULL, NULL)) return 1;                                  \
    PetscErrorCode phynn_test_ierr = body(PETSC_COMM_WORLD);                                  \
    int            phynn_test_local = phynn_test_failures + (phynn_test_ierr ? 1 : 0), total = 0; \
    MPI_Allreduce(&phynn_test_local, &total, 1, MPI_INT, MPI_SUM, PETSC_COMM_WORLD);          \
    if (PetscFinalize()) return 1;                                                            \
    if (total) fprintf(stderr, "%d check(s) failed\n", total);                                \
    return total ? 1 : 0;                                                                     \
  }

#endif
