/* What a SINDy-autoencoder validation measures and how thresholds judge it
 * (validate_sindy_impl.h; docs/validation.md, "SINDy autoencoders"):
 *
 *   rel_sq[x], rel_sq[x_tt], rel_sq[z_tt], rel_sq[sim]   (order 1: x_t, z_t for x_tt, z_tt)
 *   period_err[<trajectory>]                              one per trajectory whose pendulum swings
 *
 * A threshold names one of the two metrics, for one component or (no [component]) for all of the
 * metric's components. The other metrics (rel_l2, max_abs, mae, mse) are a point model's or an
 * image model's and are refused, as are components that were not measured, and period_err when
 * the data cannot give a true period (no theta, omega, g, l). A law that does not oscillate (or
 * diverges) has no period: its period_err is NaN, which fails any threshold. */
#include <math.h>
#include <string.h>

#include "validate_sindy_impl.h"

const char *PhynnSindyOscillationText(PhynnSindyOscillation s)
{
  switch (s) {
  case PHYNN_SINDY_OSC_YES: return "oscillates";
  case PHYNN_SINDY_OSC_NO: return "does not oscillate";
  case PHYNN_SINDY_OSC_DIVERGED: return "diverges";
  default: return "integration failed";
  }
}

PetscErrorCode PhynnSindyPlanComponents(PhynnSindyValidation *v)
{
  PetscFunctionBegin;
  snprintf(v->rel_name[0], sizeof(v->rel_name[0]), "x");
  snprintf(v->rel_name[1], sizeof(v->rel_name[1]), "%s", v->order == 2 ? "x_tt" : "x_t");
  snprintf(v->rel_name[2], sizeof(v->rel_name[2]), "%s", v->order == 2 ? "z_tt" : "z_t");
  snprintf(v->rel_name[3], sizeof(v->rel_name[3]), "sim");
  PetscCall(PetscCalloc1(4 + v->ntraj, &v->comp));
  v->ncomp = 0;
  for (int k = 0; k < 4; k++) {
    PhynnSindyComp *c = &v->comp[v->ncomp++];
    PetscCall(PetscStrncpy(c->name, v->rel_name[k], sizeof(c->name)));
    c->metric   = PHYNN_METRIC_REL_SQ;
    c->traj     = -1;
    c->measured = PETSC_TRUE;
    c->limit    = -1;
  }
  for (long a = 0; v->has_truth && a < v->ntraj; a++) {
    PhynnSindyComp *c = &v->comp[v->ncomp++];
    PetscCall(PetscStrncpy(c->name, v->traj[a].name, sizeof(c->name)));
    c->metric   = PHYNN_METRIC_PERIOD_ERR;
    c->traj     = (int)a;
    c->measured = v->traj[a].swings;
    c->limit    = -1;
  }
  PetscFunctionReturn(0);
}

/* The components of metric k as a list for messages: "x, x_tt, z_tt, sim". */
static void Names(const PhynnSindyValidation *v, PhynnMetric k, char *out, size_t len)
{
  int n = 0;
  out[0] = '\0';
  for (int c = 0; c < v->ncomp; c++) {
    if (v->comp[c].metric != k) continue;
    if (n == 6 && v->ncomp > 12) { /* a long list of trajectories: the first few */
      strncat(out, ", ...", len - strlen(out) - 1);
      break;
    }
    if (strlen(out) + strlen(v->comp[c].name) + 3 < len) {
      if (n) strcat(out, ", ");
      strcat(out, v->comp[c].name);
    }
    n++;
  }
}

PetscErrorCode PhynnSindyCheckThresholds(const PhynnSindyValidation *v)
{
  char rel[128], per[256];
  PetscFunctionBegin;
  Names(v, PHYNN_METRIC_REL_SQ, rel, sizeof(rel));
  Names(v, PHYNN_METRIC_PERIOD_ERR, per, sizeof(per));
  for (int j = 0; j < v->nth; j++) {
    const PhynnThreshold *t     = &v->th[j];
    PetscBool             found = PETSC_FALSE;
    PetscCheck(t->metric == PHYNN_METRIC_REL_SQ || t->metric == PHYNN_METRIC_PERIOD_ERR, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
               "option -threshold: %s is not a metric of SINDy autoencoders; model %s is judged by rel_sq (components %s) and period_err (per trajectory), e.g. -threshold 'rel_sq[x]=1e-3,period_err=0.05'", PhynnMetricNames[t->metric],
               v->model_path, rel);
    PetscCheck(t->metric != PHYNN_METRIC_PERIOD_ERR || v->has_truth, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
               "option -threshold: period_err needs the true pendulum period, but data %s lacks %s; give frames with theta(sample), omega(sample) and the attributes g, l (phynn solve pendulum-images writes them), or drop period_err", v->data_path,
               !v->theta ? "theta" : !v->omega ? "omega" : "the attributes g and l");
    if (!t->component[0]) continue;
    for (int c = 0; c < v->ncomp; c++) found = found || (v->comp[c].metric == t->metric && !strcmp(v->comp[c].name, t->component));
    PetscCheck(found, PETSC_COMM_SELF, PHYNN_ERR_INPUT, "option -threshold: %s for component '%s': there is no such measurement; the %s components are: %s", PhynnMetricNames[t->metric], t->component, PhynnMetricNames[t->metric],
               t->metric == PHYNN_METRIC_REL_SQ ? rel : per);
    for (int c = 0; c < v->ncomp; c++)
      PetscCheck(!(v->comp[c].metric == t->metric && !strcmp(v->comp[c].name, t->component)) || v->comp[c].measured, PETSC_COMM_SELF, PHYNN_ERR_INPUT,
                 "option -threshold: period_err for '%s': that pendulum rotates (its energy is above the separatrix), so it has no period to compare with; drop this threshold", t->component);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnSindyApplyThresholds(PhynnSindyValidation *v)
{
  PetscFunctionBegin;
  v->passed     = PETSC_TRUE;
  v->nfailed    = 0;
  v->failure[0] = '\0';
  for (int c = 0; c < v->ncomp; c++) {
    PhynnSindyComp *cp = &v->comp[c];
    int             use;
    cp->value           = cp->metric == PHYNN_METRIC_REL_SQ ? v->rel_sq[c] : v->traj[cp->traj].period_err; /* the rel_sq components come first, in rel_sq's order */
    cp->passed          = PETSC_TRUE;
    cp->limit           = -1;
    cp->limit_text[0]   = '\0';
    if (!cp->measured) continue;
    use = PhynnThresholdFind(v->th, v->nth, cp->metric, cp->name);
    if (use < 0) continue;
    cp->limit = v->th[use].value;
    PetscCall(PetscStrncpy(cp->limit_text, v->th[use].text, sizeof(cp->limit_text)));
    if (cp->value <= cp->limit) continue; /* NaN fails */
    cp->passed = PETSC_FALSE;
    if (!v->nfailed) {
      if (cp->metric == PHYNN_METRIC_PERIOD_ERR && v->traj[cp->traj].per.status != PHYNN_SINDY_OSC_YES)
        snprintf(v->failure, sizeof(v->failure), "period_err of %s: the discovered law %s from its encoded initial state, so it has no period (threshold %s)", cp->name, PhynnSindyOscillationText(v->traj[cp->traj].per.status), cp->limit_text);
      else {
        char g[32];
        PhynnFormatShort(cp->value, 2, g, sizeof(g));
        snprintf(v->failure, sizeof(v->failure), "%s of %s is %s > %s", PhynnMetricNames[cp->metric], cp->name, g, cp->limit_text);
      }
    }
    v->nfailed++;
    v->passed = PETSC_FALSE;
  }
  PetscFunctionReturn(0);
}
