/* `phynn bench -bench_model autoencoder`: times the training step of an image autoencoder as
 * `phynn bench` times the PINN step (apps/cmd_bench.c), and reads its convolutions against this
 * machine's DGEMM.
 *
 *   phynn bench -bench_model autoencoder [-bench_arch spatial|conv] [-bench_frames 30] [-bench_size 160]
 *   OPENBLAS_NUM_THREADS=1 mpirun -np 2 phynn bench -bench_model autoencoder   (each rank its share of the frames)
 *
 * The frames are the tutorial's rod rendered at -bench_frames angles in [-20°, 20°] (the same on
 * every rank count); the step is forward, backward, one MPI_Allreduce of [gradient | loss] and an
 * Adam update. The per-op times come from the graph's profiling (PhynnGraphSetProfiling); the
 * convolution FLOPs are counted from the model's conv and convt blocks: 2 OC OH OW IC KH KW per
 * frame for the forward GEMM (for convt the same with input and output exchanged) and twice that
 * for the backward (the weight and the input gradients). */
#include <math.h>
#include <string.h>

#include "autoencoder_arch.h"
#include "bench_blas.h"
#include "commands.h"
#include "phynn/model.h"
#include "phynn/optim.h"
#include "phynn/pendulum_render.h"


/* Forward GEMM FLOPs per frame of the model's conv and convt blocks, and the largest conv GEMM's
 * shape (rows, inner, cols) for the DGEMM reference. */
static PetscErrorCode ConvFlops(PhynnModel m, PhynnGraph g, double *flops, long *shape)
{
  int               nb;
  const PhynnBlock *blocks;
  PetscFunctionBegin;
  *flops = 0;
  shape[0] = shape[1] = shape[2] = 0;
  PetscCall(PhynnModelGetBlocks(m, &nb, &blocks));
  for (int k = 0; k < nb; k++) {
    const PhynnBlock b = blocks[k];
    int              transposed = !strcmp(b->type->kind, "convt"), W;
    char             name[PHYNN_SPEC_NAME_MAX + 4];
    PhynnShape       ws;
    if (strcmp(b->type->kind, "conv") && !transposed) continue;
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s.W", b->name));
    PetscCall(PhynnModelGetParamNode(m, g, name, &W));
    PetscCall(PhynnGraphNodeShape(g, W, &ws));
    const PhynnVarShape *small = transposed ? &b->in_shape[0] : &b->out_shape, *big = transposed ? &b->out_shape : &b->in_shape[0];
    double rows = (double)(transposed ? big->dim[0] : small->dim[0]), inner = (double)(transposed ? small->dim[0] : big->dim[0]) * (double)(ws.dim[2] * ws.dim[3]);
    double cols = (double)(small->dim[1] * small->dim[2]);
    (void)big;
    *flops += 2.0 * rows * inner * cols;
    if (rows * inner * cols > (double)shape[0] * (double)shape[1] * (double)shape[2]) {
      shape[0] = (long)rows;
      shape[1] = (long)inner;
      shape[2] = (long)cols;
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PhynnBenchAutoencoder(MPI_Comm comm, const char *arch, long frames, long size_px, long steps, long warmup, uint64_t seed)
{
  PhynnPendulumRender r;
  PhynnModel          m;
  PhynnGraph          g;
  PhynnText           spec = {NULL, 0, 0};
  PhynnBenchStep             b    = {0};
  PhynnOptimizer      opt;
  long                start, count, F;
  double             *X, *theta, geometry[4] = {0, 0, 1, 1}, loss = 0, *ts, conv_flops;
  long                gemm[3];
  int                 x, target, outs[2], L;

  PetscFunctionBegin;
  PhynnPendulumRenderDefaults(PHYNN_RENDER_ROD, 1.0, &r);
  r.nx = r.ny = size_px;
  F        = size_px * size_px;
  geometry[2] = (r.ymax - r.ymin) / (r.xmax - r.xmin);                       /* pixel aspect */
  geometry[1] = geometry[2] * (0.5 * (double)size_px - (r.ymax / (r.ymax - r.ymin)) * (double)size_px) / (0.5 * PetscMin((double)size_px, geometry[2] * (double)size_px)); /* pivot at y = 0 */
  PhynnSplitRange(frames, PhynnRank(comm), PhynnSize(comm), &start, &count);
  PetscCall(PetscMalloc2(count * F + 1, &X, steps, &ts));
  for (long i = 0; i < count; i++) {
    double th = (20.0 * M_PI / 180.0) * (2.0 * (double)(start + i) / (double)PetscMax(frames - 1, 1) - 1.0);
    PetscCall(PhynnPendulumRenderFrame(&r, th, 0, 0, X + i * F, NULL, NULL));
  }
  PetscCall(PhynnModelCreate(comm, &m));
  PetscCall(PhynnAutoencoderArch(comm, arch, 1, size_px, size_px, 1, geometry, "image", &spec));
  PetscCall(PhynnModelSetSpec(m, spec.s, "-bench_arch"));
  PetscCall(PhynnTextFree(&spec));
  PetscCall(PhynnGraphCreate(comm, &g));
  {
    const long    dims[4] = {0, 1, size_px, size_px};
    PhynnInitSpec init    = {PHYNN_INIT_XAVIER_NORMAL, 0, 0};
    PetscCall(PhynnModelSetUp(m, g, &init));
    PetscCall(PhynnGraphInputND(g, "frames", 4, dims, &x));
    PetscCall(PhynnModelApply(m, g, &x, NULL, outs));
    PetscCall(PhynnGraphInputND(g, "target", 4, dims, &target));
    PetscCall(PhynnGraphLoss(g, PHYNN_LOSS_MSE, outs[1], target, &L));
  }
  PetscCall(PhynnGraphSetUp(g));
  PetscCall(PhynnGraphSetLossNorm(g, L, (double)(frames * F)));
  PetscCall(PhynnGraphInitParameters(g, seed));
  PetscCall(PhynnGraphSetInput(g, x, count, X));
  PetscCall(PhynnGraphSetInput(g, target, count, X));
  b.comm = comm;
  b.g    = g;
  b.root = L;
  PetscCall(PhynnGraphParameters(g, &theta, &b.dtheta, &b.n));
  PetscCall(PetscMalloc1(b.n + 1, &b.red));
  PetscCall(PhynnOptimizerCreate(comm, b.n, &opt));
  PetscCall(PhynnOptimizerSetType(opt, PHYNN_OPTIM_ADAM));
  PetscCall(PhynnOptimizerSetLearningRate(opt, 1e-3));
  PetscCall(PhynnOptimizerSetUp(opt));
  PetscCall(ConvFlops(m, g, &conv_flops, gemm));
  for (long s = 0; s < warmup + steps; s++) {
    double t0;
    if (s == warmup) PetscCall(PhynnGraphSetProfiling(g, PETSC_TRUE));
    PetscCallMPI(MPI_Barrier(comm));
    t0 = PhynnTime();
    PetscCall(PhynnOptimizerStep(opt, theta, PhynnBenchObjective, &b, &loss, NULL));
    if (s >= warmup) ts[s - warmup] = PhynnTime() - t0;
  }
  PetscCheck(isfinite(loss), comm, PHYNN_ERR_NUMERIC, "the benchmark loss became %g; the step is numerically broken", loss);
  double med = PhynnBenchMedian((int)steps, ts), med_max, conv_s = 0, conv_max, dgemm = 0;
  for (int k = 0; k < PhynnGraphOpTypeCount(); k++) {
    double f, bw;
    PetscCall(PhynnGraphGetOpSeconds(g, k, &f, &bw));
    if (!strcmp(PhynnGraphOpTypeName(k), "conv2d") || !strcmp(PhynnGraphOpTypeName(k), "conv_transpose2d")) conv_s += (f + bw) / (double)steps;
  }
  PetscCallMPI(MPI_Allreduce(&med, &med_max, 1, MPI_DOUBLE, MPI_MAX, comm));
  PetscCallMPI(MPI_Allreduce(&conv_s, &conv_max, 1, MPI_DOUBLE, MPI_MAX, comm));
  if (gemm[0] > 0) PetscCall(PhynnBenchDgemmRate(comm, gemm[2], gemm[1], gemm[0], 3, &dgemm)); /* (cols x inner) by (inner x rows): the im2col product */
  long count_max = count;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &count_max, 1, MPI_LONG, MPI_MAX, comm));
  const double step_conv_flops = 3.0 * conv_flops * (double)count_max; /* forward + two backward GEMMs, the busiest rank's frames */
  PetscCall(PhynnPrintf(comm, "model: autoencoder\narch: %s\nranks: %d\nframes: %ld\nframes_per_rank: %ld\nframe_size: %ldx%ld\nparameters: %ld\n", arch, PhynnSize(comm), frames, count_max, size_px, size_px, b.n));
  PetscCall(PhynnPrintf(comm, "steps: %ld\nwarmup: %ld\nloss_last: %.6e\nseconds_per_step: %.6g\n", steps, warmup, loss, med_max));
  PetscCall(PhynnPrintf(comm, "conv_flops_per_step_per_rank: %.6e\nconv_seconds_per_step: %.6g\nconv_gflops: %.3f\n", step_conv_flops, conv_max, conv_max > 0 ? step_conv_flops / conv_max / 1e9 : 0.0));
  if (gemm[0] > 0) PetscCall(PhynnPrintf(comm, "dgemm_shape: %ldx%ld by %ldx%ld\ndgemm_gflops: %.3f\nconv_fraction_of_dgemm: %.3f\n", gemm[2], gemm[1], gemm[1], gemm[0], dgemm, dgemm > 0 && conv_max > 0 ? step_conv_flops / conv_max / 1e9 / dgemm : 0.0));
  PetscCall(PhynnOptimizerDestroy(&opt));
  PetscCall(PetscFree(b.red));
  PetscCall(PhynnGraphDestroy(&g));
  PetscCall(PhynnModelDestroy(&m));
  PetscCall(PetscFree2(X, ts));
  PetscFunctionReturn(0);
}
