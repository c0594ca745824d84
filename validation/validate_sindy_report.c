/* The SINDy-autoencoder report's text: metrics.json (the numbers, docs/validation.md "SINDy
 * autoencoders") and index.html (verdict, the discovered law, provenance, Champion's metrics, the
 * trajectories with their periods, the pictures), both written atomically. */
#include <math.h>
#include <string.h>

#include "phynn/textfile.h"
#include "report_impl.h"
#include "validate_sindy_impl.h"

/* Champion et al. (2019), the pendulum, their model 1: the relative errors of x, x'', z''. */
static const double champion[3] = {3.3e-4, 3.8e-4, 2.1e-2};

static const char *RunText(PhynnSindyRunStatus s) { return s == PHYNN_SINDY_RUN_OK ? "ok" : s == PHYNN_SINDY_RUN_DIVERGED ? "diverged" : "failed"; }
/* The highlighted trajectories: by amplitude, or (data without the truth) by position in the file. */
static const char *Role(int h)
{
  static const char *const name[] = {"smallest", "middle", "largest", "first", "middle", "last"};
  return h >= 0 && h < 6 ? name[h] : NULL;
}

static void JsonNumberOrNull(FILE *fp, PetscBool have, double x)
{
  if (have) PhynnJsonNumber(fp, x);
  else fputs("null", fp);
}

static void JsonLaw(FILE *fp, const PhynnSindyValidation *v)
{
  fprintf(fp, "  \"law\": {\"latent\": %d, \"order\": %d, \"library\": {\"poly\": %d, \"sine\": %d, \"cosine\": %d, \"constant\": %d, \"velocity\": %d, \"terms\": %d},\n    \"term_names\": [", v->L, v->order, v->lib->poly, v->lib->sine, v->lib->cosine,
          v->lib->constant, v->lib->velocity, v->nterms);
  for (int k = 0; k < v->nterms; k++) {
    if (k) fputs(", ", fp);
    PhynnJsonString(fp, v->term_names[k]);
  }
  fprintf(fp, "],\n    \"coefficients\": [");
  for (int j = 0; j < v->L; j++) {
    if (j) fputs(", ", fp);
    PhynnJsonArray(fp, v->xi + j * v->nterms, v->nterms);
  }
  fprintf(fp, "],\n    \"mask\": [");
  for (int j = 0; j < v->L; j++) {
    if (j) fputs(", ", fp);
    PhynnJsonArray(fp, v->mask + j * v->nterms, v->nterms);
  }
  fprintf(fp, "],\n    \"equation\": ");
  PhynnJsonString(fp, v->equation);
  fprintf(fp, ", \"equation_recorded\": ");
  if (v->equation_recorded[0]) PhynnJsonString(fp, v->equation_recorded);
  else fputs("null", fp);
  fprintf(fp, ",\n    \"active_terms\": [");
  {
    int n = 0;
    for (int k = 0; k < v->nterms; k++) {
      PetscBool on = PETSC_FALSE;
      for (int j = 0; j < v->L; j++) on = on || v->xi[j * v->nterms + k] != 0;
      if (!on) continue;
      fprintf(fp, "%s", n++ ? ", " : "");
      PhynnJsonString(fp, v->term_names[k]);
    }
  }
  fprintf(fp, "], \"history_rows\": %ld, \"threshold_iterations\": ", v->nhist);
  PhynnJsonArray(fp, v->events, v->nevents);
  fprintf(fp, "},\n");
}

static void JsonTrajectory(FILE *fp, const PhynnSindyValidation *v, const PhynnSindyTraj *tr)
{
  const PhynnSindyPeriod *p = &tr->per;
  fprintf(fp, "    {\"name\": ");
  PhynnJsonString(fp, tr->name);
  fprintf(fp, ", \"traj\": ");
  PhynnJsonNumber(fp, tr->id);
  fprintf(fp, ", \"first_frame\": %ld, \"frames\": %ld, \"t0\": ", tr->first, tr->count);
  PhynnJsonNumber(fp, tr->t0);
  fprintf(fp, ", \"t1\": ");
  PhynnJsonNumber(fp, tr->t1);
  fprintf(fp, ", \"highlight\": ");
  if (Role(tr->highlight)) PhynnJsonString(fp, Role(tr->highlight));
  else fputs("null", fp);
  fprintf(fp, ",\n     \"theta0\": ");
  PhynnJsonNumber(fp, tr->theta0);
  fprintf(fp, ", \"omega0\": ");
  PhynnJsonNumber(fp, tr->omega0);
  fprintf(fp, ", \"swings\": %s, \"amplitude\": ", tr->swings ? "true" : "false");
  PhynnJsonNumber(fp, tr->amplitude);
  fprintf(fp, ", \"true_period\": ");
  PhynnJsonNumber(fp, tr->true_period);
  fprintf(fp, ",\n     \"initial_state\": ");
  PhynnJsonArray(fp, tr->y0, v->nvars);
  fprintf(fp, ", \"simulation\": {\"status\": \"%s\", \"t_stop\": ", RunText(tr->sim.status));
  JsonNumberOrNull(fp, tr->sim.status != PHYNN_SINDY_RUN_OK, tr->sim.t_stop);
  fprintf(fp, ", \"steps\": %ld, \"rel_sq\": ", tr->sim.steps);
  PhynnJsonNumber(fp, tr->rel_sq_sim);
  fprintf(fp, ", \"mse_mean\": ");
  PhynnJsonNumber(fp, tr->mse_sim_mean);
  fprintf(fp, ", \"mse_last\": ");
  PhynnJsonNumber(fp, tr->mse_sim_last);
  fprintf(fp, ", \"recon_mse_mean\": ");
  PhynnJsonNumber(fp, tr->mse_recon_mean);
  fprintf(fp, ",\n       \"t\": [");
  for (long i = tr->first; i < tr->first + tr->count; i++) {
    if (i > tr->first) fputs(", ", fp);
    PhynnJsonNumber(fp, v->t[i]);
  }
  fprintf(fp, "],\n       \"mse\": ");
  PhynnJsonArray(fp, v->mse_sim + tr->first, tr->count);
  fprintf(fp, ",\n       \"recon_mse\": ");
  PhynnJsonArray(fp, v->mse_recon + tr->first, tr->count);
  fprintf(fp, "},\n     \"period\": {\"status\": ");
  PhynnJsonString(fp, PhynnSindyOscillationText(p->status));
  fprintf(fp, ", \"discovered\": ");
  PhynnJsonNumber(fp, p->period);
  fprintf(fp, ", \"crossings\": %d, \"horizon\": ", p->ncross);
  PhynnJsonNumber(fp, p->horizon);
  fprintf(fp, ", \"t_end\": ");
  PhynnJsonNumber(fp, p->t_end);
  fprintf(fp, ", \"z0_range\": [");
  PhynnJsonNumber(fp, p->zmin);
  fputs(", ", fp);
  PhynnJsonNumber(fp, p->zmax);
  fprintf(fp, "], \"steps\": %ld, \"relative_error\": ", p->steps);
  PhynnJsonNumber(fp, tr->period_rel);
  fprintf(fp, ", \"period_err\": ");
  PhynnJsonNumber(fp, tr->period_err);
  fprintf(fp, "}}");
}

PetscErrorCode PhynnSindyWriteJSON(const PhynnSindyValidation *v, const char *path)
{
  FILE *fp;
  char  tmp[PETSC_MAX_PATH_LEN + 32];

  PetscFunctionBegin;
  PetscCall(PhynnFileOpenAtomic(path, &fp, tmp, sizeof(tmp)));
  fprintf(fp, "{\n  \"phynn_file\": \"validation\",\n  \"kind\": \"sindy-ae\",\n  \"model\": ");
  PhynnJsonString(fp, v->model_path);
  fprintf(fp, ",\n  \"data\": ");
  PhynnJsonString(fp, v->data_path);
  fprintf(fp, ",\n  \"variable\": ");
  PhynnJsonString(fp, v->var);
  fprintf(fp, ",\n  \"problem\": ");
  PhynnJsonString(fp, v->problem);
  fprintf(fp, ",\n  \"provenance\": ");
  PhynnJsonProvenance(fp, v->model_version, v->model_git, v->model_cmd);
  fprintf(fp, ",\n");
  JsonLaw(fp, v);
  fprintf(fp, "  \"frames\": {\"count\": %ld, \"shape\": [%ld, %ld, %ld], \"trajectories\": %ld, \"has_truth\": %s, \"g\": ", v->n, v->C, v->H, v->W, v->ntraj, v->has_truth ? "true" : "false");
  PhynnJsonNumber(fp, v->g);
  fprintf(fp, ", \"l\": ");
  PhynnJsonNumber(fp, v->l);
  fprintf(fp, ", \"linear\": %s},\n  \"integration\": {\"method\": ", v->linear ? "true" : "false");
  PhynnJsonString(fp, v->integrator);
  fprintf(fp, ", \"rtol\": %g, \"atol\": %g, \"period_latent\": \"z0\", \"periods_averaged\": %d, \"horizon_factor\": %g},\n", PHYNN_SINDY_RTOL, PHYNN_SINDY_ATOL, PHYNN_SINDY_PERIODS, PHYNN_SINDY_SPAN);
  fprintf(fp, "  \"rel_sq\": {");
  for (int k = 0; k < 4; k++) {
    fprintf(fp, "%s\"%s\": ", k ? ", " : "", v->rel_name[k]);
    PhynnJsonNumber(fp, v->rel_sq[k]);
  }
  fprintf(fp, "},\n  \"highlighted\": {");
  for (int h = 0, n = 0; h < v->nhighlighted; h++) {
    const PhynnSindyTraj *tr = &v->traj[v->highlighted[h]];
    if (!Role(tr->highlight)) continue;
    fprintf(fp, "%s\"%s\": ", n++ ? ", " : "", Role(tr->highlight));
    PhynnJsonString(fp, tr->name);
  }
  fprintf(fp, "},\n  \"pictured_frames\": [");
  for (int j = 0; j < v->nshow; j++) fprintf(fp, "%s%ld", j ? ", " : "", v->show[j]);
  fprintf(fp, "],\n");
  PhynnJsonVerdict(fp, v->passed, v->failure, v->th, v->nth);
  for (int c = 0; c < v->ncomp; c++) {
    const PhynnSindyComp *cp = &v->comp[c];
    fprintf(fp, "    {\"name\": ");
    PhynnJsonString(fp, cp->name);
    fprintf(fp, ", \"metric\": \"%s\", \"measured\": %s, \"value\": ", PhynnMetricNames[cp->metric], cp->measured ? "true" : "false");
    PhynnJsonNumber(fp, cp->value);
    fprintf(fp, ", \"threshold\": ");
    JsonNumberOrNull(fp, cp->limit >= 0, cp->limit);
    fprintf(fp, ", \"passed\": %s}%s\n", cp->passed ? "true" : "false", c + 1 < v->ncomp ? "," : "");
  }
  fprintf(fp, "  ],\n  \"trajectories\": [\n");
  for (long a = 0; a < v->ntraj; a++) {
    JsonTrajectory(fp, v, &v->traj[a]);
    fprintf(fp, "%s\n", a + 1 < v->ntraj ? "," : "");
  }
  fprintf(fp, "  ]\n}\n");
  PetscCall(PhynnFileCommit(&fp, tmp, path));
  PetscFunctionReturn(0);
}

/* ---- HTML ------------------------------------------------------------------------------------ */
static void Figure(FILE *fp, const PhynnSindyValidation *v, const char *file, const char *alt, const char *caption)
{
  fprintf(fp, "<figure><img src=\"%s.%s\" alt=\"%s\"><figcaption>%s</figcaption></figure>\n", file, v->image_ext, alt, caption);
}

static void Num(FILE *fp, double x, const char *cls)
{
  if (isfinite(x)) fprintf(fp, "<td class=\"num%s\">%.4e</td>", cls, x);
  else fprintf(fp, "<td class=\"num%s\">&ndash;</td>", cls);
}

static void Fixed(FILE *fp, double x, int digits)
{
  if (isfinite(x)) fprintf(fp, "<td class=\"num\">%.*f</td>", digits, x);
  else fprintf(fp, "<td class=\"num\">&ndash;</td>");
}

static PetscBool AnySwing(const PhynnSindyValidation *v)
{
  for (long a = 0; v->has_truth && a < v->ntraj; a++)
    if (v->traj[a].swings) return PETSC_TRUE;
  return PETSC_FALSE;
}

static const char *Cls(const PhynnSindyComp *c) { return c->limit < 0 ? "" : c->passed ? " pass" : " fail"; }

static void ChampionTable(FILE *fp, const PhynnSindyValidation *v)
{
  const char *d = v->order == 2 ? "''" : "'";
  const char *def[4];
  char        buf[4][256];
  snprintf(buf[0], sizeof(buf[0]), "&Sigma; ||x &minus; x~||&sup2; / &Sigma; ||x||&sup2;, x~ = decoder(encoder(x))");
  snprintf(buf[1], sizeof(buf[1]), "&Sigma; ||x%s &minus; x~%s||&sup2; / &Sigma; ||x%s||&sup2;, x~%s: the decoder along the trajectory seeded by the law", d, d, d, d);
  snprintf(buf[2], sizeof(buf[2]), "&Sigma; ||z%s &minus; &Theta;(z%s) &Xi;<sup>T</sup>||&sup2; / &Sigma; ||z%s||&sup2;, z, z' and z'' the encoder's", d, v->order == 2 ? ", z'" : "", d);
  snprintf(buf[3], sizeof(buf[3]), "&Sigma; ||x &minus; decoder(z<sub>sim</sub>(t))||&sup2; / &Sigma; ||x||&sup2;, z<sub>sim</sub> the law integrated from each trajectory's first encoded frame");
  for (int k = 0; k < 4; k++) def[k] = buf[k];
  fprintf(fp, "<table>\n<tr><th>component</th><th>definition (over all %ld validation frames)</th><th>rel_sq</th><th>Champion et al., model 1</th><th>threshold</th><th>result</th></tr>\n", v->n);
  for (int k = 0; k < 4; k++) {
    const PhynnSindyComp *c = &v->comp[k];
    fprintf(fp, "<tr><td><b>%s</b></td><td>%s</td>", c->name, def[k]);
    if (k == 3 && !isfinite(c->value)) { /* a simulation that stopped: say where, not just "-" */
      long nbad = 0;
      for (long a = 0; a < v->ntraj; a++) nbad += v->traj[a].sim.status != PHYNN_SINDY_RUN_OK;
      fprintf(fp, "<td class=\"%s\">none: the law %s on %ld of %ld trajector%s</td>", c->limit >= 0 ? "fail" : "", nbad ? "diverges or fails" : "is not finite", nbad, v->ntraj, v->ntraj == 1 ? "y" : "ies");
    } else Num(fp, c->value, Cls(c));
    if (k < 3 && v->order == 2) fprintf(fp, "<td class=\"num\">%.1e</td>", champion[k]);
    else fprintf(fp, "<td class=\"num\">&ndash;</td>");
    if (c->limit >= 0) {
      fprintf(fp, "<td class=\"num\">&le; ");
      PhynnHtml(fp, c->limit_text);
      fprintf(fp, "</td><td class=\"%s\">%s</td></tr>\n", c->passed ? "pass" : "fail", c->passed ? "pass" : "FAIL");
    } else fprintf(fp, "<td class=\"num\">&ndash;</td><td class=\"none\">no threshold</td></tr>\n");
  }
  fprintf(fp, "</table>\n");
}

static const PhynnSindyComp *PeriodComp(const PhynnSindyValidation *v, long a)
{
  for (int c = 4; c < v->ncomp; c++)
    if (v->comp[c].traj == a) return &v->comp[c];
  return NULL;
}

static void PeriodCell(FILE *fp, const PhynnSindyValidation *v, const PhynnSindyTraj *tr, long a)
{
  const PhynnSindyComp *c = PeriodComp(v, a);
  if (!tr->swings) fprintf(fp, "<td class=\"none\">%s</td>", v->has_truth ? "rotates: no period" : "no truth");
  else if (tr->per.status != PHYNN_SINDY_OSC_YES) fprintf(fp, "<td class=\"%s\"><b>%s</b></td>", c && c->limit >= 0 ? "fail" : "none", PhynnSindyOscillationText(tr->per.status));
  else {
    fprintf(fp, "<td class=\"num%s\">%+.3e</td>", c ? Cls(c) : "", tr->period_rel);
  }
}

static void TrajectoryTable(FILE *fp, const PhynnSindyValidation *v)
{
  const char *u = v->t_units[0] ? v->t_units : "1";
  fprintf(fp, "<table>\n<tr><th>trajectory</th><th>frames</th><th>t [%s]</th><th>&theta;<sub>0</sub></th><th>&omega;<sub>0</sub></th><th>amplitude &theta;<sub>max</sub></th><th>encoded (z, z') at t<sub>0</sub></th>"
              "<th>true period</th><th>discovered period</th><th>relative period error</th><th>threshold</th><th>rel_sq of the decoded simulation</th><th>simulation</th></tr>\n", u);
  for (long a = 0; a < v->ntraj; a++) {
    const PhynnSindyTraj *tr = &v->traj[a];
    const PhynnSindyComp *c  = PeriodComp(v, a);
    fprintf(fp, "<tr><td>%s%s%s%s</td><td class=\"num\">%ld</td><td class=\"num\">%.4g &ndash; %.4g</td>", Role(tr->highlight) ? "<b>" : "", tr->name, Role(tr->highlight) ? "</b><br>" : "", Role(tr->highlight) ? Role(tr->highlight) : "", tr->count, tr->t0,
            tr->t1);
    Fixed(fp, tr->theta0, 4);
    Fixed(fp, tr->omega0, 4);
    Fixed(fp, tr->amplitude, 4);
    fprintf(fp, "<td class=\"num\">");
    for (int k = 0; k < v->nvars; k++) fprintf(fp, "%s%.4g", k ? ", " : "", tr->y0[k]);
    fprintf(fp, "</td>");
    Fixed(fp, tr->true_period, 5);
    if (tr->per.status == PHYNN_SINDY_OSC_YES) fprintf(fp, "<td class=\"num\">%.5f<br><small>%d crossings</small></td>", tr->per.period, tr->per.ncross);
    else if (tr->per.status == PHYNN_SINDY_OSC_NO) fprintf(fp, "<td><b>%s</b><br><small>within %.4g %s</small></td>", PhynnSindyOscillationText(tr->per.status), tr->per.t_end, u);
    else fprintf(fp, "<td><b>%s</b><br><small>at t = %.4g</small></td>", PhynnSindyOscillationText(tr->per.status), tr->per.t_end);
    PeriodCell(fp, v, tr, a);
    if (c && c->limit >= 0) {
      fprintf(fp, "<td class=\"num\">&le; ");
      PhynnHtml(fp, c->limit_text);
      fprintf(fp, "</td>");
    } else fprintf(fp, "<td class=\"num\">&ndash;</td>");
    Num(fp, tr->rel_sq_sim, "");
    if (tr->sim.status == PHYNN_SINDY_RUN_OK) fprintf(fp, "<td>ok (%ld steps)</td></tr>\n", tr->sim.steps);
    else fprintf(fp, "<td class=\"fail\">%s at t = %.4g</td></tr>\n", RunText(tr->sim.status), tr->sim.t_stop);
  }
  fprintf(fp, "</table>\n");
}

static void PeriodSummary(FILE *fp, const PhynnSindyValidation *v)
{
  if (!v->has_truth) {
    fprintf(fp, "<p>The data has no %s: the true period is unknown, so only the discovered period is reported (no <code>period_err</code>).</p>\n",
            !v->theta ? "<code>theta</code>" : !v->omega ? "<code>omega</code>" : "attributes <code>g</code> and <code>l</code>");
    return;
  }
  fprintf(fp, "<ul>\n");
  for (int role = 0; role < 3; role++)
    for (int h = 0; h < v->nhighlighted; h++) {
      const PhynnSindyTraj *tr = &v->traj[v->highlighted[h]];
      if (tr->highlight != role) continue;
      fprintf(fp, "<li><b>%s amplitude</b> (%s, &theta;<sub>max</sub> = %.4f rad): true period %.5f, ", Role(role), tr->name, tr->amplitude, tr->true_period);
      if (tr->per.status == PHYNN_SINDY_OSC_YES) fprintf(fp, "discovered %.5f: relative error <b>%+.3e</b></li>\n", tr->per.period, tr->period_rel);
      else fprintf(fp, "the discovered law <b>%s</b> from this initial state.</li>\n", PhynnSindyOscillationText(tr->per.status));
    }
  fprintf(fp, "</ul>\n");
}

PetscErrorCode PhynnSindyWriteHTML(const PhynnRecord *rec, const PhynnSindyValidation *v, const char *path)
{
  FILE *fp;
  char  tmp[PETSC_MAX_PATH_LEN + 32], when[32], buf[PETSC_MAX_PATH_LEN + 256];
  const char *u = v->t_units[0] ? v->t_units : "1";
  const char *d = v->order == 2 ? "''" : "'";

  PetscFunctionBegin;
  PhynnTimestamp(when, sizeof(when));
  PetscCall(PhynnFileOpenAtomic(path, &fp, tmp, sizeof(tmp)));
  PhynnHtmlPageBegin(fp, v->title, "td.num{white-space:nowrap} pre.law{font-size:1.35em;font-weight:bold;background:#eef4ff}", v->passed, v->nth, v->failure, v->nfailed);
  fprintf(fp, "<h2>The discovered law</h2>\n<pre class=\"law\">");
  for (const char *p = v->equation; *p; p++) {
    if (p[0] == ';' && p[1] == ' ') {
      fputc('\n', fp);
      p++;
    } else if (*p == '<') fputs("&lt;", fp);
    else if (*p == '>') fputs("&gt;", fp);
    else if (*p == '&') fputs("&amp;", fp);
    else fputc(*p, fp);
  }
  fprintf(fp, "</pre>\n<table>\n");
  snprintf(buf, sizeof(buf), "%d of %d: %s", v->nactive, v->nterms, v->nactive ? v->active : "(none: the law is z%s = 0)");
  if (!v->nactive) snprintf(buf, sizeof(buf), "0 of %d (the law is z%s = 0)", v->nterms, d);
  PhynnHtmlRow(fp, "Active terms", buf);
  snprintf(buf, sizeof(buf), "latent %d, order %d; polynomials to degree %d%s%s%s%s: %d terms per latent", v->L, v->order, v->lib->poly, v->lib->sine ? ", sines" : "", v->lib->cosine ? ", cosines" : "", v->lib->constant ? ", constant" : "", v->order == 2 && !v->lib->velocity ? "; in z only (no z' terms)" : "", v->nterms);
  PhynnHtmlRow(fp, "Library", buf);
  if (v->equation_recorded[0] && strcmp(v->equation_recorded, v->equation)) PhynnHtmlRow(fp, "Equation recorded in /sindy (differs)", v->equation_recorded);
  else PhynnHtmlRow(fp, "Source", v->equation_recorded[0] ? "the masked coefficients law.xi * law.mask of the model's theta (the same as the /sindy equation attribute)" : "the masked coefficients law.xi * law.mask of the model's theta (the file has no /sindy group)");
  fprintf(fp, "</table>\n<h2>Model and data</h2>\n<table>\n");
  PhynnHtmlRow(fp, "Model file", v->model_path);
  PhynnHtmlRow(fp, "Problem", v->problem);
  snprintf(buf, sizeof(buf), "%s, variables %s, %s%s%s", v->data_path, v->var, v->var_t, v->order == 2 ? ", " : "", v->order == 2 ? v->var_tt : "");
  PhynnHtmlRow(fp, "Data file", buf);
  PhynnHtmlRow(fp, "Data", v->data_title);
  snprintf(buf, sizeof(buf), "%ld frames of %ld x %ld x %ld in %ld trajectories%s", v->n, v->C, v->H, v->W, v->ntraj, v->has_truth ? ", with theta and omega" : "");
  PhynnHtmlRow(fp, "Frames", buf);
  if (v->has_truth) snprintf(buf, sizeof(buf), "g = %g, l = %g (g/l = %g)%s", v->g, v->l, v->g / v->l, v->linear ? ", the small-angle equation" : "");
  else snprintf(buf, sizeof(buf), "unknown (the data lacks theta, omega, g or l)");
  PhynnHtmlRow(fp, "Pendulum", buf);
  PhynnHtmlProvenanceRows(fp, rec, v->model_version, v->model_git, v->model_cmd, when);
  fprintf(fp, "</table>\n");

  fprintf(fp, "<h2>Champion's metrics</h2>\n<p>Relative squared errors over every validation frame, from the training loss graph (forward only): "
              "the encoder seeded with [x; x'%s] gives z, z'%s; the law gives &Theta;(z%s) &Xi;<sup>T</sup>; the decoder seeded with [z; %s&Theta; &Xi;<sup>T</sup>] gives x~ and x~%s. "
              "Champion et al. report 3.3e-4, 3.8e-4 and 2.1e-2 for x, x'' and z'' of their pendulum model 1. <code>sim</code> is this report's own: the decoded simulation against the frames.</p>\n",
          v->order == 2 ? "; x''" : "", v->order == 2 ? ", z''" : "", v->order == 2 ? ", z'" : "", v->order == 2 ? "z'; " : "", d);
  ChampionTable(fp, v);

  fprintf(fp, "<h2>The law integrated</h2>\n<p>From the encoded state of each trajectory's first frame (z%s), the law is integrated with ", v->order == 2 ? " and z'" : "");
  PhynnHtml(fp, v->integrator);
  fprintf(fp, " over the frames' times, and the simulated z(t) is decoded into frames and compared with the data. The discovered period is the mean spacing of the downward zero crossings of z0' "
              "(the maxima of z0, cubic Hermite interpolation with z0'' between steps no longer than the frames' spacing) over up to %d periods, integrating at most %g &times; max(trajectory duration, true period). "
              "The true period is 4 K(sin(&theta;<sub>max</sub>/2)) / &radic;(g/l) (K the complete elliptic integral of the first kind, by the arithmetic-geometric mean), "
              "&theta;<sub>max</sub> from the energy: cos &theta;<sub>max</sub> = cos &theta;<sub>0</sub> &minus; &omega;<sub>0</sub>&sup2; / (2 g/l). "
              "<code>period_err</code> = |T<sub>discovered</sub> &minus; T<sub>true</sub>| / T<sub>true</sub>; a law that does not oscillate has none, and fails a period threshold.</p>\n",
          PHYNN_SINDY_PERIODS, PHYNN_SINDY_SPAN);
  PeriodSummary(fp, v);
  TrajectoryTable(fp, v);
  fprintf(fp, "<p>Time unit: %s. Every trajectory's error over time is in <a href=\"metrics.json\">metrics.json</a> (<code>trajectories[].simulation.mse</code>).</p>\n", u);
  fprintf(fp, "<h2>Thresholds</h2>\n");
  PhynnHtmlThresholds(fp, v->nth, v->th, "rel_sq[x]=1e-3,period_err=0.05");

  fprintf(fp, "<h2>Frames</h2>\n");
  snprintf(buf, sizeof(buf), "Frames of %s spread in time (rows): the data x, the reconstruction x~, the frame decoded from the simulated latent at the same time, x%s of the data and the decoder's x~%s seeded by the law (the tutorial's Figure 18).",
           v->traj[v->highlighted[0]].name, d, d);
  Figure(fp, v, "frames", "frames, reconstructions and derivatives", buf);
  fprintf(fp, "<h2>Coefficients over training</h2>\n");
  if (v->nhist) Figure(fp, v, "coefficients", "coefficients over training", "Each coefficient of &Xi; &middot; mask at the end of every epoch (/sindy/coefficient_history); kept terms in colour, removed ones grey; dashed verticals: the sequential thresholding events.");
  else fprintf(fp, "<p>The model file has no coefficient history (/sindy/coefficient_history).</p>\n");
  fprintf(fp, "<h2>The latent code</h2>\n");
  if (v->theta) Figure(fp, v, "latent_theta", "z against theta", "The encoder's z of every validation frame against the true angle &theta;, coloured by trajectory: a coordinate of the angle is a curve, one for all trajectories.");
  else fprintf(fp, "<p>The data has no <code>theta</code>: nothing to plot the code against.</p>\n");
  Figure(fp, v, "latent_sim", "simulated and encoded latent trajectories", "Per highlighted trajectory: the encoded z(t) of its frames (points) and the law integrated from the first frame (line).");
  Figure(fp, v, "sim_error", "pixel error of the simulation over time", "Mean squared pixel error of the decoded simulation against the frames over time (log scale): every trajectory, then each highlighted one with the reconstruction's error (the floor the simulation cannot beat).");
  if (AnySwing(v)) Figure(fp, v, "period", "period against amplitude", "The pendulum's period against amplitude (curve), the true period of each trajectory (open circles) and the discovered law's (red; squares: highlighted).");
  fprintf(fp, "<h2>Training loss history</h2>\n");
  if (rec->nhistory) Figure(fp, v, "loss_history", "loss history", "Total loss and each term against the iteration (log scale).");
  else fprintf(fp, "<p>The model file holds no loss history.</p>\n");
  fprintf(fp, "<hr><p><small>Written by phynn %s (git %s), %s.</small></p>\n</body>\n</html>\n", PHYNN_VERSION, PhynnGitRevision(), when);
  PetscCall(PhynnFileCommit(&fp, tmp, path));
  PetscFunctionReturn(0);
}
