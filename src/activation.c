/* Activations: names, values and the first three derivatives (the third is needed because the
 * parameter gradient of a second-order jet differentiates s'' once more). */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "graph_impl.h"

const char *const PhynnActivationNames[] = {"identity", "sigmoid", "tanh", "relu", "leaky_relu", "sine", "softplus", "softmax", "gelu", NULL};
const char *const PhynnInitNames[]       = {"zeros", "normal", "uniform", "xavier_normal", "xavier_uniform", "constant", NULL};
const char *const PhynnLossNames[]       = {"mse", "mae", "bce", "cce", NULL};

PhynnInitSpec PhynnInitFromChoice(PhynnInit kind)
{
  PhynnInitSpec s = {kind, 0, 0};
  if (kind == PHYNN_INIT_NORMAL) s.b = 0.1;
  if (kind == PHYNN_INIT_UNIFORM) s.a = -0.1, s.b = 0.1;
  if (kind == PHYNN_INIT_CONSTANT) s.a = 0.1;
  return s;
}

PetscErrorCode PhynnActivationFromName(MPI_Comm comm, const char *what, const char *name, PhynnActivation *act)
{
  PetscFunctionBegin;
  for (int i = 0; PhynnActivationNames[i]; i++)
    if (!strcasecmp(name, PhynnActivationNames[i])) {
      *act = (PhynnActivation)i;
      PetscFunctionReturn(0);
    }
  SETERRQ(comm, PHYNN_ERR_INPUT, "%s: unknown activation '%s'; choose one of identity, sigmoid, tanh, relu, leaky_relu, sine, softplus, softmax, gelu", what, name);
}

PetscBool PhynnActivationSmooth(PhynnActivation act)
{
  return act == PHYNN_ACT_IDENTITY || act == PHYNN_ACT_SIGMOID || act == PHYNN_ACT_TANH || act == PHYNN_ACT_SINE || act == PHYNN_ACT_SOFTPLUS || act == PHYNN_ACT_GELU ? PETSC_TRUE : PETSC_FALSE;
}

static double Sigmoid(double z) { return z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z)); }

double PhynnActivationValue(PhynnActivation act, double alpha, double z)
{
  switch (act) {
  case PHYNN_ACT_IDENTITY: return z;
  case PHYNN_ACT_SIGMOID: return Sigmoid(z);
  case PHYNN_ACT_TANH: return tanh(z);
  case PHYNN_ACT_RELU: return z > 0 ? z : 0.0;
  case PHYNN_ACT_LEAKY_RELU: return z > 0 ? z : alpha * z;
  case PHYNN_ACT_SINE: return sin(z);
  case PHYNN_ACT_SOFTPLUS: return (z > 0 ? z : 0.0) + log1p(exp(-fabs(z))); /* log(1 + e^z), stable */
  case PHYNN_ACT_GELU: return 0.5 * z * erfc(-z * M_SQRT1_2); /* z Phi(z), the exact (erf) form */
  default: return NAN; /* softmax is not elementwise: see PhynnOpSoftmax */
  }
}

void PhynnActivationDerivatives(PhynnActivation act, double alpha, double z, double a, double *d1, double *d2, double *d3)
{
  double s1 = 0, s2 = 0, s3 = 0;
  switch (act) {
  case PHYNN_ACT_IDENTITY: s1 = 1; break;
  case PHYNN_ACT_SIGMOID: /* s' = a(1-a), s'' = s'(1-2a), s''' = s''(1-2a) - 2 s'^2 */
    s1 = a * (1 - a); s2 = s1 * (1 - 2 * a); s3 = s2 * (1 - 2 * a) - 2 * s1 * s1;
    break;
  case PHYNN_ACT_TANH: /* s' = 1 - a^2, s'' = -2 a s', s''' = -2 s'^2 + 4 a^2 s' */
    s1 = 1 - a * a; s2 = -2 * a * s1; s3 = -2 * s1 * s1 + 4 * a * a * s1;
    break;
  case PHYNN_ACT_RELU: s1 = z > 0 ? 1.0 : 0.0; break; /* s'(0) := 0 */
  case PHYNN_ACT_LEAKY_RELU: s1 = z > 0 ? 1.0 : alpha; break;
  case PHYNN_ACT_SINE: s1 = cos(z); s2 = -sin(z); s3 = -s1; break;
  case PHYNN_ACT_SOFTPLUS: { /* s' = sigmoid(z) =: p, s'' = p(1-p), s''' = p(1-p)(1-2p) */
    double p = Sigmoid(z);
    s1 = p; s2 = p * (1 - p); s3 = s2 * (1 - 2 * p);
  } break;
  case PHYNN_ACT_GELU: { /* s = z Phi: s' = Phi + z phi, s'' = phi (2 - z^2), s''' = z phi (z^2 - 4) */
    double phi = exp(-0.5 * z * z) * 0.5 * M_2_SQRTPI * M_SQRT1_2, Phi = 0.5 * erfc(-z * M_SQRT1_2);
    s1 = Phi + z * phi; s2 = phi * (2 - z * z); s3 = z * phi * (z * z - 4);
  } break;
  default: break;
  }
  *d1 = s1; *d2 = s2; *d3 = s3;
}
