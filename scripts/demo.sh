#!/usr/bin/env bash
# The README's first command, the main job: on a fresh Debian 12 machine, install what is
# missing, build phynn, then
#   1. solve the reference problems (pendulum, heat, NLS) as NetCDF,
#   2. train the pendulum, heat and a short NLS PINN data-parallel on 2 MPI ranks,
#   2b. solve a family of heat problems and train an FNO and a DeepONet on it (neural operators),
#   3. render the pendulum's frames and train autoencoders (latent 1 and 2) and PCA on them,
#   3b. train the quick SINDy autoencoder (tutorial Example 4) on Champion's blob frames,
#   4. validate each against its reference, frames or family (thresholds that fit runs this short),
#      and compare the heat PINN with the two operators on the heat problem, and
#   5. write report/index.html linking the reports (with the discovered equation).
# About 8 minutes on 2 cores once built (a first run also installs packages and builds).
# Everything it writes goes to runs/ and report/.
#
#   scripts/demo.sh                 PHYNN_NP=4 scripts/demo.sh (more ranks; oversubscribes)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
np=${PHYNN_NP:-2}
jobs=${PHYNN_JOBS:-2}
say() { echo "demo.sh: $*"; }

scripts/install-deps.sh

say "configure + build: Release in build/"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release --log-level=WARNING
cmake --build build -j"$jobs"

# Open MPI refuses to run as root, and to start more ranks than cores, unless told.
mpi_flags=()
if [[ $(id -u) -eq 0 ]]; then mpi_flags+=(--allow-run-as-root); fi
if ((np > $(nproc))); then mpi_flags+=(--oversubscribe); fi
export OMPI_MCA_btl_vader_single_copy_mechanism=${OMPI_MCA_btl_vader_single_copy_mechanism:-none}
# One BLAS (and OpenMP) thread per rank: the ranks already use the cores.
run() { mpirun "${mpi_flags[@]}" -np "$np" -x OPENBLAS_NUM_THREADS=1 -x OMP_NUM_THREADS=1 build/phynn "$@"; }
phynn=build/phynn

rm -rf runs report
mkdir -p runs report
start=$(date +%s)

say "1. reference solutions"
$phynn solve pendulum -linear -g 9.8 -l 0.5 -theta0 pi/4 -tf 2 -nt 201 -o runs/pendulum_ref.nc
$phynn solve heat -o runs/heat_ref.nc
$phynn solve nls -o runs/nls_ref.nc

say "2. PINNs on $np ranks (progress below; -reference prints the error reached and the time to 1e-2 / 1e-3)"
run train pinn-pendulum -options_file jobs/pendulum.opts -reference runs/pendulum_ref.nc -loss_log runs/pendulum_loss.csv -o runs/pendulum.nc
run train pinn-heat -options_file jobs/heat.opts -reference runs/heat_ref.nc -loss_log runs/heat_loss.csv -o runs/heat.nc
run train pinn-nls -options_file jobs/nls_short.opts -reference runs/nls_ref.nc -loss_log runs/nls_loss.csv -o runs/nls.nc

say "2b. neural operators: 500 heat problems (random initial conditions), an FNO and a DeepONet of u0 -> u(t = 1) (docs/operators.md)"
run solve heat -nsamples 500 -quiet -o runs/heat_family.nc
run train operator -arch fno -data runs/heat_family.nc -holdout 50 -epochs 40 -lr 3e-3 -progress_s 20 -loss_log runs/heat_fno_loss.csv -o runs/heat_fno.nc
run train operator -arch deeponet -data runs/heat_family.nc -holdout 50 -epochs 150 -progress_s 20 -loss_log runs/heat_deeponet_loss.csv -o runs/heat_deeponet.nc

say "3. pendulum frames, autoencoders with latent 1 and 2, the PCA baseline (tutorial Example 3)"
$phynn solve pendulum-images -quiet -o runs/frames.nc
# A shorter schedule than the default (1500 Adam epochs + 1000 L-BFGS), to fit the job's budget.
ae_opts=(-data runs/frames.nc -epochs 800 -lbfgs_it 400 -progress_s 20)
run train autoencoder "${ae_opts[@]}" -latent 1 -loss_log runs/ae1_loss.csv -o runs/ae1.nc
run train autoencoder "${ae_opts[@]}" -latent 2 -loss_log runs/ae2_loss.csv -o runs/ae2.nc
run pca runs/frames.nc -k 16 -o runs/pca.nc

say "3b. SINDy autoencoder, the quick configuration (tutorial Example 4; docs/sindy.md)"
$phynn solve pendulum-images -options_file jobs/sindy_quick_data.opts -seed 1 -quiet -o runs/sindy_train.nc
$phynn solve pendulum-images -options_file jobs/sindy_quick_data.opts -ntraj 5 -seed 2 -quiet -o runs/sindy_val.nc
run train sindy-ae -options_file jobs/sindy_quick.opts -data runs/sindy_train.nc -loss_log runs/sindy_loss.csv -o runs/sindy.nc

say "4. validation"
# Thresholds for runs this short: the pendulum and heat PINNs reach 1e-4 and 1e-3; the short NLS
# run (2000 points, 3000 iterations, against the published 20000 points and 100000) reaches a
# few percent in |h|. A failed threshold is reported, and the job goes on to the index.
status=()
validate() { # name title model reference thresholds
  if $phynn validate "runs/$1.nc" "runs/$1_ref.nc" -report "report/$1" -threshold "$3"; then status+=("$1:pass:$2:$3"); else status+=("$1:FAIL:$2:$3"); fi
}
validate pendulum "Pendulum PINN (tutorial Example 2, small angle)" "rel_l2=1e-4"
validate heat "Heat equation PINN (u_t = 0.4 u_xx)" "rel_l2=1e-3"
validate nls "NLS PINN, short run (Raissi et al. set-up, fewer points and iterations)" "rel_l2[|h|]=1e-1"
# The operators on the 50 family samples they never saw (the relative L2 of u(t = 1), which is
# small: samples whose first mode is small weigh heavily), and the PINN beside them on the
# heat problem: one report with the errors, the fields, training and answer seconds.
validate_family() { # name title thresholds
  if $phynn validate "runs/$1.nc" runs/heat_family.nc -report "report/$1" -threshold "$3"; then status+=("$1:pass:$2:$3"); else status+=("$1:FAIL:$2:$3"); fi
}
validate_family heat_fno "FNO on the heat family, u0 -> u(t = 1), held-out samples" "rel_l2=1e-1"
validate_family heat_deeponet "DeepONet on the heat family, u0 -> u(t = 1), held-out samples" "rel_l2=2e-1"
$phynn compare runs/heat.nc runs/heat_fno.nc runs/heat_deeponet.nc -reference runs/heat_ref.nc -report report/heat_compare
status+=("heat_compare:pass:Heat equation: the PINN, the FNO and the DeepONet against the solver (errors, fields, seconds):-")
# The autoencoders on the 70 frames they never saw (Example 3's goal: 1e-3), with 20% salt noise on
# the input and PCA with up to 16 components beside them.
validate_frames() { # name title thresholds
  if $phynn validate "runs/$1.nc" runs/frames.nc -report "report/$1" -noise salt:0.2 -baseline runs/pca.nc -threshold "$3"; then status+=("$1:pass:$2:$3"); else status+=("$1:FAIL:$2:$3"); fi
}
validate_frames ae1 "Autoencoder, latent 1 (tutorial Example 3), PCA baseline, 20% salt noise" "mae[heldout]=1e-3"
validate_frames ae2 "Autoencoder, latent 2 (tutorial Example 3), PCA baseline, 20% salt noise" "mae[heldout]=1e-3"
# The SINDy autoencoder on 5 trajectories it never saw; the threshold is the reconstruction's
# relative squared error (Champion's model 1: 3.3e-4; the quick run reaches about 1e-3,
# docs/results.md).
sindy_eq=$(/usr/bin/python3 -c "import netCDF4; print(netCDF4.Dataset('runs/sindy.nc')['sindy'].equation)" | tr -d ':')
if $phynn validate runs/sindy.nc runs/sindy_val.nc -report report/sindy -threshold "rel_sq[x]=1e-2"; then r=pass; else r=FAIL; fi
status+=("sindy:$r:SINDy autoencoder, quick configuration, discovered $sindy_eq:rel_sq[x]=1e-2")

say "5. report/index.html"
{
  echo '<!DOCTYPE html><html><head><meta charset="utf-8"><title>phynn main job</title>'
  echo '<style>body{font-family:sans-serif;max-width:60em;margin:2em auto} td,th{padding:.3em 1em;border-bottom:1px solid #ccc} .pass{color:#070} .FAIL{color:#b00;font-weight:bold} code{white-space:nowrap}</style></head><body>'
  echo "<h1>phynn main job</h1><p>$(build/phynn version) &middot; $np MPI ranks &middot; $(date -u +%Y-%m-%dT%H:%M:%SZ) &middot; $(( $(date +%s) - start )) s</p>"
  echo '<table><tr><th>problem</th><th>result</th><th>threshold</th><th>report</th></tr>'
  for s in "${status[@]}"; do
    IFS=: read -r name result title thr <<<"$s"
    echo "<tr><td>$title</td><td class=\"$result\">$result</td><td><code>$thr</code></td><td><a href=\"$name/index.html\">$name/index.html</a></td></tr>"
  done
  echo '</table><p>Each PINN report: metrics (relative L2 and max errors per component), reference, prediction and error plots, loss history by term, error over time. Each autoencoder report: reconstruction errors on held-out frames, clean and noisy, frames beside their reconstructions, the latent code against time and the angle, PCA error against components. The SINDy report: the discovered law, Champion's relative errors, the law integrated and decoded against the true frames, its period against the pendulum's. Each operator report: relative L2 per held-out sample, by Fourier band, the worst and median samples; the comparison: the PINN and the operators on one heat problem, with training and answer seconds.</p></body></html>'
} > report/index.html.tmp
mv report/index.html.tmp report/index.html
for s in "${status[@]}"; do say "  ${s%%:*}: $(cut -d: -f2 <<<"$s")"; done
say "done in $(( $(date +%s) - start )) s: open report/index.html"
for s in "${status[@]}"; do [[ $s == *:FAIL:* ]] && exit 1; done
exit 0
