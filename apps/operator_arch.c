/* The built-in operator architectures (apps/operator_arch.h). */
#include <string.h>

#include "operator_arch.h"

/* In 1-D (H = 1) kernels and strides act along W only: "1,5"; in 2-D "5". */
static void Pair(long H, long v, char *s, size_t n) { snprintf(s, n, H == 1 ? "1,%ld" : "%ld", v); }

long PhynnOperatorCnnLevels(const PhynnOperatorData *d)
{
  long side = d->H == 1 ? d->W : (d->H < d->W ? d->H : d->W), L = 1;
  while (side % (2L << L) == 0 && side / (2L << L) >= 8 && d->W % (2L << L) == 0 && (d->H == 1 || d->H % (2L << L) == 0)) L++;
  return L;
}

static PetscErrorCode CNN(MPI_Comm comm, const PhynnOperatorData *d, const PhynnOperatorArchOpts *o, PhynnText *t)
{
  const long  L = o->layers, f = 1L << L;
  const char *pad = d->periodic ? " pad=circular" : ""; /* a periodic family's domain has no ends */
  char        k5[16], k4[16], s2[16], p2[16], p1[16], prev[32];
  PetscFunctionBegin;
  PetscCheck(d->W % f == 0 && (d->H == 1 || d->H % f == 0), comm, PHYNN_ERR_INPUT, "-arch cnn halves the grid %ld times, so it needs sizes divisible by %ld (this grid is %ld x %ld); give fewer -layers", L, f, d->H, d->W);
  Pair(d->H, 5, k5, sizeof(k5));
  Pair(d->H, 4, k4, sizeof(k4));
  Pair(d->H, 2, s2, sizeof(s2));
  snprintf(p2, sizeof(p2), d->H == 1 ? "0,2" : "2");
  snprintf(p1, sizeof(p1), d->H == 1 ? "0,1" : "1");
  PetscCall(PhynnTextAppend(t, "conv enc0(norm) out=%ld k=%s p=%s act=gelu%s\n", o->width, k5, p2, pad));
  for (long l = 1; l <= L; l++) PetscCall(PhynnTextAppend(t, "conv enc%ld(enc%ld) out=%ld k=%s s=%s p=%s act=gelu%s\n", l, l - 1, o->width << l, k5, s2, p2, pad));
  snprintf(prev, sizeof(prev), "enc%ld", L);
  for (long l = L - 1; l >= 0; l--) { /* up to the resolution of enc_l, join its features, mix */
    if (d->periodic) { /* nearest upsampling and a periodic convolution: no ends anywhere */
      PetscCall(PhynnTextAppend(t, "upsample big%ld(%s) f=%s\n", l, prev, s2));
      PetscCall(PhynnTextAppend(t, "conv up%ld(big%ld) out=%ld k=%s p=%s act=gelu%s\n", l, l, o->width << l, k5, p2, pad));
    } else PetscCall(PhynnTextAppend(t, "convt up%ld(%s) out=%ld k=%s s=%s p=%s act=gelu\n", l, prev, o->width << l, k4, s2, p1));
    PetscCall(PhynnTextAppend(t, "concat join%ld(up%ld,enc%ld)\n", l, l, l));
    PetscCall(PhynnTextAppend(t, "conv dec%ld(join%ld) out=%ld k=%s p=%s act=gelu%s\n", l, l, o->width << l, k5, p2, pad));
    snprintf(prev, sizeof(prev), "dec%ld", l);
  }
  PetscCall(PhynnTextAppend(t, "conv head(dec0) out=%ld k=1\n", d->cout));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnOperatorArch(MPI_Comm comm, const char *arch, const PhynnOperatorData *d, const PhynnOperatorArchOpts *o, PhynnText *t)
{
  PetscFunctionBegin;
  PetscCall(PhynnTextAppend(t, "input u0 dims=%ld,%ld,%ld\n", d->cin, d->H, d->W));
  PetscCall(PhynnTextAppend(t, "affine norm(u0) scale=%.17g shift=%.17g\n", 1.0 / o->in_std, -o->in_mean / o->in_std));
  if (!strcmp(arch, "fno")) {
    char modes[32];
    snprintf(modes, sizeof(modes), d->H == 1 ? "%ld" : "%ld,%ld", o->modes, o->modes);
    if (!d->periodic) /* not translation invariant: the FNO reads (u0(x), x), as Li et al.'s */
      PetscCall(PhynnTextAppend(t, "grid pos(norm) xmin=%.17g xmax=%.17g periodic=0\n", d->x[0], d->x[d->W - 1]));
    PetscCall(PhynnTextAppend(t, "conv lift(%s) out=%ld k=1\n", d->periodic ? "norm" : "pos", o->width));
    for (long l = 1; l <= o->layers; l++) {
      char prev[32];
      snprintf(prev, sizeof(prev), l == 1 ? "lift" : "f%ld", l - 1);
      PetscCall(PhynnTextAppend(t, "fourier f%ld(%s) modes=%s act=%s\n", l, prev, modes, l < o->layers ? "gelu" : "identity"));
    }
    PetscCall(PhynnTextAppend(t, "conv proj(f%ld) out=%ld k=1 act=gelu\nconv head(proj) out=%ld k=1\n", o->layers, 2 * o->width, d->cout));
  } else if (!strcmp(arch, "deeponet")) {
    PetscCheck(d->H == 1 && d->cout == 1, comm, PHYNN_ERR_INPUT, "-arch deeponet maps to one 1-D output field; this family gives %ld output channel(s) on %ld x %ld points: use -arch fno or cnn", d->cout, d->H, d->W);
    PetscCall(PhynnTextAppend(t, "deeponet head(norm) branch="));
    for (long l = 0; l < o->layers; l++) PetscCall(PhynnTextAppend(t, "%s%ld", l ? "," : "", o->width));
    PetscCall(PhynnTextAppend(t, " trunk="));
    for (long l = 0; l < o->layers; l++) PetscCall(PhynnTextAppend(t, "%s%ld", l ? "," : "", o->width));
    PetscCall(PhynnTextAppend(t, " p=%ld act=tanh xmin=%.17g xmax=%.17g periodic=%d\n", o->width, d->xmin, d->periodic ? d->xmax : d->x[d->W - 1], d->periodic ? 1 : 0));
  } else if (!strcmp(arch, "cnn")) PetscCall(CNN(comm, d, o, t));
  else SETERRQ(comm, PHYNN_ERR_INPUT, "option -arch: '%s' is neither fno, deeponet, cnn nor a readable model-spec file", arch);
  PetscCall(PhynnTextAppend(t, "affine u(head) scale=%.17g shift=%.17g\noutput u ref=%s\n", o->out_std, o->out_mean, o->ref));
  PetscFunctionReturn(0);
}
