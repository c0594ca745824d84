/* `phynn bench -bench_model sindy-ae`: the cost of a SINDy-autoencoder training step, against a
 * plain forward and backward of the same two networks (no jets: the reconstruction loss alone) and
 * against this machine's DGEMM.
 *
 *   phynn bench -bench_model sindy-ae [-bench_frames 1024] [-bench_size 51] [-bench_widths 128,64,32]
 *   OPENBLAS_NUM_THREADS=1 mpirun -np 2 phynn bench -bench_model sindy-ae   (each rank its share)
 *
 * Frames: Champion et al.'s blob (51 x 51 pixels, or -bench_size) at -bench_frames states (theta, theta', theta'') spread
 * over a swing, with their exact x' and x''. The SINDy step carries K = 3 row blocks [x; x'; x'']
 * through the encoder and [z; z'; Theta Xi] through the decoder, so its GEMMs are 3 times the plain
 * step's: 2 K P flops forward and 4 K P backward per frame for the P weights of the dense layers
 * (the plain step: K = 1). The step is forward, backward, one MPI_Allreduce of [gradient | loss]
 * and an Adam update; the median of -bench_steps is reported. */
#include <math.h>

#include "bench_blas.h"
#include "bench_sindy.h"
#include "phynn/optim.h"
#include "phynn/pendulum_render.h"
#include "phynn/sindy_ae.h"


/* The median seconds of `steps` Adam steps on root of g (after `warmup`), the slowest rank's. */
static PetscErrorCode TimeSteps(MPI_Comm comm, PhynnGraph g, int root, long steps, long warmup, double *seconds, double *loss)
{
  PhynnBenchStep           b = {comm, g, root, 0, NULL, NULL};
  PhynnOptimizer opt;
  double        *theta, *ts, med;
  PetscFunctionBegin;
  PetscCall(PhynnGraphParameters(g, &theta, &b.dtheta, &b.n));
  PetscCall(PetscMalloc2(b.n + 1, &b.red, steps, &ts));
  PetscCall(PhynnOptimizerCreate(comm, b.n, &opt));
  PetscCall(PhynnOptimizerSetType(opt, PHYNN_OPTIM_ADAM));
  PetscCall(PhynnOptimizerSetLearningRate(opt, 1e-4));
  PetscCall(PhynnOptimizerSetUp(opt));
  for (long s = 0; s < warmup + steps; s++) {
    double t0;
    PetscCallMPI(MPI_Barrier(comm));
    t0 = PhynnTime();
    PetscCall(PhynnOptimizerStep(opt, theta, PhynnBenchObjective, &b, loss, NULL));
    if (s >= warmup) ts[s - warmup] = PhynnTime() - t0;
  }
  PetscCheck(isfinite(*loss), comm, PHYNN_ERR_NUMERIC, "the benchmark loss became %g; the step is numerically broken", *loss);
  med = PhynnBenchMedian((int)steps, ts);
  PetscCallMPI(MPI_Allreduce(&med, seconds, 1, MPI_DOUBLE, MPI_MAX, comm));
  PetscCall(PhynnOptimizerDestroy(&opt));
  PetscCall(PetscFree2(b.red, ts));
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnBenchSindy(MPI_Comm comm, long frames, long size_px, const long *widths, int nwidths, long steps, long warmup, uint64_t seed)
{
  PhynnPendulumRender r;
  PhynnModel          m;
  PhynnGraph          g, gp;
  PhynnText           spec = {NULL, 0, 0};
  PhynnSindyAE        ae;
  long                start, count, count_max, F, P = 0, nparams;
  double             *X, *Xt, *Xtt, *ones, *zeros, sec_jet, sec_plain, loss_jet, loss_plain, dgemm = 0;
  int                 root, x, outs[2], L;

  PetscFunctionBegin;
  PhynnPendulumRenderDefaults(PHYNN_RENDER_BLOB, 1.0, &r);
  r.nx = r.ny = size_px; /* the same window, as jobs/sindy_quick_data.opts's -nx 26 -ny 26 */
  F = r.nx * r.ny;
  PhynnSplitRange(frames, PhynnRank(comm), PhynnSize(comm), &start, &count);
  count_max = count;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &count_max, 1, MPI_LONG, MPI_MAX, comm));
  PetscCall(PetscMalloc5(count * F + 1, &X, count * F + 1, &Xt, count * F + 1, &Xtt, count + 1, &ones, 64 * 64, &zeros));
  for (long i = 0; i < count; i++) { /* a swing of amplitude 2: theta = 2 cos(s), theta' = -2 sin(s), theta'' = -sin(theta) */
    double s = 2 * M_PI * (double)(start + i) / (double)frames, th = 2 * cos(s);
    PetscCall(PhynnPendulumRenderFrame(&r, th, -2 * sin(s), -sin(th), X + i * F, Xt + i * F, Xtt + i * F));
    ones[i] = 1;
  }
  for (long i = 0; i < 64 * 64; i++) zeros[i] = 0;
  /* the default model of phynn train sindy-ae (latent 1, order 2, degree 3, sines) */
  PetscCall(PhynnTextAppend(&spec, "input frames dims=1,%ld,%ld\nmlp code(frames) sizes=%ld", r.ny, r.nx, F));
  for (int k = 0; k < nwidths; k++) PetscCall(PhynnTextAppend(&spec, ",%ld", widths[k]));
  PetscCall(PhynnTextAppend(&spec, ",1 act=sigmoid out=identity\nmlp recon(code) sizes=1"));
  for (int k = nwidths - 1; k >= 0; k--) PetscCall(PhynnTextAppend(&spec, ",%ld", widths[k]));
  PetscCall(PhynnTextAppend(&spec, ",%ld act=sigmoid out=identity\nsindy law(code) order=2 poly=3 sine=1\noutput code\noutput recon\n", F));
  for (int k = 0; k <= nwidths; k++) P += (k == 0 ? F : widths[k - 1]) * (k == nwidths ? 1 : widths[k]); /* encoder weights; the decoder mirrors them */
  P *= 2;
  PetscCall(PhynnModelCreate(comm, &m));
  PetscCall(PhynnModelSetSpec(m, spec.s, "-bench_model sindy-ae"));
  PetscCall(PhynnTextFree(&spec));
  PetscCall(PhynnSindyAEFromModel(comm, m, "-bench_model sindy-ae", &ae));

  /* the SINDy step: the four terms through the jets */
  PetscCall(PhynnGraphCreate(comm, &g));
  PetscCall(PhynnModelSetUp(m, g, NULL));
  PetscCall(PhynnSindyAEGraph(m, g, &ae));
  PetscCall(PhynnGraphWeightedSum(g, PHYNN_SINDY_AE_TERMS, ae.term, (const double[]){1, 5e-4, 5e-5, 1e-5}, &root));
  PetscCall(PhynnGraphSetUp(g));
  for (int k = 0; k < 3; k++) PetscCall(PhynnGraphSetLossNorm(g, ae.term[k], (double)(frames * ae.per_sample[k])));
  PetscCall(PhynnGraphInitParameters(g, seed));
  PetscCall(PhynnGraphSetInput(g, ae.x, count, X));
  PetscCall(PhynnGraphSetInput(g, ae.x_t, count, Xt));
  PetscCall(PhynnGraphSetInput(g, ae.x_tt, count, Xtt));
  PetscCall(PhynnGraphSetInput(g, ae.one, count, ones));
  PetscCall(PhynnGraphSetInput(g, ae.zero, 1, zeros));
  PetscCall(PhynnGraphParameters(g, NULL, NULL, &nparams));
  PetscCall(TimeSteps(comm, g, root, steps, warmup, &sec_jet, &loss_jet));

  /* the plain step: the same networks, frames in, reconstruction loss out */
  PetscCall(PhynnGraphCreate(comm, &gp));
  PetscCall(PhynnModelSetUp(m, gp, NULL));
  {
    const long dims[4] = {0, 1, r.ny, r.nx};
    int        target;
    PetscCall(PhynnGraphInputND(gp, "frames", 4, dims, &x));
    PetscCall(PhynnModelApply(m, gp, &x, NULL, outs));
    PetscCall(PhynnGraphInput(gp, "target", F, &target));
    PetscCall(PhynnGraphLoss(gp, PHYNN_LOSS_MSE, outs[1], target, &L));
    PetscCall(PhynnGraphSetUp(gp));
    PetscCall(PhynnGraphSetLossNorm(gp, L, (double)(frames * F)));
    PetscCall(PhynnGraphInitParameters(gp, seed));
    PetscCall(PhynnGraphSetInput(gp, x, count, X));
    PetscCall(PhynnGraphSetInput(gp, target, count, X));
  }
  PetscCall(TimeSteps(comm, gp, L, steps, warmup, &sec_plain, &loss_plain));
  PetscCall(PhynnBenchDgemmRate(comm, 3 * count_max, F, widths[0], 3, &dgemm)); /* the widest layer, K = 3 blocks of rows */

  const double flops_jet = 6.0 * 3.0 * (double)P * (double)count_max, flops_plain = 6.0 * (double)P * (double)count_max; /* the busiest rank's */
  PetscCall(PhynnPrintf(comm, "model: sindy-ae\nranks: %d\nframes: %ld\nframes_per_rank: %ld\nframe_size: %ldx%ld\nparameters: %ld\ndense_weights: %ld\n", PhynnSize(comm), frames, count_max, r.ny, r.nx, nparams, P));
  PetscCall(PhynnPrintf(comm, "steps: %ld\nwarmup: %ld\nseconds_per_step: %.6g\nplain_seconds_per_step: %.6g\njet_cost_factor: %.3f\n", steps, warmup, sec_jet, sec_plain, sec_jet / sec_plain));
  PetscCall(PhynnPrintf(comm, "gemm_flops_per_step_per_rank: %.6e\ngflops: %.3f\nplain_gflops: %.3f\n", flops_jet, flops_jet / sec_jet / 1e9, flops_plain / sec_plain / 1e9));
  PetscCall(PhynnPrintf(comm, "dgemm_shape: %ldx%ld by %ldx%ld\ndgemm_gflops: %.3f\nfraction_of_dgemm: %.3f\n", 3 * count_max, F, F, widths[0], dgemm, dgemm > 0 ? flops_jet / sec_jet / 1e9 / (dgemm / PhynnSize(comm)) : 0.0));
  (void)loss_plain;
  PetscCall(PhynnModelRelease(m, g));
  PetscCall(PhynnModelRelease(m, gp));
  PetscCall(PhynnGraphDestroy(&g));
  PetscCall(PhynnGraphDestroy(&gp));
  PetscCall(PhynnModelDestroy(&m));
  PetscCall(PetscFree5(X, Xt, Xtt, ones, zeros));
  PetscFunctionReturn(0);
}
