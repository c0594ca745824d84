/* The image report's pictures, drawn by gnuplot from one generated script (validation/gnuplot.c):
 *   frames.<ext>        held-out frames spread in time: input, noisy input (first -noise level),
 *                       reconstruction, reconstruction of the noisy input, |reconstruction - input|
 *   latent_time.<ext>   each latent coordinate against t (or the frame index), coloured by t
 *   latent_plane.<ext>  K >= 2: z1 against z2 coloured by t, and the curve (z1, z2, t) in 3-D
 *   latent_theta.<ext>  the data has theta: theta against the latent most correlated with it,
 *                       with the polynomial fit and the isotonic (monotone) fit
 *   baseline.<ext>      -baseline: held-out MAE of PCA with k = 1..K components (log scale) and
 *                       the model's at its latent size
 *   loss_history.<ext>  the training record's loss history
 * Training frames are open circles, held-out frames filled ones, wherever frames are points. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "images_impl.h"
#include "report_impl.h"

#define MAX_LATENT_PANELS 6 /* latent_time shows z1 .. z6 */


/* Channel 0 of a frame as an H x W matrix, top row first. */
static PetscErrorCode WriteMatrix(const PhynnImageValidation *v, const double *frame, const double *minus, const char *dir, const char *name)
{
  FILE *fp;
  PetscFunctionBegin;
  PetscCall(PhynnPlotDataOpen(dir, name, &fp));
  for (long i = 0; i < v->H; i++) {
    for (long j = 0; j < v->W; j++) PhynnGpPut(fp, minus ? fabs(frame[i * v->W + j] - minus[i * v->W + j]) : frame[i * v->W + j], PETSC_FALSE);
    fputc('\n', fp);
  }
  PetscCall(PhynnPlotDataClose(fp, dir, name));
  PetscFunctionReturn(0);
}

static void TimeLabel(const PhynnImageValidation *v, char *out, size_t len)
{
  if (v->has_t) PhynnGpAxisLabel("t", v->t_units, out, len);
  else snprintf(out, len, "frame index (the data has no t)");
}

typedef enum { COL_INPUT, COL_NOISY, COL_RECON, COL_NOISY_RECON, COL_ERROR } Column;

static PetscErrorCode FramesPlot(FILE *gp, const PhynnImageValidation *v, const char *dir)
{
  Column col[5];
  int    ncol = 0, panel = 180;
  double lo = INFINITY, hi = -INFINITY, emax = 0;

  PetscFunctionBegin;
  if (!v->nshow) PetscFunctionReturn(0);
  col[ncol++] = COL_INPUT;
  if (v->nnoise) col[ncol++] = COL_NOISY;
  col[ncol++] = COL_RECON;
  if (v->nnoise) col[ncol++] = COL_NOISY_RECON;
  col[ncol++] = COL_ERROR;
  for (int j = 0; j < v->nshow; j++) {
    const double *x = v->x + v->show[j] * v->F, *r = v->recon + v->show[j] * v->F;
    char          name[64];
    for (long p = 0; p < v->H * v->W; p++) { /* channel 0 */
      lo   = PetscMin(lo, PetscMin(x[p], r[p]));
      hi   = PetscMax(hi, PetscMax(x[p], r[p]));
      emax = PetscMax(emax, fabs(r[p] - x[p]));
    }
    for (int c = 0; c < ncol; c++) {
      snprintf(name, sizeof(name), "frame_%d_%d.dat", j, c);
      switch (col[c]) {
      case COL_INPUT: PetscCall(WriteMatrix(v, x, NULL, dir, name)); break;
      case COL_NOISY: PetscCall(WriteMatrix(v, v->show_noisy + j * v->F, NULL, dir, name)); break;
      case COL_RECON: PetscCall(WriteMatrix(v, r, NULL, dir, name)); break;
      case COL_NOISY_RECON: PetscCall(WriteMatrix(v, v->show_noisy_recon + j * v->F, NULL, dir, name)); break;
      case COL_ERROR: PetscCall(WriteMatrix(v, r, x, dir, name)); break;
      }
    }
  }
  if (!(hi > lo)) hi = lo + 1;
  if (!(emax > 0) || !isfinite(emax)) emax = 1;
  PhynnGpTerminal(gp, v->terminal, v->image_ext, 60 + (panel + 40) * ncol, 60 + (panel + 45) * v->nshow, "frames");
  fprintf(gp, "set multiplot layout %d,%d title '%s frames%s: gray scale [%.3g, %.3g], |error| on [0, %.3g] (black to yellow)'\n", v->nshow, ncol, v->nheld ? "held-out" : "all", v->C > 1 ? " (channel 0)" : "", lo, hi, emax);
  fprintf(gp, "unset xtics\nunset ytics\nunset key\nunset colorbox\nset size ratio -1\nset xrange [-0.5:%ld.5]\nset yrange [%ld.5:-0.5]\n", v->W - 1, v->H - 1);
  for (int j = 0; j < v->nshow; j++)
    for (int c = 0; c < ncol; c++) {
      PetscBool err = col[c] == COL_ERROR;
      switch (col[c]) {
      case COL_INPUT: fprintf(gp, "set title 'frame %ld, %s = %.4g%s'\n", v->show[j], v->has_t ? "t" : "index", v->t[v->show[j]], v->has_t && !strcmp(v->t_units, "s") ? " s" : ""); break;
      case COL_NOISY: fprintf(gp, "set title 'input + %s'\n", v->noise_text[0]); break;
      case COL_RECON: fprintf(gp, "set title 'reconstruction'\n"); break;
      case COL_NOISY_RECON: fprintf(gp, "set title 'reconstruction of the noisy input'\n"); break;
      case COL_ERROR: fprintf(gp, "set title '|reconstruction - input|'\n"); break;
      }
      fprintf(gp, "%sset cbrange [%.10g:%.10g]\n", err ? PhynnGpInferno : PhynnGpGray, err ? 0 : lo, err ? emax : hi);
      fprintf(gp, "plot 'plotdata/frame_%d_%d.dat' matrix with image\n", j, c);
    }
  fprintf(gp, "unset multiplot\nset size noratio\nset xtics\nset ytics\nset autoscale\nset key default\nset colorbox\n");
  PetscFunctionReturn(0);
}

/* latent.dat: t, held (0/1), z1 .. zK, one row per frame in frame order. */
static PetscErrorCode LatentData(const PhynnImageValidation *v, const char *dir)
{
  FILE *fp;
  PetscFunctionBegin;
  PetscCall(PhynnPlotDataOpen(dir, "latent.dat", &fp));
  for (long i = 0; i < v->n; i++) {
    fprintf(fp, "%.10g %d", v->t[i], v->held[i] ? 1 : 0);
    for (long k = 0; k < v->K; k++) PhynnGpPut(fp, v->code[i * v->K + k], PETSC_FALSE);
    fputc('\n', fp);
  }
  PetscCall(PhynnPlotDataClose(fp, dir, "latent.dat"));
  PetscFunctionReturn(0);
}

/* " 'plotdata/latent.dat' using X:Y:1 ... title" twice: training frames (open), held out (filled). */
static void TrainHeldPoints(FILE *gp, const char *x, const char *y, const char *extra)
{
  fprintf(gp, "'plotdata/latent.dat' using %s:($2 == 0 ? %s : 1/0)%s:1 with points pt 6 ps 1.2 lc palette title 'training frames', ", x, y, extra);
  fprintf(gp, "'' using %s:($2 == 1 ? %s : 1/0)%s:1 with points pt 7 ps 1.1 lc palette title 'held-out frames'", x, y, extra);
}

/* Whether t increases with the frame index: then a line in frame order is the trajectory. */
static PetscBool OneTrajectory(const PhynnImageValidation *v)
{
  for (long i = 1; i < v->n; i++)
    if (!(v->t[i] > v->t[i - 1])) return PETSC_FALSE;
  return PETSC_TRUE;
}

static void PaletteByTime(FILE *gp, const PhynnImageValidation *v, const char *lt)
{
  double lo = v->t[0], hi = v->t[0];
  for (long i = 0; i < v->n; i++) {
    lo = PetscMin(lo, v->t[i]);
    hi = PetscMax(hi, v->t[i]);
  }
  if (!(hi > lo)) hi = lo + 1;
  fprintf(gp, "%sset cbrange [%.10g:%.10g]\nset cblabel '%s'\nset colorbox\n", PhynnGpViridis, lo, hi, lt);
}

static PetscErrorCode LatentTimePlot(FILE *gp, const PhynnImageValidation *v)
{
  char lt[96];
  int  np = (int)PetscMin(v->K, MAX_LATENT_PANELS);

  PetscFunctionBegin;
  TimeLabel(v, lt, sizeof(lt));
  PhynnGpTerminal(gp, v->terminal, v->image_ext, 1000, 120 + 300 * np, "latent_time");
  PaletteByTime(gp, v, lt);
  fprintf(gp, "set multiplot layout %d,1 title 'latent coordinates against %s%s'\n", np, v->has_t ? "time" : "the frame index", v->K > np ? " (the first 6)" : "");
  fprintf(gp, "set grid\nset key bmargin center horizontal\nset bmargin 6\nset xlabel '%s'\n", lt);
  for (int k = 0; k < np; k++) {
    char y[16], q[64];
    PhynnGpQuote(v->znames[k], q, sizeof(q));
    snprintf(y, sizeof(y), "$%d", 3 + k);
    fprintf(gp, "set ylabel '%s'\nset title '%s'\nplot ", q, q);
    TrainHeldPoints(gp, "1", y, "");
    fprintf(gp, "\n");
  }
  fprintf(gp, "unset multiplot\nunset grid\nunset cblabel\nset key default\nunset bmargin\n");
  PetscFunctionReturn(0);
}

static PetscErrorCode LatentPlanePlot(FILE *gp, const PhynnImageValidation *v)
{
  char      lt[96], z1[64], z2[64];
  PetscBool line = OneTrajectory(v);

  PetscFunctionBegin;
  if (v->K < 2) PetscFunctionReturn(0);
  TimeLabel(v, lt, sizeof(lt));
  PhynnGpQuote(v->znames[0], z1, sizeof(z1));
  PhynnGpQuote(v->znames[1], z2, sizeof(z2));
  PhynnGpTerminal(gp, v->terminal, v->image_ext, 1500, 640, "latent_plane");
  PaletteByTime(gp, v, lt);
  fprintf(gp, "set multiplot layout 1,2 title 'the code in the plane (%s, %s)%s, coloured by %s'\n", z1, z2, v->K > 2 ? " (its first two coordinates)" : "", v->has_t ? "time" : "frame index");
  fprintf(gp, "set grid\nset key bmargin center horizontal\nset bmargin 6\nset xlabel '%s'\nset ylabel '%s'\nset title '%s against %s'\nplot ", z1, z2, z2, z1);
  if (line) fprintf(gp, "'plotdata/latent.dat' using 3:4 with lines lw 1 lc rgb '#bbbbbb' title 'in time order', ");
  TrainHeldPoints(gp, "3", "$4", "");
  fprintf(gp, "\nset title '(%s, %s, %s) in 3-D'\nset zlabel '%s' rotate parallel\nset view 60,35\nset ticslevel 0\nsplot ", z1, z2, v->has_t ? "t" : "index", lt);
  if (line) fprintf(gp, "'plotdata/latent.dat' using 3:4:1 with lines lw 1 lc rgb '#bbbbbb' title 'in time order', ");
  fprintf(gp, "'plotdata/latent.dat' using 3:($2 == 0 ? $4 : 1/0):1:1 with points pt 6 ps 1.2 lc palette title 'training frames', ");
  fprintf(gp, "'' using 3:($2 == 1 ? $4 : 1/0):1:1 with points pt 7 ps 1.1 lc palette title 'held-out frames'\n");
  fprintf(gp, "unset multiplot\nunset grid\nunset zlabel\nunset cblabel\nset key default\nunset bmargin\nset view 60,30\n");
  PetscFunctionReturn(0);
}

static PetscErrorCode LatentThetaPlot(FILE *gp, const PhynnImageValidation *v, const char *dir)
{
  const PhynnLatentTheta *lt = &v->lt;
  FILE                   *fp;
  char                    zq[64], th[96], tl[96];
  double                  lo = INFINITY, hi = -INFINITY;
  long                    j = lt->latent;

  PetscFunctionBegin;
  if (!lt->has || lt->latent < 0) PetscFunctionReturn(0);
  PetscCall(PhynnPlotDataOpen(dir, "theta.dat", &fp)); /* z_j, theta, t, held, isotonic fit */
  for (long i = 0; i < v->n; i++) {
    fprintf(fp, "%.10g %.10g %.10g %d", v->code[i * v->K + j], v->theta[i], v->t[i], v->held[i] ? 1 : 0);
    PhynnGpPut(fp, lt->isotonic ? lt->isotonic[i] : NAN, PETSC_FALSE);
    fputc('\n', fp);
    lo = PetscMin(lo, v->code[i * v->K + j]);
    hi = PetscMax(hi, v->code[i * v->K + j]);
  }
  PetscCall(PhynnPlotDataClose(fp, dir, "theta.dat"));
  PetscCall(PhynnPlotDataOpen(dir, "theta_fit.dat", &fp)); /* the polynomial on 201 points */
  for (int k = 0; lt->degree >= 1 && k <= 200; k++) {
    double z = lo + (hi - lo) * k / 200.0;
    fprintf(fp, "%.10g %.10g\n", z, PhynnLatentThetaFit(lt, z));
  }
  PetscCall(PhynnPlotDataClose(fp, dir, "theta_fit.dat"));
  PhynnGpQuote(v->znames[j], zq, sizeof(zq));
  PhynnGpAxisLabel("theta", v->theta_units, th, sizeof(th));
  TimeLabel(v, tl, sizeof(tl));
  PhynnGpTerminal(gp, v->terminal, v->image_ext, 1000, 650, "latent_theta");
  PaletteByTime(gp, v, tl);
  fprintf(gp, "set title 'theta against %s (correlation %.4f): fitted maps %s -> theta'\n", zq, lt->corr[j], zq);
  fprintf(gp, "set xlabel '%s'\nset ylabel '%s'\nset grid\nset key tmargin center horizontal\nplot ", zq, th);
  fprintf(gp, "'plotdata/theta.dat' using 1:($4 == 0 ? $2 : 1/0):3 with points pt 6 ps 1.2 lc palette title 'training frames', ");
  fprintf(gp, "'' using 1:($4 == 1 ? $2 : 1/0):3 with points pt 7 ps 1.1 lc palette title 'held-out frames'");
  if (lt->degree >= 1) fprintf(gp, ", 'plotdata/theta_fit.dat' using 1:2 with lines lw 2 lc rgb '#d62728' title 'polynomial, degree %d (RMS %.3g%s)'", lt->degree, lt->rms, lt->monotone ? ", monotone" : ", NOT monotone");
  fprintf(gp, ", 'plotdata/theta.dat' using 1:5 smooth unique with lines lw 1.5 dt 2 lc rgb 'black' title 'isotonic, %s (RMS %.3g)'\n", lt->isotonic_dir > 0 ? "increasing" : "decreasing", lt->isotonic_rms);
  fprintf(gp, "unset grid\nunset cblabel\nset key default\n");
  PetscFunctionReturn(0);
}

static PetscErrorCode BaselinePlot(FILE *gp, const PhynnImageValidation *v, const char *dir)
{
  const PhynnImageBaseline *b = &v->base;
  FILE                     *fp;
  PetscBool                 logy = isfinite(b->model_mae) && b->model_mae > 0 ? PETSC_TRUE : PETSC_FALSE;

  PetscFunctionBegin;
  if (!b->m) PetscFunctionReturn(0);
  for (long k = 0; k < b->K; k++)
    if (!(b->mae[k] > 0)) logy = PETSC_FALSE; /* an exact reconstruction has no logarithm */
  PetscCall(PhynnPlotDataOpen(dir, "baseline.dat", &fp));
  for (long k = 0; k < b->K; k++) {
    fprintf(fp, "%ld", k + 1);
    PhynnGpPut(fp, b->mae[k], logy);
    fputc('\n', fp);
  }
  PetscCall(PhynnPlotDataClose(fp, dir, "baseline.dat"));
  PhynnGpTerminal(gp, v->terminal, v->image_ext, 1000, 620, "baseline");
  fprintf(gp, "set title '%s MAE against the number of PCA components'\n", v->nheld ? "held-out" : "all-frame");
  fprintf(gp, "set xlabel 'PCA components k (the model: its latent size)'\nset ylabel 'mean |reconstruction - frame|%s'\n%s", logy ? " (log scale)" : "", logy ? "set logscale y\nset format y '%.0e'\n" : "");
  fprintf(gp, "set grid\nset key top right box opaque\nset xrange [0.5:%ld.5]\nset xtics 1\n", PetscMax(b->K, b->model_latent));
  if (b->K > 20 || b->model_latent > 20) fprintf(gp, "set xtics autofreq\n");
  fprintf(gp, "plot 'plotdata/baseline.dat' using 1:2 with linespoints lw 2 pt 7 lc rgb '#1f77b4' title 'PCA, k components'");
  fprintf(gp, ", %.10g with lines dt 2 lc rgb '#d62728' notitle", b->model_mae);
  fprintf(gp, ", '-' using 1:2 with points pt 9 ps 2.5 lc rgb '#d62728' title '%s (latent %ld)'\n%ld %.10g\ne\n", v->problem, b->model_latent, b->model_latent, b->model_mae);
  fprintf(gp, "unset logscale y\nset format y\nunset grid\nset autoscale\nset xtics autofreq\nset key default\n");
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnImagePlots(const PhynnRecord *rec, const PhynnImageValidation *v, const char *gnuplot, const char *dir)
{
  FILE *gp;

  PetscFunctionBegin;
  PetscCall(PhynnGnuplotBegin(dir, &gp));
  PetscCall(FramesPlot(gp, v, dir));
  PetscCall(LatentData(v, dir));
  PetscCall(LatentTimePlot(gp, v));
  PetscCall(LatentPlanePlot(gp, v));
  PetscCall(LatentThetaPlot(gp, v, dir));
  PetscCall(BaselinePlot(gp, v, dir));
  PetscCall(PhynnGpLossPlot(gp, v->terminal, v->image_ext, v->problem, rec, dir));
  PetscCall(PhynnGnuplotRun(&gp, gnuplot, dir));
  PetscFunctionReturn(0);
}
