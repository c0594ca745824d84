/* The SINDy-autoencoder report's pictures, drawn by gnuplot from one generated script
 * (validation/gnuplot.c):
 *   frames.<ext>        frames of the largest-amplitude trajectory spread in time (rows): x, the
 *                       reconstruction x~, the decoded simulation, x'' and the decoder's x~''
 *                       (order 1: x', x~'), as the tutorial's Figure 18
 *   coefficients.<ext>  the coefficients Xi * mask over training (/sindy/coefficient_history), the
 *                       thresholding events as dashed verticals
 *   latent_theta.<ext>  the encoded z of every validation frame against theta
 *   latent_sim.<ext>    per highlighted trajectory: the encoded z(t) (points) and the law's z(t) (line)
 *   sim_error.<ext>     the decoded simulation's mean squared pixel error over time: every
 *                       trajectory, then per highlighted trajectory with the reconstruction's
 *   period.<ext>        the pendulum's period against amplitude, 4 K(sin(theta_max/2)) / sqrt(g/l),
 *                       with the discovered period of each trajectory
 *   loss_history.<ext>  the training record's loss history */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_impl.h"
#include "validate_sindy_impl.h"

#define MAX_LATENT_PANELS 3
static const char *const color[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};
#define NCOLORS ((int)(sizeof(color) / sizeof(color[0])))
static const char *const diverging = "set palette defined (0 '#2166ac', 0.5 '#f7f7f7', 1 '#b2182b')\n";


static const char *RoleName(int role) { return role == 0 ? "smallest amplitude" : role == 1 ? "middle amplitude" : role == 2 ? "largest amplitude" : "shown"; }

/* "traj3 (largest amplitude, theta_max = 2.1 rad)" */
static void TrajLabel(const PhynnSindyValidation *v, const PhynnSindyTraj *tr, char *out, size_t len)
{
  if (v->has_truth && tr->swings) snprintf(out, len, "%s (%s, theta_max = %.3g rad)", tr->name, RoleName(tr->highlight), tr->amplitude);
  else snprintf(out, len, "%s", tr->name);
}

/* Channel 0 of a frame as an H x W matrix, top row first. */
static PetscErrorCode WriteMatrix(const PhynnSindyValidation *v, const double *frame, const char *dir, const char *name)
{
  FILE *fp;
  PetscFunctionBegin;
  PetscCall(PhynnPlotDataOpen(dir, name, &fp));
  for (long i = 0; i < v->H; i++) {
    for (long j = 0; j < v->W; j++) PhynnGpPut(fp, frame[i * v->W + j], PETSC_FALSE);
    fputc('\n', fp);
  }
  PetscCall(PhynnPlotDataClose(fp, dir, name));
  PetscFunctionReturn(0);
}

static PetscErrorCode FramesPlot(FILE *gp, const PhynnSindyValidation *v, const char *dir)
{
  const int    ncol = 5, panel = 170;
  const char  *d    = v->order == 2 ? "''" : "'"; /* in double-quoted gnuplot strings */
  double       lo = INFINITY, hi = -INFINITY, dmax = 0;
  const long   P = v->H * v->W;
  const PhynnSindyTraj *tr = &v->traj[v->highlighted[0]];
  char         label[160];

  PetscFunctionBegin;
  if (!v->nshow) PetscFunctionReturn(0);
  for (int j = 0; j < v->nshow; j++) {
    const double *cols[5] = {v->show_x + j * v->F, v->show_recon + j * v->F, v->show_sim + j * v->F, v->show_xd + j * v->F, v->show_recond + j * v->F};
    for (long p = 0; p < P; p++) {
      for (int c = 0; c < 2; c++) /* the gray scale of x and x~: a wild simulation is clipped, not the frames washed out */
        if (isfinite(cols[c][p])) {
          lo = PetscMin(lo, cols[c][p]);
          hi = PetscMax(hi, cols[c][p]);
        }
      for (int c = 3; c < 5; c++)
        if (isfinite(cols[c][p])) dmax = PetscMax(dmax, fabs(cols[c][p]));
    }
    for (int c = 0; c < ncol; c++) {
      char name[64];
      snprintf(name, sizeof(name), "frame_%d_%d.dat", j, c);
      PetscCall(WriteMatrix(v, cols[c], dir, name));
    }
  }
  if (!(hi > lo)) hi = lo + 1;
  if (!isfinite(lo)) lo = 0, hi = 1;
  if (!(dmax > 0)) dmax = 1;
  TrajLabel(v, tr, label, sizeof(label));
  PhynnGpTerminal(gp, v->terminal, v->image_ext, 60 + (panel + 40) * ncol, 70 + (panel + 45) * v->nshow, "frames");
  fprintf(gp, "set multiplot layout %d,%d title \"trajectory %s: frames on gray [%.3g, %.3g], x%s and x~%s on blue-white-red [-%.3g, %.3g]\"\n", v->nshow, ncol, label, lo, hi, d, d, dmax, dmax);
  fprintf(gp, "unset xtics\nunset ytics\nunset key\nunset colorbox\nset size ratio -1\nset xrange [-0.5:%ld.5]\nset yrange [%ld.5:-0.5]\n", v->W - 1, v->H - 1);
  for (int j = 0; j < v->nshow; j++)
    for (int c = 0; c < ncol; c++) {
      switch (c) {
      case 0: fprintf(gp, "set title 'x: frame %ld, t = %.4g%s'\n", v->show[j], v->t[v->show[j]], !strcmp(v->t_units, "s") ? " s" : ""); break;
      case 1: fprintf(gp, "set title 'x~ (reconstruction)'\n"); break;
      case 2: fprintf(gp, "set title 'decoded simulation%s'\n", isfinite(v->zsim[v->show[j] * v->nvars]) ? "" : ": none"); break;
      case 3: fprintf(gp, "set title \"x%s (data)\"\n", d); break;
      default: fprintf(gp, "set title \"x~%s (decoder, SINDy-seeded)\"\n", d); break;
      }
      if (c < 3) fprintf(gp, "%sset cbrange [%.10g:%.10g]\n", PhynnGpGray, lo, hi);
      else fprintf(gp, "%sset cbrange [%.10g:%.10g]\n", diverging, -dmax, dmax);
      fprintf(gp, "plot 'plotdata/frame_%d_%d.dat' matrix with image\n", j, c);
    }
  fprintf(gp, "unset multiplot\nset size noratio\nset xtics\nset ytics\nset autoscale\nset key default\nset colorbox\nunset title\n");
  PetscFunctionReturn(0);
}

static PetscErrorCode CoefficientPlot(FILE *gp, const PhynnSindyValidation *v, const char *dir)
{
  FILE     *fp;
  const int LT = v->L * v->nterms;
  int       nremoved = 0, ncolored = 0;

  PetscFunctionBegin;
  if (!v->nhist) PetscFunctionReturn(0);
  PetscCall(PhynnPlotDataOpen(dir, "coefficients.dat", &fp));
  for (long r = 0; r < v->nhist; r++) {
    fprintf(fp, "%.10g", v->hist_it[r]);
    for (int i = 0; i < LT; i++) PhynnGpPut(fp, v->hist[r * LT + i], PETSC_FALSE);
    fputc('\n', fp);
  }
  PetscCall(PhynnPlotDataClose(fp, dir, "coefficients.dat"));
  PhynnGpTerminal(gp, v->terminal, v->image_ext, 1100, 650, "coefficients");
  fprintf(gp, "set title 'coefficients Xi * mask over training (dashed: the %ld thresholding event%s)'\n", v->nevents, v->nevents == 1 ? "" : "s");
  fprintf(gp, "set xlabel 'training iteration'\nset ylabel 'coefficient'\nset grid\nset key outside right top\n");
  for (long e = 0; e < v->nevents; e++) fprintf(gp, "set arrow %ld from %.10g, graph 0 to %.10g, graph 1 nohead dt 2 lw 1.5 lc rgb '#555555'\n", e + 1, v->events[e], v->events[e]);
  fprintf(gp, "plot ");
  for (int pi = 0; pi < 2 * LT; pi++) { /* pass 0 the removed ones, pass 1 the kept ones, drawn over them */
    int       pass = pi / LT, i = pi % LT, j = i / v->nterms, k = i % v->nterms;
    PetscBool active = v->xi[i] != 0, any = PETSC_FALSE;
    char      q[PHYNN_SINDY_NAME_MAX + 16];
    for (long r = 0; r < v->nhist; r++) any = any || v->hist[r * LT + i] != 0;
    if (!any || (pass == 0) == active) continue; /* never in the model during this session, or not this pass */
    PhynnGpQuote(v->term_names[k], q, sizeof(q));
    if (ncolored + nremoved) fprintf(gp, ", ");
    if (active) {
      if (v->L > 1) fprintf(gp, "'plotdata/coefficients.dat' using 1:%d with lines lw 2.5 lc rgb '%s' dt %d title 'z%d: %s (kept)'", 2 + i, color[ncolored % NCOLORS], 1 + ncolored / NCOLORS, j, q);
      else fprintf(gp, "'plotdata/coefficients.dat' using 1:%d with lines lw 2.5 lc rgb '%s' dt %d title '%s (kept)'", 2 + i, color[ncolored % NCOLORS], 1 + ncolored / NCOLORS, q);
      ncolored++;
    } else {
      fprintf(gp, "'plotdata/coefficients.dat' using 1:%d with lines lw 1 lc rgb '#aaaaaa' %s", 2 + i, nremoved ? "notitle" : "title 'removed by thresholding'");
      nremoved++;
    }
  }
  if (!ncolored && !nremoved) fprintf(gp, "0 with lines lc rgb '#aaaaaa' title 'every coefficient is zero'");
  fprintf(gp, "\nunset arrow\nunset grid\nset key default\nset autoscale\n");
  PetscFunctionReturn(0);
}

static PetscErrorCode LatentThetaPlot(FILE *gp, const PhynnSindyValidation *v, const char *dir)
{
  FILE *fp;
  int   np = (int)PetscMin(v->L, MAX_LATENT_PANELS);

  PetscFunctionBegin;
  if (!v->theta) PetscFunctionReturn(0);
  PetscCall(PhynnPlotDataOpen(dir, "latent.dat", &fp)); /* theta, trajectory index, z0 .. */
  for (long a = 0; a < v->ntraj; a++)
    for (long i = v->traj[a].first; i < v->traj[a].first + v->traj[a].count; i++) {
      fprintf(fp, "%.10g %ld", v->theta[i], a);
      for (int k = 0; k < v->L; k++) PhynnGpPut(fp, v->z[i * v->L + k], PETSC_FALSE);
      fputc('\n', fp);
    }
  PetscCall(PhynnPlotDataClose(fp, dir, "latent.dat"));
  PhynnGpTerminal(gp, v->terminal, v->image_ext, 1000, 120 + 480 * np, "latent_theta");
  fprintf(gp, "%sset cbrange [0:%ld]\nset cblabel 'trajectory (index in the file)'\nset colorbox\n", PhynnGpViridis, PetscMax(v->ntraj - 1, 1));
  fprintf(gp, "set multiplot layout %d,1 title 'the encoded latent of every validation frame against the true angle'\nset grid\nset xlabel 'theta [rad]'\nunset key\n", np);
  for (int k = 0; k < np; k++) {
    fprintf(gp, "set ylabel 'z%d'\nset title 'z%d against theta (%ld frames, %ld trajectories)'\n", k, k, v->n, v->ntraj);
    fprintf(gp, "plot 'plotdata/latent.dat' using 1:%d:2 with points pt 7 ps 0.6 lc palette\n", 3 + k);
  }
  fprintf(gp, "unset multiplot\nunset grid\nunset cblabel\nset key default\nunset title\n");
  PetscFunctionReturn(0);
}

static PetscErrorCode LatentSimPlot(FILE *gp, const PhynnSindyValidation *v, const char *dir)
{
  int nc = (int)PetscMin(v->L, NCOLORS);
  PetscFunctionBegin;
  PhynnGpTerminal(gp, v->terminal, v->image_ext, 1100, 120 + 380 * v->nhighlighted, "latent_sim");
  fprintf(gp, "set multiplot layout %d,1 title 'the latent trajectory: encoded frames (points) and the discovered law integrated from the first frame (line)'\n", v->nhighlighted);
  fprintf(gp, "set grid\nset key outside right top\nset xlabel 'time from the first frame [%s]'\nset ylabel 'latent'\n", v->t_units[0] ? v->t_units : "1");
  for (int h = 0; h < v->nhighlighted; h++) {
    const PhynnSindyTraj *tr = &v->traj[v->highlighted[h]];
    char                  name[64], label[160];
    FILE                 *fp;
    snprintf(name, sizeof(name), "latent_sim_%d.dat", h);
    PetscCall(PhynnPlotDataOpen(dir, name, &fp)); /* t - t0, z (L), zsim (L) */
    for (long i = tr->first; i < tr->first + tr->count; i++) {
      fprintf(fp, "%.10g", v->t[i] - tr->t0);
      for (int k = 0; k < v->L; k++) PhynnGpPut(fp, v->z[i * v->L + k], PETSC_FALSE);
      for (int k = 0; k < v->L; k++) PhynnGpPut(fp, v->zsim[i * v->nvars + k], PETSC_FALSE);
      fputc('\n', fp);
    }
    PetscCall(PhynnPlotDataClose(fp, dir, name));
    TrajLabel(v, tr, label, sizeof(label));
    fprintf(gp, "set title '%s%s'\nset yrange [*:*]\n", label, tr->sim.status == PHYNN_SINDY_RUN_OK ? "" : tr->sim.status == PHYNN_SINDY_RUN_DIVERGED ? ": the law diverges" : ": the integration failed");
    {
      double lo = INFINITY, hi = -INFINITY;
      for (long i = tr->first; i < tr->first + tr->count; i++)
        for (int k = 0; k < nc; k++) {
          lo = PetscMin(lo, v->z[i * v->L + k]);
          hi = PetscMax(hi, v->z[i * v->L + k]);
        }
      if (hi > lo) fprintf(gp, "set yrange [%.10g:%.10g]\n", lo - 0.6 * (hi - lo), hi + 0.6 * (hi - lo)); /* a diverging law does not flatten the encoded curve */
    }
    fprintf(gp, "plot ");
    for (int k = 0; k < nc; k++)
      fprintf(gp, "%s'plotdata/%s' using 1:%d with points pt 7 ps 0.7 lc rgb '%s' title 'z%d encoded', '' using 1:%d with lines lw 2 lc rgb '%s' title 'z%d simulated'", k ? ", " : "", name, 2 + k, color[k], k, 2 + v->L + k, color[k], k);
    fprintf(gp, "\n");
  }
  fprintf(gp, "unset multiplot\nunset grid\nset key default\nset autoscale\nunset title\n");
  PetscFunctionReturn(0);
}

/* Whether a trajectory has a positive finite value of a per-frame array (else log axes have nothing). */
static PetscBool AnyPositive(const PhynnSindyTraj *tr, const double *a)
{
  for (long i = tr->first; i < tr->first + tr->count; i++)
    if (isfinite(a[i]) && a[i] > 0) return PETSC_TRUE;
  return PETSC_FALSE;
}

static PetscErrorCode SimErrorPlot(FILE *gp, const PhynnSindyValidation *v, const char *dir)
{
  FILE     *fp;
  int       nplotted = 0;
  PetscBool any      = PETSC_FALSE;
  double    span     = 0;

  PetscFunctionBegin;
  PetscCall(PhynnPlotDataOpen(dir, "sim_error.dat", &fp)); /* one block per trajectory: t - t0, mse_sim, mse_recon */
  for (long a = 0; a < v->ntraj; a++) {
    const PhynnSindyTraj *tr = &v->traj[a];
    for (long i = tr->first; i < tr->first + tr->count; i++) {
      fprintf(fp, "%.10g", v->t[i] - tr->t0);
      PhynnGpPut(fp, v->mse_sim[i], PETSC_TRUE);
      PhynnGpPut(fp, v->mse_recon[i], PETSC_TRUE);
      fputc('\n', fp);
    }
    fprintf(fp, "\n\n");
    any = any || AnyPositive(tr, v->mse_sim);
  }
  PetscCall(PhynnPlotDataClose(fp, dir, "sim_error.dat"));
  for (long a = 0; a < v->ntraj; a++) span = PetscMax(span, v->traj[a].t1 - v->traj[a].t0);
  PhynnGpTerminal(gp, v->terminal, v->image_ext, 1100, 120 + 360 * (1 + v->nhighlighted), "sim_error");
  fprintf(gp, "set multiplot layout %d,1 title 'mean squared pixel error of the decoded simulation against the frames'\n", 1 + v->nhighlighted);
  fprintf(gp, "set grid\nset logscale y\nset format y '%%.0e'\nset key below center horizontal\nset xrange [0:%.10g]\nset xlabel 'time from the first frame [%s]'\nset ylabel 'mean (x - x_sim)^2'\n", span, v->t_units[0] ? v->t_units : "1");
  fprintf(gp, "set title 'every validation trajectory (%ld)'\n", v->ntraj);
  if (any) {
    fprintf(gp, "plot ");
    for (long a = 0; a < v->ntraj; a++) {
      if (!AnyPositive(&v->traj[a], v->mse_sim)) continue;
      fprintf(gp, "%s'plotdata/sim_error.dat' index %ld using 1:2 with lines lw 1.2 lc rgb '%s' %s", nplotted ? ", " : "", a, v->ntraj <= NCOLORS ? color[a % NCOLORS] : "#777777", v->ntraj <= NCOLORS ? "" : "notitle");
      if (v->ntraj <= NCOLORS) fprintf(gp, "title '%s'", v->traj[a].name);
      nplotted++;
    }
    fprintf(gp, "\n");
  } else fprintf(gp, "unset logscale y\nset yrange [0:1]\nset label 1 'no finite error: the law diverges at once' at graph 0.5, graph 0.5 center\nplot 2 notitle\nunset label 1\nset logscale y\nset autoscale\n");
  fprintf(gp, "set ylabel 'mean squared pixel error'\n");
  for (int h = 0; h < v->nhighlighted; h++) {
    int                   a  = v->highlighted[h];
    const PhynnSindyTraj *tr = &v->traj[a];
    char                  label[160];
    TrajLabel(v, tr, label, sizeof(label));
    fprintf(gp, "set title '%s'\n", label);
    if (tr->sim.status != PHYNN_SINDY_RUN_OK && isfinite(tr->sim.t_stop))
      fprintf(gp, "set arrow 1 from %.10g, graph 0 to %.10g, graph 1 nohead dt 2 lw 1.5 lc rgb '#d62728'\nset label 1 'the law %s at t = %.4g' at %.10g, graph 0.08 %s tc rgb '#d62728'\n", tr->sim.t_stop - tr->t0,
              tr->sim.t_stop - tr->t0, tr->sim.status == PHYNN_SINDY_RUN_DIVERGED ? "diverges" : "integration fails", tr->sim.t_stop - tr->t0, tr->sim.t_stop - tr->t0,
              tr->sim.t_stop - tr->t0 > 0.6 * span ? "right offset -0.5,0" : "left offset 0.5,0"); /* the label on the side with room */
    fprintf(gp, "plot ");
    if (AnyPositive(tr, v->mse_sim)) fprintf(gp, "'plotdata/sim_error.dat' index %d using 1:2 with lines lw 2 lc rgb '#d62728' title 'decoded simulation', ", a);
    fprintf(gp, "'plotdata/sim_error.dat' index %d using 1:3 with lines lw 1.5 dt 2 lc rgb '#1f77b4' title 'reconstruction (encoder, decoder)'\nunset arrow 1\nunset label 1\n", a);
  }
  fprintf(gp, "unset multiplot\nunset grid\nunset logscale y\nset format y\nset key default\nset autoscale\nunset title\n");
  PetscFunctionReturn(0);
}

static PetscErrorCode PeriodPlot(FILE *gp, const PhynnSindyValidation *v, const char *dir)
{
  FILE  *fp;
  double amax = 0, w2 = v->g / v->l, tmax = 0;
  int    nosc = 0, nswing = 0;

  PetscFunctionBegin;
  if (!v->has_truth) PetscFunctionReturn(0);
  for (long a = 0; a < v->ntraj; a++)
    if (v->traj[a].swings) {
      amax = PetscMax(amax, v->traj[a].amplitude);
      tmax = PetscMax(tmax, v->traj[a].true_period);
      nswing++;
    }
  if (!nswing) PetscFunctionReturn(0);
  PetscCall(PhynnPlotDataOpen(dir, "period_curve.dat", &fp));
  for (int k = 0; k <= 400; k++) {
    double th = PetscMin(amax * 1.05, 0.999 * M_PI) * k / 400.0, A, T;
    if (k == 0) fprintf(fp, "0 %.10g\n", 2 * M_PI / sqrt(w2)); /* the small-angle limit */
    else if (PhynnPendulumPeriod(w2, v->linear, th, 0, &A, &T)) fprintf(fp, "%.10g %.10g\n", th, T);
  }
  PetscCall(PhynnPlotDataClose(fp, dir, "period_curve.dat"));
  PetscCall(PhynnPlotDataOpen(dir, "periods.dat", &fp)); /* amplitude, true, discovered (? when none), highlighted */
  for (long a = 0; a < v->ntraj; a++) {
    const PhynnSindyTraj *tr = &v->traj[a];
    if (!tr->swings) continue;
    fprintf(fp, "%.10g %.10g", tr->amplitude, tr->true_period);
    PhynnGpPut(fp, tr->per.status == PHYNN_SINDY_OSC_YES ? tr->per.period : NAN, PETSC_FALSE);
    fprintf(fp, " %d\n", tr->highlight >= 0);
    if (tr->per.status == PHYNN_SINDY_OSC_YES) {
      nosc++;
      tmax = PetscMax(tmax, tr->per.period);
    }
  }
  PetscCall(PhynnPlotDataClose(fp, dir, "periods.dat"));
  PhynnGpTerminal(gp, v->terminal, v->image_ext, 1000, 620, "period");
  fprintf(gp, "set title 'period against amplitude: the pendulum (g/l = %.4g) and the discovered law%s'\n", w2, nosc < nswing ? (nosc ? " (some trajectories do not oscillate)" : " (the law oscillates for no trajectory)") : "");
  fprintf(gp, "set xlabel 'amplitude theta_max [rad]'\nset ylabel 'period [%s]'\nset grid\nset key top left box opaque\nset xrange [0:%.10g]\n", v->t_units[0] ? v->t_units : "1", PetscMin(amax * 1.05, M_PI));
  if (isfinite(tmax) && tmax > 0) fprintf(gp, "set yrange [0:%.10g]\n", 1.15 * tmax);
  fprintf(gp, "plot 'plotdata/period_curve.dat' using 1:2 with lines lw 2 lc rgb 'black' title '4 K(sin(theta_max/2)) / sqrt(g/l)%s', ", v->linear ? " (linear: 2 pi / sqrt(g/l))" : "");
  fprintf(gp, "'plotdata/periods.dat' using 1:2 with points pt 6 ps 1.5 lc rgb 'black' title 'true, per trajectory'");
  if (nosc) fprintf(gp, ", '' using 1:3 with points pt 7 ps 1.3 lc rgb '#d62728' title 'discovered', '' using 1:($4 == 1 ? $3 : 1/0) with points pt 4 ps 2.5 lw 2 lc rgb '#d62728' title 'highlighted'");
  fprintf(gp, "\nunset grid\nset key default\nset autoscale\nunset title\n");
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnSindyPlots(const PhynnRecord *rec, const PhynnSindyValidation *v, const char *gnuplot, const char *dir)
{
  FILE *gp;

  PetscFunctionBegin;
  PetscCall(PhynnGnuplotBegin(dir, &gp));
  PetscCall(FramesPlot(gp, v, dir));
  PetscCall(CoefficientPlot(gp, v, dir));
  PetscCall(LatentThetaPlot(gp, v, dir));
  PetscCall(LatentSimPlot(gp, v, dir));
  PetscCall(SimErrorPlot(gp, v, dir));
  PetscCall(PeriodPlot(gp, v, dir));
  PetscCall(PhynnGpLossPlot(gp, v->terminal, v->image_ext, v->problem, rec, dir));
  PetscCall(PhynnGnuplotRun(&gp, gnuplot, dir));
  PetscFunctionReturn(0);
}
